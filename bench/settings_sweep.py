"""Does WGAN need less balancing than GAN? GAN, WGAN and WGAN-GP across learning rates and network widths.

Lucic et al. 2018 compare GANs by how many settings of a grid reach a threshold. Here the grid is each model's
default learning rate times {1/3, 1, 3} and MLPs of {64, 256, 512} units (two hidden layers in G and D), with the
library's defaults for everything else (`compile()` losses, `d_steps`, clipping, λ); several seeds per setting.

- `ring8`: 100,000 points of PacGAN's ring, batch 100, judged on 2,500 samples (`metrics.mode_coverage`); a run
  converges when it covers at least `--min-modes` of the 8 modes with at least `--min-hq` high-quality samples.
- `mnist`: the 4,000 training digits as vectors, batch 64, FD of 1,000 samples against the 1,000 held-out digits
  (the zoo's protocol); a run converges when FD ≤ `--max-fd`.

Prints one table per dataset (settings converged of all runs, per model, and every cell), writes `results.json`.

    KERAS_BACKEND=jax python bench/settings_sweep.py --datasets ring8 --steps 2000 --seeds 0 1 --out out/sweep
"""

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mode_collapse_2d import fit_steps  # noqa: E402  (a sibling script)

MODELS = ("gan", "wgan", "wgan_gp")
LR_FACTORS = (1 / 3, 1.0, 3.0)
WIDTHS = (64, 256, 512)


def build(kind, data_shape, width, lr_factor, seed):
    """A model with two hidden layers of `width` and its default optimizers at `lr_factor` times their rate."""
    import keras

    import keras_gan

    keras.utils.set_random_seed(seed)
    cls = {"gan": keras_gan.GAN, "wgan": keras_gan.WGAN, "wgan_gp": keras_gan.WGANGP}[kind]
    latent_dim = 2 if len(data_shape) == 1 else 64
    model = cls(data_shape, latent_dim=latent_dim, hidden_units=(width, width), seed=seed)
    d_optimizer, g_optimizer = model.default_optimizers()
    for optimizer in (d_optimizer, g_optimizer):
        optimizer.learning_rate = float(optimizer.learning_rate) * lr_factor
    steps = 1 if keras.backend.backend() == "torch" else 25
    model.compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer, steps_per_execution=steps)
    return model


def converged(figures, args):
    """Whether a run's figures pass the thresholds: ring8 modes and HQ share, or mnist FD."""
    if "modes" in figures:
        return bool(figures["modes"] >= args.min_modes and figures["high_quality"] >= args.min_hq)
    fd = figures["frechet_distance"]
    return bool(np.isfinite(fd) and fd <= args.max_fd)


def judge(model, dataset, x_test, args, seed):
    import keras_gan

    if dataset == "ring8":
        figures = keras_gan.metrics.mode_coverage(model.generate(args.eval_samples, seed=seed), mixture="ring8")
        figures = {"modes": int(figures["modes"]), "high_quality": float(figures["high_quality"])}
    else:
        fake = model.generate(args.eval_samples, seed=seed).reshape((-1, 28, 28, 1))
        figures = {"frechet_distance": float(keras_gan.metrics.compare(
            x_test[: args.eval_samples], fake, kid_subset_size=min(500, args.eval_samples))["frechet_distance"])}
    return {**figures, "converged": converged(figures, args)}


def load(dataset, args):
    import keras_gan

    if dataset == "ring8":
        x, _ = keras_gan.data.load("ring8", num_samples=args.num_points, seed=0)
        return x, None, 100
    (x, _), (x_test, _) = keras_gan.metrics.mnist_split()
    return x.reshape((len(x), -1)), x_test, 64


