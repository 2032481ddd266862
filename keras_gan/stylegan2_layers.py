"""StyleGAN2's layers' former home: they live in `keras_gan.models.stylegan2.layers`; this name keeps existing
imports working."""

from keras_gan.models.stylegan2.layers import (
    BiasActivation, BroadcastW, ConstantInput, EqualizedConv2D, EqualizedDense, LabelEmbedding, ModulatedConv2D,
    NoiseInjection, PixelNorm,
)

__all__ = [
    "BiasActivation", "BroadcastW", "ConstantInput", "EqualizedConv2D", "EqualizedDense", "LabelEmbedding",
    "ModulatedConv2D", "NoiseInjection", "PixelNorm",
]
