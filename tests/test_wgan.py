"""WGAN with weight clipping: every critic weight inside the bound after each critic step, defaults (saving:
tests/test_models.py)."""

import keras
import numpy as np
import pytest

import keras_gan
from conftest import fake_data, weights_of, LEARNING_RATES


class ClipCheck(keras.callbacks.Callback):
    """Records the largest |critic weight| after every training step."""

    def __init__(self):
        super().__init__()
        self.largest = []

    def on_train_batch_end(self, batch, logs=None):
        self.model.sync_training_state()
        self.largest.append(max(np.abs(w).max() for w in weights_of(self.model.discriminator.trainable_variables)))


@pytest.mark.parametrize("shape", [(2,), (16, 16, 1)])
def test_every_critic_weight_stays_inside_the_clip_bound(shape):
    model = keras_gan.WGAN(shape, latent_dim=4, hidden_units=(16,), filters=4, clip_value=0.01, d_steps=3)
    # A large learning rate: unclipped, weights would leave the bound at the first step.
    model.compile(d_optimizer=keras.optimizers.SGD(1.0), g_optimizer=keras.optimizers.SGD(0.1))
    check = ClipCheck()
    history = model.fit(fake_data(shape, n=32), batch_size=8, epochs=1, verbose=0, callbacks=[check])
    assert len(check.largest) == 4 and max(check.largest) <= 0.01 + 1e-7
    assert max(check.largest) > 0.005  # the bound binds: weights were pushed to it
    assert int(model.d_optimizer.iterations) == 12 and set(history.history) == {"d_loss", "g_loss", "w_distance", *LEARNING_RATES}


def test_clipping_after_each_critic_step_not_only_the_last():
    model = keras_gan.WGAN((2,), latent_dim=4, hidden_units=(8,), clip_value=0.05, d_steps=2)
    model.compile(d_optimizer=keras.optimizers.SGD(10.0))
    calls = []
    original = model.clip_critic_weights
    model.clip_critic_weights = lambda: (calls.append(1), original())
    model._adversarial_step(keras.ops.convert_to_tensor(fake_data((2,), n=8)))
    assert len(calls) == 2


def test_paper_defaults():  # fit and round trips: tests/test_models.py
    model = keras_gan.WGAN((16, 16, 1), latent_dim=4, filters=4)
    model.compile()
    assert model.d_steps == 5 and model.clip_value == 0.01
    assert type(model.d_optimizer).__name__ == "RMSprop"
    assert model.d_optimizer.get_config()["learning_rate"] == pytest.approx(5e-5)
    with pytest.raises(ValueError, match="wasserstein"):
        keras_gan.WGAN((2,), latent_dim=4).compile(loss="hinge")
    with pytest.raises(ValueError, match="positive"):
        keras_gan.WGAN((2,), clip_value=0)
