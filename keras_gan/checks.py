"""Checks on what users pass to `fit` and `generate`, with errors that say how to fix it."""

import keras
import numpy as np

__all__ = [
    "check_labels", "check_latents", "check_samples", "checked_generator", "data_shape", "first_batch",
    "fit_inputs", "fraction", "hidden_units", "non_negative", "optional_positive_int", "positive_int", "to_numpy",
]


def first_batch(data):
    """Returns the first batch of `data` without consuming the user's iterator.

    Args:
        data: a numpy-like array, `tf.data.Dataset`, torch `DataLoader` or `keras.utils.PyDataset`.

    Returns:
        The first batch as a tuple `(samples, *rest)`, or `None` when the input
        type cannot be peeked at (a plain Python generator).
    """
    if hasattr(data, "shape") and hasattr(data, "dtype"):
        return (data,)
    if hasattr(data, "__getitem__") and hasattr(data, "num_batches"):  # PyDataset
        if data.num_batches == 0:
            return _empty()
        batch = data[0]
    elif hasattr(data, "element_spec") or type(data).__name__ == "DataLoader":
        try:
            batch = next(iter(data))
        except StopIteration:
            return _empty()
    else:
        return None
    return tuple(batch) if isinstance(batch, (tuple, list)) else (batch,)


def _empty():
    raise ValueError(
        "The training data is empty: the dataset yielded no batch. "
        "Pass at least one sample (check filters, splits and `drop_remainder`)."
    )


def check_samples(samples, data_shape, image):
    """Raises `ValueError` unless `samples` is a float batch of `data_shape` (images in [-1, 1]).

    Args:
        samples: array-like batch, `(batch, *data_shape)`.
        data_shape: the shape one sample must have.
        image: whether values must lie in [-1, 1].
    """
    shape = tuple(samples.shape)
    if shape and shape[0] == 0:
        _empty()
    if shape[1:] != tuple(data_shape):
        raise ValueError(
            f"Expected training samples of shape (batch, {', '.join(map(str, data_shape))}) "
            f"to match data_shape={tuple(data_shape)}, but got shape {shape}. "
            f"Reshape the data (images are channels-last: (height, width, channels)) "
            f"or build the model with data_shape={shape[1:]}."
        )
    dtype = keras.backend.standardize_dtype(samples.dtype)
    if not np.issubdtype(np.dtype(dtype), np.floating):
        hint = " Scale images with keras_gan.data.scale_images(x) (uint8: x / 127.5 - 1)." if image else ""
        raise ValueError(
            f"Expected floating-point training samples, got dtype {dtype}. "
            f"Convert to float32 first.{hint}"
        )
    values = to_numpy(samples)
    if not values.size:
        return
    # Two passes over the array, no copy of it (a float64 copy doubled a large dataset's memory):
    # NaN propagates through min and max, and ±inf is one of them.
    low, high = float(np.min(values)), float(np.max(values))
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ValueError("The training samples contain NaN or infinite values; remove or fix them.")
    if image and (low < -1.0 - 1e-6 or high > 1.0 + 1e-6):
        raise ValueError(
            f"Expected image values in [-1, 1] (the generator's tanh range), got "
            f"[{low:.4g}, {high:.4g}]. Scale them with keras_gan.data.scale_images(x) "
            f"(uint8: x / 127.5 - 1; [0, 1]: 2 * x - 1)."
        )


def to_numpy(samples):
    """numpy view of a numpy, TensorFlow or torch array."""
    if hasattr(samples, "detach"):  # torch tensor
        return samples.detach().cpu().numpy()
    if hasattr(samples, "numpy"):  # tf tensor
        return samples.numpy()
    return samples


