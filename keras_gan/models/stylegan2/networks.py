"""StyleGAN2's networks (Karras et al. 2020, arXiv:1912.04958), built from `keras_gan.models.stylegan2.layers`.

- `mapping_network`: z (normalised; a normalised label embedding joined to it when conditional)
  → an MLP of equalized dense layers with learning-rate multiplier 0.01 → w.
- `synthesis_network`: ws `(batch, num_ws, w_dim)` → image. A learned 4×4 constant; per
  resolution two modulated 3×3 convolutions with weight demodulation (the first after a 2×
  [1, 3, 3, 1] upsampling), each followed by per-pixel noise and bias + leaky ReLU; the skip
  architecture: a toRGB (modulated 1×1, no demodulation) per resolution, the image so far
  upsampled and summed. Layer i of the ws styles: the 4×4 convolution (0), then at each
  resolution its two convolutions; each toRGB shares the w of the next convolution.
  `num_ws = 2·log2(resolution) − 2`.
- `stylegan2_generator`: the two joined, z (and label) → image, with the same w for every layer.
- `stylegan2_discriminator`: residual: fromRGB (1×1), per resolution two 3×3 convolutions (the
  second after a filtered 2× downsampling) beside a downsampled 1×1 skip, summed and scaled by
  1/sqrt(2); at 4×4 a minibatch standard-deviation map, a 3×3 convolution, a dense layer and
  the logit (plus a projection term when conditional).

Channels at resolution r: `min(channel_base // r, channel_max)`.
Under a float16 compute dtype every convolution's activations but D's skips are clipped to ±256
(StyleGAN2-ADA's `conv_clamp`).
"""

import math

import keras

from keras_gan.models.stylegan2.blocks import Downsample2D, MinibatchStdDev, Projection, ResidualAdd, Upsample2D
from keras_gan.models.stylegan2.layers import (
    BiasActivation, BroadcastW, ConstantInput, EqualizedConv2D, EqualizedDense, LabelEmbedding, ModulatedConv2D,
    NoiseInjection, PixelNorm,
)

__all__ = [
    "channels_at", "check_resolution", "mapping_network", "num_ws", "sampling_network",
    "stylegan2_discriminator", "stylegan2_generator", "synthesis_network",
]


def check_resolution(data_shape):
    """The side of square `data_shape` images, a power of two from 8; raises otherwise."""
    height, width = data_shape[0], data_shape[1]
    if len(data_shape) != 3 or height != width or height < 8 or height & (height - 1):
        raise ValueError(
            f"StyleGAN2 needs square images whose side is a power of two from 8, "
            f"data_shape (side, side, channels); got {tuple(data_shape)}. Resize or pad the images, "
            f"e.g. 28×28 MNIST to 32×32."
        )
    return int(height)


def num_ws(resolution):
    """How many ws the synthesis network takes at `resolution`: `2·log2(resolution) − 2`."""
    return 2 * int(round(math.log2(resolution))) - 2


