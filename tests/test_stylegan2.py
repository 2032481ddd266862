"""StyleGAN2: its layers' maths, R1, truncation, style mixing, cross-backend outputs, saving, resume, learning."""

import os
import sys

import keras
import numpy as np
import pytest
from keras import ops

import keras_gan
from conftest import weights_of
from keras_gan import stylegan2_blocks as sb
from keras_gan import stylegan2_layers as sl

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "data"))
import make_stylegan2_reference as reference  # noqa: E402

TINY = dict(latent_dim=8, w_dim=8, mapping_layers=2, channel_base=64, channel_max=8)


def tiny(shape=(8, 8, 3), **kwargs):
    """8×8 (the smallest side StyleGAN2 takes: 4 ws, one up/down block) keeps each compile cheap."""
    return keras_gan.StyleGAN2(shape, **{**TINY, "seed": 0, **kwargs})


def test_demodulation_gives_unit_variance_output_channels():
    """For unit-variance inputs, each demodulated output channel has variance 1 (paper eq. 3).

    256 samples × 14×14 inner pixels per channel (the 'same' padding's border left out): the
    variance estimate's standard error is about 0.6%; tolerance 5% per channel, 2% on their mean.
    """
    keras.utils.set_random_seed(0)  # the kernels' draw: unseeded, the no-demodulation spread dipped to 0.13 (seeds 0-11)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 16, 16, 32)).astype("float32")
    ws = rng.standard_normal((256, 1, 16)).astype("float32")
    layer = sl.ModulatedConv2D(24, 3, w_index=0)
    layer.build([x.shape, ws.shape])
    layer.affine_kernel.assign(rng.standard_normal((16, 32)).astype("float32"))  # styles far from 1
    variance = np.var(ops.convert_to_numpy(layer([x, ws]))[:, 1:-1, 1:-1], axis=(0, 1, 2))
    np.testing.assert_allclose(variance, 1.0, atol=0.05)
    assert abs(variance.mean() - 1.0) < 0.02
    plain = sl.ModulatedConv2D(24, 3, w_index=0, demodulate=False)
    plain.build([x.shape, ws.shape])
    plain.affine_kernel.assign(layer.affine_kernel.value)
    plain.kernel.assign(layer.kernel.value)
    assert np.var(ops.convert_to_numpy(plain([x, ws]))[:, 1:-1, 1:-1], axis=(0, 1, 2)).std() > 0.1


def test_resampling_filters():
    """[1, 3, 3, 1] resampling: constants stay constant, a ramp is upsampled linearly inside."""
    x = np.ones((1, 4, 4, 2), "float32") * 3.0
    np.testing.assert_allclose(ops.convert_to_numpy(sb.upsample_2x(x)), 3.0, rtol=1e-6)
    np.testing.assert_allclose(ops.convert_to_numpy(sb.downsample_2x(x)), 3.0, rtol=1e-6)
    ramp = np.broadcast_to(np.arange(4, dtype="float32")[None, :, None, None], (1, 4, 4, 1))
    up = ops.convert_to_numpy(sb.upsample_2x(ramp))[0, :, 0, 0]
    np.testing.assert_allclose(up[1:-1], (np.arange(1, 7) - 0.5) / 2.0, atol=1e-6)


@pytest.fixture(scope="module")
def trained():
    """A tiny model after a few steps with GeneratorEMA (one compile for the sampling tests)."""
    model = tiny(r1_interval=2)
    model.compile()
    x = np.random.default_rng(0).uniform(-1, 1, (16, 8, 8, 3)).astype("float32")  # 2 steps: one with R1
    model.fit(x, batch_size=8, epochs=1, verbose=0, callbacks=[keras_gan.callbacks.GeneratorEMA(0.9)])
    return model


