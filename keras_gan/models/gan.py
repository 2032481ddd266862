"""GAN (Goodfellow et al. 2014, arXiv:1406.2661)."""

import keras

from keras_gan import checks, networks
from keras_gan.models.adversarial_model import AdversarialModel

__all__ = ["GAN"]


@keras.saving.register_keras_serializable(package="keras_gan")
class GAN(AdversarialModel):
    """Generative adversarial network with MLP generator and discriminator.

    Trains D on −[log D(x) + log(1 − D(G(z)))] and G on the non-saturating
    −log D(G(z)) (`loss="non_saturating"`, default) or the minimax
    log(1 − D(G(z))) (`loss="minimax"`); `loss="hinge"` trains D on
    mean(relu(1 − D(x))) + mean(relu(1 + D(G(z)))) and G on −mean(D(G(z)))
    (Lim & Ye 2017; Miyato et al. 2018). Logs `d_loss`, `g_loss` and
    sigmoid(D)'s mean on real (`d_real`) and generated (`d_fake`) samples.

    Args:
        data_shape: shape of one sample: vectors `(d,)` or images `(h, w, c)` in [-1, 1].
        latent_dim: size of z.
        hidden_units: widths of the default networks' hidden layers.
        dropout: dropout rate in the default discriminator.
        **kwargs: `generator`, `discriminator`, `d_steps`, `seed`, `d_fresh_batches`,
            `augment`, `augment_p`, `ada_target`, `ada_kimg`, `pack`, `num_classes`,
            `conditioning`: see `AdversarialModel`.
    """

    aux_metrics = ("d_real", "d_fake")

    def __init__(self, data_shape, latent_dim=100, hidden_units=(256, 256), dropout=0.0, **kwargs):
        self.hidden_units = checks.hidden_units(hidden_units)
        self.dropout = checks.fraction("dropout", dropout)
        super().__init__(data_shape, latent_dim, **kwargs)

    def build_generator(self):
        return networks.mlp_generator(self.latent_dim, self.data_shape, self.hidden_units, num_classes=self.num_classes)

    def build_discriminator(self):
        return networks.mlp_discriminator(
            self.d_input_shape, self.hidden_units, self.dropout,
            seed=None if self.seed is None else self.seed + 1,  # streams apart from the latents
            **self.d_label_options,
        )

    def default_optimizers(self):
        return (
            keras.optimizers.Adam(2e-4, beta_1=0.5, name="d_adam"),
            keras.optimizers.Adam(2e-4, beta_1=0.5, name="g_adam"),
        )

    def get_config(self):
        return {**super().get_config(), "hidden_units": self.hidden_units, "dropout": self.dropout}
