"""Mixed precision: every model trains under mixed_bfloat16 and mixed_float16; float16 loss scaling per optimizer."""

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan import mixed_precision
from conftest import fake_data, weights_of

# Each entry: builder, data shape, labels needed.
MODELS = {
    "gan": (lambda: keras_gan.GAN((2,), latent_dim=4, hidden_units=(16, 16), seed=0), (2,), False),
    "dcgan": (lambda: keras_gan.DCGAN((16, 16, 1), latent_dim=8, filters=4, seed=0), (16, 16, 1), False),
    "conditional_gan": (
        lambda: keras_gan.ConditionalGAN((16, 16, 1), num_classes=3, latent_dim=8, filters=4, seed=0),
        (16, 16, 1), True,
    ),
    "dcgan_spectral": (
        lambda: keras_gan.DCGAN((16, 16, 1), latent_dim=8, filters=4, d_normalization="spectral", seed=0),
        (16, 16, 1), False,
    ),
    "conditional_gan_projection_spectral": (
        lambda: keras_gan.ConditionalGAN((16, 16, 1), num_classes=3, latent_dim=8, filters=4,
                                         conditioning="projection", d_normalization="spectral", seed=0),
        (16, 16, 1), True,
    ),
    "wgan_gp": (
        lambda: keras_gan.WGANGP((16, 16, 1), latent_dim=8, filters=4, d_steps=2, seed=0), (16, 16, 1), False,
    ),
    # The critic's weights clipped after each of its 5 steps (RMSprop, no momentum: its slots are velocities).
    "wgan": (lambda: keras_gan.WGAN((16, 16, 1), latent_dim=8, filters=4, seed=0), (16, 16, 1), False),
    # R1 every step (one compiled step): its second derivatives under float16's loss scale; modulated convolutions
    # with their demodulation in float32 and activations clamped to ±256 under float16 (conv_clamp).
    "stylegan2": (
        lambda: keras_gan.StyleGAN2((8, 8, 3), latent_dim=8, w_dim=8, mapping_layers=2, channel_base=64,
                                    channel_max=8, r1_interval=1, seed=0),
        (8, 8, 3), False,
    ),
}


@pytest.fixture
def policy(request):
    keras.mixed_precision.set_global_policy(request.param)
    yield request.param
    keras.mixed_precision.set_global_policy("float32")


def _fit_data(shape, labelled, n=32):
    x = fake_data(shape, n=n)
    return (x, np.arange(n, dtype="int32") % 3) if labelled else (x, None)


# Every model under float16 (loss scaling per optimizer, the gradient penalty's second derivatives scaled too);
# bfloat16 (no scaling) on one model of each network kind: the vector MLP, the convolutional pair, the
# concatenating conditional one, the clipped critic, StyleGAN2's networks.
CASES = [(name, "mixed_float16") for name in sorted(MODELS)] + [
    (name, "mixed_bfloat16") for name in ("gan", "dcgan", "conditional_gan", "wgan", "stylegan2")]


