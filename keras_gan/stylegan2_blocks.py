"""StyleGAN2's resampling and discriminator blocks' former home: they live in `keras_gan.models.stylegan2.blocks`;
this name keeps existing imports working."""

from keras_gan.models.stylegan2.blocks import (
    Downsample2D, MinibatchStdDev, Projection, ResidualAdd, Upsample2D, downsample_2x, upsample_2x,
)

__all__ = ["Downsample2D", "MinibatchStdDev", "Projection", "ResidualAdd", "Upsample2D", "downsample_2x", "upsample_2x"]
