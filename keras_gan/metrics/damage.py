"""Damaged copies of real images: the test every judge passes before it grades (`damage_table`).

A feature network that grades GANs must score blurred, mosaicked, noisy, re-encoded or colour-swapped real
images clearly worse than the real images themselves. `damage_table` measures that as the ratio of each
damage's Fréchet distance to the undamaged floor (two real sets of the same size).
"""

import io

import numpy as np

__all__ = ["DAMAGES", "damage", "damage_table"]

DAMAGES = ("blur 0.7", "blur 1.0", "noise 0.1", "mosaic 4x4", "jpeg 20", "swap red/blue")
"""The damages `damage_table` applies, each named `kind parameter`."""


def _blur(images, sigma):
    from scipy.ndimage import gaussian_filter

    return gaussian_filter(images, sigma=(0, sigma, sigma, 0), mode="nearest")


def _mosaic(images, block):
    n, height, width, channels = images.shape
    if height % block or width % block:
        raise ValueError(f"A {block}x{block} mosaic needs image sides divisible by {block}, got {height}x{width}.")
    means = images.reshape(n, height // block, block, width // block, block, channels).mean(axis=(2, 4))
    return means.repeat(block, axis=1).repeat(block, axis=2)


def _jpeg(images, quality):
    from PIL import Image

    out = []
    for image in np.clip(np.round((images + 1.0) * 127.5), 0, 255).astype("uint8"):
        buffer = io.BytesIO()
        Image.fromarray(image.squeeze(-1) if image.shape[-1] == 1 else image).save(buffer, "JPEG", quality=quality)
        decoded = np.asarray(Image.open(io.BytesIO(buffer.getvalue())), dtype="float32")
        out.append(decoded.reshape(image.shape))
    return np.stack(out) / 127.5 - 1.0


def damage(images, name, seed=0):
    """A damaged copy of `images` (n, h, w, c) in [-1, 1].

    Args:
        images: float images in [-1, 1].
        name: one of `DAMAGES`, or the same kinds with other parameters: `"blur SIGMA"` (Gaussian, pixels),
            `"noise SIGMA"` (Gaussian, clipped), `"mosaic KxK"` (each K×K block averaged), `"jpeg QUALITY"`,
            `"swap red/blue"` (colour images only).
        seed: the noise's seed.

    Returns:
        float32 images in [-1, 1], the shape of `images`.
    """
    images = np.asarray(images, dtype="float32")
    if images.ndim != 4:
        raise ValueError(f"damage takes a batch of images (n, h, w, c), got shape {images.shape}.")
    kind, _, parameter = name.partition(" ")
    if kind == "blur":
        out = _blur(images, float(parameter))
    elif kind == "noise":
        out = images + np.random.default_rng(seed).normal(0.0, float(parameter), images.shape)
    elif kind == "mosaic":
        out = _mosaic(images, int(parameter.split("x")[0]))
    elif kind == "jpeg":
        out = _jpeg(images, int(parameter))
    elif kind == "swap":
        if images.shape[-1] != 3:
            raise ValueError(f"'swap red/blue' needs colour images (3 channels), got {images.shape[-1]}.")
        out = images[..., ::-1]
    else:
        raise ValueError(f"Unknown damage {name!r}: expected 'blur S', 'noise S', 'mosaic KxK', 'jpeg Q' or "
                         f"'swap red/blue', e.g. one of {DAMAGES}.")
    return np.clip(out, -1.0, 1.0).astype("float32")


def damage_table(features, reference, images, damages=DAMAGES, k=3):
    """The judge's test: FD of damaged `images` against `reference`, as a multiple of the undamaged floor.

    Args:
        features: a feature network name or object (see `feature_network`).
        reference: real images (e.g. a held-out split).
        images: other real images of the same distribution, damaged in turn (same N as `reference`
            for a fair floor).
        damages: names accepted by `damage`; those that do not apply (colour swap on grey images) are skipped.
        k: neighbours for precision/recall.

    Returns:
        dict: `floor` (FD, precision and recall of `images` vs `reference`) and, per damage, its FD and
        `ratio` = FD / floor FD.
    """
    from keras_gan.metrics.distances import frechet_distance, precision_recall
    from keras_gan.metrics.features import feature_network

    network = feature_network(features)
    reference_features, _ = network(reference)
    clean_features, _ = network(images)
    floor = frechet_distance(reference_features, clean_features)
    precision, recall = precision_recall(reference_features, clean_features, k=k)
    table = {"floor": {"frechet_distance": floor, "precision": precision, "recall": recall,
                       "num_real": len(reference), "num_damaged": len(images)}}
    for name in damages:
        if name.startswith("swap") and np.shape(images)[-1] != 3:
            continue
        damaged_features, _ = network(damage(images, name))
        fd = frechet_distance(reference_features, damaged_features)
        table[name] = {"frechet_distance": fd, "ratio": fd / floor}
    return table
