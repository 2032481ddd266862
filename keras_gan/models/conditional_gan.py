"""Conditional GAN (Mirza & Osindero 2014, arXiv:1411.1784)."""

import keras

from keras_gan.models import default_networks
from keras_gan.models.gan import GAN

__all__ = ["ConditionalGAN"]


@keras.saving.register_keras_serializable(package="keras_gan")
class ConditionalGAN(GAN):
    """GAN whose generator G(z, y) and discriminator D(x, y) both see the class label.

    The default networks join a one-hot label to z in G and to the input in D
    (as constant feature maps for images): DCGAN-style networks for image shapes,
    MLPs for vectors. Train with `fit(x, y)` (integer labels, `(N,)` or `(N, 1)`),
    or a dataset of `(samples, labels)`. Same losses and metrics as `GAN`. Every
    model takes `num_classes` (e.g. `WGANGP(..., num_classes=10)`); this one is
    the GAN that always does and picks its networks by the data's shape.

    Args:
        data_shape: shape of one sample.
        num_classes: number of labels, 0..num_classes-1.
        latent_dim: size of z.
        filters: width of the default convolutional networks (images).
        generator_filters: width of the default convolutional G alone; default `filters`.
        conditioning: how the default D sees the label: `"concat"` (one-hot joined to
            its input, default) or `"projection"` (Miyato & Koyama 2018: the logit gains
            <embed(y), φ(x)> on D's last features).
        d_normalization: normalization in the default convolutional D: `"batch"` (default),
            `"spectral"` (SN-GAN: every convolution and the logit spectrally normalized),
            `"layer"` or `None`.
        **kwargs: `hidden_units` and `dropout` of the default MLPs (vectors); `generator`,
            an optional Keras model `[z, label] -> samples`; `discriminator`, an optional
            Keras model `[samples, label] -> (batch, 1)` logits; the rest (`d_steps`, `seed`,
            `augment`, `pack`, ...) as `AdversarialModel`.
    """

    def __init__(self, data_shape, num_classes, latent_dim=100, filters=64, conditioning="concat",
                 d_normalization="batch", generator_filters=None, **kwargs):
        if num_classes is None or int(num_classes) < 2:
            raise ValueError(f"num_classes must be at least 2, got {num_classes}.")
        self.filters, self.generator_filters, self.d_normalization = default_networks.conv_options(
            filters, generator_filters, d_normalization)
        super().__init__(data_shape, latent_dim, num_classes=num_classes, conditioning=conditioning, **kwargs)

    def build_generator(self):
        return default_networks.generator(self, self.hidden_units)

    def build_discriminator(self):
        return default_networks.discriminator(self, self.d_normalization, self.hidden_units, self.dropout,
                                              seed=None if self.seed is None else self.seed + 1)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "generator_filters": self.generator_filters,
                "d_normalization": self.d_normalization}