def test_r1_matches_a_finite_difference_gradient(trained):
    """R1 = E‖∇D(x)‖² from the backend's input gradient equals one from central differences.

    The shared model's D (one build fewer) judges 4 samples, one minibatch-std group, so the batch
    couples them as in training; it has trained 2 steps, so the lazy R1 (interval 2) is due and
    `d_regularizer` returns the penalty × 2 through its `ops.cond` branch. Each of the 4·8·8·3
    input values is moved by ±1e-3 (central differences, float32 D, scores summed in float64):
    eps 1e-3 rather than 1e-2 crosses fewer leaky-ReLU kinks, its rounding error still far below
    the tolerance (measured: 0.5% off at 1e-2, 0.09% at 1e-3). Within 1%.
    """
    model = trained
    assert int(model.d_optimizer.iterations) % model.r1_interval == 0  # a due step
    real = np.random.default_rng(0).uniform(-1, 1, (4, 8, 8, 3)).astype("float32")
    real_tensor = ops.convert_to_tensor(real)
    context = keras_gan.objectives.DContext(model, real_tensor, None, None, real_tensor, None, None)
    _, figures = model.objective.d_regularizer(context)
    r1 = float(ops.convert_to_numpy(figures["r1"])) / model.r1_interval
    eps, size = 1e-3, real.size
    steps = np.eye(size, dtype="float32").reshape(size, *real.shape) * eps
    batches = np.concatenate([real + steps, real - steps]).reshape(-1, 8, 8, 3)  # 2·size groups of 4
    scores = ops.convert_to_numpy(model.discriminator(batches)).astype("float64").reshape(2, size, 4).sum(axis=-1)
    grads = ((scores[0] - scores[1]) / (2 * eps)).reshape(real.shape)
    numerical = np.mean(np.sum(np.square(grads), axis=(1, 2, 3)))
    assert r1 > 0
    np.testing.assert_allclose(r1, numerical, rtol=0.01)


def test_training_moves_w_avg_and_logs_r1(trained):
    assert np.abs(ops.convert_to_numpy(trained.w_avg.value)).max() > 0
    assert set(trained.history.history) >= {"d_loss", "g_loss", "d_real", "d_fake", "r1"}
    assert trained.generator_ema is not None


def test_truncation_zero_gives_the_average_w_image_for_every_z(trained):
    images = trained.generate(6, seed=3, truncation=0.0)
    np.testing.assert_allclose(images, np.broadcast_to(images[:1], images.shape), atol=1e-5)
    # ... the synthesis network's image of w_avg (inference mode: the fixed noise images), EMA weights.
    ws = np.broadcast_to(ops.convert_to_numpy(trained.w_avg.value), (1, trained.num_ws, trained.w_dim))
    variables = trained.generator.trainable_variables
    mapping = [(v, w) for v, w in zip(variables, trained.generator_ema)]
    with keras.StatelessScope(state_mapping=mapping):
        direct = ops.convert_to_numpy(trained.synthesis(ws.astype("float32"), training=False))
    np.testing.assert_allclose(images[0], np.clip(direct[0], -1, 1), atol=1e-5)
    assert np.abs(trained.generate(6, seed=3) - images).max() > 1e-3  # truncation 1 does differ


def test_style_mixing_crossover_ends_return_each_parent(trained):
    rng = np.random.default_rng(5)
    z_a, z_b = rng.standard_normal((3, 8)), rng.standard_normal((3, 8))
    np.testing.assert_allclose(trained.mix(z_a, z_b, 0), trained.generate(z=z_b), atol=1e-5)
    np.testing.assert_allclose(trained.mix(z_a, z_b, trained.num_ws), trained.generate(z=z_a), atol=1e-5)
    middle = trained.mix(z_a, z_b, 2)
    assert np.abs(middle - trained.generate(z=z_a)).max() > 1e-4 and np.abs(middle - trained.generate(z=z_b)).max() > 1e-4
    path = trained.interpolate(z_a[0], z_b[0], steps=5)
    assert path.shape == (5, 8, 8, 3)
    np.testing.assert_allclose(path[0], trained.generate(z=z_a[:1])[0], atol=1e-5)
    np.testing.assert_allclose(path[-1], trained.generate(z=z_b[:1])[0], atol=1e-5)
    with pytest.raises(ValueError, match="crossover"):
        trained.mix(z_a, z_b, trained.num_ws + 1)


def test_noise_none_zeroes_the_noise_strengths(trained):
    for v in trained.generator.trainable_variables:
        if v.path.endswith("strength"):
            v.assign(np.full(v.shape, 0.5, "float32"))
    z = np.random.default_rng(0).standard_normal((2, 8))
    assert np.abs(trained.generate(z=z, ema=False) - trained.generate(z=z, ema=False, noise="none")).max() > 1e-4


