"""Keras's own callbacks work with every model."""

import os

import keras
import numpy as np
import pytest

import keras_gan
from conftest import fake_data


def _models():
    return {
        "gan": (keras_gan.GAN((2,), latent_dim=4, hidden_units=(8,)), fake_data((2,), n=32), None),
        "dcgan": (keras_gan.DCGAN((28, 28, 1), latent_dim=8, filters=4), fake_data((28, 28, 1), n=32), None),
        "cgan": (keras_gan.ConditionalGAN((2,), num_classes=2, latent_dim=4, hidden_units=(8,)),
                 fake_data((2,), n=32), np.arange(32) % 2),
        "wgan_gp": (keras_gan.WGANGP((2,), latent_dim=4, hidden_units=(8,), d_steps=2), fake_data((2,), n=32), None),
    }


@pytest.mark.parametrize("name", ["gan", "dcgan", "cgan", "wgan_gp"])
def test_keras_callbacks_run_with_every_model(name, tmp_path):
    model, x, y = _models()[name]
    model.compile()
    callbacks = [
        keras.callbacks.ModelCheckpoint(str(tmp_path / "ckpt.keras")),
        keras.callbacks.ModelCheckpoint(str(tmp_path / "ckpt.weights.h5"), save_weights_only=True),
        keras.callbacks.BackupAndRestore(str(tmp_path / "backup")),
        keras.callbacks.TensorBoard(str(tmp_path / "tb")),
        keras.callbacks.CSVLogger(str(tmp_path / "log.csv")),
        keras.callbacks.EarlyStopping(monitor="g_loss", mode="min", patience=5),
        keras.callbacks.TerminateOnNaN(),
    ]
    model.fit(x, y, batch_size=16, epochs=2, verbose=0, callbacks=callbacks)
    header = (tmp_path / "log.csv").read_text().splitlines()[0]
    assert "d_loss" in header and "g_loss" in header
    assert os.listdir(tmp_path / "tb")
    loaded = keras.saving.load_model(tmp_path / "ckpt.keras")
    assert type(loaded) is type(model) and int(loaded.g_optimizer.iterations) == 4
