"""Figure 1 of Goodfellow et al. 2014 (arXiv:1406.2661), from a real training run on 1-D data.

A `keras_gan.GAN` with MLP networks learns a 1-D Gaussian. At a few moments of training the
script draws, as the paper does: the data density (black dots), the generator's density
(green line, a kernel density estimate of `model.generate(n)`), the discriminator's output
D(x) (blue dashes), and below them how G maps latents onto x: the lower line holds u ~ U(0, 1),
z = Φ⁻¹(u) is fed to G, and each segment ends at G(z) on the upper line.

    KERAS_BACKEND=jax python examples/toy_1d.py --out out/toy_1d
"""

import argparse
import os
import statistics
import time

import numpy as np


def main(argv=None):
    parser = argparse.ArgumentParser(description="Figure 1 of Goodfellow et al. 2014 from a real 1-D GAN run.")
    parser.add_argument("--mean", type=float, default=2.0, help="mean of the data Gaussian")
    parser.add_argument("--std", type=float, default=0.5, help="standard deviation of the data Gaussian")
    parser.add_argument("--num-samples", type=int, default=6400, help="training set size")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--snapshots", type=int, nargs="+", default=[0, 1, 5, 100],
                        help="epochs after which to draw a panel (0: before training)")
    parser.add_argument("--hidden-units", type=int, nargs="+", default=[64, 64])
    parser.add_argument("--d-steps", type=int, default=1, help="D steps per G step (the paper's k)")
    parser.add_argument("--learning-rate", type=float, default=1e-3, help="Adam's, for D and G")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="out/toy_1d", help="folder for toy_1d.png")
    args = parser.parse_args(argv)
    if sorted(args.snapshots) != args.snapshots or args.snapshots[0] < 0:
        raise ValueError(f"--snapshots must be increasing epoch counts >= 0, got {args.snapshots}.")

    import keras_gan  # before keras: it picks an installed backend when none is set
    import keras
    from matplotlib.figure import Figure
    from sklearn.neighbors import KernelDensity

    keras.utils.set_random_seed(args.seed)
    x = (args.mean + args.std * np.random.default_rng(args.seed).standard_normal((args.num_samples, 1)))
    x = x.astype("float32")
    model = keras_gan.GAN((1,), latent_dim=1, hidden_units=args.hidden_units, d_steps=args.d_steps,
                          seed=args.seed)
    model.compile(
        d_optimizer=keras.optimizers.Adam(args.learning_rate, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(args.learning_rate, beta_1=0.5),
    )
    lo, hi = args.mean - 6 * args.std, args.mean + 6 * args.std
    grid = np.linspace(lo, hi, 400, dtype="float32")[:, None]
    u = np.linspace(0.02, 0.98, 25)
    z = np.array([[statistics.NormalDist().inv_cdf(v)] for v in u], dtype="float32")

    def snapshot(epoch):
        samples = model.generate(20_000, seed=args.seed)
        p_g = np.exp(KernelDensity(bandwidth="scott").fit(samples).score_samples(grid))
        d = keras.ops.convert_to_numpy(keras.ops.sigmoid(model.discriminator(grid, training=False)))[:, 0]
        return {"epoch": epoch, "p_g": p_g, "d": d, "g_of_z": model.generate(z=z)[:, 0]}

    class Snapshots(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch + 1 in args.snapshots:
                frames.append(snapshot(epoch + 1))

    frames = [snapshot(0)] if args.snapshots[0] == 0 else []
    start = time.perf_counter()
    model.fit(x, batch_size=args.batch_size, epochs=args.snapshots[-1], callbacks=[Snapshots()], verbose=0)
    seconds = time.perf_counter() - start

    steps_per_epoch = -(-args.num_samples // args.batch_size)
    p_data = np.exp(-0.5 * ((grid[:, 0] - args.mean) / args.std) ** 2) / (args.std * np.sqrt(2 * np.pi))
    top = 1.3 * max(p_data.max(), 1.0)
    fig = Figure(figsize=(3.2 * len(frames), 3.4))
    for ax, frame in zip(fig.subplots(1, len(frames), sharey=True), frames):
        ax.plot(grid[::6, 0], p_data[::6], "k.", ms=3, label="data density")
        ax.plot(grid[:, 0], np.minimum(frame["p_g"], top), "g-", lw=1.5, label="generator density")
        ax.plot(grid[:, 0], frame["d"], "b--", lw=1.2, label="D(x)")
        z_line, x_line = -0.45 * top, -0.08 * top
        ax.axhline(x_line, color="k", lw=0.6)
        ax.axhline(z_line, color="k", lw=0.6)
        for ui, gz in zip(u, frame["g_of_z"]):
            ax.plot([lo + ui * (hi - lo), np.clip(gz, lo, hi)], [z_line, x_line], color="0.4", lw=0.6)
        ax.set(xlim=(lo, hi), ylim=(z_line - 0.05 * top, top), yticks=[0, 0.5, 1.0],
               title=f"after {frame['epoch'] * steps_per_epoch} steps")
        ax.text(lo, z_line, " z", va="bottom", fontsize=8)
        ax.text(lo, x_line, " x", va="bottom", fontsize=8)
    fig.axes[0].legend(loc="upper left", fontsize=7)
    fig.tight_layout()
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "toy_1d.png")
    fig.savefig(path, dpi=90)
    last = frames[-1]
    near = np.abs(grid[:, 0] - args.mean) < args.std
    print(
        f"Trained {args.snapshots[-1] * steps_per_epoch} steps with {keras.backend.backend()} in {seconds:.0f} s; "
        f"final mean D(x) within one std of the data mean: {last['d'][near].mean():.3f}. Figure: {path}"
    )
    return frames


if __name__ == "__main__":
    main()
