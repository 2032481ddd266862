"""Choosing the precision (`keras_gan.use_precision`, `--precision`), float32 sampling under a mixed policy, and
saved files that load under either policy."""

import json
import os
import warnings

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan import cli, mixed_precision, zoo
from conftest import BACKEND, fake_data, tiny_dcgan

DATA = os.path.join(os.path.dirname(__file__), "data")
TINY_STYLEGAN2 = {"latent_dim": 8, "w_dim": 8, "mapping_layers": 1, "channel_base": 32, "channel_max": 8, "seed": 0}


@pytest.fixture
def machine(monkeypatch):
    """`machine(flags, gpu=False)`: what `bf16_unit` sees, mocked: the CPU's flags and whether tensors go to a GPU."""
    def set_machine(flags=(), gpu=False):
        monkeypatch.setattr(mixed_precision, "cpu_flags", lambda path="/proc/cpuinfo": set(flags))
        monkeypatch.setattr(mixed_precision, "_on_gpu", lambda: gpu)

    return set_machine


def _under(policy, build):
    """`build()` under the global dtype policy `policy`, the policy put back after."""
    keras.mixed_precision.set_global_policy(policy)
    try:
        return build()
    finally:
        keras.mixed_precision.set_global_policy("float32")


@pytest.mark.backend_independent
def test_cpu_flags_read_proc_cpuinfo_and_are_empty_without_it(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 amx_bf16 amx_tile\nbugs\t\t: spectre_v1\n"
                    "processor\t: 1\nflags\t\t: fpu sse2 avx2 amx_bf16 amx_tile\n")
    assert mixed_precision.cpu_flags(str(info)) == {"fpu", "sse2", "avx2", "amx_bf16", "amx_tile"}
    assert mixed_precision.cpu_flags(str(tmp_path / "absent")) == set()
    assert isinstance(mixed_precision.cpu_flags(), set)  # this machine's, whatever it is


@pytest.mark.parametrize("flags, gpu, unit", [
    ({"avx2", "amx_bf16", "avx512_bf16"}, False, "amx"), ({"avx512f", "avx512_bf16"}, False, "avx512_bf16"),
    ({"avx2"}, False, None), (set(), False, None), ({"avx2"}, True, "gpu"),
])
def test_bf16_unit_from_the_cpu_flags_or_a_gpu(machine, flags, gpu, unit):
    machine(flags, gpu)
    assert mixed_precision.bf16_unit() == unit
    assert mixed_precision.bf16_units() is (unit is not None)