def channels_at(resolution, channel_base, channel_max):
    """Feature maps at `resolution`: `min(channel_base // resolution, channel_max)` (at least 1)."""
    return max(1, min(int(channel_base) // int(resolution), int(channel_max)))


def mapping_network(latent_dim, w_dim=512, layers=8, num_classes=None, lr_multiplier=0.01, name="mapping"):
    """z `(batch, latent_dim)` (and integer labels) → w `(batch, w_dim)`."""
    z = keras.Input((latent_dim,), name="z")
    x = PixelNorm(name="normalize_z")(z)
    inputs = z
    if num_classes:
        label = keras.Input((), dtype="int32", name="label")
        inputs = [z, label]
        x = keras.layers.Concatenate(name="join_label")([x, LabelEmbedding(num_classes, w_dim, name="embed")(label)])
    for i in range(layers):
        x = EqualizedDense(w_dim, lr_multiplier=lr_multiplier, activation="lrelu", name=f"fc{i}")(x)
    return keras.Model(inputs, x, name=name)


def synthesis_network(resolution, channels=3, w_dim=512, channel_base=16384, channel_max=512, seed=None,
                      name="synthesis"):
    """ws `(batch, num_ws(resolution), w_dim)` → images `(batch, resolution, resolution, channels)`."""
    count = num_ws(resolution)
    ws = keras.Input((count, w_dim), name="ws")
    seeds = iter(range(count)) if seed is None else iter(range(int(seed), int(seed) + count))

    def layer(x, filters, index, res, tag):
        x = ModulatedConv2D(filters, 3, w_index=index, name=f"conv{tag}_{res}")([x, ws])
        x = NoiseInjection(None if seed is None else next(seeds), name=f"noise{tag}_{res}")(x)
        return BiasActivation("lrelu", name=f"act{tag}_{res}")(x)

    def to_rgb(x, index, res):
        x = ModulatedConv2D(channels, 1, w_index=index, demodulate=False, name=f"torgb_conv_{res}")([x, ws])
        return BiasActivation("linear", name=f"torgb_bias_{res}")(x)

    x = ConstantInput(channels_at(4, channel_base, channel_max), name="const")(ws)
    x = layer(x, channels_at(4, channel_base, channel_max), 0, 4, "")
    image = to_rgb(x, 1, 4)
    res, index = 8, 1
    while res <= resolution:
        filters = channels_at(res, channel_base, channel_max)
        x = Upsample2D(name=f"up_{res}")(x)
        x = layer(x, filters, index, res, "0")
        x = layer(x, filters, index + 1, res, "1")
        image = keras.layers.Add(name=f"skip_{res}")([Upsample2D(name=f"up_rgb_{res}")(image), to_rgb(x, index + 2, res)])
        res, index = res * 2, index + 2
    return keras.Model(ws, image, name=name)


def stylegan2_generator(latent_dim, data_shape, w_dim=512, mapping_layers=8, channel_base=16384, channel_max=512,
                        num_classes=None, mapping_lr_multiplier=0.01, seed=None, name="generator"):
    """The generator z (and labels) → images: `mapping` then `synthesis`, one w for every layer.

    The model's layers `mapping` and `synthesis` are the two networks (style mixing, truncation
    and interpolation call them apart).
    """
    resolution = check_resolution(data_shape)
    mapping = mapping_network(latent_dim, w_dim, mapping_layers, num_classes, mapping_lr_multiplier)
    synthesis = synthesis_network(resolution, data_shape[-1], w_dim, channel_base, channel_max, seed)
    inputs = [keras.Input((latent_dim,), name="z")]
    if num_classes:
        inputs.append(keras.Input((), dtype="int32", name="label"))
    w = mapping(inputs if num_classes else inputs[0])
    image = synthesis(BroadcastW(num_ws(resolution), name="broadcast_w")(w))
    return keras.Model(inputs if num_classes else inputs[0], image, name=name)


def stylegan2_discriminator(data_shape, channel_base=16384, channel_max=512, num_classes=None, mbstd_group_size=4,
                            name="discriminator"):
    """Residual discriminator: images (and integer labels) → `(batch, 1)` float32 logits."""
    resolution = check_resolution(data_shape)
    images = keras.Input(tuple(data_shape), name="x")
    x = EqualizedConv2D(channels_at(resolution, channel_base, channel_max), 1, "lrelu", name="from_rgb")(images)
    res = resolution
    while res > 4:
        inner, outer = channels_at(res, channel_base, channel_max), channels_at(res // 2, channel_base, channel_max)
        skip = EqualizedConv2D(outer, 1, use_bias=False, clamp=None, name=f"skip_{res}")(  # unclamped, as NVIDIA's
            Downsample2D(name=f"down_skip_{res}")(x))
        h = EqualizedConv2D(inner, 3, "lrelu", name=f"conv0_{res}")(x)
        h = EqualizedConv2D(outer, 3, "lrelu", name=f"conv1_{res}")(Downsample2D(name=f"down_{res}")(h))
        x = ResidualAdd(name=f"residual_{res}")([skip, h])
        res //= 2
    channels = channels_at(4, channel_base, channel_max)
    x = MinibatchStdDev(mbstd_group_size, name="minibatch_std")(x)
    x = EqualizedConv2D(channels, 3, "lrelu", name="conv_4")(x)
    h = EqualizedDense(channels, activation="lrelu", name="fc")(keras.layers.Flatten(name="flatten")(x))
    logits = EqualizedDense(1, name="logit", dtype="float32")(h)
    if not num_classes:
        return keras.Model(images, logits, name=name)
    label = keras.Input((), dtype="int32", name="label")
    projection = Projection(num_classes, name="projection", dtype="float32")([h, label])
    return keras.Model([images, label], keras.layers.Add(name="logit_plus_projection", dtype="float32")(
        [logits, projection]), name=name)


class _Truncate(keras.layers.Layer):
    """`w_avg + psi · (w − w_avg)` on `[w, w_avg, psi]` (the truncation trick)."""

    def call(self, inputs):
        w, w_avg, psi = inputs
        return w_avg + psi * (w - w_avg)


class _MixStyles(keras.layers.Layer):
    """ws from `[w_a, w_b, t]`: layer i gets `w_a + t_i · (w_b − w_a)` (t 0/1: style mixing; t the same: a lerp)."""

    def call(self, inputs):
        w_a, w_b, t = inputs
        return w_a[:, None, :] + t[:, :, None] * (w_b - w_a)[:, None, :]


def sampling_network(generator):
    """A model sharing `generator`'s mapping and synthesis networks, for sampling.

    Inputs `[z_a, z_b, t, psi, w_avg]` (and `label`): `t (batch, num_ws)`, `psi (batch, 1)`,
    `w_avg (batch, w_dim)`; both w truncated toward `w_avg` by `psi`, then mixed per layer by `t`.
    """
    mapping, synthesis = generator.get_layer("mapping"), generator.get_layer("synthesis")
    latent_dim, (count, w_dim) = mapping.inputs[0].shape[-1], synthesis.inputs[0].shape[1:]
    z_a, z_b = keras.Input((latent_dim,), name="z_a"), keras.Input((latent_dim,), name="z_b")
    t, psi = keras.Input((count,), name="t"), keras.Input((1,), name="psi")
    w_avg = keras.Input((w_dim,), name="w_avg")
    inputs = [z_a, z_b, t, psi, w_avg]
    conditional = len(mapping.inputs) == 2
    if conditional:
        inputs.append(keras.Input((), dtype="int32", name="label"))
    w_a, w_b = (_Truncate(name=f"truncate_{tag}")([mapping([z, inputs[-1]] if conditional else z), w_avg, psi])
                for z, tag in ((z_a, "a"), (z_b, "b")))
    return keras.Model(inputs, synthesis(_MixStyles(name="mix_styles")([w_a, w_b, t])), name="sampler")
