"""keras_gan.layers.Conv2DTranspose computes what keras's does: same outputs, same gradients."""

import keras
import numpy as np
import pytest

import keras_gan


@pytest.mark.parametrize(
    "kernel, strides, padding",
    [(4, 2, "same"), (5, 2, "same"), (5, 1, "same"), (3, 2, "valid"), (2, 3, "valid"), (3, 2, "same")],
)
def test_conv_transpose_matches_keras_outputs_and_gradients(kernel, strides, padding):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 7, 7, 6)).astype("float32")

    def build(layer):
        return keras.Sequential([keras.Input((7, 7, 6)), layer(3, kernel, strides=strides, padding=padding)])

    ours, theirs = build(keras_gan.layers.Conv2DTranspose), build(keras.layers.Conv2DTranspose)
    ours.set_weights([rng.standard_normal(w.shape).astype("float32") for w in theirs.get_weights()])
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0), atol=1e-4)
    y = rng.standard_normal((8, *theirs.output_shape[1:])).astype("float32")
    for model in (ours, theirs):  # one SGD step: equal updates mean equal kernel and bias gradients
        model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
        model.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-4)


def test_layer_round_trips_through_config():
    layer = keras_gan.layers.Conv2DTranspose(4, 5, strides=2, padding="same", activation="tanh")
    clone = keras.layers.deserialize(keras.layers.serialize(layer))
    assert type(clone) is type(layer) and clone.get_config() == layer.get_config()
