"""Config, `.keras` and weights round trips keep samples and both optimizers' state."""

import keras
import numpy as np
import pytest

import keras_gan
from conftest import fake_data, tiny_dcgan, tiny_gan, weights_of


def _trained(build, shape):
    model = build()
    model.compile(d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5), g_optimizer=keras.optimizers.RMSprop(5e-4))
    model.fit(fake_data(shape, n=32), batch_size=16, epochs=1, verbose=0)
    return model


CASES = {"gan": (tiny_gan, (2,)), "dcgan": (tiny_dcgan, (28, 28, 1))}


def _assert_same_state(a, b):
    z = np.random.default_rng(0).standard_normal((4, a.latent_dim))
    np.testing.assert_array_equal(a.generate(z=z), b.generate(z=z))
    for opt_a, opt_b in ((a.d_optimizer, b.d_optimizer), (a.g_optimizer, b.g_optimizer)):
        assert type(opt_a) is type(opt_b)
        for va, vb in zip(weights_of(opt_a.variables), weights_of(opt_b.variables)):
            np.testing.assert_array_equal(va, vb)
    for va, vb in zip(weights_of(a.weights), weights_of(b.weights)):
        np.testing.assert_array_equal(va, vb)


@pytest.mark.parametrize("case", sorted(CASES))
def test_keras_file_round_trip_then_training_continues(case, tmp_path):
    build, shape = CASES[case]
    model = _trained(build, shape)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is type(model)
    nets = ("generator", "discriminator")
    assert {k: v for k, v in loaded.get_config().items() if k not in nets} == {
        k: v for k, v in model.get_config().items() if k not in nets
    }
    assert int(loaded.d_optimizer.iterations) == 2
    _assert_same_state(model, loaded)
    loaded.fit(fake_data(shape, n=32), batch_size=16, epochs=1, verbose=0)
    assert int(loaded.d_optimizer.iterations) == 4 and int(loaded.g_optimizer.iterations) == 4


@pytest.mark.parametrize("case", sorted(CASES))
def test_weights_round_trip_into_a_fresh_model(case, tmp_path):
    build, shape = CASES[case]
    model = _trained(build, shape)
    path = tmp_path / "model.weights.h5"
    model.save_weights(path)
    fresh = build()
    fresh.compile(d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5), g_optimizer=keras.optimizers.RMSprop(5e-4))
    fresh.load_weights(path)
    _assert_same_state(model, fresh)


def test_config_round_trip_rebuilds_the_same_architecture():
    model = keras_gan.GAN((2,), latent_dim=3, hidden_units=(8, 4), dropout=0.2, d_steps=2, seed=5)
    clone = keras_gan.GAN.from_config(model.get_config())
    assert clone.get_config() == model.get_config()
    assert [w.shape for w in clone.weights] == [w.shape for w in model.weights]
    dc = tiny_dcgan((32, 32, 3))
    assert keras_gan.DCGAN.from_config(dc.get_config()).get_config() == dc.get_config()


WIDER_G = {
    "dcgan": lambda **kw: keras_gan.DCGAN((16, 16, 1), latent_dim=4, filters=4, seed=0, **kw),
    "cgan": lambda **kw: keras_gan.ConditionalGAN((16, 16, 1), num_classes=3, latent_dim=4, filters=4, seed=0, **kw),
    "wgan_gp": lambda **kw: keras_gan.WGANGP((16, 16, 1), latent_dim=4, filters=4, d_steps=2, seed=0, **kw),
    "wgan": lambda **kw: keras_gan.WGAN((16, 16, 1), latent_dim=4, filters=4, d_steps=2, seed=0, **kw),
}


@pytest.mark.parametrize("case", sorted(WIDER_G))
def test_generator_filters_widen_g_alone_and_round_trip(case, tmp_path):
    def widths(net):
        return sorted({w.shape[-1] for w in net.weights if len(w.shape) == 4})

    same, wide = WIDER_G[case](), WIDER_G[case](generator_filters=12)
    assert wide.generator_filters == 12 and same.generator_filters is None
    assert widths(wide.discriminator) == widths(same.discriminator)
    assert max(widths(wide.generator)) == 2 * 12 and max(widths(same.generator)) == 2 * 4
    assert wide.generator.count_params() > same.generator.count_params()
    clone = type(wide).from_config(wide.get_config())
    assert clone.get_config() == wide.get_config()
    assert [w.shape for w in clone.generator.weights] == [w.shape for w in wide.generator.weights]
    wide.save(tmp_path / "wide.keras")
    loaded = keras.saving.load_model(tmp_path / "wide.keras")
    assert loaded.generator_filters == 12
    np.testing.assert_array_equal(wide.generate(3, seed=0), loaded.generate(3, seed=0))


def test_uncompiled_model_saves_and_loads(tmp_path):
    model = tiny_gan()
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(model.generate(3, seed=0), loaded.generate(3, seed=0))


def test_same_latents_give_the_same_images_on_every_backend():
    """Weights and images were stored once (tests/data/make_reference.py); every backend must match."""
    import os

    here = os.path.join(os.path.dirname(__file__), "data")
    reference = np.load(os.path.join(here, "dcgan_tiny_reference.npz"))
    model = tiny_dcgan()
    model.load_weights(os.path.join(here, "dcgan_tiny.weights.h5"))
    images = model.generate(z=reference["z"])
    assert images.std() > 0.1  # outputs of real scale, not near-zero
    np.testing.assert_allclose(images, reference["images"], atol=1e-4)
