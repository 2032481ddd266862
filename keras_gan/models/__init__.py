from keras_gan.models.adversarial_model import AdversarialModel
from keras_gan.models.dcgan import DCGAN
from keras_gan.models.gan import GAN

__all__ = ["AdversarialModel", "DCGAN", "GAN"]
