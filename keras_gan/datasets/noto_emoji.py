"""Noto Emoji: 3,781 colour emoji (64×64 RGB on white), 9 categories, 98 subcategories, shipped offline.

Built by `tools/build_noto_emoji.py` from the npm package `emoji-datasource-google@16.0.0`; the images are
Google's Noto Emoji under the Apache License 2.0 (`NOTICE` and `LICENSE-APACHE-2.0.txt` beside the file).
"""

import functools
import io
import lzma
import os

import numpy as np

__all__ = ["load_noto_emoji", "noto_emoji_info", "resize_images"]

FILE = os.path.join(os.path.dirname(__file__), "noto_emoji.npz.xz")
SPLITS = ("all", "train", "test")
LABELS = ("category", "subcategory")


@functools.lru_cache(maxsize=1)
def _arrays():
    with open(FILE, "rb") as f:
        with np.load(io.BytesIO(lzma.decompress(f.read()))) as data:
            return {k: data[k] for k in data.files}


def noto_emoji_info():
    """The names behind the labels and the split sizes.

    Returns:
        dict: `category_names` (9), `subcategory_names` (98), `short_names` (one per image, in
        the data set's order), `num_images`, `num_train`, `num_test`.
    """
    data = _arrays()
    return {
        "category_names": [str(s) for s in data["category_names"]],
        "subcategory_names": [str(s) for s in data["subcategory_names"]],
        "short_names": [str(s) for s in data["short_names"]],
        "num_images": len(data["test"]), "num_train": int((~data["test"]).sum()), "num_test": int(data["test"].sum()),
    }


def resize_images(images, size):
    """Anti-aliased resize of uint8 `(n, h, w, c)` images to `(size, size)`.

    An integer reduction averages each block of pixels (an area resize, exact and the same everywhere);
    other sizes use Pillow's Lanczos filter.
    """
    n, height, width, channels = images.shape
    if (height, width) == (size, size):
        return images
    if height % size == 0 and width % size == 0 and height == width:
        k = height // size
        blocks = images.reshape(n, size, k, size, k, channels).astype("float32").mean(axis=(2, 4))
        return np.round(blocks).astype("uint8")
    from PIL import Image

    return np.stack([np.asarray(Image.fromarray(image.squeeze()).resize((size, size), Image.LANCZOS)).reshape(
        size, size, channels) for image in images])


def load_noto_emoji(split="all", image_size=64, labels="category", dtype="float32"):
    """The Noto Emoji images and labels.

    Args:
        split: `"all"` (3,781), `"train"` (3,196) or `"test"` (585, the fixed held-out split:
            stratified by subcategory; an emoji and its skin-tone variants stay on one side).
        image_size: side in pixels: 64 (as shipped), 32, 16 (area resize), or any other size (Lanczos).
        labels: `"category"` (0-8) or `"subcategory"` (0-97); names in `noto_emoji_info()`.
        dtype: `"float32"` for images in [-1, 1], or `"uint8"` for the 0-255 pixels.

    Returns:
        `(images (n, image_size, image_size, 3), labels int32 (n,))`.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}.")
    if labels not in LABELS:
        raise ValueError(f"labels must be one of {LABELS}, got {labels!r}.")
    if int(image_size) != image_size or not 1 <= int(image_size) <= 64:
        raise ValueError(f"image_size must be an integer from 1 to 64 (the images are 64x64), got {image_size!r}.")
    data = _arrays()
    keep = slice(None) if split == "all" else (data["test"] if split == "test" else ~data["test"])
    images = resize_images(data["images"][keep], int(image_size))
    y = data[labels][keep].astype("int32")
    if dtype == "uint8":
        return images, y
    return images.astype("float32") / 127.5 - 1.0, y
