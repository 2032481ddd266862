"""The layers of StyleGAN2 (Karras et al. 2020, arXiv:1912.04958), one idea each, in `keras.ops`.

Every weight follows the equalized learning rate of ProGAN/StyleGAN: stored as N(0, 1) (divided
by a learning-rate multiplier where there is one) and scaled at run time by `1/sqrt(fan_in)`
(times the multiplier), so that Adam's per-parameter step is alike for every layer. Activations
are leaky ReLU(0.2) times sqrt(2), which keeps unit variance through a layer. The networks are
put together in `keras_gan.models.stylegan2.networks`; resampling and the discriminator's blocks are in
`keras_gan.models.stylegan2.blocks`.
"""

import math

import keras
from keras import ops

from keras_gan.backend import conv

__all__ = [
    "BiasActivation", "BroadcastW", "ConstantInput", "EqualizedConv2D", "EqualizedDense", "LabelEmbedding",
    "ModulatedConv2D", "NoiseInjection", "PixelNorm",
]

SLOPE = 0.2
GAIN = math.sqrt(2.0)
CLAMP = 256.0
"""StyleGAN2-ADA's `conv_clamp`: under a float16 compute dtype the convolutions' activations are clipped to ±256."""


def _act(x, activation):
    if activation == "lrelu":
        return ops.leaky_relu(x, negative_slope=SLOPE) * GAIN
    if activation in (None, "linear"):
        return x
    raise ValueError(f"activation must be 'lrelu' or 'linear', got {activation!r}.")


def _clamp(x, clamp):
    """`x` clipped to ±`clamp` when it is float16 (whose range ends at 65504), else unchanged; `clamp` None: never."""
    if clamp is None or keras.backend.standardize_dtype(x.dtype) != "float16":
        return x
    return ops.clip(x, -clamp, clamp)


def _normal(stddev=1.0, seed=None):
    return keras.initializers.RandomNormal(0.0, stddev, seed=seed)


def _bias_shape(x):
    return (1,) * (len(x.shape) - 1) + (-1,)


class _Layer(keras.layers.Layer):
    """Config from the names listed in `_config`."""

    _config = ()

    def get_config(self):
        return {**super().get_config(), **{name: getattr(self, name) for name in self._config}}


@keras.saving.register_keras_serializable(package="keras_gan")
class EqualizedDense(_Layer):
    """Dense layer with equalized learning rate: `act(x @ (W · lr/sqrt(fan_in)) + b · lr)`.

    Args:
        units: outputs.
        lr_multiplier: the layer's learning-rate multiplier (the mapping network's is 0.01):
            weights are stored as N(0, 1/lr) and scaled by lr at run time.
        bias_init: the effective bias at initialisation.
        activation: `"lrelu"` (leaky ReLU 0.2 times sqrt(2)) or `"linear"`.
    """

    _config = ("units", "lr_multiplier", "bias_init", "activation", "use_bias")

    def __init__(self, units, lr_multiplier=1.0, bias_init=0.0, activation="linear", use_bias=True, **kwargs):
        super().__init__(**kwargs)
        self.units, self.lr_multiplier = int(units), float(lr_multiplier)
        self.bias_init, self.activation, self.use_bias = float(bias_init), activation, bool(use_bias)

    def build(self, input_shape):
        fan_in = int(input_shape[-1])
        self.kernel = self.add_weight(shape=(fan_in, self.units), initializer=_normal(1.0 / self.lr_multiplier),
                                      name="kernel")
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), name="bias",
                                        initializer=keras.initializers.Constant(self.bias_init / self.lr_multiplier))
        self.gain = self.lr_multiplier / math.sqrt(fan_in)

    def call(self, x):
        x = ops.matmul(x, ops.cast(self.kernel, self.compute_dtype) * self.gain)
        if self.use_bias:
            x = x + ops.cast(self.bias, self.compute_dtype) * self.lr_multiplier
        return _act(x, self.activation)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)


