"""Does the loss track sample quality? WGAN-GP's W-distance estimate against DCGAN's losses (Arjovsky et al. 2017,
Figs. 3-4), measured: FD every epoch on the zoo's protocol, and Spearman's rank correlation of FD with each loss.

    KERAS_BACKEND=jax python examples/loss_tracks_quality.py --out out/loss_tracks_quality
    python examples/loss_tracks_quality.py --zoo     # the zoo's own training runs, no training

Trains a `DCGAN` and a `WGANGP` (and with `--wgan` the clipped `WGAN`) on the 4,000 training digits, scores
1,000 samples against the 1,000 held-out digits after every epoch, prints the correlations and draws one
picture: FD and the losses of each run along the steps. `--zoo` reads the same curves from the
`dcgan_mnist` and `wgan_gp_mnist` entries' metadata instead (FD and losses logged while they trained).
"""

import argparse
import json
import os
import time


ZOO_RUNS = {"dcgan": "dcgan_mnist", "wgan_gp": "wgan_gp_mnist"}
LOSS_KEYS = ("d_loss", "g_loss", "w_distance")


def run(kind, args, x):
    """Trains one model; returns `{"steps", "frechet_distance", <each logged loss>}` lists, one entry per epoch."""
    import keras_gan  # before keras: it picks an installed backend when none is set
    import keras

    keras.utils.set_random_seed(args.seed)
    common = {"latent_dim": args.latent_dim, "filters": args.filters, "seed": args.seed}
    if kind == "dcgan":
        model = keras_gan.DCGAN(x.shape[1:], **common)
    elif kind == "wgan_gp":
        model = keras_gan.WGANGP(x.shape[1:], **common)
    else:
        model = keras_gan.WGAN(x.shape[1:], **common)
    model.compile()
    _, (x_test, _) = keras_gan.metrics.mnist_split()
    evaluation = keras_gan.metrics.Evaluation(x_test, every=args.every, num_samples=args.eval_samples,
                                              kid_subset_size=min(500, args.eval_samples))
    history = model.fit(x, batch_size=args.batch_size, epochs=args.epochs, verbose=0, callbacks=[evaluation])
    steps_per_epoch = -(-len(x) // args.batch_size)
    curve = {"steps": [], "frechet_distance": []}
    losses = [k for k in LOSS_KEYS if k in history.history]
    for epoch, report in evaluation.reports:
        curve["steps"].append(epoch * steps_per_epoch)
        curve["frechet_distance"].append(float(report["frechet_distance"]))
        for key in losses:
            curve.setdefault(key, []).append(float(history.history[key][epoch - 1]))
    return curve


def zoo_curve(name):
    """The FD-and-losses curve a zoo entry logged while it trained, in `run`'s form."""
    from keras_gan import zoo

    points = zoo.metadata(name).get("curve", [])
    losses = [k for k in LOSS_KEYS if points and all(k in p for p in points)]
    if not losses:
        raise ValueError(f"zoo entry {name!r} has no losses in its metadata's `curve` (expected at least one of "
                         f"{LOSS_KEYS} beside `frechet_distance` at each point); retrain it with "
                         f"`python tools/train_zoo.py {name}`, or run this example without --zoo.")
    curve = {"steps": [p["steps"] for p in points], "frechet_distance": [p["frechet_distance"] for p in points]}
    curve.update({k: [p[k] for p in points] for k in losses})
    return curve


def correlations(curve):
    """Spearman's ρ (and its p-value) between FD and each loss of a run."""
    from scipy.stats import spearmanr

    out = {}
    for key, values in curve.items():
        if key in ("steps", "frechet_distance"):
            continue
        rho, p = spearmanr(curve["frechet_distance"], values)
        out[key] = {"rho": float(rho), "p": float(p)}
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description="Spearman correlation of FD with each model's losses.")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--every", type=int, default=1, help="epochs between FD evaluations")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--filters", type=int, default=32)
    parser.add_argument("--latent-dim", type=int, default=100)
    parser.add_argument("--limit", type=int, default=None, help="train on N digits (quick runs)")
    parser.add_argument("--eval-samples", type=int, default=1000)
    parser.add_argument("--wgan", action="store_true", help="also train the weight-clipped WGAN")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--zoo", action="store_true",
                        help="read the curves logged by the zoo's dcgan_mnist and wgan_gp_mnist runs; no training")
    parser.add_argument("--out", default="out/loss_tracks_quality")
    args = parser.parse_args(argv)

    import keras_gan  # before keras: it picks an installed backend when none is set
    import keras
    import numpy as np
    from matplotlib.figure import Figure

    kinds = ["dcgan", "wgan_gp"] + (["wgan"] if args.wgan and not args.zoo else [])
    if not args.zoo:
        x, _ = keras_gan.data.load("mnist_5k_train", limit=args.limit)
    curves, results = {}, {}
    for kind in kinds:
        start = time.perf_counter()
        curves[kind] = zoo_curve(ZOO_RUNS[kind]) if args.zoo else run(kind, args, x)
        results[kind] = correlations(curves[kind])
        source = f"zoo entry {ZOO_RUNS[kind]}" if args.zoo else (
            f"{time.perf_counter() - start:.0f} s on {keras.backend.backend()}")
        print(f"{kind}: {source}, {len(curves[kind]['steps'])} FD points over {curves[kind]['steps'][-1]:,} steps; "
              "Spearman ρ(FD, loss): "
              + ", ".join(f"{k} {v['rho']:+.2f} (p {v['p']:.2g})" for k, v in results[kind].items()), flush=True)

    fig = Figure(figsize=(5 * len(kinds), 3.6))
    axes = fig.subplots(1, len(kinds), squeeze=False)[0]
    for ax, kind in zip(axes, kinds):
        curve = curves[kind]
        ax.plot(curve["steps"], curve["frechet_distance"], "k-o", ms=3, label="FD (left)")
        ax.set(xlabel="generator steps", ylabel="FD vs held-out digits", title=kind)
        twin = ax.twinx()
        for key in [k for k in curve if k not in ("steps", "frechet_distance")]:
            rho = results[kind][key]["rho"]
            values = np.asarray(curve[key], dtype="float64")
            span = values.max() - values.min()  # each loss on its own scale: a loss of 50 beside one of 1
            twin.plot(curve["steps"], (values - values.min()) / (span if span > 0 else 1.0), "-",
                      label=f"{key} {values.min():.3g}…{values.max():.3g} (ρ {rho:+.2f})")
        twin.set(ylabel="each loss, scaled to [0, 1] over the run", ylim=(-0.05, 1.05))
        twin.legend(loc="upper right", fontsize=7)
        ax.legend(loc="upper left", fontsize=7)
    fig.tight_layout()
    os.makedirs(args.out, exist_ok=True)
    fig.savefig(os.path.join(args.out, "loss_tracks_quality.png"), dpi=80)
    with open(os.path.join(args.out, "loss_tracks_quality.json"), "w") as f:
        json.dump({"curves": curves, "spearman": results,
                   "source": "zoo" if args.zoo else keras.backend.backend()}, f, indent=1)
    print(f"Figure: {os.path.join(args.out, 'loss_tracks_quality.png')}")
    return results, curves


if __name__ == "__main__":
    main()
