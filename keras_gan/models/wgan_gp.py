"""WGAN-GP (Gulrajani et al. 2017, arXiv:1704.00028)."""

import keras

from keras_gan import checks, objectives
from keras_gan.models.wasserstein_model import WassersteinModel

__all__ = ["WGANGP"]


@keras.saving.register_keras_serializable(package="keras_gan")
class WGANGP(WassersteinModel):
    """Wasserstein GAN with gradient penalty (Algorithm 1 of the paper).

    The critic D has no sigmoid and no BatchNorm; it minimises
    `mean(D(fake)) − mean(D(real)) + gp_weight · mean((‖∇D(x̂)‖ − 1)²)` on
    interpolates `x̂ = α·real + (1 − α)·fake`, one `α ~ U[0, 1]` per sample; the
    generator minimises `−mean(D(fake))`. Logs `d_loss`, `g_loss`, `gp` and
    `w_distance = mean(D(real)) − mean(D(fake))`.

    Args:
        data_shape: shape of one sample: images (conv critic) or vectors (MLP critic).
        latent_dim: size of z.
        gp_weight: λ, the penalty's weight (paper: 10).
        d_steps: critic steps per generator step (paper: 5).
        filters: width of the default convolutional networks (images).
        critic_normalization: `"layer"` (default) or `None` in the default conv critic.
        hidden_units: widths of the default MLPs (vectors).
        **kwargs: `generator`, `discriminator`, `seed`, `d_fresh_batches`, `augment`,
            `augment_p`, `ada_target`, `ada_kimg`, `pack`, `num_classes`, `conditioning`: see
            `AdversarialModel`.
    """

    aux_metrics = ("gp", "w_distance")

    def __init__(self, data_shape, latent_dim=100, gp_weight=10.0, d_steps=5, filters=64,
                 critic_normalization="layer", hidden_units=(256, 256), **kwargs):
        self.gp_weight = checks.non_negative("gp_weight", gp_weight, 10.0)
        super().__init__(data_shape, latent_dim, d_steps=d_steps, filters=filters,
                         critic_normalization=critic_normalization, hidden_units=hidden_units, **kwargs)

    def default_optimizers(self):
        return (
            keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9, name="d_adam"),
            keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9, name="g_adam"),
        )

    def wasserstein_objective(self):
        return objectives.WassersteinGP(self.gp_weight)

    def gradient_penalty(self, real, fake, condition=None):
        """`mean((‖∇D(x̂)‖₂ − 1)²)` on random interpolates of D's inputs `real` and `fake`.

        One α per input of D: per sample, or per pack when packing (inputs and
        `condition` already packed).
        """
        context = objectives.DContext(self, None, None, None, real, fake, condition)
        return objectives.WassersteinGP(self.gp_weight).gradient_penalty(context)

    def get_config(self):
        return {**super().get_config(), "gp_weight": self.gp_weight}
