"""StyleGAN2: its layers' maths, R1, truncation, style mixing, cross-backend outputs, saving, resume, learning."""

import os
import sys

import keras
import numpy as np
import pytest
from keras import ops

import keras_gan
import learning
from conftest import weights_of
from keras_gan.models.stylegan2 import blocks as sb
from keras_gan.models.stylegan2 import layers as sl

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


def test_activations_are_clamped_to_256_under_float16_only():
    """StyleGAN2-ADA's `conv_clamp`: float16 activations beyond ±256 are clipped (float16 ends at 65504); float32
    and bfloat16 ones, and a layer with `clamp=None` (D's skips), are left as they are."""
    x = np.array([-1000.0, -3.0, 3.0, 1000.0], "float32").reshape(1, 1, 4, 1)
    for dtype, clamp, expected in (("float16", 256.0, [-256.0, -3.0, 3.0, 256.0]), ("float16", None, x.ravel()),
                                   ("float32", 256.0, x.ravel()), ("bfloat16", 256.0, x.ravel())):
        bias = sl.BiasActivation("linear", clamp=clamp, dtype=dtype)
        conv = sl.EqualizedConv2D(1, 1, clamp=clamp, dtype=dtype)
        conv.build(x.shape)
        conv.kernel.assign(np.ones((1, 1, 1, 1), "float32"))  # the identity (gain 1/sqrt(1))
        for layer in (bias, conv):
            out = ops.convert_to_numpy(ops.cast(layer(x), "float32")).ravel()
            np.testing.assert_array_equal(out, expected, err_msg=f"{type(layer).__name__} {dtype} clamp={clamp}")


def test_resampling_filters():
    """[1, 3, 3, 1] resampling: constants stay constant, a ramp is upsampled linearly inside."""
    x = np.ones((1, 4, 4, 2), "float32") * 3.0
    np.testing.assert_allclose(ops.convert_to_numpy(sb.upsample_2x(x)), 3.0, rtol=1e-6)
    np.testing.assert_allclose(ops.convert_to_numpy(sb.downsample_2x(x)), 3.0, rtol=1e-6)
    ramp = np.broadcast_to(np.arange(4, dtype="float32")[None, :, None, None], (1, 4, 4, 1))
    up = ops.convert_to_numpy(sb.upsample_2x(ramp))[0, :, 0, 0]
    np.testing.assert_allclose(up[1:-1], (np.arange(1, 7) - 0.5) / 2.0, atol=1e-6)


@pytest.fixture(scope="module")
def learned():
    """`tests/learning.py`'s `stylegan2_colour` check on its first seed: `(passed, details, model)`, a tiny model
    trained 128 steps through both lazy-R1 steps (R1 every 2nd D step) with GeneratorEMA. Its compiled steps serve
    the learning check and every test that needs a trained model."""
    return learning.stylegan2_colour_run(learning.SEEDS[0])


@pytest.fixture(scope="module")
def trained(learned):
    """The learning check's trained model; tests read it and never change it."""
    return learned[2]


def test_learns_the_colour_of_solid_colour_images_through_the_two_step_lazy_r1(learned):
    """The learning check `stylegan2_colour` on every backend (its first seed is the shared fixture's run); the
    other seeds on JAX (`learning.seeds_for`), where each is the fixture's program again (the compilation cache)."""
    passed, details, _ = learned
    assert passed, f"stylegan2_colour failed on seed {learning.SEEDS[0]}: {details}"
    learning.assert_learns("stylegan2_colour", learning.seeds_for("stylegan2_colour")[1:])


def test_r1_matches_a_finite_difference_gradient(trained):
    """R1 = E‖∇D(x)‖² from the backend's input gradient equals one from central differences.

    The shared model's D (one build fewer) judges 4 samples, one minibatch-std group, so the batch
    couples them as in training; it has trained 128 steps, so the lazy R1 (interval 2) is due and
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


def test_training_logs_r1_and_keeps_ema_weights(trained):
    assert set(trained.history.history) >= {"d_loss", "g_loss", "d_real", "d_fake", "r1"}
    assert trained.generator_ema is not None


def test_the_generator_step_moves_w_avg_to_the_decayed_mean_of_its_mapped_w():
    """One `fit` step from a known `w_avg`: `w_avg = m + β·(w_avg₀ − m)`, m the mean of the w that G's step mapped
    from its latents (every latent of the step is `z` here), with the mapping's weights before G's update."""
    model = tiny(r1_gamma=0.0, style_mixing=0.0)
    model.compile()
    z = np.random.default_rng(3).standard_normal((8, 8)).astype("float32")
    model.sample_latents = lambda batch_size: ops.convert_to_tensor(z)
    start = np.linspace(-1.0, 1.0, 8).astype("float32")
    model.w_avg.assign(start)
    mean = ops.convert_to_numpy(model.mapping(z, training=True)).mean(axis=0)
    model.fit(np.zeros((8, 8, 8, 3), "float32"), batch_size=8, epochs=1, verbose=0)
    assert int(model.g_optimizer.iterations) == 1
    expected = mean + model.w_avg_beta * (start - mean)
    np.testing.assert_allclose(ops.convert_to_numpy(model.w_avg.value), expected, rtol=1e-5, atol=1e-6)
    assert np.abs(expected - start).max() > 1e-3  # the step moved it measurably


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


def test_noise_none_zeroes_the_noise_strengths():
    model = tiny()  # its own: the strengths are set here
    for v in model.generator.trainable_variables:
        if v.path.endswith("strength"):
            v.assign(np.full(v.shape, 0.5, "float32"))
    z = np.random.default_rng(0).standard_normal((2, 8))
    assert np.abs(model.generate(z=z) - model.generate(z=z, noise="none")).max() > 1e-4


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
    assert int(model.d_optimizer.iterations) == 10  # one D update per step, R1 or not (no separate R1 step)
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


def test_default_optimizers_give_d_the_adam_of_g_with_lazy_r1_merged_into_d_steps():
    """No c = k/(k+1) correction on D's rate and β₂: that is for R1 as a separate step (k+1 Adam updates per k
    minibatches); here R1 joins a D step, so D's Adam takes k updates per k minibatches (the lazy test counts them)."""
    for interval in (16, 1):
        for optimizer in tiny(r1_interval=interval).default_optimizers():
            assert np.isclose(float(optimizer.learning_rate), 0.0025) and np.isclose(optimizer.beta_2, 0.99)
            assert optimizer.beta_1 == 0.0 and optimizer.epsilon == 1e-8


def test_rejects_shapes_and_options_it_cannot_take():
    with pytest.raises(ValueError, match="power of two"):
        tiny((24, 24, 3))
    with pytest.raises(ValueError, match="style_mixing"):
        tiny(style_mixing=1.5)
    with pytest.raises(ValueError, match="logistic"):
        tiny().compile(loss="hinge")
    # D's projection term takes one label per input; a pack of 2 images would come with 2.
    with pytest.raises(ValueError, match=r"num_classes=3 or pack=2, not both.*one label per input.*Use pack=1.*"
                                         r"num_classes=None"):
        tiny(num_classes=3, pack=2)
    assert tiny(pack=2).discriminator.inputs[0].shape[1:] == (8, 8, 6)  # unconditional models pack
