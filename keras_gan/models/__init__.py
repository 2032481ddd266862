from keras_gan.models.adversarial_model import AdversarialModel
from keras_gan.models.conditional_gan import ConditionalGAN
from keras_gan.models.dcgan import DCGAN
from keras_gan.models.gan import GAN
from keras_gan.models.stylegan2 import StyleGAN2
from keras_gan.models.wgan import WGAN
from keras_gan.models.wgan_gp import WGANGP

__all__ = ["AdversarialModel", "ConditionalGAN", "DCGAN", "GAN", "StyleGAN2", "WGAN", "WGANGP"]
