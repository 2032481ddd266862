"""Default generator and discriminator networks, built from the data's shape."""

import math

import keras
import numpy as np
from keras import layers

from keras_gan.layers import BatchNormalization, Conv2D, Conv2DTranspose, SpectralNormalization

__all__ = [
    "check_normalization", "dcgan_discriminator", "dcgan_generator", "dcgan_stages", "is_image_shape",
    "mlp_discriminator", "mlp_generator",
]

_SLOPE = 0.2  # LeakyReLU slope of DCGAN (Radford et al. 2015)


def _init():
    """DCGAN's N(0, 0.02) weights: a new initializer per layer, its seed drawn when the network is built.

    (A module-level initializer would draw its seed at import, before `keras.utils.set_random_seed`,
    and give every layer of one shape the same draws.)
    """
    return keras.initializers.RandomNormal(mean=0.0, stddev=0.02)


def _gamma_init():
    """BatchNorm scales from N(1, 0.02), one initializer per layer."""
    return keras.initializers.RandomNormal(mean=1.0, stddev=0.02)


def is_image_shape(data_shape):
    """True for `(height, width, channels)` data, False for vectors."""
    return len(data_shape) == 3


def _latent_inputs(latent_dim, num_classes):
    """Inputs of a generator and the vector it starts from: z, or z joined to one-hot(label)."""
    z = keras.Input((latent_dim,), name="z")
    if not num_classes:
        return z, z
    label = keras.Input((), dtype="int32", name="label")
    one_hot = layers.CategoryEncoding(num_classes, output_mode="one_hot")(label)
    return [z, label], layers.Concatenate()([z, one_hot])


CONDITIONINGS = ("concat", "projection")


def _check_conditioning(conditioning):
    if conditioning not in CONDITIONINGS:
        raise ValueError(
            f"conditioning must be one of {CONDITIONINGS}, got {conditioning!r}: 'concat' joins the "
            f"one-hot label to D's input, 'projection' adds <embed(y), features> to the logit."
        )


def _data_inputs(data_shape, num_classes, conditioning="concat", pack=1):
    """Inputs of a discriminator and the tensor it starts from: x, or x joined to one-hot(label).

    With `conditioning="projection"` the label is not joined here (see `_logit`). With
    `pack > 1`, x is a pack and the label input holds the pack's `pack` labels.
    """
    x = keras.Input(tuple(data_shape), name="x")
    if not num_classes:
        return x, x
    label = keras.Input((pack,) if pack > 1 else (), dtype="int32", name="label")
    if conditioning == "projection":
        if pack > 1:
            raise ValueError("conditioning='projection' judges one sample per label; use "
                             "conditioning='concat' with pack > 1.")
        return [x, label], x
    one_hot = layers.CategoryEncoding(num_classes, output_mode="one_hot")(label)
    if pack > 1:  # (batch, pack, classes) -> one vector of the pack's one-hot labels
        one_hot = layers.Reshape((pack * num_classes,))(one_hot)
        num_classes = pack * num_classes
    if is_image_shape(data_shape):  # one-hot as constant feature maps beside the channels
        maps = layers.UpSampling2D(tuple(data_shape[:2]))(layers.Reshape((1, 1, num_classes))(one_hot))
        return [x, label], layers.Concatenate()([x, maps])
    return [x, label], layers.Concatenate()([layers.Flatten()(x), one_hot])


def mlp_generator(latent_dim, data_shape, hidden_units=(256, 256), num_classes=None, name="generator"):
    """MLP generator: z → hidden LeakyReLU layers → data (tanh for images).

    Args:
        latent_dim: size of z.
        data_shape: shape of one sample; images get a tanh output in [-1, 1],
            vectors an unbounded linear one.
        hidden_units: widths of the hidden layers.
        num_classes: if set, the model also takes integer labels, joined to z as one-hot.
        name: model name.

    Returns:
        A functional `keras.Model` mapping `z` (and `label`) to `(batch, *data_shape)`.
    """
    inputs, h = _latent_inputs(latent_dim, num_classes)
    for units in hidden_units:
        h = layers.Dense(units)(h)
        h = layers.LeakyReLU(_SLOPE)(h)
    activation = "tanh" if is_image_shape(data_shape) else None
    x = layers.Dense(math.prod(data_shape), activation=activation)(h)
    x = layers.Reshape(tuple(data_shape))(x)
    return keras.Model(inputs, x, name=name)


