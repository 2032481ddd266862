"""keras-gan: GAN, DCGAN and friends as Keras 3 models, on TensorFlow, JAX and PyTorch."""

# First, before anything imports Keras: with KERAS_BACKEND unset and Keras's default backend not installed,
# pick an installed one (`pip install "keras-gan[jax]"` has no TensorFlow).
from keras_gan._backend_choice import choose_backend

choose_backend()

from keras_gan import (
    augment, callbacks, conditioning, data, datasets, ema, layers, losses, metrics, mixed_precision, models, networks,
    objectives, packing, stylegan2_blocks, stylegan2_layers, stylegan2_networks, training, zoo,
)
from keras_gan.mixed_precision import use_precision
from keras_gan.models import DCGAN, GAN, WGAN, WGANGP, AdversarialModel, ConditionalGAN, StyleGAN2
from keras_gan.version import __version__
from keras_gan.visualization import plot_history, save_image_grid

__all__ = [
    "AdversarialModel", "ConditionalGAN", "DCGAN", "GAN", "StyleGAN2", "WGAN", "WGANGP",
    "augment", "callbacks", "conditioning", "data", "datasets", "ema", "layers", "losses", "metrics",
    "mixed_precision", "models", "networks", "objectives", "packing", "stylegan2_blocks", "stylegan2_layers",
    "stylegan2_networks", "training", "zoo",
    "plot_history", "save_image_grid", "use_precision", "__version__",
]
