"""A folder of images as training data: decoded once with Pillow into numpy (`keras_gan.data.from_directory`)."""

import os

import numpy as np

__all__ = ["directory_class_names", "from_directory", "names_a_folder"]


def names_a_folder(name):
    """Whether a dataset name is a folder: an existing one, or a path (`/`, `.` or `~` first; no other name is)."""
    return os.path.isdir(os.path.expanduser(os.fspath(name))) or os.fspath(name).startswith(("/", ".", "~"))


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
        raise ValueError(f"Expected a folder of images, got {directory!r}, which is not a folder "
                         f"({'a file' if os.path.exists(directory) else 'nothing is there'}). Check the path.")
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