@keras.saving.register_keras_serializable(package="keras_gan")
class EqualizedConv2D(_Layer):
    """'Same'-padded convolution with equalized learning rate: `act(conv(x, W / sqrt(k·k·c_in)) + b)`.

    Under a float16 compute dtype the result is clipped to ±`clamp` (StyleGAN2-ADA's `conv_clamp`; None: never).
    """

    _config = ("filters", "kernel_size", "activation", "use_bias", "clamp")

    def __init__(self, filters, kernel_size=3, activation="linear", use_bias=True, clamp=CLAMP, **kwargs):
        super().__init__(**kwargs)
        self.filters, self.kernel_size, self.activation, self.use_bias = (
            int(filters), int(kernel_size), activation, bool(use_bias))
        self.clamp = None if clamp is None else float(clamp)

    def build(self, input_shape):
        k, fan_in = self.kernel_size, self.kernel_size**2 * int(input_shape[-1])
        self.kernel = self.add_weight(shape=(k, k, int(input_shape[-1]), self.filters), initializer=_normal(),
                                      name="kernel")
        self.bias = self.add_weight(shape=(self.filters,), initializer="zeros", name="bias") if self.use_bias else None
        self.gain = 1.0 / math.sqrt(fan_in)

    def call(self, x):
        kernel = ops.cast(self.kernel, self.compute_dtype) * self.gain
        bias = None if self.bias is None else ops.cast(self.bias, self.compute_dtype)
        return _clamp(_act(conv(x, kernel, bias, padding="same"), self.activation), self.clamp)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.filters)


@keras.saving.register_keras_serializable(package="keras_gan")
class PixelNorm(_Layer):
    """`x / sqrt(mean(x², last axis) + 1e-8)`: z (and a label embedding) to unit second moment."""

    def call(self, x):
        return x * ops.rsqrt(ops.mean(ops.square(x), axis=-1, keepdims=True) + 1e-8)


@keras.saving.register_keras_serializable(package="keras_gan")
class LabelEmbedding(_Layer):
    """Integer labels → rows of an N(0, 1) table, normalised to unit second moment."""

    _config = ("num_classes", "units")

    def __init__(self, num_classes, units, **kwargs):
        super().__init__(**kwargs)
        self.num_classes, self.units = int(num_classes), int(units)

    def build(self, input_shape):
        self.embeddings = self.add_weight(shape=(self.num_classes, self.units), initializer=_normal(),
                                          name="embeddings")

    def call(self, labels):
        rows = ops.take(ops.cast(self.embeddings, self.compute_dtype), ops.cast(ops.reshape(labels, (-1,)), "int32"),
                        axis=0)
        return rows * ops.rsqrt(ops.mean(ops.square(rows), axis=-1, keepdims=True) + 1e-8)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.units)


@keras.saving.register_keras_serializable(package="keras_gan")
class BroadcastW(_Layer):
    """w `(batch, w_dim)` → ws `(batch, num_ws, w_dim)`: the same w for every layer of the synthesis network."""

    _config = ("num_ws",)

    def __init__(self, num_ws, **kwargs):
        super().__init__(**kwargs)
        self.num_ws = int(num_ws)

    def call(self, w):
        return ops.repeat(ops.expand_dims(w, 1), self.num_ws, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.num_ws, input_shape[-1])


@keras.saving.register_keras_serializable(package="keras_gan")
class ConstantInput(_Layer):
    """The synthesis network's learned `size × size × channels` start, N(0, 1), repeated over the batch of ws."""

    _config = ("channels", "size")

    def __init__(self, channels, size=4, **kwargs):
        super().__init__(**kwargs)
        self.channels, self.size = int(channels), int(size)

    def build(self, input_shape):
        self.constant = self.add_weight(shape=(self.size, self.size, self.channels), initializer=_normal(),
                                        name="constant")

    def call(self, ws):
        const = ops.cast(self.constant, self.compute_dtype)[None]
        return ops.broadcast_to(const, (ops.shape(ws)[0], self.size, self.size, self.channels))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.size, self.size, self.channels)


