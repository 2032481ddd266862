"""The JAX kernels behind `keras_gan.layers` and the generator EMA."""

import jax
import keras

from keras_gan.backend import generic
from keras_gan.backend.generic import batch_normalization_training, conv  # noqa: F401 (re-exported)

__all__ = ["batch_normalization_training", "conv", "conv_transpose", "moving_average"]


@jax.jit
def _moving_average(averages, values, decay):
    return [(decay * a + (1.0 - decay) * v).astype(a.dtype) for a, v in zip(averages, values)]


def moving_average(averages, values, decay):
    """`keras_gan.backend.generic.moving_average` in one compiled call (not one dispatch per op and tensor)."""
    return _moving_average(list(averages), list(values), jax.numpy.float32(decay))


def conv_transpose(inputs, kernel, bias=None, strides=1, padding="valid", output_padding=None,
                   dilation_rate=1, data_format=None):
    """`keras.ops.conv_transpose` with a fast kernel gradient on XLA:CPU.

    XLA:CPU computes the kernel gradient of a strided transposed convolution as
    an input-dilated convolution, about 17x slower than the same numbers taken
    as patches of the output gradient and one matrix product (what this does).
    Other cases (dilation, `output_padding`, channels-first) use `keras.ops`.

    Args and Returns: as `keras_gan.backend.generic.conv_transpose`.
    """
    inputs, kernel = keras.ops.convert_to_tensor(inputs), keras.ops.convert_to_tensor(kernel)
    strides = _pair(strides)
    plain = (
        output_padding is None
        and _pair(dilation_rate) == (1, 1)
        and (data_format or keras.config.image_data_format()) == "channels_last"
        and inputs.ndim == 4
    )
    if not plain:
        return generic.conv_transpose(inputs, kernel, bias, strides, padding, output_padding,
                                      dilation_rate, data_format)
    outputs = _patch_grad_conv_transpose(strides, padding.lower())(inputs, kernel)
    return generic.add_bias(outputs, bias, data_format)


def _pair(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


def _patch_grad_conv_transpose(strides, padding):
    @jax.custom_vjp
    def op(x, k):
        return keras.ops.conv_transpose(x, k, strides, padding)

    def forward(x, k):
        return op(x, k), (x, k)

    def backward(residuals, grad):
        x, k = residuals
        _, x_vjp = jax.vjp(lambda x_: keras.ops.conv_transpose(x_, k, strides, padding), x)
        (dx,) = x_vjp(grad)
        # conv_transpose is the adjoint of a strided convolution A_k, so
        # dL/dk = d<A_k(grad), x>/dk: patches of `grad` contracted with `x`.
        kh, kw = k.shape[0], k.shape[1]
        pads = [
            _adjoint_padding(size, stride, padding, x_len, g_len)
            for size, stride, x_len, g_len in zip((kh, kw), strides, x.shape[1:3], grad.shape[1:3])
        ]
        patches = jax.lax.conv_general_dilated_patches(
            grad, (kh, kw), strides, pads, dimension_numbers=("NHWC", "OIHW", "NHWC")
        )
        dk = jax.numpy.einsum("nuvp,nuvo->po", patches, x)
        dk = dk.reshape(grad.shape[-1], kh, kw, x.shape[-1]).transpose(1, 2, 0, 3)
        return dx, dk

    op.defvjp(forward, backward)
    return op


def _adjoint_padding(size, stride, padding, in_len, out_len):
    """Padding of the strided convolution whose input gradient is the transposed one."""
    left = size - 1 if padding == "valid" else min((size + stride - 1) // 2, size - 1)
    low = size - 1 - left
    return low, (in_len - 1) * stride + size - out_len - low
