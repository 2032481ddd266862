"""Train a WGAN-GP and write sample grids and a plot of the losses and the Wasserstein estimate.

    KERAS_BACKEND=jax python examples/wgan_gp.py --epochs 10 --out out/wgan_gp
"""

import argparse
import os
import time


def main(argv=None):
    parser = argparse.ArgumentParser(description="Train a WGAN-GP (Gulrajani et al. 2017).")
    parser.add_argument("--dataset", default="mnist_5k", help="keras_gan.data name (offline: mnist_5k)")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--latent-dim", type=int, default=100)
    parser.add_argument("--filters", type=int, default=64, help="width of the networks")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N samples")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="out/wgan_gp", help="folder for PNGs and the saved model")
    args = parser.parse_args(argv)

    import keras

    import keras_gan

    keras.utils.set_random_seed(args.seed)
    x, _ = keras_gan.data.load(args.dataset)
    if args.limit:
        x = x[: args.limit]
    model = keras_gan.WGANGP(x.shape[1:], latent_dim=args.latent_dim, filters=args.filters, seed=args.seed)
    model.compile()
    os.makedirs(args.out, exist_ok=True)
    start = time.perf_counter()
    history = model.fit(
        x, batch_size=args.batch_size, epochs=args.epochs, shuffle=True,
        callbacks=[keras_gan.callbacks.SampleGrid(os.path.join(args.out, "epochs"))],
    )
    seconds = time.perf_counter() - start
    keras_gan.save_image_grid(model.generate(64, seed=args.seed), os.path.join(args.out, "samples.png"))
    keras_gan.plot_history(history, os.path.join(args.out, "losses.png"))
    model.save(os.path.join(args.out, "wgan_gp.keras"))
    w = ", ".join(f"{v:.3f}" for v in history.history["w_distance"])
    print(f"Trained {args.epochs} epochs with {keras.backend.backend()} in {seconds:.0f} s. w_distance per epoch: {w}")


if __name__ == "__main__":
    main()
