"""Sliced Wasserstein distance on Laplacian pyramids: a weight-free second opinion (Karras et al. 2018, ProGAN).

Each pyramid level (full size, half, ... down to `min_resolution`) gives random 7×7 patches; each set's
patches are normalised per channel by that set's own mean and standard deviation, flattened, projected on
random unit directions, sorted, and the two sorted projections compared by their mean absolute difference.
Fine levels see texture and sharpness, coarse levels structure and colour. Reported ×10³, as in the paper.
"""

import numpy as np

__all__ = ["laplacian_pyramid", "sliced_wasserstein", "sliced_wasserstein_distance"]

_BINOMIAL = np.array([1.0, 4.0, 6.0, 4.0, 1.0]) / 16.0


def _smooth(images, scale=1.0):
    from scipy.ndimage import correlate1d

    out = correlate1d(images, _BINOMIAL * scale, axis=1, mode="mirror")
    return correlate1d(out, _BINOMIAL * scale, axis=2, mode="mirror")


def _downsample(images):
    return _smooth(images)[:, ::2, ::2]


def _upsample(images):
    n, height, width, channels = images.shape
    out = np.zeros((n, height * 2, width * 2, channels), images.dtype)
    out[:, ::2, ::2] = images
    return _smooth(out, 2.0)  # ×4 in all: the zeros hold three of every four pixels


def laplacian_pyramid(images, min_resolution=16):
    """Laplacian pyramid levels of `(n, h, w, c)` images, finest first, down to `min_resolution` pixels.

    Returns:
        list of float64 arrays: each level but the last is a band (the image minus its blurred half-size
        copy brought back up); the last is the blurred image at `min_resolution`.
    """
    current = np.asarray(images, "float64")
    levels = []
    while current.shape[1] > min_resolution:
        smaller = _downsample(current)
        levels.append(current - _upsample(smaller))
        current = smaller
    levels.append(current)
    return levels


def _descriptors(level, patches_per_image, patch_size, rng):
    n, height, width, channels = level.shape
    rows = rng.integers(0, height - patch_size + 1, (n, patches_per_image))
    cols = rng.integers(0, width - patch_size + 1, (n, patches_per_image))
    offsets = np.arange(patch_size)
    image_index = np.arange(n)[:, None, None, None]
    r = (rows[:, :, None, None] + offsets[None, None, :, None])
    c = (cols[:, :, None, None] + offsets[None, None, None, :])
    patches = level[image_index, r, c]  # (n, patches, size, size, channels)
    patches = patches.reshape(-1, patch_size, patch_size, channels)
    patches = patches - patches.mean(axis=(0, 1, 2), keepdims=True)
    patches = patches / (patches.std(axis=(0, 1, 2), keepdims=True) + 1e-12)
    return patches.reshape(len(patches), -1)


def sliced_wasserstein(a, b, *, directions=512, repeats=4, seed=0):
    """Sliced Wasserstein distance between two equal-sized point sets `(n, d)`.

    `repeats` draws of `directions / repeats` random unit directions each; per direction, the mean
    absolute difference of the sorted projections; the mean over all.
    """
    a, b = np.asarray(a, "float64"), np.asarray(b, "float64")
    if a.shape != b.shape:
        raise ValueError(f"sliced_wasserstein needs two sets of the same shape, got {a.shape} and {b.shape}.")
    rng = np.random.default_rng(seed)
    per_repeat = max(1, directions // repeats)
    distances = []
    for _ in range(repeats):
        dirs = rng.standard_normal((a.shape[1], per_repeat))
        dirs /= np.sqrt(np.sum(np.square(dirs), axis=0, keepdims=True))
        pa, pb = np.sort(a @ dirs, axis=0), np.sort(b @ dirs, axis=0)
        distances.append(np.mean(np.abs(pa - pb)))
    return float(np.mean(distances))


def sliced_wasserstein_distance(real_images, fake_images, *, min_resolution=16, patches_per_image=128,
                                patch_size=7, directions=512, seed=0):
    """SWD ×10³ per Laplacian level and their average (ProGAN's protocol), for images in [-1, 1].

    Args:
        real_images, fake_images: `(n, h, w, c)`; the larger set is cut to the smaller one's size.
        min_resolution: the coarsest level's side (ProGAN: 16).
        patches_per_image: random patches per image and level (ProGAN: 128).
        patch_size: patch side (ProGAN: 7).
        directions: random projections (ProGAN: 4 × 128).
        seed: patches' and directions' seed (the same for both sets).

    Returns:
        dict: `swd` (the levels' average) and `swd_levels` `{resolution: swd}`, finest first.
    """
    real, fake = np.asarray(real_images, "float64"), np.asarray(fake_images, "float64")
    if real.ndim != 4 or real.shape[1:] != fake.shape[1:]:
        raise ValueError(f"SWD compares two batches of images of one shape (n, h, w, c); got {real.shape} "
                         f"and {fake.shape}.")
    if min(real.shape[1:3]) < patch_size:
        raise ValueError(f"SWD needs images of at least {patch_size} pixels a side, got {real.shape[1:3]}.")
    n = min(len(real), len(fake))
    if n < 2:
        raise ValueError(f"SWD needs at least 2 images in each set, got {len(real)} and {len(fake)}.")
    levels = {}
    pyramids = [laplacian_pyramid(x[:n], min_resolution) for x in (real, fake)]
    for index, (level_real, level_fake) in enumerate(zip(*pyramids)):
        rng_real, rng_fake = np.random.default_rng(seed + index), np.random.default_rng(seed + index)
        size = min(patch_size, level_real.shape[1])
        a = _descriptors(level_real, patches_per_image, size, rng_real)
        b = _descriptors(level_fake, patches_per_image, size, rng_fake)
        levels[int(level_real.shape[1])] = 1e3 * sliced_wasserstein(a, b, directions=directions, seed=seed + index)
    return {"swd": float(np.mean(list(levels.values()))), "swd_levels": levels}
