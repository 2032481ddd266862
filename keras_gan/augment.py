"""Differentiable augmentation of D's inputs: DiffAugment (Zhao et al. 2020, arXiv:2006.10738).

Every transform is written with `keras.ops`, draws its randomness from a `keras.random.SeedGenerator`
and is differentiable in the images, so G's gradient flows through it. Images are
`(batch, height, width, channels)` in [-1, 1].
"""

import keras
from keras import ops

__all__ = [
    "RecordedDraws",
    "POLICIES", "TRANSFORMS", "ada_adjust", "brightness", "check_probability", "contrast", "cutout", "diff_augment",
    "overfitting_signal", "parse_policy", "saturation", "translation",
]

POLICIES = {
    "color": ("brightness", "saturation", "contrast"),
    "translation": ("translation",),
    "cutout": ("cutout",),
}


def parse_policy(policy):
    """`"translation,cutout"` → `("translation", "cutout")`; `None` or `""` → `()`.

    Raises:
        ValueError: for an unknown policy name.
    """
    if policy is None:
        return ()
    names = tuple(p.strip() for p in str(policy).split(",") if p.strip())
    unknown = [n for n in names if n not in POLICIES]
    if unknown:
        raise ValueError(
            f"Unknown augmentation policy {', '.join(map(repr, unknown))} in augment={policy!r}; "
            f"expected names from {sorted(POLICIES)} joined by commas, e.g. augment='translation,cutout'."
        )
    return names


def _per_sample(draw, x):
    """`draw((batch, 1, 1, 1))`: one random value per image, broadcast over its pixels."""
    return draw((ops.shape(x)[0], 1, 1, 1))


def brightness(x, draw):
    """Adds one offset in [-0.5, 0.5) per image."""
    return x + (_per_sample(draw, x) - 0.5)


def saturation(x, draw):
    """Scales each pixel's distance from its channel mean by a factor in [0, 2) (identity for grey images)."""
    mean = ops.mean(x, axis=-1, keepdims=True)
    return (x - mean) * (2.0 * _per_sample(draw, x)) + mean


def contrast(x, draw):
    """Scales each image's distance from its mean by a factor in [0.5, 1.5)."""
    mean = ops.mean(x, axis=(1, 2, 3), keepdims=True)
    return (x - mean) * (_per_sample(draw, x) + 0.5) + mean


def _shift_matrices(shift, size, dtype):
    """`(batch, size, size)` 0/1 matrices `M` with `(M @ v)[i] = v[i - shift]`, 0 outside."""
    rows = ops.arange(size)[None, :, None]
    cols = ops.arange(size)[None, None, :]
    return ops.cast(ops.equal(cols, rows - shift[:, None, None]), dtype)


def translation(x, draw, ratio=0.125):
    """Shifts each image by up to `ratio` of its sides (integer pixels), filling with zeros."""
    batch, height, width = ops.shape(x)[0], x.shape[1], x.shape[2]
    shifts = []
    for size in (height, width):
        limit = int(size * ratio + 0.5)
        u = draw((batch,))
        shifts.append(ops.cast(ops.floor(u * (2 * limit + 1)), "int32") - limit)
    rows = _shift_matrices(shifts[0], height, x.dtype)
    cols = _shift_matrices(shifts[1], width, x.dtype)
    x = ops.einsum("bij,bjwc->biwc", rows, x)
    return ops.einsum("bvw,bhwc->bhvc", cols, x)


def cutout(x, draw, ratio=0.5):
    """Sets one square of `ratio` of each side, at a random place per image, to zero."""
    batch, height, width = ops.shape(x)[0], x.shape[1], x.shape[2]
    inside = []
    for size in (height, width):
        side = int(size * ratio + 0.5)
        # The square's centre lies anywhere in the image (it may hang over an edge).
        centre = ops.cast(ops.floor(draw((batch,)) * (size + (1 - side % 2))), "int32")
        start = centre - side // 2
        index = ops.arange(size)[None, :]
        inside.append((index >= start[:, None]) & (index < start[:, None] + side))
    hole = inside[0][:, :, None] & inside[1][:, None, :]
    return x * ops.cast(ops.logical_not(hole), x.dtype)[..., None]


TRANSFORMS = {
    "brightness": brightness, "saturation": saturation, "contrast": contrast,
    "translation": translation, "cutout": cutout,
}


def diff_augment(x, policy, seed_generator, probability=None, draw=None):
    """Applies each transform of `policy` to the images `x`, differentiably.

    Args:
        x: images `(batch, height, width, channels)`.
        policy: a string as `parse_policy` takes, or a tuple of policy names.
        seed_generator: the `keras.random.SeedGenerator` every draw comes from.
        probability: optional scalar tensor p: each transform is applied to each image
            with probability p (ADA); `None` applies every transform to every image.
        draw: optional `draw(shape) -> U[0, 1)` replacing the default (data parallelism
            routes draws through the model's replica rule).

    Returns:
        The augmented images, same shape and dtype.
    """
    names = policy if isinstance(policy, tuple) else parse_policy(policy)
    if draw is None:
        def draw(shape):
            return keras.random.uniform(shape, seed=seed_generator)
    for policy_name in names:
        for name in POLICIES[policy_name]:
            augmented = TRANSFORMS[name](x, draw)
            if probability is not None:
                keep = ops.cast(_per_sample(draw, x) < probability, x.dtype)
                augmented = keep * augmented + (1.0 - keep) * x
            x = augmented
    return x


class RecordedDraws:
    """A `draw(shape)` that remembers what it drew, so the same augmentation can be applied again.

    R1 differentiates D(augment(x)) with respect to the raw reals x under the very augmentation the loss
    saw (StyleGAN2-ADA, DiffAugment): `replay()` gives a draw function that returns the recorded draws in order.
    """

    def __init__(self, draw):
        self.draw, self.draws = draw, []

    def __call__(self, shape):
        value = self.draw(shape)
        self.draws.append(value)
        return value

    def replay(self):
        """A fresh `draw(shape)` returning the recorded values in order (no new randomness)."""
        values = iter(self.draws)
        return lambda shape: next(values)


def check_probability(augment_p):
    """`augment_p` as a float in [0, 1], or `"adaptive"` (ADA); a `ValueError` otherwise."""
    if augment_p == "adaptive":
        return augment_p
    try:
        probability = float(augment_p)
    except (TypeError, ValueError):
        probability = None
    if probability is None or not 0.0 <= probability <= 1.0:
        raise ValueError(
            f"augment_p must be a probability in [0, 1] or 'adaptive', got {augment_p!r}. "
            f"Pass e.g. augment_p=1.0 (always augment) or augment_p='adaptive' (ADA)."
        )
    return probability


def overfitting_signal(real_logits):
    """ADA's r_t = E[sign(D(real))] (Karras et al. 2020, §3)."""
    return ops.mean(ops.sign(ops.cast(real_logits, "float32")))


def ada_adjust(probability, r_t, target, kimg, batch_size):
    """One ADA adjustment: p moves by `batch_size / (kimg · 1000)` toward r_t = `target`, clipped to [0, 1].

    Args:
        probability: the current p (a tensor).
        r_t: the overfitting signal, E[sign(D(real))] over the images since the last adjustment.
        target: ADA's target for r_t (paper: 0.6).
        kimg: thousands of images for p to go from 0 to 1 (paper: 500).
        batch_size: the real images seen since the last adjustment (paper: 4 batches).

    Returns:
        The new p.
    """
    step = ops.cast(batch_size, "float32") / (kimg * 1000.0)
    return ops.clip(probability + ops.sign(r_t - target) * step, 0.0, 1.0)
