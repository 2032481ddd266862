"""The torch kernels behind `keras_gan.layers` and the generator EMA.

Keras's torch convolutions copy
channels-last inputs to NCHW and back to channels-last memory, pad "same" inputs
explicitly, and compute a transposed convolution's whole output before cropping;
its BatchNormalization runs moments and normalization as a dozen elementwise ops.
Here an NHWC tensor is viewed as NCHW (a channels-last tensor to torch, no copy),
padding goes to the kernel wherever it is symmetric, each kernel is copied into
torch's layout once per update, CPU inputs get oneDNN's faster layout, and
BatchNormalization is `torch.nn.functional.batch_norm`.
"""

import weakref

import keras
import torch
import torch.nn.functional as F

from keras_gan.backend import generic

__all__ = ["batch_normalization_training", "conv", "conv_transpose", "moving_average"]


def moving_average(averages, values, decay):
    """`keras_gan.backend.generic.moving_average` with torch's fused multi-tensor ops."""
    with torch.no_grad():
        averages = [a.detach().clone() for a in averages]
        torch._foreach_lerp_(averages, [v.detach() for v in values], 1.0 - decay)
    return averages


def conv(inputs, kernel, bias=None, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """`keras_gan.backend.generic.conv` for 2D inputs in one torch kernel, bias included, no layout copies.

    Args and Returns: as `keras_gan.backend.generic.conv`.
    """
    inputs, kernel, bias = _tensor(inputs), _tensor(kernel), _tensor(bias)
    if inputs.ndim != 4:
        return generic.conv(inputs, kernel, bias, strides, padding, data_format, dilation_rate)
    channels_last = (data_format or keras.config.image_data_format()) == "channels_last"
    strides, dilation_rate = _pair(strides), _pair(dilation_rate)
    x = _cpu_layout(inputs.permute(0, 3, 1, 2) if channels_last else inputs, strides, transposed=False)
    w = _torch_layout(kernel, x)  # (h, w, in, out) -> (out, in, h, w)
    pads = [
        _same_padding(size, (k - 1) * d + 1, s) if padding.lower() == "same" else (0, 0)
        for size, k, s, d in zip(x.shape[2:], w.shape[2:], strides, dilation_rate)
    ]
    if any(low != high for low, high in pads):
        # torch pads symmetrically: pad only the difference explicitly. oneDNN runs
        # (1, 2) as pad(0, 1) + padding 1 about 25% faster than as pad(1, 2) + padding 0.
        x = F.pad(x, [n for low, high in reversed(pads) for n in (max(low - high, 0), max(high - low, 0))])
    y = F.conv2d(x, w, bias, strides, [min(low, high) for low, high in pads], dilation_rate,
                 x.shape[1] // w.shape[1])
    return y.permute(0, 2, 3, 1) if channels_last else y


def conv_transpose(inputs, kernel, bias=None, strides=1, padding="valid", output_padding=None,
                   dilation_rate=1, data_format=None):
    """`keras_gan.backend.generic.conv_transpose` for 2D inputs computing only the kept output.

    Keras's torch backend computes the whole `(in - 1) * stride + kernel` output and
    crops it (2.5x the needed pixels for a 5x5 kernel at stride 1 on 7x7); here torch's
    `padding`/`output_padding` crop inside the kernel, and at most one row and column
    is sliced off when the crop is asymmetric the other way.

    Args and Returns: as `keras_gan.backend.generic.conv_transpose`.
    """
    inputs, kernel, bias = _tensor(inputs), _tensor(kernel), _tensor(bias)
    strides = _pair(strides)
    crops = [_transpose_crop(k, s, padding.lower()) for k, s in zip(kernel.shape[:2], strides)]
    if inputs.ndim != 4 or output_padding is not None or _pair(dilation_rate) != (1, 1) or None in crops:
        return generic.conv_transpose(inputs, kernel, bias, strides, padding, output_padding,
                                      dilation_rate, data_format)
    channels_last = (data_format or keras.config.image_data_format()) == "channels_last"
    x = _cpu_layout(inputs.permute(0, 3, 1, 2) if channels_last else inputs, strides, transposed=True)
    w = _torch_layout(kernel, x)  # (h, w, out, in) -> (in, out, h, w)
    # torch crops (padding, padding - output_padding), output_padding < stride.
    pads = [low if 0 <= low - high < s else min(low, high) for (low, high), s in zip(crops, strides)]
    extra = [low - high if 0 <= low - high < s else 0 for (low, high), s in zip(crops, strides)]
    y = F.conv_transpose2d(x, w, bias, strides, pads, extra)
    starts = [low - p for (low, _), p in zip(crops, pads)]
    stops = [n - (high - p + e) for n, (_, high), p, e in zip(y.shape[2:], crops, pads, extra)]
    if any(starts) or stops != list(y.shape[2:]):
        # Strided views make later kernels slow (batch_norm's backward 17x).
        y = y[:, :, starts[0]:stops[0], starts[1]:stops[1]].contiguous(memory_format=_memory_format(y))
    return y.permute(0, 2, 3, 1) if channels_last else y


def batch_normalization_training(inputs, gamma, beta, axis, epsilon):
    """`generic.batch_normalization_training` through `F.batch_norm` (same Args and Returns)."""
    x = torch.movedim(_tensor(inputs), axis, 1)
    layout = _memory_format(x)
    if not x.is_contiguous(memory_format=layout):  # strided views: 17x slower
        x = x.contiguous(memory_format=layout)
    channels = x.shape[1]
    # With running buffers and momentum 1, batch_norm writes the batch mean and the
    # unbiased variance into them in the same pass that normalizes.
    mean = torch.zeros(channels, dtype=x.dtype, device=x.device)
    variance = torch.zeros_like(mean)
    y = F.batch_norm(x, mean, variance, _tensor(gamma), _tensor(beta), True, 1.0, epsilon)
    count = x.numel() // channels
    return torch.movedim(y, 1, axis), mean, variance * ((count - 1) / count)


class _TorchLayout(torch.autograd.Function):
    """A Keras kernel `(h, w, a, b)` as a torch kernel `(b, a, h, w)` in the input's memory format.

    torch's convolutions copy a kernel into the input's memory format on every forward
    and backward call; this copies it once per kernel version (a DCGAN step uses each
    kernel two or three times between optimizer updates).
    """

    _copies = {}  # (id(kernel), memory format) -> (weakref to kernel, version, copy)

    @staticmethod
    def forward(kernel, memory_format):
        key = (id(kernel), memory_format)
        ref, version, copy = _TorchLayout._copies.get(key, (None, None, None))
        if ref is None or ref() is not kernel or version != kernel._version:
            copy = kernel.permute(3, 2, 0, 1).contiguous(memory_format=memory_format)
            ref = weakref.ref(kernel, lambda _, key=key: _TorchLayout._copies.pop(key, None))
            _TorchLayout._copies[key] = (ref, kernel._version, copy)
        return copy.detach()  # a new alias per call: autograd attaches one graph node to it

    @staticmethod
    def setup_context(ctx, inputs, output):
        pass

    @staticmethod
    def backward(ctx, grad):
        return grad.permute(2, 3, 1, 0), None


def _torch_layout(kernel, like):
    """`kernel.permute(3, 2, 0, 1)` in the memory format of input `like`; cached until the kernel changes."""
    if kernel.ndim != 4 or kernel._is_view() or not kernel.is_leaf:
        return kernel.permute(3, 2, 0, 1)
    return _TorchLayout.apply(kernel, _memory_format(like))


def _cpu_layout(x, strides, transposed):
    """`x` (an NCHW view) in the memory format oneDNN runs fastest on CPU; as it is elsewhere.

    Measured (torch 2.13, DCGAN shapes, forward + backward): strided convolutions about
    2x faster channels-last, stride-1 transposed convolutions about 10% faster NCHW.
    """
    if x.device.type != "cpu" or x.shape[1] == 1:
        return x
    if strides != (1, 1):
        layout = torch.channels_last
    elif transposed:
        layout = torch.contiguous_format
    else:
        return x
    return x if x.is_contiguous(memory_format=layout) else x.contiguous(memory_format=layout)


def _memory_format(x):
    """Channels-last if `x` is laid out so (an NHWC tensor viewed as NCHW), else contiguous."""
    if x.ndim == 4 and x.stride(1) == 1 and x.shape[1] > 1:
        return torch.channels_last
    return torch.contiguous_format


def _tensor(value):
    return None if value is None else keras.ops.convert_to_tensor(value)


def _pair(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


def _same_padding(size, kernel, stride):
    """(before, after) padding of a "same" convolution, as Keras/TensorFlow split it."""
    total = max((-(-size // stride) - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def _transpose_crop(kernel, stride, padding):
    """(start, end) crop of the full transposed-convolution output; None where Keras pads it instead."""
    if kernel < stride:
        return None
    total = kernel - stride if padding == "same" else 0
    return total // 2, total - total // 2
