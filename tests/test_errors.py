"""Bad input fails early with a ValueError that says what was expected and how to fix it."""

import keras
import numpy as np
import pytest

import keras_gan
from conftest import fake_data, tiny_dcgan, tiny_gan


@pytest.fixture(scope="module")
def dcgan():  # shared: each use fails in the data checks, before any step
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


@pytest.mark.backend_independent
def test_unknown_dataset_lists_the_names():
    with pytest.raises(ValueError, match="mnist_5k"):
        keras_gan.data.load("mnist_50k")


def test_nan_guard_leaves_batch_callbacks_asynchronous():
    """The guard alone does not force Keras to read every step's logs on the training thread."""
    from keras.src.callbacks.callback_list import CallbackList

    from keras_gan.callbacks import FiniteLossGuard

    callbacks = CallbackList([FiniteLossGuard()], model=tiny_gan())
    assert callbacks._async_train == (keras.backend.backend() in ("jax", "torch"))  # TF's Keras runs them inline


def _tiny_cgan():
    model = keras_gan.ConditionalGAN((2,), num_classes=3, latent_dim=4, hidden_units=(8,))
    model.compile()
    return model


def _compiled_gan():
    model = tiny_gan()
    model.compile()
    return model


def _weights_file(tmp_path):
    path = str(tmp_path / "other.weights.h5")
    keras_gan.GAN((2,), latent_dim=4, hidden_units=(16,)).save_weights(path)
    return path


def _wrong_generator():
    while True:
        yield np.zeros((4, 3), "float32")


# (what the user wrote, the error keras-gan raises, what its message must say)
BAD_ARGUMENTS = {
    "latent_dim negative": (lambda t: keras_gan.GAN((2,), latent_dim=-3), ValueError, r"latent_dim must be a positive integer, got -3"),
    "latent_dim float": (lambda t: keras_gan.GAN((2,), latent_dim=2.5), ValueError, r"latent_dim.*2\.5"),
    "data_shape zero": (lambda t: keras_gan.GAN((0,)), ValueError, r"data_shape.*positive.*\(28, 28, 1\).*got \(0,\)"),
    "data_shape int": (lambda t: keras_gan.GAN(2), ValueError, r"data_shape.*got 2"),
    "d_steps zero": (lambda t: keras_gan.WGANGP((2,), d_steps=0), ValueError, r"d_steps must be a positive integer"),
    "num_classes one": (lambda t: keras_gan.ConditionalGAN((2,), num_classes=1), ValueError, r"num_classes must be at least 2"),
    "gp_weight negative": (lambda t: keras_gan.WGANGP((2,), gp_weight=-1), ValueError, r"gp_weight must be a non-negative"),
    "filters zero": (lambda t: keras_gan.DCGAN((28, 28, 1), filters=0), ValueError, r"filters must be a positive integer.*filters=64"),
    "generator_filters float": (lambda t: keras_gan.WGANGP((28, 28, 1), generator_filters=1.5), ValueError,
                                r"generator_filters must be a positive integer, got 1.5.*generator_filters=64"),
    "hidden_units zero": (lambda t: keras_gan.GAN((2,), hidden_units=(0,)), ValueError, r"hidden_units.*\(256, 256\).*got \(0,\)"),
    "hidden_units int": (lambda t: keras_gan.GAN((2,), hidden_units=8), ValueError, r"hidden_units.*got 8"),
    "dropout above one": (lambda t: keras_gan.GAN((2,), dropout=1.5), ValueError, r"dropout must be a number in \[0, 1\)"),
    "compile unknown optimizer": (lambda t: tiny_gan().compile(d_optimizer="adamx"), ValueError, r"d_optimizer must be.*'adamx'.*Adam\("),
    "generate NaN latents": (lambda t: _compiled_gan().generate(z=np.full((2, 4), np.nan)), ValueError, r"NaN or infinite.*rows \[0, 1\]"),
    "generate string latents": (lambda t: _compiled_gan().generate(z=[["a", "b", "c", "d"]]), TypeError, r"numeric latents z"),
    "generate labels out of range": (lambda t: _tiny_cgan().generate(labels=np.array([5, 1])), ValueError, r"\[0, 3\).*5"),
    "generate float labels": (lambda t: _tiny_cgan().generate(labels=np.array([0.5, 1.0])), ValueError, r"integer class labels.*float"),
    "fit list of arrays": (lambda t: _compiled_gan().fit([fake_data((2,)), fake_data((2,))], verbose=0), TypeError, r"not a list of 2 items.*np\.stack"),
    "fit dict": (lambda t: _compiled_gan().fit({"x": fake_data((2,))}, verbose=0), TypeError, r"dict with keys \['x'\]"),
    "fit generator wrong shape": (lambda t: _compiled_gan().fit(_wrong_generator(), steps_per_epoch=2, verbose=0), ValueError, r"data_shape=\(2,\).*\(4, 3\)"),
    "load_weights of another model": (lambda t: _compiled_gan().load_weights(_weights_file(t)), ValueError, r"does not hold the weights of this GAN.*keras\.saving\.load_model"),
}


@pytest.mark.parametrize("case", sorted(BAD_ARGUMENTS))
def test_bad_arguments_raise_our_own_clear_errors(case, tmp_path):
    action, error, message = BAD_ARGUMENTS[case]
    with pytest.raises(error, match=message) as raised:
        action(tmp_path)
    assert "keras_gan" in raised.traceback[-1].path.as_posix(), raised.traceback[-1]  # raised by keras-gan's code


def test_python_generators_of_bare_arrays_train():
    model = _compiled_gan()

    def batches():
        rng = np.random.default_rng(0)
        while True:
            yield rng.normal(size=(8, 2)).astype("float32")

    history = model.fit(batches(), steps_per_epoch=3, epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][0]) and int(model.g_optimizer.iterations) == 3


def test_summary_shows_both_networks_optimizers_and_loss():
    model = tiny_gan()
    lines = []
    model.summary(print_fn=lambda line, line_break=True: lines.append(line))
    assert "not compiled" in lines[3]
    model.compile(d_optimizer=keras.optimizers.Adam(4e-4, beta_1=0.5), g_optimizer=keras.optimizers.Adam(1e-4))
    lines.clear()
    model.summary(print_fn=lambda line, line_break=True: lines.append(line))
    text = "\n".join(lines)
    assert f"generator 'generator': {model.generator.count_params():,} parameters" in text
    assert f"discriminator 'discriminator': {model.discriminator.count_params():,} parameters" in text
    assert "d_optimizer: Adam(learning_rate=0.0004, beta_1=0.5" in text and "g_optimizer: Adam(learning_rate=0.0001" in text
    assert "loss: non_saturating" in text and text.count("Total params") == 2
