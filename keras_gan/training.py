"""The one training driver: `fit` with sample grids, then samples, a loss plot and a preset record.

`keras-gan train` and the zoo's retraining (`tools/train_zoo.py`) run through `train_run` and
write their preset with `save_run`; the examples call `fit` themselves and use the same callbacks.
"""

import datetime
import os
import platform
import time

import keras
import numpy as np

from keras_gan import zoo
from keras_gan.callbacks import GeneratorEMA, SampleGrid
from keras_gan.version import __version__
from keras_gan.visualization import plot_history, save_image_grid


__all__ = ["save_run", "train_run", "trained_with"]


def train_run(model, x, y=None, *, out, epochs, batch_size, ema=None, ema_start=0, seed=0, grids=True, gif=False,
              final_grid=None, plot_name="losses.png", callbacks=(), verbose="auto"):
    """Trains `model` and writes what the run shows under `out`.

    Writes `epochs/epoch_NNN.png` (a `SampleGrid` of fixed latents per epoch, `progress.gif`
    with `gif=True`), `samples.png` and the loss plot `plot_name` (`plot_history`).

    Args:
        model: a keras-gan model; compiled with its defaults if it is not yet.
        x: training data as `fit` takes it; `y`: labels for conditional models, else None.
        out: output directory.
        epochs: as `fit`.
        batch_size: as `fit`.
        ema: if set, the decay of a `GeneratorEMA` (from step `ema_start`) to sample from.
        seed: seed of the grids' latents.
        grids: write a grid per epoch (`SampleGrid`).
        gif: also write the grids as `epochs/progress.gif`.
        final_grid: optional `() -> (images, columns)` for `samples.png`; default
            `model.generate_grid(64, seed=seed)` (conditional models: one row per class).
        plot_name: file name of the loss plot; None: no plot.
        callbacks: more Keras callbacks for `fit`.
        verbose: as `fit`.

    Returns:
        `(history, seconds of training)`.
    """
    os.makedirs(out, exist_ok=True)
    if not getattr(model, "compiled", False):
        model.compile()
    run_callbacks = [*([SampleGrid(os.path.join(out, "epochs"), seed=seed, gif=gif)] if grids else []), *callbacks]
    if ema:
        run_callbacks.insert(0, GeneratorEMA(ema, start=ema_start))
    start = time.perf_counter()
    history = model.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=isinstance(x, np.ndarray),
                        callbacks=run_callbacks, verbose=verbose)
    seconds = time.perf_counter() - start
    images, columns = final_grid() if final_grid else model.generate_grid(64, seed=seed)
    save_image_grid(images, os.path.join(out, "samples.png"), columns=columns)
    if plot_name:
        plot_history(history, os.path.join(out, plot_name))
    return history, seconds


def trained_with():
    """What a run trained with: `{"backend", "keras", "keras_gan", "python", <backend>: version}`."""
    backend = keras.backend.backend()
    module = __import__({"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}.get(backend, backend))
    return {"backend": backend, "keras": keras.__version__, "keras_gan": __version__,
            "python": platform.python_version(), backend: getattr(module, "__version__", "?")}


def save_run(model, out, history, seconds, *, command, dataset, fit, weights_dtype="float32", **fields):
    """Writes `model` as a preset in `out` with the run's record; returns `zoo.save_preset`'s `(files, metadata)`.

    The record: `command`, `dataset`, `trained_with()`, today's date, `train_seconds`, the `fit`
    settings, the last epoch's logs (`final_logs`) and any more `fields` (figures, recipe, ...).
    """
    final_logs = {k: round(float(v[-1]), 4) for k, v in history.history.items() if np.ndim(v[-1]) == 0}
    return zoo.save_preset(model, out, weights_dtype=weights_dtype, dataset=dataset, command=command,
                           trained_with=trained_with(), date=datetime.date.today().isoformat(),
                           train_seconds=round(seconds, 1), fit=fit, final_logs=final_logs, **fields)
