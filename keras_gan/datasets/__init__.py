"""Data sets shipped with keras-gan (offline): `keras_gan.data.load("noto_emoji")` reads them."""

from keras_gan.datasets.noto_emoji import load_noto_emoji, noto_emoji_info, resize_images

__all__ = ["load_noto_emoji", "noto_emoji_info", "resize_images"]
