"""Runs every learning check of `tests/learning.py` under several seeds on the current backend.

    KERAS_BACKEND=jax python tests/learning_seeds.py --seeds 0 1 2 3 4

Prints one line per check and seed, then the pass counts.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def main(argv=None):
    import keras

    import learning

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--checks", nargs="+", choices=sorted(learning.CHECKS), default=sorted(learning.CHECKS))
    args = parser.parse_args(argv)
    counts = {}
    for name in args.checks:
        for seed in args.seeds:
            start = time.perf_counter()
            passed, details = learning.CHECKS[name](seed)
            counts[name] = counts.get(name, 0) + bool(passed)
            print(f"{keras.backend.backend():<10} {name:<20} seed {seed}  {'pass' if passed else 'FAIL'}  "
                  f"{time.perf_counter() - start:5.1f} s  {details}", flush=True)
    for name, count in counts.items():
        print(f"{keras.backend.backend()} {name}: {count}/{len(args.seeds)} seeds pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())
