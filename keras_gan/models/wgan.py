"""WGAN with weight clipping (Arjovsky et al. 2017, arXiv:1701.07875)."""

import keras

from keras_gan import checks, objectives
from keras_gan.models.wasserstein_model import WassersteinModel

__all__ = ["WGAN"]


@keras.saving.register_keras_serializable(package="keras_gan")
class WGAN(WassersteinModel):
    """Wasserstein GAN, Algorithm 1 of the paper: a critic kept Lipschitz by clipping its weights.

    The critic D minimises `mean(D(fake)) − mean(D(real))` and after each of its
    `d_steps` updates every critic weight is clipped to `[−clip_value, clip_value]`;
    the generator minimises `−mean(D(fake))`. Defaults are the paper's: c = 0.01,
    5 critic steps, RMSProp(5e-5) for both networks. Logs `d_loss`, `g_loss` and
    `w_distance = mean(D(real)) − mean(D(fake))`.

    Args:
        data_shape: shape of one sample: images (DCGAN-style critic) or vectors (MLP critic).
        latent_dim: size of z.
        clip_value: c, the bound on every critic weight.
        d_steps: critic steps per generator step (paper: 5).
        filters: width of the default convolutional networks (images).
        critic_normalization: `"batch"` (the paper's DCGAN critic, default), `"layer"` or
            `None` in the default conv critic.
        hidden_units: widths of the default MLPs (vectors).
        **kwargs: `generator`, `discriminator`, `seed`, `d_fresh_batches`, `augment`,
            `augment_p`, `ada_target`, `ada_kimg`, `pack`, `num_classes`, `conditioning`: see
            `AdversarialModel`.
    """

    aux_metrics = ("w_distance",)

    def __init__(self, data_shape, latent_dim=100, clip_value=0.01, d_steps=5, filters=64,
                 critic_normalization="batch", hidden_units=(256, 256), **kwargs):
        if float(clip_value) <= 0:
            raise ValueError(f"clip_value must be positive (paper: 0.01), got {clip_value}.")
        self.clip_value = checks.non_negative("clip_value", clip_value, 0.01)
        super().__init__(data_shape, latent_dim, d_steps=d_steps, filters=filters,
                         critic_normalization=critic_normalization, hidden_units=hidden_units, **kwargs)

    def default_optimizers(self):
        return (
            keras.optimizers.RMSprop(5e-5, name="d_rmsprop"),
            keras.optimizers.RMSprop(5e-5, name="g_rmsprop"),
        )

    def _discriminator_step(self, real, condition=None):
        result = super()._discriminator_step(real, condition)
        self.clip_critic_weights()
        return result

    def wasserstein_objective(self):
        return objectives.WassersteinClip(self.clip_value)

    def clip_critic_weights(self):
        """Clips every trainable critic weight to `[−clip_value, clip_value]`."""
        objectives.WassersteinClip(self.clip_value).clip(self.discriminator)

    def get_config(self):
        return {**super().get_config(), "clip_value": self.clip_value}
