"""Class labels as an option of every model: `GAN(..., num_classes=10)`, `WGANGP(..., num_classes=10)`.

A conditional model's generator takes `[z, label]` and its discriminator `[x, label]` (Mirza & Osindero
2014); `fit(x, y)` takes integer labels, datasets yield `(samples, labels)`. How D sees the label is the
`conditioning` option of the default networks: `"concat"` (one-hot joined to its input) or
`"projection"` (Miyato & Koyama 2018). These are the checks and label draws that go with it.
"""

import numpy as np

from keras_gan import checks

__all__ = ["check_fit_labels", "check_networks", "check_num_classes", "grid_labels", "sampling_labels"]


def check_num_classes(num_classes):
    """`None` (unconditional) or `num_classes` as an int >= 2; a `ValueError` otherwise."""
    if num_classes is None:
        return None
    if isinstance(num_classes, bool) or int(num_classes) != num_classes or int(num_classes) < 2:
        raise ValueError(f"num_classes must be at least 2 (or None for an unconditional model), got {num_classes}.")
    return int(num_classes)


def check_networks(generator, discriminator, model_name):
    """Raises `ValueError` unless both networks take two inputs: `[z, label]` and `[x, label]`."""
    for net, role, first in ((generator, "generator", "z"), (discriminator, "discriminator", "x")):
        if len(net.inputs) != 2:
            raise ValueError(
                f"A conditional {model_name} {role} takes two inputs, [{first}, label]; this one takes "
                f"{len(net.inputs)}. Build it with keras.Input for both, or drop num_classes."
            )


def check_fit_labels(x, y, batch, num_classes, model_name):
    """Validates the labels of `fit(x, y)` or of a dataset's first `batch`; returns `y` as `fit` takes it.

    Args:
        x, y: `fit`'s arguments.
        batch: the first batch of a dataset (a tuple), or None.
        num_classes: the model's number of classes.
        model_name: the model's class name, for the errors.
    """
    if hasattr(x, "shape") and hasattr(x, "dtype"):
        if y is None:
            raise ValueError(
                f"A conditional {model_name}'s fit needs labels: fit(x, y) with integer labels in "
                f"[0, {num_classes}), one per sample."
            )
        y = checks.to_numpy(y)
        if y.ndim == 2 and y.shape[1] == 1:  # (N, 1) labels, as CIFAR ships them
            y = y[:, 0]
        checks.check_labels(y, num_classes, len(x))
    elif batch is not None:
        if len(batch) < 2:
            raise ValueError(
                f"A conditional {model_name} needs batches of (samples, labels); the dataset yields "
                f"samples only. Zip the labels in, e.g. Dataset.from_tensor_slices((x, y))."
            )
        checks.check_labels(checks.to_numpy(batch[1]), num_classes, len(batch[0]))
    return y


def sampling_labels(num_samples, labels, z, num_classes, rng):
    """`(num_samples, labels)` for `generate`: labels given (one int or one per sample) or drawn from `rng`."""
    if num_samples is None:
        num_samples = len(z) if z is not None else (None if labels is None or np.ndim(labels) == 0 else len(labels))
    if num_samples is None:
        raise ValueError("Pass num_samples, a list of labels, or z.")
    if labels is None:
        labels = rng.integers(0, num_classes, int(num_samples))
    elif np.ndim(labels) == 0:
        labels = np.full(int(num_samples), labels)
    labels = np.asarray(labels)
    checks.check_labels(labels, num_classes, int(num_samples))
    return int(num_samples), labels.astype("int32")


def grid_labels(num_samples, num_classes):
    """`(labels, per_class)`: one row per class, `max(1, num_samples // num_classes)` samples each."""
    per_class = max(1, int(num_samples) // num_classes)
    return np.repeat(np.arange(num_classes), per_class), per_class
