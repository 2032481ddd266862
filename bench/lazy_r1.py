"""What lazy R1 saves, and which way of skipping it is cheapest: StyleGAN2's step cost per R1 mode, per backend.

One process per backend builds the same CPU-sized StyleGAN2 (32x32x3, batch 32, R1 gamma 0.01, no style mixing)
four times: R1 on every D step (`r1_interval=1`), and lazy R1 every 16 D steps in the three modes of
`StyleGAN2.lazy_r1_mode` — `static` (two compiled steps picked on the host, the default), `cond` (one step
deciding on the device with `ops.cond`) and `mask` (the penalty computed every step, times 0 or 1). The three lazy
modes train identically; the comparison is cost only. After a warm-up fit (compiling), the four are timed in
interleaved rounds of 16 steps (one R1 step each round): the mean seconds per step, R1 steps included.

    KERAS_BACKEND=jax python bench/lazy_r1.py --rounds 3 --json bench/results/lazy_r1_jax.json
    python bench/lazy_r1.py --all-backends --json bench/results/lazy_r1.json
"""

import argparse
import json
import os
import sys
import time

from timing import run_child

CONFIG = {"data_shape": (32, 32, 3), "latent_dim": 128, "w_dim": 128, "mapping_layers": 2, "channel_base": 1024,
          "channel_max": 64, "r1_gamma": 0.01, "style_mixing": 0.0, "seed": 0}
MODES = {"every step": (1, "static"), "lazy static": (16, "static"), "lazy cond": (16, "cond"),
         "lazy mask": (16, "mask")}
BATCH, STEPS = 32, 16


def measure(rounds):
    """`{mode: mean seconds per step}` on this process's backend."""
    import keras
    import numpy as np

    import keras_gan

    x = np.random.default_rng(0).uniform(-1, 1, (BATCH * STEPS, 32, 32, 3)).astype("float32")
    models, times = {}, {mode: [] for mode in MODES}
    for mode, (interval, how) in MODES.items():
        keras.utils.set_random_seed(0)
        model = keras_gan.StyleGAN2(**CONFIG, r1_interval=interval)
        model.lazy_r1_mode = how
        model.compile()
        model.fit(x[:2 * BATCH], batch_size=BATCH, epochs=1, verbose=0, shuffle=False)  # compiles both phases
        models[mode] = model

    class Clock(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            self.start = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            float(logs["g_loss"])  # the step has finished
            self.times.append(time.perf_counter() - self.start)

    for _ in range(rounds):
        for mode, model in models.items():
            clock = Clock()
            clock.times = []
            model.fit(x, batch_size=BATCH, epochs=1, verbose=0, shuffle=False, callbacks=[clock])
            times[mode].extend(clock.times)
    return {mode: float(np.mean(t)) for mode, t in times.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--all-backends", action="store_true", help="one child process per backend")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    if not args.all_backends:
        result = {os.environ.get("KERAS_BACKEND", "tensorflow"): measure(args.rounds)}
    else:
        result = {}
        for backend in ("jax", "tensorflow", "torch"):
            result.update(run_child([sys.executable, __file__, "--rounds", str(args.rounds)],
                                    {"KERAS_BACKEND": backend}))
    print("| backend | " + " | ".join(MODES) + " | lazy static vs every step |")
    print("|---|" + "---|" * (len(MODES) + 1))
    for backend, row in result.items():
        print(f"| {backend} | " + " | ".join(f"{row[m]:.3f} s" for m in MODES)
              + f" | {row['lazy static'] / row['every step']:.2f}x |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"config": CONFIG, "batch_size": BATCH, "steps_per_round": STEPS, "rounds": args.rounds,
                       "seconds_per_step": result}, f, indent=1)
    print(json.dumps(result))  # last: what `run_child` reads
    return result


if __name__ == "__main__":
    main()
