"""Layer kernels written with `keras.ops`, for backends whose Keras kernels are already fast."""

import keras
from keras import ops

__all__ = ["add_bias", "batch_normalization_training", "conv", "conv_transpose", "moving_average"]


def conv(inputs, kernel, bias=None, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """`keras.ops.conv` plus an optional per-channel `bias`, as `keras.layers.Conv2D` computes it.

    Args:
        bias: `(filters,)` or None; the others as `keras.ops.conv`.

    Returns:
        The convolution's output.
    """
    outputs = ops.conv(inputs, kernel, strides, padding, data_format, dilation_rate)
    return add_bias(outputs, bias, data_format)


def conv_transpose(inputs, kernel, bias=None, strides=1, padding="valid", output_padding=None,
                   dilation_rate=1, data_format=None):
    """`keras.ops.conv_transpose` plus an optional per-channel `bias`, as `keras.layers.Conv2DTranspose` computes it.

    Args:
        bias: `(filters,)` or None; the others as `keras.ops.conv_transpose`.

    Returns:
        The transposed convolution's output.
    """
    outputs = ops.conv_transpose(inputs, kernel, strides, padding, output_padding, data_format, dilation_rate)
    return add_bias(outputs, bias, data_format)


def add_bias(outputs, bias, data_format=None):
    """`outputs + bias` along the channel axis of `data_format` (no-op for `bias=None`)."""
    if bias is None:
        return outputs
    rank = len(outputs.shape) - 2
    if (data_format or keras.config.image_data_format()) == "channels_last":
        shape = (1,) * (rank + 1) + (-1,)
    else:
        shape = (1, -1) + (1,) * rank
    return ops.add(outputs, ops.reshape(bias, shape))


def batch_normalization_training(inputs, gamma, beta, axis, epsilon):
    """Normalizes `inputs` by their own mean and variance over all axes but `axis`.

    What `keras.layers.BatchNormalization` computes in training.

    Args:
        inputs: a float tensor.
        gamma, beta: scale and offset of length `inputs.shape[axis]`, or None.
        axis: the feature axis.
        epsilon: added to the variance.

    Returns:
        `(outputs, mean, variance)`, the variance biased, as `keras.ops.moments` gives it.
    """
    axis = axis % len(inputs.shape)
    mean, variance = ops.moments(inputs, [i for i in range(len(inputs.shape)) if i != axis])
    outputs = ops.batch_normalization(inputs, mean, variance, axis, beta, gamma, epsilon)
    return outputs, mean, variance


def moving_average(averages, values, decay):
    """`decay * a + (1 - decay) * v` for each pair of `averages` and `values`: new tensors.

    Args:
        averages, values: lists of tensors, pairwise of one shape.
        decay: a Python float in [0, 1).

    Returns:
        The list of updated averages.
    """
    return [decay * a + (1.0 - decay) * v for a, v in zip(averages, values)]