def test_save_and_load_keep_samples_w_avg_and_ema(trained, tmp_path):
    path = tmp_path / "stylegan2.keras"
    trained.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, keras_gan.StyleGAN2)
    nets = ("generator", "discriminator")
    assert {k: v for k, v in loaded.get_config().items() if k not in nets} == {
        k: v for k, v in trained.get_config().items() if k not in nets}
    np.testing.assert_array_equal(ops.convert_to_numpy(loaded.w_avg.value), ops.convert_to_numpy(trained.w_avg.value))
    for kwargs in ({}, {"ema": False}, {"truncation": 0.5}):
        np.testing.assert_allclose(loaded.generate(4, seed=1, **kwargs), trained.generate(4, seed=1, **kwargs),
                                   atol=1e-6)


def test_same_weights_give_the_same_outputs_on_every_backend():
    """Outputs of `tests/data/make_stylegan2_reference.py`'s weights match the stored ones (≤ 1e-4)."""
    stored = np.load(reference.PATH)
    model = reference.reference_model()
    reference.set_reference_weights(model)
    for name, value in reference.reference_outputs(model).items():
        np.testing.assert_allclose(value, stored[name], atol=1e-4, err_msg=f"{name} (reference from {stored['backend']})")


class _Crash(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        if int(self.model.optimizer.iterations) == 3:
            raise RuntimeError("simulated crash")


def test_backup_and_restore_resumes_exactly(tmp_path):
    """A run that crashes in epoch 2 and resumes ends where an uninterrupted one ends (noise, mixing, R1 phase)."""
    x = np.random.default_rng(0).uniform(-1, 1, (16, 8, 8, 3)).astype("float32")  # 2 steps an epoch
    fit = {"batch_size": 8, "epochs": 3, "verbose": 0, "shuffle": False}

    def build():
        keras.utils.set_random_seed(1)
        model = tiny(r1_interval=3, seed=4)
        model.compile()
        return model

    reference_model = build()
    reference_model.fit(x, **fit)
    backup = str(tmp_path / "backup")
    crashed = build()
    with pytest.raises(RuntimeError, match="simulated crash"):
        crashed.fit(x, callbacks=[keras.callbacks.BackupAndRestore(backup), _Crash()], **fit)
    # The crashed model itself resumes (its compiled step reused: one compile fewer). Its live state
    # is step 3's, the backup epoch 1's (step 2): only a full restore of weights, optimizers and
    # seed states makes it end where the uninterrupted run ends.
    resumed = crashed
    resumed.fit(x, callbacks=[keras.callbacks.BackupAndRestore(backup)], **fit)
    assert int(resumed.d_optimizer.iterations) == int(reference_model.d_optimizer.iterations) == 6
    for a, b in zip(weights_of(reference_model.variables), weights_of(resumed.variables)):
        np.testing.assert_allclose(a, b, atol=1e-5)
    for opt in ("d_optimizer", "g_optimizer"):
        for a, b in zip(weights_of(getattr(reference_model, opt).variables), weights_of(getattr(resumed, opt).variables)):
            np.testing.assert_allclose(a, b, atol=1e-5)


class _StepR1(keras.callbacks.Callback):
    """Each step's logged `r1`, recovered from the running means Keras passes per batch."""

    def on_train_begin(self, logs=None):
        self.means = []

    def on_train_batch_end(self, batch, logs=None):
        self.means.append(float(logs["r1"]))

    def values(self):
        m = np.array(self.means)
        return m * np.arange(1, len(m) + 1) - np.concatenate([[0.0], m[:-1] * np.arange(1, len(m))])


def test_lazy_r1_runs_on_every_kth_d_step_across_fits_without_recompiling():
    """Two fits of 5 steps, interval 3: R1 on D steps 0, 3, 6, 9, counted on across the fits.

    The default ("static") mode compiles one step with the penalty and one without and picks per
    batch on the host: on JAX and TF each is traced once for both fits (torch runs eagerly), and on
    JAX the steps run with device-to-host transfers disallowed (no host sync to pick the phase).
    """
    model = tiny(r1_interval=3, style_mixing=0.0, seed=2)
    model.compile()
    traces = []
    step = model._adversarial_step

    def counted(data):
        traces.append(model.regularize_now)
        return step(data)

    model._adversarial_step = counted
    if keras.backend.backend() == "jax":  # the host picks the phase without reading anything back from the device
        import jax

        model.make_train_function()
        unguarded = model.train_function

        def guarded(*args, **kwargs):
            with jax.transfer_guard_device_to_host("disallow"):
                return unguarded(*args, **kwargs)

        model.train_function = guarded
    x = np.random.default_rng(0).uniform(-1, 1, (40, 8, 8, 3)).astype("float32")
    logged = []
    for _ in range(2):
        logged.append(_StepR1())
        model.fit(x, batch_size=8, epochs=1, verbose=0, shuffle=False, callbacks=[logged[-1]])
    r1 = np.concatenate([c.values() for c in logged])
    assert list(r1 > 1e-3 * r1.max()) == [i % 3 == 0 for i in range(10)], r1  # the means carry float error
    assert model.regularize_now is None  # only inside a step
    if keras.backend.backend() != "torch":
        assert sorted(traces) == [False, True], traces


def test_conditional_variant_trains_and_generates_for_labels():
    model = tiny(num_classes=3, r1_gamma=0.0, style_mixing=0.0)
    model.compile()
    x = np.random.default_rng(0).uniform(-1, 1, (16, 8, 8, 3)).astype("float32")
    history = model.fit(x, np.arange(16) % 3, batch_size=8, epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][-1])
    assert model.generate(4, labels=2, seed=0).shape == (4, 8, 8, 3)
    z = np.random.default_rng(0).standard_normal((2, 8))
    assert np.abs(model.generate(z=z, labels=[0, 0]) - model.generate(z=z, labels=[1, 1])).max() > 1e-5
    images, columns = model.generate_grid(6, seed=0)
    assert images.shape == (6, 8, 8, 3) and columns == 2
    with pytest.raises(ValueError, match="labels"):
        model.fit(x, batch_size=8, epochs=1, verbose=0)


