"""Mode coverage on the 2-D Gaussian mixtures (VEEGAN / PacGAN protocol)."""

import numpy as np

from keras_gan.data.offline import MIXTURES

__all__ = ["mode_coverage"]


def mode_coverage(points, mixture="ring8", *, centers=None, std=None):
    """Counts captured modes and the share of high-quality samples.

    A sample is high quality if it lies within 3 standard deviations of its
    nearest centre; a mode is captured if it is the nearest centre of at least
    one high-quality sample (Srivastava et al. 2017; Lin et al. 2018, 2,500
    samples in their tables).

    Args:
        points: `(n, 2)` samples.
        mixture: `"ring8"` or `"grid25"` (the specs in `keras_gan.data.MIXTURES`);
            ignored when `centers` and `std` are given.
        centers: `(k, d)` component means of a custom mixture.
        std: their standard deviation.

    Returns:
        dict: `modes` (captured), `num_modes`, `high_quality` (fraction in [0, 1]),
        `per_mode` (high-quality samples per centre) and `num_samples`.
    """

    if centers is None or std is None:
        if mixture not in MIXTURES:
            raise ValueError(f"Unknown mixture {mixture!r}: use one of {sorted(MIXTURES)} or pass centers= and std=.")
        make_centers, std = MIXTURES[mixture]
        centers = make_centers()
    points = np.asarray(points, dtype="float64")
    centers = np.asarray(centers, dtype="float64")
    if points.ndim != 2 or points.shape[1] != centers.shape[1] or len(points) == 0:
        raise ValueError(
            f"mode_coverage expects samples of shape (n, {centers.shape[1]}) with n > 0, got {points.shape}. "
            f"Pass model.generate(n) of a model trained on the mixture."
        )
    distances = np.linalg.norm(points[:, None, :] - centers[None, :, :], axis=-1)
    nearest = distances.argmin(axis=1)
    good = distances[np.arange(len(points)), nearest] <= 3.0 * std
    per_mode = np.bincount(nearest[good], minlength=len(centers))
    return {
        "modes": int((per_mode > 0).sum()),
        "num_modes": len(centers),
        "high_quality": float(good.mean()),
        "per_mode": per_mode.tolist(),
        "num_samples": len(points),
    }
