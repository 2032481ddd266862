"""Labels as an option of every model: `GAN`, `DCGAN`, `WGAN`, `WGANGP` take `num_classes` like `ConditionalGAN`."""

import keras
import numpy as np
import pytest
from keras import ops

import keras_gan
from conftest import fake_data, weights_of

BUILDERS = {
    "gan": lambda **kw: keras_gan.GAN((2,), latent_dim=4, hidden_units=(8,), **kw),
    "dcgan": lambda **kw: keras_gan.DCGAN((16, 16, 1), latent_dim=4, filters=4, **kw),
    "wgan": lambda **kw: keras_gan.WGAN((2,), latent_dim=4, hidden_units=(8,), d_steps=2, **kw),
    "wgan_gp": lambda **kw: keras_gan.WGANGP((16, 16, 1), latent_dim=4, filters=4, d_steps=2, **kw),
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_model_trains_on_labels_and_round_trips(name, tmp_path):
    model = BUILDERS[name](num_classes=3, seed=0)
    assert model.is_conditional and len(model.generator.inputs) == len(model.discriminator.inputs) == 2
    shape = model.data_shape
    model.compile()
    history = model.fit(fake_data(shape, n=32), np.arange(32) % 3, batch_size=16, epochs=1, verbose=0)
    assert all(np.isfinite(v[0]) for v in history.history.values())
    assert int(model.g_optimizer.iterations) == 2
    z = np.random.default_rng(0).standard_normal((2, 4))
    # G sees the label: one z, two labels, two samples.
    assert not np.allclose(model.generate(z=z, labels=0), model.generate(z=z, labels=2))
    images, columns = model.generate_grid(6, seed=1)
    assert images.shape == (6, *shape) and columns == 2
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert type(loaded) is type(model) and loaded.num_classes == 3
    np.testing.assert_array_equal(loaded.generate(z=z, labels=[1, 2]), model.generate(z=z, labels=[1, 2]))


def test_the_discriminator_sees_the_label():
    model = BUILDERS["wgan_gp"](num_classes=3, seed=0)
    model.compile()
    x = ops.convert_to_tensor(fake_data((16, 16, 1), n=4))
    scores = [ops.convert_to_numpy(model.discriminate(x, ops.convert_to_tensor(np.full(4, c, "int32")),
                                                      augment=False)) for c in (0, 1)]
    assert not np.allclose(*scores)


def test_conditional_packs_and_projection():
    packed = keras_gan.WGANGP((2,), latent_dim=4, hidden_units=(8,), num_classes=3, pack=2)
    assert tuple(packed.discriminator.inputs[1].shape[1:]) == (2,)
    packed.compile()
    packed.fit(fake_data((2,), n=16), np.arange(16) % 3, batch_size=8, epochs=1, verbose=0)
    projection = keras_gan.DCGAN((16, 16, 1), latent_dim=4, filters=4, num_classes=3, conditioning="projection")
    assert projection.get_config()["conditioning"] == "projection"


def test_unconditional_models_keep_their_config_and_refuse_labels():
    model = BUILDERS["gan"]()
    assert not model.is_conditional and "num_classes" not in model.get_config()
    with pytest.raises(ValueError, match="conditional"):
        model.generate(2, labels=[0, 1])


@pytest.mark.parametrize("bad", [1, 0, 2.5])
def test_num_classes_must_be_two_or_more(bad):
    with pytest.raises(ValueError, match="num_classes must be at least 2"):
        BUILDERS["gan"](num_classes=bad)


def test_a_conditional_model_needs_labels():
    model = BUILDERS["wgan"](num_classes=3)
    model.compile()
    with pytest.raises(ValueError, match="needs labels"):
        model.fit(fake_data((2,), n=16), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="two inputs"):
        keras_gan.DCGAN((16, 16, 1), latent_dim=4, filters=4, num_classes=3,
                        discriminator=keras_gan.DCGAN((16, 16, 1), latent_dim=4, filters=4).discriminator)


def test_conditional_gan_is_a_gan_with_labels():
    model = keras_gan.ConditionalGAN((2,), num_classes=3, latent_dim=4, hidden_units=(8,))
    assert isinstance(model, keras_gan.GAN) and model.is_conditional
    assert weights_of(model.generator.weights)[0].shape[0] == 4 + 3  # z joined to one-hot(label)
