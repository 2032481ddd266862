"""One training run as the command line and the examples do it: fit with grids, then samples and a loss plot."""

import os
import time

import numpy as np

from keras_gan.callbacks import GeneratorEMA, SampleGrid
from keras_gan.visualization import plot_history, save_image_grid


def train_run(model, x, y=None, *, out, epochs, batch_size, ema=None, ema_start=0, seed=0, gif=False,
              final_grid=None, plot_name="losses.png", callbacks=()):
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
        gif: also write the grids as `epochs/progress.gif`.
        final_grid: optional `() -> (images, columns)` for `samples.png`; default
            `model.generate_grid(64, seed=seed)` (conditional models: one row per class).
        plot_name: file name of the loss plot.
        callbacks: more Keras callbacks for `fit`.

    Returns:
        `(history, seconds of training)`.
    """
    os.makedirs(out, exist_ok=True)
    if not getattr(model, "compiled", False):
        model.compile()
    run_callbacks = [SampleGrid(os.path.join(out, "epochs"), seed=seed, gif=gif), *callbacks]
    if ema:
        run_callbacks.insert(0, GeneratorEMA(ema, start=ema_start))
    start = time.perf_counter()
    history = model.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=isinstance(x, np.ndarray),
                        callbacks=run_callbacks)
    seconds = time.perf_counter() - start
    images, columns = final_grid() if final_grid else model.generate_grid(64, seed=seed)
    save_image_grid(images, os.path.join(out, "samples.png"), columns=columns)
    plot_history(history, os.path.join(out, plot_name))
    return history, seconds
