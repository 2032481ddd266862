"""StyleGAN2's resampling (the [1, 3, 3, 1] filter) and the residual discriminator's layers, in `keras.ops`."""

import math

import keras
from keras import ops

from keras_gan.models.stylegan2.layers import LabelEmbedding, _Layer

__all__ = ["Downsample2D", "MinibatchStdDev", "Projection", "ResidualAdd", "Upsample2D", "downsample_2x", "upsample_2x"]


def _part(x, axis, start, stop):
    """`x[start:stop]` along `axis` (plain slicing: a view, no gather)."""
    return x[(slice(None),) * axis + (slice(start, stop),)]


def upsample_2x(x):
    """2× upsampling of `(batch, h, w, c)` by the [1, 3, 3, 1] filter (= bilinear, edges repeated)."""
    x = ops.convert_to_tensor(x)
    for axis in (1, 2):
        n = x.shape[axis]
        before = ops.concatenate([_part(x, axis, 0, 1), _part(x, axis, 0, n - 1)], axis=axis)
        after = ops.concatenate([_part(x, axis, 1, n), _part(x, axis, n - 1, n)], axis=axis)
        even, odd = 0.25 * before + 0.75 * x, 0.75 * x + 0.25 * after
        shape = list(x.shape)
        shape[0], shape[axis] = -1, 2 * n
        x = ops.reshape(ops.stack([even, odd], axis=axis + 1), shape)
    return x


def downsample_2x(x):
    """2× downsampling of `(batch, h, w, c)`: the [1, 3, 3, 1]/8 filter at every other pixel, edges repeated."""
    x = ops.convert_to_tensor(x)
    for axis in (1, 2):
        shape = list(x.shape)
        n = shape[axis] // 2
        shape[0], shape[axis] = -1, n
        pairs = ops.reshape(x, shape[: axis + 1] + [2] + shape[axis + 1:])
        even = pairs[(slice(None),) * (axis + 1) + (0,)]
        odd = pairs[(slice(None),) * (axis + 1) + (1,)]
        before = ops.concatenate([_part(even, axis, 0, 1), _part(odd, axis, 0, n - 1)], axis=axis)
        after = ops.concatenate([_part(even, axis, 1, n), _part(odd, axis, n - 1, n)], axis=axis)
        x = (before + 3.0 * (even + odd) + after) * 0.125
    return x


@keras.saving.register_keras_serializable(package="keras_gan")
class Upsample2D(_Layer):
    """`upsample_2x` as a layer."""

    def call(self, x):
        return upsample_2x(x)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 2 * input_shape[1], 2 * input_shape[2], input_shape[3])


@keras.saving.register_keras_serializable(package="keras_gan")
class Downsample2D(_Layer):
    """`downsample_2x` as a layer."""

    def call(self, x):
        return downsample_2x(x)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[1] // 2, input_shape[2] // 2, input_shape[3])


@keras.saving.register_keras_serializable(package="keras_gan")
class ResidualAdd(_Layer):
    """`(skip + residual) / sqrt(2)`: the residual discriminator's blocks keep unit variance."""

    def call(self, inputs):
        return (inputs[0] + inputs[1]) * math.sqrt(0.5)

    def compute_output_shape(self, input_shape):
        return input_shape[0]


@keras.saving.register_keras_serializable(package="keras_gan")
class MinibatchStdDev(_Layer):
    """Appends one feature map: the standard deviation over a group of samples, averaged over features.

    Samples form consecutive groups of `group_size` (a last, smaller group where the batch is
    not a multiple); each sample gets its group's mean over pixels and channels of the
    per-feature standard deviation `sqrt(var + 1e-8)` (biased variance), as a constant map.
    Written with a same-group matrix, so it needs no static batch size.
    """

    _config = ("group_size",)

    def __init__(self, group_size=4, **kwargs):
        super().__init__(**kwargs)
        self.group_size = int(group_size)

    def call(self, x):
        n = ops.shape(x)[0]
        flat = ops.reshape(ops.cast(x, "float32"), (n, -1))
        group = ops.floor_divide(ops.arange(n), self.group_size)
        same = ops.cast(ops.equal(group[:, None], group[None, :]), "float32")
        mean = ops.matmul(same, flat) / ops.sum(same, axis=1, keepdims=True)
        var = ops.matmul(same, ops.square(flat - mean)) / ops.sum(same, axis=1, keepdims=True)
        std = ops.mean(ops.sqrt(var + 1e-8), axis=1)
        maps = ops.broadcast_to(ops.reshape(std, (-1, 1, 1, 1)), (n, x.shape[1], x.shape[2], 1))
        return ops.concatenate([x, ops.cast(maps, x.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + 1)


@keras.saving.register_keras_serializable(package="keras_gan")
class Projection(_Layer):
    """Projection discriminator's class term (Miyato & Koyama 2018): `<embed(label), h> / sqrt(dim)`, on `[h, label]`."""

    _config = ("num_classes",)

    def __init__(self, num_classes, **kwargs):
        super().__init__(**kwargs)
        self.num_classes = int(num_classes)

    def build(self, input_shape):
        self.embedding = LabelEmbedding(self.num_classes, int(input_shape[0][-1]), name="embedding")
        self.embedding.build(input_shape[1])

    def call(self, inputs):
        h, labels = inputs
        e = self.embedding(labels)
        return ops.sum(ops.cast(h, "float32") * ops.cast(e, "float32"), axis=-1, keepdims=True) / math.sqrt(h.shape[-1])

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0], 1)
