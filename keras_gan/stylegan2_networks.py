"""StyleGAN2's networks' former home: they live in `keras_gan.models.stylegan2.networks`; this name keeps existing
imports working."""

from keras_gan.models.stylegan2.networks import (
    channels_at, check_resolution, mapping_network, num_ws, sampling_network, stylegan2_discriminator,
    stylegan2_generator, synthesis_network,
)

__all__ = [
    "channels_at", "check_resolution", "mapping_network", "num_ws", "sampling_network",
    "stylegan2_discriminator", "stylegan2_generator", "synthesis_network",
]
