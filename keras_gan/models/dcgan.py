"""DCGAN (Radford et al. 2015, arXiv:1511.06434)."""

import keras

from keras_gan.models import default_networks
from keras_gan.models.gan import GAN

__all__ = ["DCGAN"]


@keras.saving.register_keras_serializable(package="keras_gan")
class DCGAN(GAN):
    """Deep convolutional GAN, sized from the image shape.

    The paper's rules: strided convolutions instead of pooling, transposed
    convolutions in G, BatchNorm in G and D (not on D's input or G's output),
    ReLU in G with a tanh output, LeakyReLU(0.2) in D, no hidden fully connected
    layers, weights from N(0, 0.02), Adam(2e-4, beta_1=0.5). Same losses and
    metrics as `GAN`.

    Args:
        data_shape: `(height, width, channels)`, sides halving to 4-7 pixels
            (28x28, 32x32, 64x64, ...), values in [-1, 1].
        latent_dim: size of z.
        filters: width of G's last and D's first hidden layer; doubled per stage.
        generator_filters: width of G alone (a generator wider than D); default `filters`.
        d_normalization: normalization in the default D: `"batch"` (the paper), `"spectral"`
            (SN-GAN, Miyato et al. 2018: every convolution and the logit spectrally normalized,
            no BatchNorm), `"layer"` or `None`.
        **kwargs: `generator`, `discriminator`, `d_steps`, `seed`, `d_fresh_batches`,
            `augment`, `augment_p`, `ada_target`, `ada_kimg`, `pack`, `num_classes`,
            `conditioning`: see `AdversarialModel`.
    """

    def __init__(self, data_shape, latent_dim=100, filters=64, d_normalization="batch", generator_filters=None,
                 **kwargs):
        self.filters, self.generator_filters, self.d_normalization = default_networks.conv_options(
            filters, generator_filters, d_normalization)
        kwargs.pop("hidden_units", None)
        kwargs.pop("dropout", None)
        if len(tuple(data_shape)) != 3:
            raise ValueError(
                f"DCGAN needs image data_shape (height, width, channels), got "
                f"{tuple(data_shape)}. Use keras_gan.GAN for vector data."
            )
        super().__init__(data_shape, latent_dim, **kwargs)

    def build_generator(self):
        return default_networks.generator(self)

    def build_discriminator(self):
        return default_networks.discriminator(self, self.d_normalization)

    def get_config(self):
        config = super().get_config()
        del config["hidden_units"], config["dropout"]
        return {**config, "filters": self.filters, "generator_filters": self.generator_filters,
                "d_normalization": self.d_normalization}
