"""Bad input fails early with a ValueError that says what was expected and how to fix it."""

import keras
import numpy as np
import pytest

import keras_gan
from conftest import fake_data, tiny_dcgan, tiny_gan


@pytest.fixture
def dcgan():
    model = tiny_dcgan()
    model.compile()
    return model


@pytest.mark.parametrize(
    "x, message",
    [
        (fake_data((32, 32, 1)), r"shape \(batch, 28, 28, 1\).*got shape \(64, 32, 32, 1\)"),
        (fake_data((28, 28)), r"channels-last"),
        (np.zeros((8, 28, 28, 1), "uint8"), r"floating-point.*uint8.*127\.5"),
        (np.zeros((8, 28, 28, 1), "int32"), r"floating-point.*int32"),
        (fake_data((28, 28, 1)) * 255, r"\[-1, 1\].*127\.5"),
        (fake_data((28, 28, 1)) / 2 + 0.5 + 0.01, r"\[-1, 1\]"),
        (np.zeros((0, 28, 28, 1), "float32"), r"empty"),
    ],
)
def test_bad_images_raise(dcgan, x, message):
    with pytest.raises(ValueError, match=message):
        dcgan.fit(x, batch_size=8, epochs=1, verbose=0)


def test_nan_in_data_raises(dcgan):
    x = fake_data((28, 28, 1))
    x[3, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        dcgan.fit(x, epochs=1, verbose=0)


def test_empty_datasets_raise():
    import tensorflow as tf

    model = tiny_gan()
    model.compile()
    empty = tf.data.Dataset.from_tensor_slices(np.zeros((0, 2), "float32")).batch(4)
    with pytest.raises(ValueError, match="empty"):
        model.fit(empty, epochs=1, verbose=0)

    class NoBatches(keras.utils.PyDataset):
        def __len__(self):
            return 0

        def __getitem__(self, i):
            raise IndexError(i)

    with pytest.raises(ValueError, match="empty"):
        model.fit(NoBatches(), epochs=1, verbose=0)


def test_wrong_shape_in_a_dataset_raises():
    import tensorflow as tf

    model = tiny_gan()
    model.compile()
    with pytest.raises(ValueError, match=r"data_shape=\(2,\)"):
        model.fit(tf.data.Dataset.from_tensor_slices(np.zeros((8, 3), "float32")).batch(4), verbose=0)


def test_non_finite_loss_stops_training_naming_loss_and_step():
    model = tiny_gan()
    model.compile(d_optimizer=keras.optimizers.SGD(1e30), g_optimizer=keras.optimizers.SGD(1e30))
    with pytest.raises(FloatingPointError, match=r"(d_loss|g_loss) became (nan|inf).*epoch 1, step \d"):
        model.fit(fake_data((2,), n=256) * 1e3, batch_size=8, epochs=3, verbose=0)


def test_fit_before_compile_and_bad_settings_raise():
    with pytest.raises(ValueError, match="compile"):
        tiny_gan().fit(fake_data((2,)), verbose=0)
    with pytest.raises(ValueError, match="d_steps"):
        tiny_gan(d_steps=0)
    model = tiny_gan()
    with pytest.raises(ValueError, match="non_saturating"):
        model.compile(loss="wasserstein_typo")
    adam = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="separate optimizer"):
        model.compile(d_optimizer=adam, g_optimizer=adam)


def test_mismatched_user_networks_raise():
    g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    with pytest.raises(ValueError, match=r"generator outputs samples of shape \(3,\)"):
        keras_gan.GAN((2,), latent_dim=4, generator=g)
    d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="one logit"):
        keras_gan.GAN((2,), latent_dim=4, discriminator=d)
    with pytest.raises(ValueError, match=r"halve|28x28"):
        keras_gan.DCGAN((30, 30, 1))
    with pytest.raises(ValueError, match="keras_gan.GAN"):
        keras_gan.DCGAN((2,))


def test_bad_latents_raise(dcgan):
    with pytest.raises(ValueError, match=r"\(num_samples, 8\)"):
        dcgan.generate(z=np.zeros((3, 7)))
    with pytest.raises(ValueError, match="positive"):
        dcgan.generate(0)


def test_unknown_dataset_lists_the_names():
    with pytest.raises(ValueError, match="mnist_5k"):
        keras_gan.data.load("mnist_50k")


def test_nan_guard_leaves_batch_callbacks_asynchronous():
    """The guard alone does not force Keras to read every step's logs on the training thread."""
    from keras.src.callbacks.callback_list import CallbackList

    from keras_gan.callbacks import FiniteLossGuard

    callbacks = CallbackList([FiniteLossGuard()], model=tiny_gan())
    assert callbacks._async_train == (keras.backend.backend() in ("jax", "torch"))  # TF's Keras runs them inline
