"""Does the loss track sample quality? WGAN-GP's W-distance estimate against DCGAN's losses (Arjovsky et al. 2017,
Figs. 3-4), measured: FD every epoch on the zoo's protocol, and Spearman's rank correlation of FD with each loss.

    KERAS_BACKEND=jax python examples/loss_tracks_quality.py --out out/loss_tracks_quality

Trains a `DCGAN` and a `WGANGP` (and with `--wgan` the clipped `WGAN`) on the 4,000 training digits, scores
1,000 samples against the 1,000 held-out digits after every epoch, prints the correlations and draws one
picture: FD and the losses of each run along the steps.
"""

import argparse
import json
import os
import time


def run(kind, args, x):
    """Trains one model; returns `{"steps", "frechet_distance", <each logged loss>}` lists, one entry per epoch."""
    import keras

    import keras_gan

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
    losses = [k for k in ("d_loss", "g_loss", "w_distance") if k in history.history]
    for epoch, report in evaluation.reports:
        curve["steps"].append(epoch * steps_per_epoch)
        curve["frechet_distance"].append(float(report["frechet_distance"]))
        for key in losses:
            curve.setdefault(key, []).append(float(history.history[key][epoch - 1]))
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
    parser.add_argument("--out", default="out/loss_tracks_quality")
    args = parser.parse_args(argv)

    import keras
    from matplotlib.figure import Figure

    import keras_gan

    x, _ = keras_gan.data.load("mnist_5k_train", limit=args.limit)
    kinds = ["dcgan", "wgan_gp"] + (["wgan"] if args.wgan else [])
    curves, results = {}, {}
    for kind in kinds:
        start = time.perf_counter()
        curves[kind] = run(kind, args, x)
        results[kind] = correlations(curves[kind])
        print(f"{kind}: {time.perf_counter() - start:.0f} s on {keras.backend.backend()}, "
              f"{len(curves[kind]['steps'])} FD points; Spearman ρ(FD, loss): "
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
            twin.plot(curve["steps"], curve[key], "-", label=f"{key} (ρ {rho:+.2f})")
        twin.legend(loc="upper right", fontsize=7)
        ax.legend(loc="upper left", fontsize=7)
    fig.tight_layout()
    os.makedirs(args.out, exist_ok=True)
    fig.savefig(os.path.join(args.out, "loss_tracks_quality.png"), dpi=80)
    with open(os.path.join(args.out, "loss_tracks_quality.json"), "w") as f:
        json.dump({"curves": curves, "spearman": results, "backend": keras.backend.backend()}, f, indent=1)
    print(f"Figure: {os.path.join(args.out, 'loss_tracks_quality.png')}")
    return results, curves


if __name__ == "__main__":
    main()
