"""DCGAN training throughput: keras-gan on each backend against hand-written references.

Runs, in separate processes and interleaved (so machine noise hits both sides
alike), the TensorFlow-tutorial DCGAN (`references.py`) as
- keras-gan `DCGAN(generator=..., discriminator=...)` trained by `model.fit`
  on KERAS_BACKEND = tensorflow, torch and jax;
- a plain `tf.function` loop, a plain PyTorch loop and a hand-written jitted
  Keras-on-JAX step.
Prints images/s (median over steps), time to the first step, and the ratios.

    python bench/benchmark.py --steps 20 --warmup 3 --rounds 2
    python bench/benchmark.py --backends jax,torch --dtype-policy mixed_bfloat16

`--dtype-policy` sets the Keras global dtype policy in the keras-gan runs and the
Keras-on-JAX reference; the plain TensorFlow and PyTorch references stay float32.
"""

import argparse
import json
import statistics
import sys
import time

from timing import run_child, time_fit

PAIRS = [("tensorflow", "tf"), ("torch", "torch"), ("jax", "jax")]
FAST = {"torch": "torch+layers", "jax": "jax+layers"}  # networks built with keras_gan.layers
TARGETS = {"tensorflow": 0.95, "torch": 0.90, "jax": 1.0, "torch+layers": 0.90, "jax+layers": 1.0}


def run_keras_gan(steps, warmup, batch_size, fast_layers=False, dtype_policy="float32"):
    """Times `model.fit` of keras-gan's DCGAN with the reference network on this backend.

    With `fast_layers`, the networks go through `keras_gan.layers.convert`: their Keras `Conv2D`,
    `Conv2DTranspose` and `BatchNormalization` become drop-ins with faster kernels (same weights and maths).

    Returns:
        dict with `img_per_s` (median over timed steps) and `first_step_s`.
    """
    import keras
    import numpy as np

    keras.mixed_precision.set_global_policy(dtype_policy)

    import keras_gan
    from references import EPS, LR, _keras_models

    generator, discriminator = _keras_models(keras)
    if fast_layers:
        generator, discriminator = keras_gan.layers.convert(generator), keras_gan.layers.convert(discriminator)
    model = keras_gan.DCGAN((28, 28, 1), latent_dim=100, generator=generator, discriminator=discriminator)
    model.compile(
        d_optimizer=keras.optimizers.Adam(LR, epsilon=EPS),
        g_optimizer=keras.optimizers.Adam(LR, epsilon=EPS),
    )
    n = (steps + warmup) * batch_size
    x = np.random.default_rng(0).uniform(-1, 1, (n, 28, 28, 1)).astype("float32")
    return time_fit(model, x, batch_size=batch_size, warmup=warmup)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=2, help="interleaved repetitions; medians reported")
    parser.add_argument("--backends", default="tensorflow,torch,jax")
    parser.add_argument("--dtype-policy", default="float32", choices=["float32", "mixed_bfloat16", "mixed_float16"],
                        help="Keras dtype policy of the keras-gan runs and the Keras-on-JAX reference")
    parser.add_argument("--json", help="also write the figures here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--fast-layers", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = ["--steps", str(args.steps), "--warmup", str(args.warmup), "--batch-size", str(args.batch_size)]
    policy = {"KERAS_GAN_BENCH_DTYPE_POLICY": args.dtype_policy}
    if args.child:
        print(json.dumps(run_keras_gan(args.steps, args.warmup, args.batch_size, args.fast_layers,
                                       args.dtype_policy)))
        return
    results = {}
    for _ in range(args.rounds):
        for backend, ref in PAIRS:
            if backend not in args.backends.split(","):
                continue
            reference = [sys.executable, "references.py", ref, *sizes]
            results.setdefault("ref:" + ref, []).append(run_child(reference, policy))
            child = [sys.executable, __file__, "--child", backend, *sizes, "--dtype-policy", args.dtype_policy]
            results.setdefault(backend, []).append(run_child(child, {"KERAS_BACKEND": backend}))
            if backend in FAST:
                results.setdefault(FAST[backend], []).append(
                    run_child([*child, "--fast-layers"], {"KERAS_BACKEND": backend}))
    print(f"DCGAN (TF tutorial network), batch {args.batch_size}, {args.steps} timed steps, {args.rounds} rounds, "
          f"dtype policy {args.dtype_policy}")
    print(f"{'backend':<11} {'keras-gan img/s':>15} {'reference img/s':>15} {'ratio':>6} {'target':>6} "
          f"{'1st step keras-gan':>18} {'1st step ref':>12}")
    summary = {}
    for backend, ref in [*PAIRS, *((FAST[name], ref) for name, ref in PAIRS if name in FAST)]:
        if backend not in results:
            continue
        ours = statistics.median(r["img_per_s"] for r in results[backend])
        refs = results["ref:" + ref]
        theirs = statistics.median(r["img_per_s"] for r in refs)
        ratios = [a["img_per_s"] / b["img_per_s"] for a, b in zip(results[backend], refs)]
        print(f"{backend:<11} {ours:>15.1f} {theirs:>15.1f} {ours / theirs:>6.2f} {TARGETS[backend]:>6.2f} "
              f"{statistics.median(r['first_step_s'] for r in results[backend]):>17.1f}s "
              f"{statistics.median(r['first_step_s'] for r in refs):>11.1f}s"
              f"   per-round ratios {', '.join(f'{r:.2f}' for r in ratios)}")
        summary[backend] = {"img_per_s": ours, "reference_img_per_s": theirs, "ratio": ours / theirs,
                            "target": TARGETS[backend], "per_round_ratios": ratios}
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"batch_size": args.batch_size, "steps": args.steps, "rounds": args.rounds,
                       "dtype_policy": args.dtype_policy, "results": summary, "raw": results}, f, indent=1)


if __name__ == "__main__":
    main()
