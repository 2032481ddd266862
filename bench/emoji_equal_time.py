"""StyleGAN2 against DCGAN on 32×32 emoji at equal wall time (the StyleGAN2 issue's comparison).

Trains one model on `noto_emoji_train` for a fixed budget of training seconds — CPU seconds of the
training process (`time.process_time`), so that another job on the machine slows the run without
shrinking its share, and the evaluations' time is not counted — scores it on the `emoji_classifier` judge against the 585 held-out emoji
(585 fakes, the zoo's protocol) every `--eval-minutes` of training, and at the end writes the
curve, the final figures, a grid, and for StyleGAN2 a truncation sweep and a style-mixing picture.

    KERAS_BACKEND=jax taskset -c 0 python bench/emoji_equal_time.py dcgan --minutes 75
    KERAS_BACKEND=jax taskset -c 1 python bench/emoji_equal_time.py stylegan2 --minutes 75
    python bench/emoji_equal_time.py --report          # the table and the curves' plot from both runs

Run the two side by side, one core each (taskset, one XLA thread), or one after the other.
"""

import argparse
import json
import os
import platform
import sys
import time

import keras
import numpy as np

import keras_gan
from keras_gan import metrics

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import train_zoo as zoo_train  # noqa: E402 (the zoo's recipes)

CONFIGS = {
    # The zoo's dcgan_emoji recipe as it is (its rates decay over 220 epochs).
    "dcgan": {"batch_size": 64},
    # The docs' CPU-sized StyleGAN2 (StyleGAN2-ADA's `cifar` shape, narrow: 64 maps to 16x16, 32 at 32x32), lazy R1.
    "stylegan2": {"batch_size": 32, "model": {
        "data_shape": [32, 32, 3], "latent_dim": 128, "w_dim": 128, "mapping_layers": 2, "channel_base": 1024,
        "channel_max": 64, "r1_gamma": 0.01, "r1_interval": 16, "style_mixing": 0.9, "seed": 0,
        "augment": "translation,cutout,color", "augment_p": "adaptive"}},
}


def build(name):
    if name == "dcgan":
        recipe = zoo_train.RECIPES["dcgan_emoji"]
        model = keras_gan.DCGAN(**recipe["model"])
        model.compile(**zoo_train.compile_arguments(recipe))
        return model, recipe["model"]
    config = CONFIGS[name]["model"]
    model = keras_gan.StyleGAN2(**config)
    model.compile()
    return model, config


class Budget(keras.callbacks.Callback):
    """Stops after `seconds` of training (process CPU time); scores the model every `every` of them (untimed)."""

    def __init__(self, seconds, every, score):
        super().__init__()
        self.seconds, self.every, self.score = seconds, every, score
        self.trained, self.next_eval, self.steps, self.curve = 0.0, every, 0, []

    def on_train_begin(self, logs=None):
        self._origin, self._scoring = time.process_time(), 0.0

    def on_train_batch_end(self, batch, logs=None):
        self.trained = time.process_time() - self._origin - self._scoring
        self.steps += 1
        if self.trained >= self.seconds:
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        if self.trained >= self.next_eval or self.model.stop_training:
            self.next_eval += self.every
            start = time.process_time()
            report = self.score()
            self._scoring += time.process_time() - start
            row = {"train_seconds": round(self.trained), "epoch": epoch + 1, "steps": self.steps, **report,
                   **{k: round(float(v), 4) for k, v in (logs or {}).items() if not k.endswith("learning_rate")}}
            self.curve.append(row)
            print(json.dumps(row), flush=True)


def _cpu():
    try:
        with open("/proc/cpuinfo") as f:
            return next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


