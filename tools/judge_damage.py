"""Prints the damage table of every judge the zoo ships: how far damaged real images score from the floor.

    KERAS_BACKEND=jax python tools/judge_damage.py                       # every zoo judge
    KERAS_BACKEND=jax python tools/judge_damage.py --judge DIR --json out.json   # a candidate preset too

For each judge: FD of real images against held-out real images (the floor, with its precision and recall),
then of damaged copies of the same images (`keras_gan.metrics.DAMAGES`), as multiples of the floor.
Emoji: 585 train images (a fixed draw, left out of the
judge's training) against the 585 held-out, 32×32. MNIST: `mnist_split()`'s 1,000
held-out digits against 1,000 of its train digits.
"""

import argparse
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

SETS = {"emoji_classifier": "emoji", "mnist_classifier": "mnist"}


def real_sets(kind):
    """`(reference, images)`: two disjoint real sets of one size for the judge's data."""
    import keras_gan

    if kind == "emoji":
        from train_emoji_classifier import floor_draw

        x, _ = keras_gan.data.load("noto_emoji_train", image_size=32)
        reference, _ = keras_gan.data.load("noto_emoji_test", image_size=32)
        return reference, x[floor_draw(len(x), len(reference))]  # the train images the judge left apart
    (x, _), (reference, _) = keras_gan.metrics.mnist_split()
    return reference, x[np.random.default_rng(0).choice(len(x), len(reference), replace=False)]


def table_rows(name, table):
    floor = table["floor"]
    cells = [f"{table[d]['ratio']:.2f}×" if d in table else "–" for d in _damages()]
    return (f"| {name} | {floor['frechet_distance']:.4g} | {floor['precision']:.2f} / {floor['recall']:.2f} | "
            + " | ".join(cells) + " |")


def _damages():
    from keras_gan.metrics import DAMAGES

    return DAMAGES


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--judge", action="append", default=[],
                        help="a preset directory (NAME=DIR) to grade beside the zoo's judges; emoji data")
    parser.add_argument("--json", help="write the tables here")
    args = parser.parse_args(argv)
    import keras_gan
    from keras_gan.metrics import ClassifierFeatures, damage_table

    judges = [(name, ClassifierFeatures(name), SETS[name]) for name in SETS]
    for spec in args.judge:
        name, _, path = spec.rpartition("=")
        judges.append((name or path, ClassifierFeatures(keras_gan.zoo.load(path, compile=False)), "emoji"))
    tables, cache = {}, {}
    for name, judge, kind in judges:
        reference, images = cache.setdefault(kind, real_sets(kind))
        tables[name] = damage_table(judge, reference, images)
        print(f"{name}: {json.dumps({k: round(v.get('ratio', v['frechet_distance']), 2) for k, v in tables[name].items()})}",
              flush=True)
    print()
    print("| judge | floor FD | floor precision / recall | " + " | ".join(_damages()) + " |")
    print("|---" * (3 + len(_damages())) + "|")
    for name, table in tables.items():
        print(table_rows(name, table))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({n: {d: {k: round(float(v), 4) for k, v in row.items()} for d, row in t.items()}
                       for n, t in tables.items()}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