def test_fp32_and_bf16_name_their_policies_and_bf16_warns_without_units(machine):
    machine({"avx2"})
    assert mixed_precision.resolve_precision("fp32") == "float32"
    with pytest.warns(UserWarning, match="no bfloat16 units"):
        assert mixed_precision.resolve_precision("bf16") == "mixed_bfloat16"
    machine({"amx_bf16"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mixed_precision.resolve_precision("bf16") == "mixed_bfloat16"
    for wrong in ("float32", "bfloat16", "fp16", "", None):
        with pytest.raises(ValueError, match="'auto', 'bf16', 'fp32'"):
            mixed_precision.resolve_precision(wrong)


def test_auto_picks_bf16_only_where_a_unit_and_this_backend_gained(machine, monkeypatch):
    # Measured on AMX: torch gains (1.40x), JAX (0.90x) and TensorFlow (0.68x) lose.
    machine({"avx2", "amx_bf16"})
    assert mixed_precision.resolve_precision() == ("mixed_bfloat16" if BACKEND == "torch" else "float32")
    assert mixed_precision.resolve_precision("auto") == mixed_precision.resolve_precision()
    machine({"avx512_bf16"})  # a unit, but no measurement on it yet
    assert mixed_precision.resolve_precision("auto") == "float32"
    machine({"avx2"})  # no unit: bfloat16 would be emulated
    assert mixed_precision.resolve_precision("auto") == "float32"
    machine(gpu=True)
    assert mixed_precision.resolve_precision("auto") == "float32"
    monkeypatch.setitem(mixed_precision.BF16_SPEEDUPS, ("gpu", BACKEND), 2.0)  # once a GPU measurement is added
    assert mixed_precision.resolve_precision("auto") == "mixed_bfloat16"
    monkeypatch.setitem(mixed_precision.BF16_SPEEDUPS, ("amx", BACKEND), 2.0)
    machine({"avx2"})  # a gain elsewhere picks nothing on a machine without units
    assert mixed_precision.resolve_precision("auto") == "float32"


def test_use_precision_sets_the_global_policy(machine):
    machine({"avx2"})
    assert keras_gan.use_precision is mixed_precision.use_precision and "use_precision" in keras_gan.__all__
    with pytest.warns(UserWarning):
        assert keras_gan.use_precision("bf16") == "mixed_bfloat16"
    assert keras.mixed_precision.global_policy().name == "mixed_bfloat16"
    model = tiny_dcgan((16, 16, 1))
    assert model.generator.layers[-1].compute_dtype == "bfloat16"
    assert keras_gan.use_precision("fp32") == "float32" == keras.mixed_precision.global_policy().name
    assert keras_gan.use_precision() == "float32"  # auto, without units


def _twins(build):
    """`(mixed, plain)`: the same model under mixed_bfloat16 and under float32, with the same weights."""
    mixed = _under("mixed_bfloat16", build)
    plain = build()
    plain.set_weights(mixed.get_weights())
    return mixed, plain


@pytest.mark.parametrize("name", ["dcgan", "cgan", "stylegan2"])
def test_samples_are_float32_computed_under_a_mixed_policy(name):
    build = {
        "dcgan": lambda: tiny_dcgan((16, 16, 1), seed=0),
        "cgan": lambda: keras_gan.ConditionalGAN((16, 16, 1), num_classes=3, latent_dim=8, filters=4, seed=0),
        "stylegan2": lambda: keras_gan.StyleGAN2((8, 8, 3), **TINY_STYLEGAN2),
    }[name]
    mixed, plain = _twins(build)
    labels = {"labels": [0, 1, 2, 0]} if name == "cgan" else {}
    samples, expected = mixed.generate(4, seed=1, **labels), plain.generate(4, seed=1, **labels)
    scale = np.abs(expected).max()  # untrained networks: outputs far below 1
    assert samples.dtype == np.float32 and scale > 0
    assert np.abs(samples - expected).max() <= 1e-4 * scale
    # The layers compute in bfloat16 again after sampling: training is untouched.
    assert {layer.compute_dtype for layer in mixed.generator.layers[1:]} >= {"bfloat16"}
    if name == "dcgan":  # the bfloat16 forward pass itself is further off: the check above has teeth
        z = np.random.default_rng(1).standard_normal((4, 8)).astype("float32")
        in_bf16 = keras.ops.convert_to_numpy(keras.ops.cast(mixed.generator(z, training=False), "float32"))
        expected = plain.generate(z=z)
        assert np.abs(in_bf16 - expected).max() > 1e-3 * np.abs(expected).max()


def test_moving_average_samples_and_statistics_are_float32_under_a_mixed_policy():
    mixed, plain = _twins(lambda: tiny_dcgan((16, 16, 1), seed=0))
    average = [keras.ops.convert_to_numpy(v.value) * 0.9 for v in mixed.generator.trainable_variables]
    for model in (mixed, plain):
        model.set_generator_ema(average)  # its BatchNorm statistics measured when first sampled
    samples, expected = mixed.generate(4, seed=2), plain.generate(4, seed=2)
    assert np.abs(samples - expected).max() <= 1e-4 * np.abs(expected).max()


def test_same_latents_give_the_reference_images_under_a_mixed_policy():
    """The images of tests/data (`test_saving`, every backend in float32) from a model built under mixed_bfloat16."""
    reference = np.load(os.path.join(DATA, "dcgan_tiny_reference.npz"))
    model = _under("mixed_bfloat16", tiny_dcgan)
    model.load_weights(os.path.join(DATA, "dcgan_tiny.weights.h5"))
    np.testing.assert_allclose(model.generate(z=reference["z"]), reference["images"], atol=1e-4)


@pytest.mark.parametrize("saved, loaded", [("mixed_bfloat16", "float32"), ("float32", "mixed_bfloat16")])
def test_saved_files_load_under_either_policy(saved, loaded, tmp_path):
    model = _under(saved, lambda: tiny_dcgan((16, 16, 1), seed=0))
    model.compile()
    model.fit(fake_data((16, 16, 1), n=32), batch_size=16, epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    model.save_weights(tmp_path / "m.weights.h5")
    expected, weights = model.generate(4, seed=3), model.get_weights()

    keras.mixed_precision.set_global_policy(loaded)
    from_file = keras.saving.load_model(tmp_path / "m.keras")
    into_new = tiny_dcgan((16, 16, 1), seed=1)
    into_new.load_weights(tmp_path / "m.weights.h5")
    keras.mixed_precision.set_global_policy("float32")
    for restored in (from_file, into_new):
        assert all(np.array_equal(a, b) for a, b in zip(weights, restored.get_weights()))
        np.testing.assert_allclose(restored.generate(4, seed=3), expected, atol=1e-5)
    # A `.keras` file keeps the policy each layer was saved with (Keras's rule); the weights take the new model's.
    assert from_file.generator.layers[-1].dtype_policy.name == saved
    assert into_new.generator.layers[-1].dtype_policy.name == loaded
    assert int(from_file.g_optimizer.iterations) == 2  # the training state came along


def test_a_preset_is_float32_whatever_it_trained_in(tmp_path):
    model = _under("mixed_bfloat16", lambda: tiny_dcgan((16, 16, 1), seed=0))
    zoo.save_preset(model, tmp_path, precision=model.dtype_policy.name)
    config = open(tmp_path / zoo.CONFIG_FILE).read()
    assert "mixed_bfloat16" not in config
    for policy in ("float32", "mixed_bfloat16"):
        loaded = _under(policy, lambda: zoo.load(str(tmp_path)))
        assert {layer.compute_dtype for layer in loaded.generator.layers if layer.weights} == {"float32"}
        np.testing.assert_allclose(loaded.generate(4, seed=0), model.generate(4, seed=0), atol=1e-5)
    assert json.load(open(tmp_path / zoo.METADATA_FILE))["precision"] == "mixed_bfloat16"


@pytest.mark.backend_independent
def test_float32_config_rewrites_mixed_policies_only():
    policy = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "mixed_bfloat16"}}
    config = {"layers": [{"config": {"dtype": policy, "units": 3}}, {"config": {"dtype": "mixed_float16"}},
                         {"config": {"dtype": {**policy, "config": {"name": "float32"}}}}], "name": "mixed_up"}
    rewritten = mixed_precision.float32_config(config)
    assert rewritten["layers"][0]["config"] == {"dtype": {**policy, "config": {"name": "float32"}}, "units": 3}
    assert rewritten["layers"][1]["config"]["dtype"] == "float32"
    assert rewritten["layers"][2] == config["layers"][2] and rewritten["name"] == "mixed_up"
    assert config["layers"][0]["config"]["dtype"]["config"]["name"] == "mixed_bfloat16"  # a copy


@pytest.mark.parametrize("precision, policy", [("bf16", "mixed_bfloat16"), ("fp32", "float32")])
def test_train_precision_flag_sets_the_policy_and_the_preset_records_it(precision, policy, tmp_path):
    out = tmp_path / "run"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # bf16 on a machine without units
        assert cli.main(["train", "dcgan", "--dataset", "mnist_5k", "--limit", "32", "--epochs", "1",
                         "--batch-size", "16", "--latent-dim", "8", "--filters", "4", "--precision", precision,
                         "--out", str(out)]) == 0
    assert keras.mixed_precision.global_policy().name == policy
    assert json.load(open(out / zoo.METADATA_FILE))["precision"] == policy
    assert "mixed_bfloat16" not in open(out / zoo.CONFIG_FILE).read()


@pytest.mark.backend_independent
def test_train_refuses_an_unknown_precision(tmp_path, capsys):
    with pytest.raises(SystemExit):
        cli.main(["train", "dcgan", "--precision", "fp16", "--out", str(tmp_path)])
    assert "invalid choice: 'fp16'" in capsys.readouterr().err