@pytest.mark.parametrize("name, policy", CASES, indirect=["policy"])
def test_every_model_trains_with_float32_variables(name, policy):
    build, shape, labelled = MODELS[name]
    model = build()
    model.compile()
    compute = policy.split("_")[1]
    assert model.generator.layers[-1].compute_dtype == compute
    scaled = isinstance(model.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert scaled == isinstance(model.g_optimizer, keras.optimizers.LossScaleOptimizer) == (compute == "float16")
    x, y = _fit_data(shape, labelled)
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    for key, values in history.history.items():
        assert np.all(np.isfinite(values)), (key, values)
    # 2 epochs x 2 steps. Under float16 each overflowing step is skipped (not counted)
    # and halves that optimizer's scale: the two must agree.
    for optimizer, steps in ((model.g_optimizer, 4), (model.d_optimizer, 4 * model.d_steps)):
        skipped = np.log2(optimizer.initial_scale / _scale(optimizer)) if scaled else 0
        assert int(optimizer.iterations) == steps - skipped and 0 <= skipped <= steps // 2
    assert [v.path for v in model.trainable_variables if v.dtype != "float32"] == []
    assert [v.path for v in model.weights if v.dtype in ("float16", "bfloat16")] == []
    for optimizer in (model.d_optimizer, model.g_optimizer):
        slots = [v for v in mixed_precision.unwrap(optimizer).variables if v.path.endswith(("momentum", "velocity"))]
        assert all(v.dtype == "float32" for v in slots) and any(np.abs(w).sum() > 0 for w in weights_of(slots))
    samples = model.generate(3, seed=0) if not labelled else model.generate(3, labels=1, seed=0)
    assert samples.dtype == np.float32 and np.all(np.isfinite(samples))
    condition = keras.ops.convert_to_tensor(np.zeros(2, "int32")) if labelled else None
    logits = model.discriminate(keras.ops.convert_to_tensor(x[:2]), condition)
    assert keras.backend.standardize_dtype(logits.dtype) == "float32"


def _scale(optimizer):
    return float(keras.ops.convert_to_numpy(optimizer.dynamic_scale.value))


@pytest.mark.parametrize("policy", ["mixed_float16"], indirect=True)
@pytest.mark.parametrize("name", ["dcgan", "wgan_gp"])
def test_float16_overflow_skips_that_network_only_and_halves_its_scale(name, policy):
    build, shape, _ = MODELS[name]
    model = build()
    model.compile()
    real = keras.ops.convert_to_tensor(fake_data(shape, n=8))
    d_vars, g_vars = model.discriminator.trainable_variables, model.generator.trainable_variables
    d_slots = mixed_precision.unwrap(model.d_optimizer).variables
    # A loss scale far past float16's range (65504): D's scaled gradients overflow.
    model.d_optimizer.dynamic_scale.assign(2.0**40)
    d0, slots0, g0 = weights_of(d_vars), weights_of(d_slots), weights_of(g_vars)
    model._discriminator_step(real)
    assert _scale(model.d_optimizer) == 2.0**39
    assert int(model.d_optimizer.iterations) == 0
    for before, after in zip(d0 + slots0, weights_of(d_vars) + weights_of(d_slots)):
        np.testing.assert_array_equal(before, after)
    # G has its own scale (2**15): its step goes through.
    g_scale = _scale(model.g_optimizer)
    g_loss, _ = model._generator_step(8)
    assert np.isfinite(float(keras.ops.convert_to_numpy(g_loss)))
    assert int(model.g_optimizer.iterations) == 1 and _scale(model.g_optimizer) == g_scale
    assert all(not np.array_equal(b, a) for b, a in zip(g0, weights_of(g_vars)))
    for w in weights_of(g_vars):
        assert np.all(np.isfinite(w))
    # Back in range, D steps again.
    model.d_optimizer.dynamic_scale.assign(2.0**10)
    model._discriminator_step(real)
    assert int(model.d_optimizer.iterations) == 1
    assert all(np.all(np.isfinite(w)) for w in weights_of(d_vars))
    assert any(not np.array_equal(b, a) for b, a in zip(d0, weights_of(d_vars)))


@pytest.mark.parametrize("policy", ["mixed_float16"], indirect=True)
def test_float16_loss_scale_grows_after_finite_steps_and_is_saved(policy, tmp_path):
    model = keras_gan.GAN((2,), latent_dim=4, hidden_units=(16, 16), seed=0)
    model.compile(
        d_optimizer=keras.optimizers.LossScaleOptimizer(
            keras.optimizers.Adam(1e-3), initial_scale=4.0, dynamic_growth_steps=2
        ),
        g_optimizer=keras.optimizers.Adam(1e-3),
    )
    model.fit(fake_data((2,), n=64), batch_size=16, epochs=1, verbose=0)
    assert _scale(model.d_optimizer) == 16.0  # 4 finite steps, doubled every 2
    assert _scale(model.g_optimizer) == 2.0**15  # default initial scale, fewer than 2000 steps
    path = str(tmp_path / "gan.keras")
    model.save(path)
    restored = keras.saving.load_model(path)
    assert _scale(restored.d_optimizer) == 16.0
    assert int(restored.d_optimizer.iterations) == 4


def test_float16_scaling_needs_the_float16_policy():
    model = keras_gan.GAN((2,), latent_dim=4, hidden_units=(16, 16))
    model.compile()
    assert not isinstance(model.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert mixed_precision.loss_scale(model.d_optimizer) == 1.0
