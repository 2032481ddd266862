"""Nothing is lost on a crash: BackupAndRestore resumes to the weights of an uninterrupted run."""

import keras
import numpy as np
import pytest

import keras_gan
from conftest import fake_data, weights_of


class Crash(keras.callbacks.Callback):
    def __init__(self, epoch, batch):
        super().__init__()
        self.at = (epoch, batch)
        self.epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            raise RuntimeError("simulated crash")


def _model():
    keras.utils.set_random_seed(1)
    model = keras_gan.GAN((2,), latent_dim=4, hidden_units=(16, 16), dropout=0.2, d_steps=2, seed=4)
    model.compile()
    return model


X = fake_data((2,), n=64)
FIT = {"batch_size": 16, "epochs": 4, "verbose": 0, "shuffle": False}


@pytest.fixture(scope="module")
def reference():
    """The uninterrupted run, shared by both crash points (read, never trained further)."""
    model = _model()
    model.fit(X, **FIT)
    return model


@pytest.mark.parametrize("crash_batch", [1, 3])
def test_crash_and_resume_ends_where_an_uninterrupted_run_ends(tmp_path, crash_batch, reference):
    x, fit = X, FIT
    backup = str(tmp_path / "backup")
    model = _model()
    with pytest.raises(RuntimeError, match="simulated crash"):
        model.fit(x, callbacks=[keras.callbacks.BackupAndRestore(backup), Crash(2, crash_batch)], **fit)
    resumed = _model()  # a new process would start from scratch like this
    resumed.fit(x, callbacks=[keras.callbacks.BackupAndRestore(backup)], **fit)

    assert int(resumed.g_optimizer.iterations) == int(reference.g_optimizer.iterations) == 16
    assert int(resumed.d_optimizer.iterations) == 32
    for a, b in zip(weights_of(reference.weights), weights_of(resumed.weights)):
        np.testing.assert_allclose(a, b, atol=1e-5)
    for opt in ("d_optimizer", "g_optimizer"):
        for a, b in zip(weights_of(getattr(reference, opt).variables), weights_of(getattr(resumed, opt).variables)):
            np.testing.assert_allclose(a, b, atol=1e-5)
