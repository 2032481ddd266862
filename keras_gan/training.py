"""The one training driver: `fit` with sample grids, then samples, a loss plot and a preset record.

`keras-gan train` and the zoo's retraining (`tools/train_zoo.py`) run through `train_run` and
write their preset with `save_run`; the examples call `fit` themselves and use the same callbacks,
and the MNIST ones score their model with `report_digit_figures`.
"""

import datetime
import json
import os
import platform
import time

import keras
import numpy as np

from keras_gan import metrics, zoo
from keras_gan.callbacks import GeneratorEMA, SampleGrid
from keras_gan.version import __version__
from keras_gan.visualization import plot_history, save_image_grid


__all__ = ["report_digit_figures", "save_run", "train_run", "trained_with"]


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
    settings, `precision` (the dtype policy the model trained in, e.g. `"float32"`, `"mixed_bfloat16"`), the
    last epoch's logs (`final_logs`) and any more `fields` (figures, recipe, ...).
    """
    final_logs = {k: round(float(v[-1]), 4) for k, v in history.history.items() if np.ndim(v[-1]) == 0}
    fields.setdefault("precision", model.dtype_policy.name)
    return zoo.save_preset(model, out, weights_dtype=weights_dtype, dataset=dataset, command=command,
                           trained_with=trained_with(), date=datetime.date.today().isoformat(),
                           train_seconds=round(seconds, 1), fit=fit, final_logs=final_logs, **fields)


def report_digit_figures(model, num_samples, out):
    """Scores a digit model against the held-out mnist_5k digits, prints one line and writes `out/figures.json`.

    `metrics.evaluate` on the `mnist_classifier` features (KID on subsets of `min(500, num_samples)`), beside
    the Fréchet distance real training digits reach (the zoo's `mnist_5k` baseline); conditional models add
    their label accuracy.

    Args:
        model: a keras-gan model of 28x28x1 images.
        num_samples: samples drawn and scored.
        out: folder for `figures.json`.

    Returns:
        the figures, `metrics.evaluate`'s dict.
    """
    shape = tuple(model.data_shape)
    if shape != (28, 28, 1):
        raise ValueError(f"report_digit_figures judges 28x28x1 digits; the model makes {shape}. Score other images "
                         f"with keras_gan.metrics.evaluate(model, real_images, features=...).")
    _, (x_test, y_test) = metrics.mnist_split()
    report = metrics.evaluate(model, x_test, y_test, num_samples=num_samples, kid_subset_size=min(500, num_samples),
                              verbose=0)
    floor = zoo.manifest()["baselines"]["mnist_5k"]["frechet_distance"]
    share = np.asarray(report["class_share"])
    line = (f"Figures ({num_samples:,} samples vs the {len(x_test):,} held-out digits, mnist_classifier features): "
            f"FD {report['frechet_distance']:.2f} (real data: {floor:.2f}), precision {report['precision']:.3f}, "
            f"recall {report['recall']:.3f}, confidence {report['confidence']:.3f}, "
            f"class share {share.min():.1%}-{share.max():.1%}")
    if "label_accuracy" in report:
        line += f", label accuracy {report['label_accuracy']:.3f}"
    print(line)
    with open(os.path.join(out, "figures.json"), "w") as f:
        json.dump(report, f, indent=1)
    return report