def mlp_discriminator(data_shape, hidden_units=(256, 256), dropout=0.0, num_classes=None,
                      seed=None, conditioning="concat", pack=1, name="discriminator"):
    """MLP discriminator: flattened data → hidden LeakyReLU layers → one logit.

    Args:
        data_shape: shape of one sample.
        hidden_units: widths of the hidden layers.
        dropout: dropout rate after each hidden layer (the 2014 paper used dropout in D).
        num_classes: if set, the model also takes integer labels, joined to x as one-hot.
        seed: dropout seed (default: drawn from numpy's global generator). Seeded dropout
            keeps its state in a `SeedGenerator` on every backend, so runs resume exactly.
        conditioning: with `num_classes`, `"concat"` (one-hot joined to x) or `"projection"`.
        pack: samples per input (PacGAN); `data_shape` is then the packed shape and the
            label input takes `pack` labels.
        name: model name.

    Returns:
        A functional `keras.Model` mapping `x` (and `label`) to logits `(batch, 1)`.
    """
    _check_conditioning(conditioning)
    inputs, h = _data_inputs(data_shape, num_classes, conditioning, pack)
    h = layers.Flatten()(h)
    for units in hidden_units:
        h = layers.Dense(units)(h)
        h = layers.LeakyReLU(_SLOPE)(h)
        if dropout:
            h = layers.Dropout(dropout, seed=_layer_seed(seed))(h)
            seed = None if seed is None else seed + 1
    logits = _logit(h, inputs, num_classes, conditioning)  # float32 logits under mixed precision
    return keras.Model(inputs, logits, name=name)


def _spectral(layer, spectral, **kwargs):
    """`layer`, or `layer` spectrally normalized (Miyato et al. 2018) when `spectral`."""
    return SpectralNormalization(layer, **kwargs) if spectral else layer


def _logit(features, inputs, num_classes, conditioning, kernel_initializer="glorot_uniform", spectral=False):
    """One float32 logit from `features`; a projection D adds <embed(label), features>
    (Miyato & Koyama 2018, arXiv:1802.05637). `spectral`: the logit layer spectrally normalized."""
    dense = layers.Dense(1, kernel_initializer=kernel_initializer, dtype="float32")
    logits = _spectral(dense, spectral, dtype="float32")(features)
    if not num_classes or conditioning != "projection":
        return logits
    embedded = layers.Embedding(num_classes, features.shape[-1], embeddings_initializer=_init(),
                                name="class_embedding")(inputs[1])
    projection = layers.Dot(axes=1, dtype="float32")([embedded, features])
    return layers.Add(dtype="float32")([logits, projection])


def _layer_seed(seed):
    return int(np.random.randint(2**31 - 1)) if seed is None else int(seed)


def dcgan_stages(data_shape):
    """Number of stride-2 stages between a 4–7 pixel base and the image size.

    Args:
        data_shape: `(height, width, channels)`.

    Returns:
        `(stages, base_height, base_width)`.
    """
    height, width = data_shape[0], data_shape[1]
    stages = 0
    while (
        height % 2 == 0 and width % 2 == 0 and min(height, width) // 2 >= 4
    ):
        height, width, stages = height // 2, width // 2, stages + 1
    if stages < 2:
        raise ValueError(
            f"DCGAN needs images whose sides halve at least twice down to 4-7 "
            f"pixels (e.g. 28x28, 32x32, 64x64); got data_shape={tuple(data_shape)}. "
            f"Resize the images or pass your own generator= and discriminator=."
        )
    return stages, height, width


def _batch_norm():
    # PyTorch-style statistics (momentum 0.1 there = 0.9 here, eps 1e-5), as DCGAN code uses.
    return BatchNormalization(momentum=0.9, epsilon=1e-5, gamma_initializer=_gamma_init())


