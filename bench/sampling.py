"""Sampling throughput: `model.generate()` against a plain compiled inference loop of the same generator.

For each backend, in its own process, the default `DCGAN((28, 28, 1))` generator (filters 64) and the default
`GAN((28, 28, 1))` MLP generator; the plain loop is what a user would write by hand for that backend
(`jax.jit` of `stateless_call`, `tf.function`, `torch.no_grad()`), fed the same latents in batches of 256. Rounds
alternate the two sides so machine noise hits both alike. Prints samples/s and the ratio (target >= 0.9).

    python bench/sampling.py --samples 4096 --rounds 3
"""

import argparse
import json
import statistics
import sys
import time

from timing import run_child

TARGET = 0.9


def _plain_loop(generator, batch_size):
    """The hand-written inference loop of `generator` on this backend: `f(z) -> numpy samples`."""
    import keras
    import numpy as np

    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        call = jax.jit(lambda tv, ntv, z: generator.stateless_call(tv, ntv, z, training=False)[0])
        tv = [v.value for v in generator.trainable_variables]
        ntv = [v.value for v in generator.non_trainable_variables]
        run = lambda z: call(tv, ntv, z)  # noqa: E731
    elif backend == "tensorflow":
        import tensorflow as tf

        run = tf.function(lambda z: generator(z, training=False))
    else:
        import torch

        def run(z):
            with torch.no_grad():
                return generator(z, training=False)

    def sample(z):
        return np.concatenate([keras.ops.convert_to_numpy(run(z[i:i + batch_size]))
                               for i in range(0, len(z), batch_size)])

    return sample


def measure(name, samples, rounds, batch_size=256):
    import keras
    import numpy as np

    import keras_gan

    keras.utils.set_random_seed(0)
    model = (keras_gan.DCGAN((28, 28, 1), filters=64) if name == "dcgan"
             else keras_gan.GAN((28, 28, 1), hidden_units=(256, 256)))
    z = np.random.default_rng(0).standard_normal((samples, model.latent_dim)).astype("float32")
    plain = _plain_loop(model.generator, batch_size)
    sides = {"generate": lambda: model.generate(z=z, batch_size=batch_size), "plain": lambda: plain(z)}
    first = {}
    for side, fn in sides.items():  # the first call compiles
        start = time.perf_counter()
        fn()
        first[side] = time.perf_counter() - start
    np.testing.assert_allclose(sides["generate"](), sides["plain"](), atol=1e-5)  # the same samples
    rates = {side: [] for side in sides}
    for r in range(rounds):
        for side in (("generate", "plain") if r % 2 == 0 else ("plain", "generate")):
            start = time.perf_counter()
            sides[side]()
            rates[side].append(samples / (time.perf_counter() - start))
    return {"generate": statistics.median(rates["generate"]), "plain": statistics.median(rates["plain"]),
            "first_generate_s": first["generate"], "first_plain_s": first["plain"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=4096)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backends", default="tensorflow,jax,torch")
    parser.add_argument("--json", help="also write the figures here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps({name: measure(name, args.samples, args.rounds) for name in ("dcgan", "gan")}))
        return
    results = {}
    for backend in args.backends.split(","):
        command = [sys.executable, __file__, "--child", backend, "--samples", str(args.samples),
                   "--rounds", str(args.rounds)]
        results[backend] = run_child(command, {"KERAS_BACKEND": backend})
    print(f"Sampling {args.samples} images in batches of 256, median of {args.rounds} rounds (samples/s)")
    print(f"{'backend':<11} {'generator':<9} {'generate()':>11} {'plain loop':>11} {'ratio':>6} {'target':>6} "
          f"{'1st call':>9} {'1st plain':>9}")
    for backend, rows in results.items():
        for name, r in rows.items():
            print(f"{backend:<11} {name:<9} {r['generate']:>11.0f} {r['plain']:>11.0f} "
                  f"{r['generate'] / r['plain']:>6.2f} {TARGET:>6.2f} {r['first_generate_s']:>8.2f}s "
                  f"{r['first_plain_s']:>8.2f}s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"samples": args.samples, "rounds": args.rounds, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
