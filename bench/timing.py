"""What the benchmarks share: `fit` timed step by step, and one measurement run in a child process."""

import json
import os
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def time_fit(model, x, y=None, *, batch_size, warmup):
    """Fits `model` one epoch on `x` (and `y`), in order, progress off.

    Returns:
        `{"img_per_s": median over the steps after `warmup`, "first_step_s": the first step,
        tracing and compiling included}`.
    """
    import keras
    import numpy as np

    stamps = []

    class Clock(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            float(logs["g_loss"])  # wait for the step to finish
            stamps.append(time.perf_counter())

    start = time.perf_counter()
    model.fit(x, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0, callbacks=[Clock()])
    times = np.diff([start, *stamps])
    return {"img_per_s": float(np.median(batch_size / times[warmup:])), "first_step_s": float(times[0])}


def run_child(command, env=None):
    """Runs `command` in `bench/` with this checkout's `keras_gan` first on the path.

    Returns:
        The JSON value on the last line of its output; a failure raises with its stderr.
    """
    path = os.pathsep.join(p for p in (os.path.dirname(HERE), os.environ.get("PYTHONPATH")) if p)
    out = subprocess.run(command, capture_output=True, text=True, cwd=HERE, check=False,
                         env={**os.environ, "PYTHONPATH": path, **(env or {})})
    if out.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])
