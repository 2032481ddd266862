"""keras_gan.layers compute what keras's layers do: same outputs, gradients, statistics, weights and config."""

import os

import keras
import numpy as np
import pytest

import keras_gan


def _twins(ours, theirs, input_shape, seed=0):
    """The same model built with our layers and with Keras's, sharing random weights."""
    rng = np.random.default_rng(seed)
    a = keras.Sequential([keras.Input(input_shape), *ours])
    b = keras.Sequential([keras.Input(input_shape), *theirs])
    values = [rng.standard_normal(v.shape).astype("float32") * 0.5 for v in b.weights]
    values = [np.abs(w) + 0.5 if "variance" in v.name else w for v, w in zip(b.weights, values)]
    a.set_weights(values)
    b.set_weights(values)
    return a, b


def _assert_same_training_step(ours, theirs, x, atol=1e-4):
    """Equal outputs, then equal weights after one SGD step: equal gradients (and BN statistics)."""
    np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0), atol=atol)
    y = np.random.default_rng(1).standard_normal((len(x), *theirs.output_shape[1:])).astype("float32")
    for model in (ours, theirs):
        model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
        model.fit(x, y, batch_size=len(x), epochs=1, verbose=0, shuffle=False)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, atol=atol)


def _images(shape=(8, 7, 7, 6)):
    return np.random.default_rng(2).standard_normal(shape).astype("float32")


@pytest.mark.parametrize(
    "kernel, strides, padding",
    [(4, 2, "same"), (5, 2, "same"), (5, 1, "same"), (3, 2, "valid"), (2, 3, "valid"), (3, 2, "same")],
)
def test_conv_transpose_matches_keras_outputs_and_gradients(kernel, strides, padding):
    ours, theirs = _twins([keras_gan.layers.Conv2DTranspose(3, kernel, strides=strides, padding=padding)],
                          [keras.layers.Conv2DTranspose(3, kernel, strides=strides, padding=padding)], (7, 7, 6))
    _assert_same_training_step(ours, theirs, _images())


@pytest.mark.parametrize(
    "kwargs",
    [
        {"output_padding": 1, "strides": 2},  # Keras's own kernel on every backend
        {"use_bias": False, "activation": "tanh", "strides": 2},
    ],
)
def test_conv_transpose_options_match_keras(kwargs):
    ours, theirs = _twins([keras_gan.layers.Conv2DTranspose(4, 3, padding="same", **kwargs)],
                          [keras.layers.Conv2DTranspose(4, 3, padding="same", **kwargs)], (7, 7, 6))
    _assert_same_training_step(ours, theirs, _images())


@pytest.mark.parametrize(
    "kernel, strides, padding, kwargs",
    [
        (5, 2, "same", {}),  # asymmetric "same" padding (1, 2)
        (4, 2, "same", {}),  # symmetric (1, 1)
        (4, 1, "same", {"use_bias": False}),
        (3, 2, "valid", {"activation": "relu"}),
        (3, 1, "same", {"dilation_rate": 2}),
        (3, 1, "valid", {"groups": 2}),
    ],
)
def test_conv_matches_keras_outputs_and_gradients(kernel, strides, padding, kwargs):
    ours, theirs = _twins([keras_gan.layers.Conv2D(4, kernel, strides=strides, padding=padding, **kwargs)],
                          [keras.layers.Conv2D(4, kernel, strides=strides, padding=padding, **kwargs)], (7, 7, 6))
    _assert_same_training_step(ours, theirs, _images())


@pytest.mark.parametrize(
    "input_shape, kwargs",
    [
        ((7, 7, 6), {}),
        ((7, 7, 6), {"momentum": 0.9, "epsilon": 1e-5, "center": False}),
        ((7, 7, 6), {"axis": 1, "scale": False}),
        ((12,), {}),
    ],
)
def test_batch_norm_matches_keras_in_training_and_inference(input_shape, kwargs):
    ours, theirs = _twins([keras_gan.layers.BatchNormalization(**kwargs)],
                          [keras.layers.BatchNormalization(**kwargs)], input_shape)
    x = _images((16, *input_shape)) * 3 + 1
    for model in (ours, theirs):  # moving statistics updated by a training call
        model(x, training=True)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(ours(x, training=True)),
        keras.ops.convert_to_numpy(theirs(x, training=True)), atol=1e-4,
    )
    _assert_same_training_step(ours, theirs, x)  # predict: inference; fit: gradients and statistics


def test_batch_norm_after_keras_conv_transpose_matches_keras():
    # On torch Keras's transposed convolution returns a strided window of a larger output.
    def net(bn):
        return [keras.layers.Conv2DTranspose(4, 3, strides=2, padding="same"), bn()]

    ours, theirs = _twins(net(keras_gan.layers.BatchNormalization), net(keras.layers.BatchNormalization), (7, 7, 6))
    _assert_same_training_step(ours, theirs, _images())


