"""GAN against WGAN-GP on the 2-D mixtures ring8 and grid25: does each cover all the modes?

Trains `keras_gan.GAN` and `keras_gan.WGANGP` (MLP networks) on PacGAN's mixtures and judges
2,500 samples of each with `keras_gan.metrics.mode_coverage` (the VEEGAN / PacGAN protocol:
modes captured, share of samples within 3 std of a centre). Draws a 2×2 grid of scatter plots
(rows: mixtures, columns: models, real centres as red crosses) and prints the figures.

    KERAS_BACKEND=jax python examples/mode_collapse.py --out out/mode_collapse
"""

import argparse
import os
import time

import numpy as np

MODELS = {"gan": "GAN", "wgan_gp": "WGAN-GP"}


def build(kind, args):
    """A compiled `GAN` or `WGANGP` with MLP networks for 2-D points."""
    import keras_gan  # before keras: it picks an installed backend when none is set
    import keras

    common = {"latent_dim": args.latent_dim, "hidden_units": args.hidden_units, "seed": args.seed}
    if kind == "gan":
        model = keras_gan.GAN((2,), **common)
        model.compile(
            d_optimizer=keras.optimizers.Adam(args.gan_lr, beta_1=0.5),
            g_optimizer=keras.optimizers.Adam(args.gan_lr, beta_1=0.5),
        )
    else:
        model = keras_gan.WGANGP((2,), **common)  # the paper's 5 critic steps and λ = 10
        model.compile(
            d_optimizer=keras.optimizers.Adam(args.wgan_lr, beta_1=0.0, beta_2=0.9),
            g_optimizer=keras.optimizers.Adam(args.wgan_lr, beta_1=0.0, beta_2=0.9),
        )
    return model


def main(argv=None):
    parser = argparse.ArgumentParser(description="GAN vs WGAN-GP mode coverage on ring8 and grid25.")
    parser.add_argument("--mixtures", nargs="+", default=["ring8", "grid25"], choices=["ring8", "grid25"])
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--epochs", type=int, default=30, help="passes over the 25,000 training points")
    parser.add_argument("--num-samples", type=int, default=25_000, help="training points per mixture")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--latent-dim", type=int, default=16)
    parser.add_argument("--hidden-units", type=int, nargs="+", default=[128, 128, 128])
    parser.add_argument("--gan-lr", type=float, default=1e-3, help="Adam's learning rate (β1 0.5) for the GAN")
    parser.add_argument("--wgan-lr", type=float, default=1e-3,
                        help="Adam's learning rate (β1 0, β2 0.9) for WGAN-GP (paper: 1e-4, for far longer runs)")
    parser.add_argument("--eval-samples", type=int, default=2500, help="samples judged (the protocol: 2,500)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="out/mode_collapse", help="folder for mode_collapse.png")
    args = parser.parse_args(argv)

    import keras_gan  # before keras: it picks an installed backend when none is set
    import keras
    from matplotlib.figure import Figure

    figures, samples = {}, {}
    for mixture in args.mixtures:
        x, _ = keras_gan.data.load(mixture, num_samples=args.num_samples, seed=args.seed)
        for kind in args.models:
            keras.utils.set_random_seed(args.seed)
            model = build(kind, args)
            start = time.perf_counter()
            model.fit(x, batch_size=args.batch_size, epochs=args.epochs, verbose=0)
            seconds = time.perf_counter() - start
            points = model.generate(args.eval_samples, seed=args.seed)
            figures[mixture, kind] = {**keras_gan.metrics.mode_coverage(points, mixture=mixture),
                                      "train_seconds": round(seconds, 1)}
            samples[mixture, kind] = points
            f = figures[mixture, kind]
            print(f"{mixture:<7} {MODELS[kind]:<8} modes {f['modes']:>2}/{f['num_modes']}  "
                  f"high quality {100 * f['high_quality']:5.1f}%  ({seconds:.0f} s, {keras.backend.backend()})")

    fig = Figure(figsize=(4 * len(args.models), 4 * len(args.mixtures)))
    axes = fig.subplots(len(args.mixtures), len(args.models), squeeze=False)
    for i, mixture in enumerate(args.mixtures):
        make_centers, _ = keras_gan.data.MIXTURES[mixture]
        centers = make_centers()
        span = np.abs(centers).max() * 1.6
        for j, kind in enumerate(args.models):
            ax, points, f = axes[i, j], samples[mixture, kind], figures[mixture, kind]
            ax.scatter(points[:, 0], points[:, 1], s=2, alpha=0.4, color="tab:blue")
            ax.scatter(centers[:, 0], centers[:, 1], marker="x", s=40, color="red", label="real centres")
            ax.set(xlim=(-span, span), ylim=(-span, span), aspect="equal")
            ax.set_title(f"{MODELS[kind]} on {mixture}: {f['modes']}/{f['num_modes']} modes, "
                         f"{100 * f['high_quality']:.0f}% high quality", fontsize=9)
    axes[0, 0].legend(loc="upper right", fontsize=7)
    fig.suptitle(f"{args.eval_samples} samples after {args.epochs} epochs of {args.num_samples} points", fontsize=10)
    fig.tight_layout()
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "mode_collapse.png")
    fig.savefig(path, dpi=80)
    print(f"Figure: {path}")
    return figures


if __name__ == "__main__":
    main()
