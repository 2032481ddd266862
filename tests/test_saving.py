"""Config, `.keras` and weights round trips keep samples and both optimizers' state."""

import keras
import numpy as np
import pytest

import keras_gan
from conftest import tiny_dcgan, tiny_gan


# Fit, `.keras`, weights and config round trips of every model class: `tests/test_models.py`
# (`model_test_case.run_model_test`).


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
