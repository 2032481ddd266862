"""keras-gan: GAN, DCGAN and friends as Keras 3 models, on TensorFlow, JAX and PyTorch."""

from keras_gan import callbacks, data, layers, losses, metrics, networks, objectives, zoo
from keras_gan.models import DCGAN, GAN, WGAN, WGANGP, AdversarialModel, ConditionalGAN, StyleGAN2
from keras_gan.version import __version__
from keras_gan.visualization import plot_history, save_image_grid

__all__ = [
    "AdversarialModel", "ConditionalGAN", "DCGAN", "GAN", "StyleGAN2", "WGAN", "WGANGP",
    "callbacks", "data", "layers", "losses", "metrics", "networks", "objectives", "zoo",
    "plot_history", "save_image_grid", "__version__",
]
