"""Every model class passes `model_test_case.run_model_test`: fit under Keras's callbacks, seeded generation,
config / `.keras` / weights round trips and training on after loading."""

import keras
import numpy as np
import pytest

import keras_gan
from conftest import fake_data, tiny_dcgan, tiny_gan
from model_test_case import run_model_test


def _adam_and_rmsprop():
    return {"d_optimizer": keras.optimizers.Adam(1e-3, beta_1=0.5), "g_optimizer": keras.optimizers.RMSprop(5e-4)}


# name: (build, data shape, labelled, compile arguments, the exact logs)
GAN_LOGS = {"d_loss", "g_loss", "d_real", "d_fake", "d_learning_rate", "g_learning_rate"}
WASSERSTEIN_LOGS = {"d_loss", "g_loss", "w_distance", "d_learning_rate", "g_learning_rate"}
CASES = {
    "gan_vector": (lambda: tiny_gan(dropout=0.2, d_steps=2, seed=5), (2,), False, _adam_and_rmsprop, GAN_LOGS),
    "gan_image": (lambda: tiny_gan((8, 8, 1)), (8, 8, 1), False, None, GAN_LOGS),
    "dcgan": (tiny_dcgan, (28, 28, 1), False, _adam_and_rmsprop, GAN_LOGS),
    "dcgan_packed_spectral": (
        lambda: keras_gan.DCGAN((16, 16, 1), latent_dim=4, filters=4, pack=2, d_normalization="spectral", seed=0),
        (16, 16, 1), False, None, GAN_LOGS),
    "conditional_gan": (
        lambda: keras_gan.ConditionalGAN((16, 16, 1), num_classes=3, latent_dim=8, filters=4, seed=0),
        (16, 16, 1), True, None, GAN_LOGS),
    "wgan": (lambda: keras_gan.WGAN((16, 16, 1), latent_dim=4, filters=4, d_steps=2, seed=0), (16, 16, 1), False,
             None, WASSERSTEIN_LOGS),
    "wgan_gp": (lambda: keras_gan.WGANGP((2,), latent_dim=4, hidden_units=(8,), gp_weight=5.0, d_steps=2, seed=0),
                (2,), False, None, WASSERSTEIN_LOGS | {"gp"}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_model_fits_generates_and_round_trips(name, tmp_path):
    build, shape, labelled, compile_kwargs, logs = CASES[name]
    x = fake_data(shape, n=32)
    y = np.arange(32, dtype="int32") % 3 if labelled else None
    run_model_test(build, x, y, tmp_path=tmp_path, compile_kwargs=compile_kwargs, logs=logs)