def dcgan_generator(latent_dim, data_shape, filters=64, num_classes=None, name="generator"):
    """DCGAN generator: project z, then stride-2 transposed convolutions, BN + ReLU, tanh out.

    Args:
        latent_dim: size of z.
        data_shape: `(height, width, channels)` of the images.
        filters: channels of the last hidden layer; each earlier layer doubles it.
        num_classes: if set, the model also takes integer labels, joined to z as one-hot.
        name: model name.

    Returns:
        A functional `keras.Model` mapping `z` (and `label`) to images in [-1, 1].
    """
    stages, base_h, base_w = dcgan_stages(data_shape)
    width = filters * 2 ** (stages - 1)
    inputs, h = _latent_inputs(latent_dim, num_classes)
    h = layers.Dense(base_h * base_w * width, use_bias=False, kernel_initializer=_init())(h)
    h = layers.Reshape((base_h, base_w, width))(h)
    h = layers.ReLU()(_batch_norm()(h))
    for _ in range(stages - 1):
        width //= 2
        h = Conv2DTranspose(
            width, 4, strides=2, padding="same", use_bias=False, kernel_initializer=_init()
        )(h)
        h = layers.ReLU()(_batch_norm()(h))
    x = Conv2DTranspose(
        data_shape[-1], 4, strides=2, padding="same", activation="tanh", kernel_initializer=_init()
    )(h)
    return keras.Model(inputs, x, name=name)


NORMALIZATIONS = ("batch", "spectral", "layer", None)


def check_normalization(normalization):
    """Returns `normalization` if the default convolutional D knows it, else a clear `ValueError`."""
    if normalization not in NORMALIZATIONS:
        raise ValueError(
            f"The discriminator's normalization must be one of {NORMALIZATIONS}, got {normalization!r}: "
            f"'batch' (DCGAN), 'spectral' (SN-GAN), 'layer' or None (WGAN-GP critics)."
        )
    return normalization


def dcgan_discriminator(data_shape, filters=64, normalization="batch", num_classes=None,
                        conditioning="concat", pack=1, name="discriminator"):
    """DCGAN discriminator: stride-2 convolutions with LeakyReLU, normalization after the first, one logit.

    Args:
        data_shape: `(height, width, channels)` of the images.
        filters: channels of the first layer; each later layer doubles it.
        normalization: `"batch"` (DCGAN), `"spectral"` (every convolution and the logit
            under `keras_gan.layers.SpectralNormalization`, no BatchNorm: SN-GAN, Miyato et al. 2018),
            `"layer"` or `None` (WGAN-GP critics).
        num_classes: if set, the model also takes integer labels, joined to the image as
            one-hot feature maps (`conditioning="concat"`) or projected onto D's last
            features (`"projection"`, Miyato & Koyama 2018).
        conditioning: how D sees the label; see `num_classes`.
        pack: samples per input (PacGAN); `data_shape` is then the packed shape and the
            label input takes `pack` labels.
        name: model name.

    Returns:
        A functional `keras.Model` mapping images (and `label`) to logits `(batch, 1)`.
    """
    check_normalization(normalization)
    spectral = normalization == "spectral"
    _check_conditioning(conditioning)
    stages, _, _ = dcgan_stages(data_shape)
    inputs, h = _data_inputs(data_shape, num_classes, conditioning, pack)
    for stage in range(stages):
        h = _spectral(Conv2D(
            filters * 2**stage, 4, strides=2, padding="same",
            use_bias=stage == 0 or normalization != "batch", kernel_initializer=_init(),
        ), spectral)(h)
        if stage > 0 and normalization == "batch":  # not on D's input layer (Radford et al. 2015, §3)
            h = _batch_norm()(h)
        elif stage > 0 and normalization == "layer":
            h = layers.LayerNormalization(axis=(1, 2, 3))(h)
        h = layers.LeakyReLU(_SLOPE)(h)
    logits = _logit(layers.Flatten()(h), inputs, num_classes, conditioning, kernel_initializer=_init(),
                    spectral=spectral)
    return keras.Model(inputs, logits, name=name)
