"""StyleGAN2 (Karras et al. 2020, arXiv:1912.04958), one family folder: `layers` (one idea each), `blocks`
(resampling and the discriminator's blocks), `networks` (mapping, synthesis, generator, discriminator), the model
`StyleGAN2` and its objective `LazyR1`."""

from keras_gan.models.stylegan2 import blocks, layers, networks
from keras_gan.models.stylegan2.lazy_r1 import LazyR1
from keras_gan.models.stylegan2.stylegan2 import StyleGAN2

__all__ = ["LazyR1", "StyleGAN2", "blocks", "layers", "networks"]