@keras.saving.register_keras_serializable(package="keras_gan")
class ModulatedConv2D(_Layer):
    """StyleGAN2's modulated convolution, called on `[x, ws]`; no bias (see `BiasActivation`).

    The style `s = A(w) = w @ A / sqrt(w_dim) + 1` (A ~ N(0, 1), bias 1) of `ws[:, w_index]`
    scales the input channels, the convolution (weights N(0, 1) times `1/sqrt(k·k·c_in)`) runs
    on the scaled input, and with `demodulate` each output channel is divided by
    `sqrt(Σ_{k,i} (W_{k,i,o} s_i)² + 1e-8)`, what its standard deviation would be for unit-
    variance inputs (the paper's eq. 3). This is the per-sample scaling form
    (`x·s → conv → ·d`), the same maths as the grouped convolution with per-sample weights.

    Args:
        filters: output channels.
        kernel_size: 3 in the synthesis layers, 1 in toRGB.
        w_index: which of the ws (layers of the synthesis network) styles this layer.
        demodulate: False in toRGB.
    """

    _config = ("filters", "kernel_size", "w_index", "demodulate")

    def __init__(self, filters, kernel_size=3, w_index=0, demodulate=True, **kwargs):
        super().__init__(**kwargs)
        self.filters, self.kernel_size, self.w_index = int(filters), int(kernel_size), int(w_index)
        self.demodulate = bool(demodulate)

    def build(self, input_shape):
        x_shape, ws_shape = input_shape
        channels, w_dim, k = int(x_shape[-1]), int(ws_shape[-1]), self.kernel_size
        self.affine_kernel = self.add_weight(shape=(w_dim, channels), initializer=_normal(), name="affine_kernel")
        self.affine_bias = self.add_weight(shape=(channels,), initializer="ones", name="affine_bias")
        self.kernel = self.add_weight(shape=(k, k, channels, self.filters), initializer=_normal(), name="kernel")
        self.affine_gain, self.weight_gain = 1.0 / math.sqrt(w_dim), 1.0 / math.sqrt(k * k * channels)

    def call(self, inputs):
        x, ws = inputs
        dtype = self.compute_dtype
        w = ops.cast(ws[:, self.w_index], dtype)
        styles = ops.matmul(w, ops.cast(self.affine_kernel, dtype) * self.affine_gain)
        styles = (styles + ops.cast(self.affine_bias, dtype)) * self.weight_gain  # (batch, c_in)
        kernel = ops.cast(self.kernel, dtype)
        y = conv(x * styles[:, None, None, :], kernel, padding="same")
        if self.demodulate:
            # Σ_{k,i} (W_kio s_i)² = (s²) @ (Σ_k W_kio²): one small matrix product per batch, in float32 (as the
            # official code does: 1e-8 is below float16's range).
            power = ops.matmul(ops.square(ops.cast(styles, "float32")),
                               ops.sum(ops.square(ops.cast(self.kernel, "float32")), axis=(0, 1)))
            y = y * ops.cast(ops.rsqrt(power + 1e-8), dtype)[:, None, None, :]
        return y

    def compute_output_shape(self, input_shape):
        return (*input_shape[0][:-1], self.filters)


@keras.saving.register_keras_serializable(package="keras_gan")
class NoiseInjection(_Layer):
    """Adds per-pixel Gaussian noise times a learned per-channel strength (initialised to 0).

    In training the noise is drawn for every sample from the layer's own `SeedGenerator`
    (seeded by `seed`, saved with the model: a resumed run draws what the uninterrupted one
    would). In inference a fixed noise image is used (`noise_const`, a non-trainable weight
    drawn at build: NVIDIA's `noise_mode="const"`), so sampling is deterministic.

    Args:
        seed: integer seed of the training draws and of the fixed image; None: random.
    """

    _config = ("seed",)

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = None if seed is None else int(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed)

    def build(self, input_shape):
        self.strength = self.add_weight(shape=(int(input_shape[-1]),), initializer="zeros", name="strength")
        self.noise_const = self.add_weight(shape=tuple(int(s) for s in input_shape[1:3]), trainable=False,
                                           initializer=_normal(seed=self.seed), name="noise_const")

    def call(self, x, training=False):
        dtype = self.compute_dtype
        if training:
            height, width = x.shape[1], x.shape[2]
            noise = ops.cast(keras.random.normal((ops.shape(x)[0], height, width, 1), seed=self.seed_generator), dtype)
        else:
            noise = ops.cast(self.noise_const, dtype)[None, :, :, None]
        return x + noise * ops.cast(self.strength, dtype)

    def compute_output_shape(self, input_shape):
        return input_shape


@keras.saving.register_keras_serializable(package="keras_gan")
class BiasActivation(_Layer):
    """`act(x + b)`, b per channel (zeros): after the modulated convolution and its noise.

    Under a float16 compute dtype the result is clipped to ±`clamp` (StyleGAN2-ADA's `conv_clamp`; None: never).
    """

    _config = ("activation", "clamp")

    def __init__(self, activation="lrelu", clamp=CLAMP, **kwargs):
        super().__init__(**kwargs)
        self.activation = activation
        self.clamp = None if clamp is None else float(clamp)

    def build(self, input_shape):
        self.bias = self.add_weight(shape=(int(input_shape[-1]),), initializer="zeros", name="bias")

    def call(self, x):
        x = _act(x + ops.reshape(ops.cast(self.bias, self.compute_dtype), _bias_shape(x)), self.activation)
        return _clamp(x, self.clamp)

    def compute_output_shape(self, input_shape):
        return input_shape
