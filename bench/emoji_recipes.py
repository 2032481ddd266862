"""Colour recipes at equal training time: which learns 32×32 emoji fastest per CPU-minute.

Trains one recipe on `noto_emoji_train` for a budget of process CPU seconds (`time.process_time`, so a
busy machine slows a run without shrinking its share), and every `--every` CPU-minutes writes 585 samples
of its generator EMA (untimed). `--score` then grades every run's samples on the zoo's emoji judge and SWD
(585 fakes against the 585 held-out emoji) and writes the curves and a plot.

    KERAS_BACKEND=jax taskset -c 0 python bench/emoji_recipes.py baseline --minutes 40
    KERAS_BACKEND=jax taskset -c 1 python bench/emoji_recipes.py r3gan --minutes 40
    KERAS_BACKEND=jax python bench/emoji_recipes.py --score            # curves.json, curves.png

One XLA thread per run (XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1").
"""

import argparse
import glob
import json
import os
import sys
import time

import keras
import numpy as np

import keras_gan
from keras_gan import objectives

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import train_zoo as zoo_train  # noqa: E402 (the zoo's recipes)

OUT = os.path.join(HERE, "results", "emoji_recipes")

RECIPES = {
    # The zoo's dcgan_emoji recipe (SN D, hinge, adaptive DiffAugment), with ADA's p from 4 steps' reals.
    "baseline": {"entry": "dcgan_emoji"},
    # R3GAN's loss (Huang et al. 2024): relativistic pairing, R1 on the raw reals and R2 on the fakes.
    "r3gan": {"entry": "dcgan_emoji", "loss": lambda: objectives.RelativisticR1R2(gamma=0.05)},
    # The logistic loss with R1 on the raw reals (through the augmentation).
    "logistic_r1": {"entry": "dcgan_emoji", "loss": lambda: objectives.NonSaturatingR1(gamma=0.05)},
    # cgan_emoji's recipe (projection D) with R3GAN's loss.
    "cgan_r3gan": {"entry": "cgan_emoji", "loss": lambda: objectives.RelativisticR1R2(gamma=0.05)},
}


def build(name):
    recipe = zoo_train.RECIPES[RECIPES[name]["entry"]]
    model = getattr(keras_gan, recipe["class"])(**recipe["model"])
    arguments = zoo_train.compile_arguments(recipe)
    if "loss" in RECIPES[name]:
        arguments["loss"] = RECIPES[name]["loss"]()
    model.compile(**arguments)
    return model, recipe


class Snapshots(keras.callbacks.Callback):
    """Stops after `seconds` of process CPU time; every `every` of them saves 585 EMA samples (untimed)."""

    def __init__(self, seconds, every, out, n=585, real_labels=None):
        super().__init__()
        self.seconds, self.every, self.out, self.n = seconds, every, out, n
        self.real_labels = real_labels  # a conditional model samples the held-out set's label mix
        self.trained, self.next, self.steps, self.rows = 0.0, every, 0, []

    def on_train_begin(self, logs=None):
        self._origin, self._paused = time.process_time(), 0.0

    def on_train_batch_end(self, batch, logs=None):
        self.trained = time.process_time() - self._origin - self._paused
        self.steps += 1
        if self.trained >= self.seconds:
            self.model.stop_training = True
        if self.trained >= self.next or self.model.stop_training:
            self.next += self.every
            start = time.process_time()
            samples = keras_gan.metrics.generate_samples(self.model, self.n, seed=0, verbose=0,
                                                         real_labels=self.real_labels)[0]
            minutes = round(self.trained / 60)
            np.save(os.path.join(self.out, f"samples_{minutes:03d}min.npy"), samples.astype("float16"))
            self.rows.append({"train_seconds": round(self.trained), "steps": self.steps,
                              **{k: round(float(v), 4) for k, v in (logs or {}).items()}})
            print(json.dumps(self.rows[-1]), flush=True)
            self._paused += time.process_time() - start


