"""Fixed, stratified train/test splits of labelled arrays (numpy only: the data and metrics floors both use them)."""

import numpy as np

__all__ = ["stratified_split"]


def stratified_split(x, y, test_per_class, seed=0):
    """Holds out `test_per_class` samples of each class, chosen by `seed`.

    Args:
        x: samples `(n, ...)`.
        y: integer labels `(n,)`.
        test_per_class: held-out samples per class.
        seed: seed of the choice.

    Returns:
        `((x_train, y_train), (x_test, y_test))`, each in the original order.
    """
    rng = np.random.default_rng(seed)
    test = np.zeros(len(y), dtype=bool)
    for label in np.unique(y):
        test[rng.choice(np.flatnonzero(y == label), test_per_class, replace=False)] = True
    return (x[~test], y[~test]), (x[test], y[test])