def report(out):
    """Prints the comparison table and writes `curves.png` (FD, precision, recall against training seconds)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    runs = {name: json.load(open(os.path.join(out, f"{name}.json"))) for name in ("dcgan", "stylegan2")}
    print("| model | params (G + D) | batch | steps | images seen | training s | FD | KID | precision | recall | "
          "category share TV |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, run in runs.items():
        f = run["final"]
        params = run["params"]["generator"] + run["params"]["discriminator"]
        print(f"| {name} | {params:,} | {run['batch_size']} | {run['steps']:,} | {run['images_seen']:,} | "
              f"{run['train_seconds']:,} | {f['frechet_distance']} | {f['kid']} | {f['precision']} | {f['recall']} | "
              f"{f['class_share_tv']} |")
    figure, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    for name, run in runs.items():
        t = [row["train_seconds"] / 60 for row in run["curve"]]
        for axis, key in zip(axes, ("frechet_distance", "precision", "recall")):
            axis.plot(t, [row[key] for row in run["curve"]], marker="o", label=name)
            axis.set_xlabel("training minutes (process CPU time)")
            axis.set_title(key.replace("_", " "))
    axes[0].set_yscale("log")
    axes[0].legend()
    figure.tight_layout()
    figure.savefig(os.path.join(out, "curves.png"), dpi=100)
    if "truncation_sweep" in runs["stylegan2"]:
        print("\n| StyleGAN2 truncation ψ | FD | precision | recall |\n|---|---|---|---|")
        for psi, f in runs["stylegan2"]["truncation_sweep"].items():
            print(f"| {psi} | {f['frechet_distance']} | {f['precision']} | {f['recall']} |")


def main():
    if "--report" in sys.argv:
        out = sys.argv[sys.argv.index("--report") + 1] if len(sys.argv) > sys.argv.index("--report") + 1 \
            else "bench/results/emoji_equal_time"
        return report(out)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=sorted(CONFIGS))
    parser.add_argument("--minutes", type=float, default=75.0)
    parser.add_argument("--eval-minutes", type=float, default=7.5)
    parser.add_argument("--out", default="bench/results/emoji_equal_time")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    keras.utils.set_random_seed(0)
    x, _ = keras_gan.data.load("noto_emoji_train", image_size=32)
    x_test, y_test = keras_gan.data.load("noto_emoji_test", image_size=32)
    data_share = np.bincount(y_test, minlength=9) / len(y_test)
    judge = metrics.feature_network("emoji_classifier")
    n = len(x_test)

    def figures(images):
        report = metrics.compare(x_test, images, features=judge, kid_subset_size=n // 2)
        tv = 0.5 * float(np.abs(np.asarray(report["class_share"]) - data_share).sum())
        return {"frechet_distance": round(report["frechet_distance"], 2), "kid": round(report["kid"], 2),
                "precision": round(report["precision"], 3), "recall": round(report["recall"], 3),
                "class_share_tv": round(tv, 3)}

    model, config = build(args.model)
    batch_size = CONFIGS[args.model]["batch_size"]
    budget = Budget(60 * args.minutes, 60 * args.eval_minutes,
                    lambda: figures(metrics.generate_samples(model, n, verbose=0)[0]))
    ema = keras_gan.callbacks.GeneratorEMA(0.999, start=1000)
    wall = time.perf_counter()
    model.fit(x, epochs=10_000, batch_size=batch_size, callbacks=[ema, budget], verbose=2)
    wall = time.perf_counter() - wall

    result = {
        "model": args.model, "config": config, "batch_size": batch_size, "budget_minutes": args.minutes,
        "train_seconds": round(budget.trained), "wall_seconds": round(wall), "steps": budget.steps,
        "images_seen": budget.steps * batch_size, "params": {"generator": model.generator.count_params(),
                                                            "discriminator": model.discriminator.count_params()},
        "backend": keras.backend.backend(), "machine": _cpu(),
        "protocol": f"emoji_classifier judge, {n} fakes against the {n} held-out emoji; GeneratorEMA(0.999) samples",
        "curve": budget.curve, "final": budget.curve[-1] if budget.curve else None,
    }
    keras_gan.save_image_grid(model.generate(64, seed=0), os.path.join(args.out, f"{args.model}_samples.png"))
    if args.model == "stylegan2":
        sweep = {}
        z_sweep = np.random.default_rng(7).normal(size=(n, model.latent_dim)).astype("float32")
        for psi in (1.0, 0.7, 0.5):
            images = model.generate(z=z_sweep, truncation=psi)
            sweep[str(psi)] = figures(images)
            keras_gan.save_image_grid(images[:64], os.path.join(args.out, f"stylegan2_truncation_{psi}.png"))
        result["truncation_sweep"] = sweep
        # Style mixing: row i takes its coarse styles (layers before the crossover) from a row
        # source, the rest from a column source; first row and column are the sources themselves.
        rng = np.random.default_rng(3)
        z_rows, z_cols = rng.normal(size=(5, model.latent_dim)), rng.normal(size=(6, model.latent_dim))
        for crossover in (2, 4):
            tiles = [np.ones((1, 32, 32, 3))]
            tiles.append(model.generate(z=z_cols))
            for z in z_rows:
                tiles.append(model.generate(z=z[None]))
                tiles.append(model.mix(np.repeat(z[None], len(z_cols), 0), z_cols, crossover))
            keras_gan.save_image_grid(np.concatenate(tiles), os.path.join(args.out,
                                      f"stylegan2_mixing_crossover{crossover}.png"), columns=len(z_cols) + 1)
        result["num_ws"] = model.num_ws
    model.save(os.path.join(args.out, f"{args.model}.keras"))
    with open(os.path.join(args.out, f"{args.model}.json"), "w") as f:
        json.dump(result, f, indent=1)
    print(json.dumps({k: result[k] for k in ("model", "train_seconds", "steps", "final")}))


if __name__ == "__main__":
    main()