def train(name, minutes, every):
    out = os.path.join(OUT, name)
    os.makedirs(out, exist_ok=True)
    keras.utils.set_random_seed(0)
    x, y = keras_gan.data.load("noto_emoji_train", image_size=32)
    model, recipe = build(name)
    _, y_test = keras_gan.data.load("noto_emoji_test", image_size=32)
    conditional = bool(recipe.get("labels"))
    snapshots = Snapshots(60 * minutes, 60 * every, out, real_labels=y_test if conditional else None)
    ema = keras_gan.callbacks.GeneratorEMA(recipe["ema"], start=recipe["ema_start"])
    wall = time.perf_counter()
    labels = y if recipe.get("labels") else None
    model.fit(x, labels, epochs=100_000, batch_size=recipe["fit"]["batch_size"], callbacks=[ema, snapshots],
              verbose=0)
    grid = model.generate(63, labels=np.arange(63) % 9, seed=0) if conditional else model.generate(64, seed=0)
    keras_gan.save_image_grid(grid, os.path.join(out, "samples.png"), **({"columns": 9} if conditional else {}))
    model.save(os.path.join("/tmp", f"emoji_recipe_{name}.keras"))
    with open(os.path.join(out, "run.json"), "w") as f:
        json.dump({"recipe": name, "objective": repr(model.objective), "budget_minutes": minutes,
                   "wall_seconds": round(time.perf_counter() - wall), "steps": snapshots.steps,
                   "images_seen": snapshots.steps * recipe["fit"]["batch_size"], "backend": keras.backend.backend(),
                   "machine": zoo_train_cpu(), "rows": snapshots.rows}, f, indent=1)


def zoo_train_cpu():
    with open("/proc/cpuinfo") as f:
        return next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "unknown")


def score():
    """Grades every saved snapshot (judge FD, precision, recall, category share TV, SWD); writes curves."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    x_test, y_test = keras_gan.data.load("noto_emoji_test", image_size=32)
    share = np.bincount(y_test, minlength=9) / len(y_test)
    judge = keras_gan.metrics.feature_network("emoji_classifier")
    curves = {}
    for run in sorted(glob.glob(os.path.join(OUT, "*", "run.json"))):
        info = json.load(open(run))
        rows = []
        for path, row in zip(sorted(glob.glob(os.path.join(os.path.dirname(run), "samples_*min.npy"))),
                             info["rows"]):
            fake = np.load(path).astype("float32")
            labels = (keras_gan.metrics.evaluation.sample_labels(len(fake), 9, y_test)
                      if RECIPES[info["recipe"]]["entry"] == "cgan_emoji" else None)
            report = keras_gan.metrics.compare(x_test, fake, features=judge, kid_subset_size=len(fake) // 2, swd=True,
                                               fake_labels=labels)
            rows.append({"train_minutes": round(row["train_seconds"] / 60, 1), "steps": row["steps"],
                         "frechet_distance": float(f"{report['frechet_distance']:.4g}"),
                         "precision": round(report["precision"], 3), "recall": round(report["recall"], 3),
                         "class_share_tv": round(0.5 * float(np.abs(np.asarray(report["class_share"]) - share).sum()), 3),
                         "swd": round(report["swd"], 2),
                         **({"label_accuracy": round(report["label_accuracy"], 3)} if labels is not None else {})})
            print(info["recipe"], json.dumps(rows[-1]), flush=True)
        curves[info["recipe"]] = {**{k: v for k, v in info.items() if k != "rows"}, "curve": rows}
    with open(os.path.join(OUT, "curves.json"), "w") as f:
        json.dump(curves, f, indent=1)
    figure, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    for name, run in curves.items():
        t = [row["train_minutes"] for row in run["curve"]]
        for axis, key in zip(axes, ("frechet_distance", "swd", "recall")):
            axis.plot(t, [row[key] for row in run["curve"]], marker="o", label=name)
            axis.set_xlabel("training minutes (process CPU time, one core)")
            axis.set_title(key.replace("_", " "))
    axes[0].legend()
    figure.tight_layout()
    figure.savefig(os.path.join(OUT, "curves.png"), dpi=100)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recipe", nargs="?", choices=sorted(RECIPES))
    parser.add_argument("--minutes", type=float, default=40.0)
    parser.add_argument("--every", type=float, default=8.0)
    parser.add_argument("--score", action="store_true")
    args = parser.parse_args()
    if args.score:
        return score()
    if not args.recipe:
        parser.error("name a recipe, or pass --score")
    return train(args.recipe, args.minutes, args.every)


if __name__ == "__main__":
    main()