def _shared_layers_net(module):
    """Each layer called twice per step, as D is on a real and a generated batch."""
    conv = module.Conv2D(8, 5, strides=2, padding="same")
    up = module.Conv2DTranspose(3, 5, strides=1, padding="same")
    a, b = keras.Input((7, 7, 6)), keras.Input((7, 7, 6))
    return keras.Model([a, b], keras.layers.Add()([up(conv(a)), up(conv(b))]))


def test_kernels_follow_weight_updates_across_steps_and_reuse():
    # The torch kernels keep a per-version copy of each kernel: a stale copy would
    # show up here as outputs or weights drifting from Keras's after updates.
    ours, theirs = _shared_layers_net(keras_gan.layers), _shared_layers_net(keras.layers)
    rng = np.random.default_rng(0)
    values = [rng.standard_normal(v.shape).astype("float32") * 0.3 for v in theirs.weights]
    ours.set_weights(values)
    theirs.set_weights(values)
    x = [_images((12, 7, 7, 6)), _images((12, 7, 7, 6))[::-1].copy()]
    y = rng.standard_normal((12, 4, 4, 3)).astype("float32")
    for model in (ours, theirs):
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
        model.fit(x, y, batch_size=4, epochs=1, verbose=0, shuffle=False)  # 3 steps
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-4)
    assert not np.allclose(ours.get_weights()[0], values[0], atol=1e-3)  # the steps did move the kernel
    np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0), atol=1e-4)
    new = [w * -0.5 for w in values]  # weights assigned in place, after the kernels were used
    ours.set_weights(new)
    theirs.set_weights(new)
    np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0), atol=1e-4)


def _small_net(module):
    return keras.Sequential([
        keras.Input((8, 8, 3)),
        module.Conv2D(4, 5, strides=2, padding="same"),
        module.BatchNormalization(),
        module.Conv2DTranspose(2, 5, strides=2, padding="same", activation="tanh"),
    ])


@pytest.mark.parametrize("name", ["Conv2D", "Conv2DTranspose", "BatchNormalization"])
def test_layer_round_trips_through_config(name):
    kwargs = {} if name == "BatchNormalization" else {"filters": 4, "kernel_size": 5, "strides": 2, "padding": "same"}
    layer = getattr(keras_gan.layers, name)(**kwargs)
    clone = keras.layers.deserialize(keras.layers.serialize(layer))
    assert type(clone) is type(layer) and clone.get_config() == layer.get_config()


def test_model_saves_loads_and_shares_weights_with_keras_layers(tmp_path):
    x = _images((4, 8, 8, 3))
    ours = _small_net(keras_gan.layers)
    ours(x, training=True)  # moving statistics away from their initial values
    path = os.path.join(tmp_path, "net.keras")
    ours.save(path)
    loaded = keras.models.load_model(path)
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in ours.layers]
    np.testing.assert_allclose(loaded.predict(x, verbose=0), ours.predict(x, verbose=0), atol=1e-6)
    theirs = _small_net(keras.layers)  # the same weight files load into Keras's own layers
    ours.save_weights(os.path.join(tmp_path, "net.weights.h5"))
    theirs.load_weights(os.path.join(tmp_path, "net.weights.h5"))
    np.testing.assert_allclose(theirs.predict(x, verbose=0), ours.predict(x, verbose=0), atol=1e-4)


def test_convert_swaps_keras_layers_and_keeps_weights():
    theirs = keras.Sequential([
        keras.Input((8, 8, 3)),
        keras.layers.Conv2D(4, 5, strides=2, padding="same"),
        keras.layers.BatchNormalization(),
        keras.layers.LeakyReLU(0.2),
        keras.layers.Conv2DTranspose(2, 5, strides=2, padding="same", activation="tanh"),
    ])
    x = _images((4, 8, 8, 3))
    theirs(x, training=True)  # moving statistics away from their initial values
    ours = keras_gan.layers.convert(theirs)
    assert [type(layer) for layer in ours.layers] == [
        keras_gan.layers.Conv2D, keras_gan.layers.BatchNormalization, keras.layers.LeakyReLU,
        keras_gan.layers.Conv2DTranspose,
    ]
    assert ours.layers[0] is not theirs.layers[0]
    np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0), atol=1e-4)
    _assert_same_training_step(ours, theirs, x)
    with pytest.raises(ValueError, match="built Sequential or functional"):
        keras_gan.layers.convert(keras.layers.Dense(3))


def test_linear_maxout_outputs_the_max_of_its_pieces(tmp_path):
    layer = keras_gan.layers.LinearMaxout(3, pieces=5)
    x = np.random.default_rng(0).standard_normal((4, 2)).astype("float32")
    out = keras.ops.convert_to_numpy(layer(x))
    kernel, bias = (keras.ops.convert_to_numpy(w) for w in layer.dense.weights)
    expected = (x @ kernel + bias).reshape(4, 3, 5).max(-1)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    assert out.shape == (4, 3) and layer.compute_output_shape((None, 2)) == (None, 3)
    model = keras.Sequential([keras.Input((2,)), layer, keras.layers.Dense(1)])
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(loaded(x)), keras.ops.convert_to_numpy(model(x)), atol=1e-6)
    with pytest.raises(ValueError, match="positive"):
        keras_gan.layers.LinearMaxout(0)
