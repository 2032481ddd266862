"""TensorFlow Datasets as training data (`keras_gan.data.from_tfds`); TensorFlow is imported only when asked for."""

import os

import numpy as np

from keras_gan.data.offline import OFFLINE

__all__ = ["ARRAY_LIMIT_BYTES", "DEFAULT_IMAGE_SIZE", "from_tfds"]

# Decoded float32 splits larger than this stream as a `tf.data.Dataset` by default.
ARRAY_LIMIT_BYTES = 1 << 30

# TensorFlow Datasets names whose images are resized unless told otherwise:
# CelebA's 218x178 faces, centre-cropped to a square and resized (the DCGAN practice).
DEFAULT_IMAGE_SIZE = {"celeb_a": (64, 64)}


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
