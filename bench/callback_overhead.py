"""What each per-step keras-gan callback costs in `fit`, per backend, against the same `fit` without it.

In one process per backend, the Quick start's network (`DCGAN(filters=32)`, batch 64) is trained for `--steps`
steps per `fit` call with no callback, `FiniteLossGuard`, `GeneratorEMA(0.999)`, and both; the configurations
take turns over `--rounds` (the compiled step is shared, so only the callbacks differ). Prints the median time per
step and each callback's overhead. The per-epoch callbacks (`SampleGrid`, `LearningRates`, `Evaluation`) run once
per epoch, not per step, and are not timed here.

    python bench/callback_overhead.py --steps 40 --rounds 3 --json bench/results/callback_overhead.json
"""

import argparse
import json
import os
import statistics
import sys
import time

from timing import run_child

BACKENDS = ("tensorflow", "torch", "jax")
CONFIGS = ("none", "FiniteLossGuard", "GeneratorEMA", "both")


def measure(steps, rounds, batch_size=64):
    """`{config: [seconds per step, one per round]}` on this process's backend."""
    import keras
    import numpy as np

    import keras_gan
    from keras_gan.callbacks import FiniteLossGuard, GeneratorEMA

    keras.utils.set_random_seed(0)
    model = keras_gan.DCGAN((28, 28, 1), filters=32, seed=0)
    model.compile()
    x = np.random.default_rng(0).uniform(-1, 1, (steps * batch_size, 28, 28, 1)).astype("float32")
    callbacks = {"none": [], "FiniteLossGuard": [FiniteLossGuard()], "GeneratorEMA": [GeneratorEMA(0.999)],
                 "both": [FiniteLossGuard(), GeneratorEMA(0.999)]}
    model.fit(x, batch_size=batch_size, epochs=1, verbose=0)  # compile outside the timing
    times = {name: [] for name in CONFIGS}
    for _ in range(rounds):
        for name in CONFIGS:
            start = time.perf_counter()
            model.fit(x, batch_size=batch_size, epochs=1, verbose=0, shuffle=False, callbacks=callbacks[name])
            times[name].append((time.perf_counter() - start) / steps)
    return times


def table(results):
    lines = ["| backend | no callback ms/step | " + " | ".join(f"{c} ms/step (overhead)" for c in CONFIGS[1:]) + " |",
             "|---|---|" + "---|" * (len(CONFIGS) - 1)]
    for backend, times in results.items():
        base = statistics.median(times["none"]) * 1e3
        cells = []
        for name in CONFIGS[1:]:
            ms = statistics.median(times[name]) * 1e3
            cells.append(f"{ms:.1f} ({100 * (ms / base - 1):+.1f}%)")
        lines.append(f"| {backend} | {base:.1f} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=list(BACKENDS))
    parser.add_argument("--steps", type=int, default=40, help="steps per fit call")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", help="also write the figures here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.steps, args.rounds)))
        return None
    results = {}
    for backend in args.backends:
        command = [sys.executable, os.path.abspath(__file__), "--child", "--steps", str(args.steps),
                   "--rounds", str(args.rounds)]
        results[backend] = run_child(command, {"KERAS_BACKEND": backend})
    text = table(results)
    print(f"Per-step callbacks, DCGAN(filters=32), batch 64, {args.steps} steps per fit, {args.rounds} rounds")
    print(text)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"steps": args.steps, "rounds": args.rounds, "seconds_per_step": results}, f, indent=1)
    return results, text


if __name__ == "__main__":
    main()