def check_labels(labels, num_classes, count):
    """Raises `ValueError` unless `labels` are `count` integers in [0, num_classes)."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) != count:
        raise ValueError(
            f"Expected one integer label per sample, shape ({count},), got shape {labels.shape}. "
            f"Pass class indices, not one-hot vectors."
        )
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"Expected integer class labels, got dtype {labels.dtype}. "
            f"Convert with y.astype('int32') (class indices 0..{num_classes - 1})."
        )
    if count and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"Labels must lie in [0, {num_classes}) for num_classes={num_classes}; got values from "
            f"{labels.min()} to {labels.max()}. Remap them or raise num_classes."
        )


def check_latents(z, latent_dim):
    """Returns `z` as float32 numpy `(n, latent_dim)` or raises `ValueError`."""
    draw = f"Draw them as np.random.default_rng(seed).standard_normal((n, {latent_dim}))."
    try:
        z = np.asarray(z, dtype="float32")
    except (TypeError, ValueError):
        raise TypeError(f"Expected numeric latents z, (num_samples, {latent_dim}) floats; got {type(z).__name__} "
                        f"of dtype {getattr(np.asarray(z), 'dtype', '?')}. {draw}") from None
    if z.ndim != 2 or z.shape[1] != latent_dim:
        raise ValueError(f"Expected latents z of shape (num_samples, {latent_dim}), got {z.shape}. {draw}")
    if not np.all(np.isfinite(z)):
        raise ValueError(f"The latents z contain NaN or infinite values (rows {np.flatnonzero(~np.isfinite(z).all(1))[:5].tolist()}"
                         f"...): the samples would be NaN. {draw}")
    return z


def positive_int(name, value, example):
    """`value` as an int, or a `ValueError` that names the argument."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}. E.g. {name}={example}.")
    return int(value)


def optional_positive_int(name, value, example):
    """`None`, or `value` as an int by `positive_int`."""
    return None if value is None else positive_int(name, value, example)


def _positive_ints(value):
    """`value` as a tuple of positive ints, or None if it is not one."""
    try:
        items = tuple(value)
    except TypeError:
        return None
    if all(isinstance(i, (int, np.integer)) and not isinstance(i, bool) and i >= 1 for i in items):
        return tuple(int(i) for i in items)
    return None


def data_shape(value):
    """`value` as a tuple of positive ints: the shape of one sample."""
    shape = _positive_ints(value)
    if not shape:
        raise ValueError(
            f"data_shape must be the shape of one sample, a tuple of positive integers such as (28, 28, 1) "
            f"for images or (2,) for vectors; got {value!r}."
        )
    return shape


def hidden_units(value):
    """`value` as a tuple of positive ints (the widths of an MLP's hidden layers)."""
    units = _positive_ints(value)
    if units is None:
        raise ValueError(f"hidden_units must be a sequence of positive layer widths, e.g. (256, 256); got {value!r}.")
    return units


def fraction(name, value):
    """`value` as a float in [0, 1), or a `ValueError` that names the argument."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1.0
    if not 0.0 <= number < 1.0:
        raise ValueError(f"{name} must be a number in [0, 1), got {value!r}.")
    return number


def non_negative(name, value, example):
    """`value` as a float >= 0, or a `ValueError` that names the argument."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not number >= 0.0 or not np.isfinite(number):
        raise ValueError(f"{name} must be a non-negative number, got {value!r}. E.g. {name}={example}.")
    return number


def fit_inputs(x):
    """Raises `TypeError` for `fit` inputs keras-gan does not read: lists and dicts of arrays."""
    if isinstance(x, dict):
        raise TypeError(
            f"fit() takes the training samples as one array, a tf.data.Dataset, a torch DataLoader or a "
            f"keras.utils.PyDataset; got a dict with keys {sorted(x)[:5]}. Pass the array itself: fit(x[...])."
        )
    if isinstance(x, (list, tuple)):
        raise TypeError(
            f"fit() takes the training samples as one array (batch, *data_shape), not a {type(x).__name__} of "
            f"{len(x)} items. Stack them first: fit(np.stack(x)) for samples, np.concatenate(x) for batches; "
            f"labels go in y: fit(x, y)."
        )


def checked_generator(iterator, check):
    """A Python generator's batches as the tuples Keras reads, the first one passed to `check`."""
    first = True
    for batch in iterator:
        batch = tuple(batch) if isinstance(batch, (tuple, list)) else (batch,)
        if first:
            check(batch)
            first = False
        yield batch
