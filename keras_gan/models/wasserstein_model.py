"""What WGAN and WGAN-GP share: the default networks, and `compile`'s one loss, the Wasserstein objective each names."""

from keras_gan import checks
from keras_gan.models import default_networks
from keras_gan.models.adversarial_model import AdversarialModel

__all__ = ["WassersteinModel"]


class WassersteinModel(AdversarialModel):
    """A critic D (no sigmoid) and a generator that minimises `−mean(D(fake))`.

    Subclasses say how the critic is kept Lipschitz with the objective `wasserstein_objective()` returns
    (`objectives.WassersteinClip`, whose clipping WGAN applies after each critic step, or
    `objectives.WassersteinGP`); `compile` takes `loss=None` or `"wasserstein"` only.

    Args:
        data_shape: shape of one sample: images (conv critic) or vectors (MLP critic).
        latent_dim: size of z.
        d_steps: critic steps per generator step.
        filters: width of the default convolutional networks (images).
        generator_filters: width of the default convolutional G alone; default `filters`.
        critic_normalization: normalization in the default conv critic.
        hidden_units: widths of the default MLPs (vectors).
        **kwargs: see `AdversarialModel`.
    """

    def __init__(self, data_shape, latent_dim=100, d_steps=5, filters=64, critic_normalization=None,
                 hidden_units=(256, 256), generator_filters=None, **kwargs):
        self.filters, self.generator_filters, self.critic_normalization = default_networks.conv_options(
            filters, generator_filters, critic_normalization)
        self.hidden_units = checks.hidden_units(hidden_units)
        super().__init__(data_shape, latent_dim, d_steps=d_steps, **kwargs)

    def build_generator(self):
        return default_networks.generator(self, self.hidden_units)

    def build_discriminator(self):
        return default_networks.discriminator(self, self.critic_normalization, self.hidden_units)

    def objective_for(self, loss):
        if loss not in (None, "wasserstein"):
            raise ValueError(f"{type(self).__name__} trains with loss='wasserstein' only, got {loss!r}.")
        return self.wasserstein_objective()

    def wasserstein_objective(self):
        """The critic's objective: `objectives.WassersteinClip` or `objectives.WassersteinGP`."""
        raise NotImplementedError

    def get_config(self):
        return {
            **super().get_config(), "filters": self.filters, "generator_filters": self.generator_filters,
            "critic_normalization": self.critic_normalization, "hidden_units": self.hidden_units,
        }
