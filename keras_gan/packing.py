"""PacGAN's packs (Lin et al. 2018, arXiv:1712.04086): D judges `pack` samples at once.

Consecutive samples are joined along the features (vectors: `(batch / m, m·d)`; images: along the
channels), so a pack holds only real or only generated samples; each pack's labels sit beside it.
"""

import math

from keras import ops

__all__ = ["check_batches", "check_pack", "check_packable", "input_shape", "pack_labels", "pack_samples"]


def check_pack(pack):
    """`pack` as a positive int, or a `ValueError`."""
    if isinstance(pack, bool) or int(pack) != pack or int(pack) < 1:
        raise ValueError(f"pack must be a positive integer (PacGAN's m; 1 = no packing), got {pack!r}.")
    return int(pack)


def input_shape(data_shape, pack):
    """Shape of one input of D: `data_shape`, or one pack of `pack` samples."""
    if pack == 1:
        return tuple(data_shape)
    if len(data_shape) == 3:
        return (*data_shape[:2], data_shape[2] * pack)
    return (math.prod(data_shape) * pack,)


def pack_samples(samples, data_shape, pack):
    """`(batch, *data_shape)` → `(batch / pack, *input_shape)`: consecutive samples packed together."""
    if pack == 1:
        return samples
    check_packable(pack, samples.shape[0])
    if len(data_shape) == 3:
        height, width, channels = data_shape
        packed = ops.reshape(samples, (-1, pack, height, width, channels))
        packed = ops.transpose(packed, (0, 2, 3, 1, 4))
        return ops.reshape(packed, (-1, height, width, pack * channels))
    return ops.reshape(samples, (-1, math.prod(data_shape) * pack))


def pack_labels(condition, pack):
    """Labels `(batch,)` → `(batch / pack, pack)`, each sample's label beside it (`None` stays `None`)."""
    if condition is None or pack == 1:
        return condition
    return ops.reshape(condition, (-1, pack))


def check_packable(pack, batch_size, which="a batch"):
    """Raises `ValueError` unless `pack` divides `batch_size` (`None`, a dynamic size, passes)."""
    if batch_size is not None and batch_size % pack:
        raise ValueError(
            f"pack={pack} joins {pack} samples per discriminator input, but {which} has "
            f"{batch_size} samples. Use a batch_size that is a multiple of {pack} "
            f"(and a dataset whose size is one, or drop the remainder)."
        )


def check_batches(pack, num_samples, batch_size):
    """Checks, before training, every batch `fit` will cut from `num_samples` samples.

    TensorFlow traces the last, smaller batch with a dynamic size, where the step cannot check it.

    Args:
        pack: PacGAN's m.
        num_samples: the samples `fit` trains on (after `validation_split`).
        batch_size: `fit`'s batch size.
    """
    if pack == 1 or not num_samples:
        return
    check_packable(pack, min(batch_size, num_samples))
    check_packable(pack, num_samples % batch_size, which=f"the last batch of {num_samples} samples")