def table(results, dataset, lr_factors=LR_FACTORS, widths=WIDTHS):
    lines = [f"**{dataset}**: runs converged / runs, per model and setting (lr factor × the model's default "
             "rate, width w of both hidden layers)", ""]
    lines.append("| model | all settings | " + " | ".join(f"lr ×{f:.2g}, w {w}" for f in lr_factors for w in widths)
                 + " |")
    lines.append("|---|---|" + "---|" * (len(lr_factors) * len(widths)))
    for kind in MODELS:
        cells, total, good = [], 0, 0
        for f in lr_factors:
            for w in widths:
                runs = results.get(f"{dataset}/{kind}/{f:.4g}/{w}", [])
                n = sum(r["converged"] for r in runs)
                total, good = total + len(runs), good + n
                cells.append(f"{n}/{len(runs)}" if runs else "–")
        if total:
            lines.append(f"| {kind} | **{good}/{total}** | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description="GAN, WGAN and WGAN-GP across learning rates and widths.")
    parser.add_argument("--datasets", nargs="+", default=["ring8"], choices=["ring8", "mnist"])
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS)
    parser.add_argument("--lr-factors", type=float, nargs="+", default=list(LR_FACTORS))
    parser.add_argument("--widths", type=int, nargs="+", default=list(WIDTHS))
    parser.add_argument("--steps", type=int, default=2000, help="generator steps per run")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--num-points", type=int, default=100_000)
    parser.add_argument("--eval-samples", type=int, default=2500)
    parser.add_argument("--min-modes", type=int, default=7)
    parser.add_argument("--min-hq", type=float, default=0.5)
    parser.add_argument("--max-fd", type=float, default=100.0)
    parser.add_argument("--out", default="out/settings_sweep")
    parser.add_argument("--rejudge", metavar="RESULTS_JSON",
                        help="train nothing: judge the runs of a results.json again with these thresholds")
    args = parser.parse_args(argv)
    if args.rejudge:
        return rejudge(args)

    import keras

    os.makedirs(args.out, exist_ok=True)
    results, texts, start = {}, [], time.perf_counter()
    for dataset in args.datasets:
        x, x_test, batch_size = load(dataset, args)
        for kind in args.models:
            for f in args.lr_factors:
                for w in args.widths:
                    key = f"{dataset}/{kind}/{f:.4g}/{w}"
                    for seed in args.seeds:
                        model = build(kind, x.shape[1:], w, f, seed)
                        fit_steps(model, x, batch_size, args.steps)
                        verdict = judge(model, dataset, x_test, args, seed)
                        trained = int(model.g_optimizer.iterations)
                        results.setdefault(key, []).append({"seed": seed, "steps": trained, **verdict})
                        print(key, f"seed {seed}:", verdict, f"({time.perf_counter() - start:.0f} s)", flush=True)
                        with open(os.path.join(args.out, "results.json"), "w") as fh:
                            json.dump({"backend": keras.backend.backend(), "steps": args.steps,
                                       "thresholds": {"min_modes": args.min_modes, "min_hq": args.min_hq,
                                                      "max_fd": args.max_fd},
                                       "results": results}, fh, indent=1)
        texts.append(table(results, dataset, args.lr_factors, args.widths))
    text = "\n\n".join(texts) + (
        f"\n\n{args.steps:,} generator steps per run, seeds {args.seeds}; converged: ring8 ≥ {args.min_modes} modes "
        f"and ≥ {100 * args.min_hq:.0f}% high quality, mnist FD ≤ {args.max_fd:g}. "
        f"Backend {keras.backend.backend()}, {time.perf_counter() - start:.0f} s.")
    print(text)
    return results, text


def rejudge(args):
    """The tables of a finished sweep under other thresholds (`--min-modes`, `--min-hq`, `--max-fd`)."""
    with open(args.rejudge) as f:
        saved = json.load(f)
    results = {}
    for key, runs in saved["results"].items():
        results[key] = [{**run, "converged": converged(run, args)} for run in runs]
    datasets = [d for d in ("ring8", "mnist") if any(k.startswith(d + "/") for k in results)]
    lr_factors = sorted({float(k.split("/")[2]) for k in results})
    widths = sorted({int(k.split("/")[3]) for k in results})
    text = "\n\n".join(table(results, d, lr_factors, widths) for d in datasets) + (
        f"\n\n{saved['steps']:,} generator steps per run; converged: ring8 ≥ {args.min_modes} modes and "
        f"≥ {100 * args.min_hq:.0f}% high quality, mnist FD ≤ {args.max_fd:g}.")
    print(text)
    return results, text


if __name__ == "__main__":
    main()
