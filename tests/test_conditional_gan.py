"""Conditional GAN: labels reach both networks, learning per class, bad labels (saving: tests/test_models.py)."""

import keras
import numpy as np
import pytest

import keras_gan
import learning
from conftest import fake_data, LEARNING_RATES


def tiny_cgan(data_shape=(28, 28, 1), **kwargs):
    return keras_gan.ConditionalGAN(data_shape, num_classes=3, latent_dim=8, filters=4,
                                    hidden_units=(16, 16), **kwargs)


def test_fit_with_labels_and_generate_per_class():
    model = tiny_cgan()
    model.compile()
    x, y = fake_data((28, 28, 1), n=48), np.arange(48, dtype="int32") % 3
    history = model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    model.fit(x, y[:, None], batch_size=16, epochs=1, verbose=0)  # (N, 1) labels work too
    assert set(history.history) == {"d_loss", "g_loss", "d_real", "d_fake", *LEARNING_RATES}
    assert model.generate(4, labels=2, seed=0).shape == (4, 28, 28, 1)
    assert model.generate(labels=[0, 1, 2]).shape == (3, 28, 28, 1)
    np.testing.assert_array_equal(model.generate(5, seed=3), model.generate(5, seed=3))
    # The label changes the sample for the same z: G really sees it.
    z = np.random.default_rng(0).standard_normal((2, 8))
    assert not np.allclose(model.generate(z=z, labels=0), model.generate(z=z, labels=1))


def test_fit_accepts_a_dataset_of_samples_and_labels():
    import tensorflow as tf

    model = tiny_cgan((2,))
    model.compile()
    x, y = fake_data((2,), n=32), np.arange(32, dtype="int32") % 3
    model.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(16), epochs=1, verbose=0)
    assert int(model.g_optimizer.iterations) == 2


def test_conditional_gan_learns_each_class():
    """Two separated classes: generate(labels=c) lands nearest centre c (seeds: `learning.seeds_for`)."""
    learning.assert_learns("conditional_gan")


@pytest.mark.parametrize(
    "labels, message",
    [
        (np.full(16, 3), r"\[0, 3\).*3 to 3"),
        (np.full(16, -1), r"\[0, 3\)"),
        (np.zeros(16, "float32"), r"integer.*float32"),
        (np.zeros(15, "int32"), r"shape \(16,\)"),
        (np.eye(3)[np.zeros(16, int)].astype("int32"), r"one-hot"),
        (None, r"needs labels"),
    ],
)
def test_bad_labels_raise(labels, message):
    model = tiny_cgan((2,))
    model.compile()
    with pytest.raises(ValueError, match=message):
        model.fit(fake_data((2,), n=16), labels, epochs=1, verbose=0)


def test_bad_labels_in_generate_and_datasets_raise():
    import tensorflow as tf

    model = tiny_cgan((2,))
    model.compile()
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        model.generate(2, labels=[0, 5])
    with pytest.raises(ValueError, match="labels"):
        model.fit(tf.data.Dataset.from_tensor_slices(fake_data((2,), n=8)).batch(4), verbose=0)
    with pytest.raises(ValueError, match="two inputs"):
        keras_gan.ConditionalGAN((2,), num_classes=3, latent_dim=4,
                                 generator=keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)]))