def test_default_optimizers_apply_the_lazy_regularization_ratio():
    d_opt, g_opt = tiny(r1_interval=16).default_optimizers()
    c = 16 / 17
    assert np.isclose(float(d_opt.learning_rate), 0.0025 * c) and np.isclose(d_opt.beta_2, 0.99**c)
    assert np.isclose(float(g_opt.learning_rate), 0.0025) and g_opt.beta_1 == 0.0 and g_opt.epsilon == 1e-8
    d_every, _ = tiny(r1_interval=1).default_optimizers()
    assert np.isclose(float(d_every.learning_rate), 0.0025)


def test_rejects_shapes_and_options_it_cannot_take():
    with pytest.raises(ValueError, match="power of two"):
        tiny((24, 24, 3))
    with pytest.raises(ValueError, match="style_mixing"):
        tiny(style_mixing=1.5)
    with pytest.raises(ValueError, match="logistic"):
        tiny().compile(loss="hinge")


# One backend only: on TF and JAX this fit would cost a compile of its own (~25 s here) for the same
# training step the fit tests above (fixture, resume, conditional) already compile and run there;
# torch runs eagerly, so 64 steps cost a few seconds.
@pytest.mark.skipif(keras.backend.backend() != "torch", reason="same code path exercised by the fit tests")
def test_learns_the_colour_of_solid_colour_images():
    """8×8 images all of one colour (0.6, −0.5, 0.2): within 64 steps the samples' mean colour moves there.

    Measured (torch, seeds 0-2 without the global seed): the distance falls to 0.1-0.3 of its start.
    """
    keras.utils.set_random_seed(0)
    target = np.array([0.6, -0.5, 0.2], "float32")
    x = np.broadcast_to(target, (512, 8, 8, 3)).astype("float32")
    model = tiny(r1_gamma=0.0, style_mixing=0.0, seed=0)
    model.compile()
    before = model.generate(32, seed=0, ema=False).mean(axis=(0, 1, 2))
    model.fit(x, batch_size=8, epochs=1, verbose=0)  # 64 steps
    after = model.generate(32, seed=0, ema=False).mean(axis=(0, 1, 2))
    assert np.linalg.norm(after - target) < 0.5 * np.linalg.norm(before - target), (before, after, target)
