"""Layers whose gradients are fast on every backend."""

import keras
from keras import ops

from keras_gan.backend import conv_transpose


@keras.saving.register_keras_serializable(package="keras_gan")
class Conv2DTranspose(keras.layers.Conv2DTranspose):
    """Drop-in `keras.layers.Conv2DTranspose`, same weights, faster kernel gradient on JAX (CPU)."""

    def call(self, inputs):
        outputs = conv_transpose(
            inputs, self.kernel, strides=self.strides, padding=self.padding,
            output_padding=self.output_padding, dilation_rate=self.dilation_rate,
            data_format=self.data_format,
        )
        if self.use_bias:
            shape = (1, 1, 1, self.filters) if self.data_format == "channels_last" else (1, self.filters, 1, 1)
            outputs = ops.add(outputs, ops.reshape(self.bias, shape))
        return self.activation(outputs)
