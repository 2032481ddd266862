"""An MLP GAN on MNIST digits (Goodfellow et al. 2014): train, draw, evaluate.

    KERAS_BACKEND=jax python examples/gan.py --epochs 20 --out out/gan
"""

import argparse
import json
import os
import time

import keras
import numpy as np

import keras_gan


def main(argv=None):
    parser = argparse.ArgumentParser(description="Train an MLP GAN (Goodfellow et al. 2014).")
    parser.add_argument("--dataset", default="mnist_5k_train",
                        help="keras_gan.data name (offline: mnist_5k_train, the 4,000 digits the figures do "
                             "not compare against; mnist_5k; digits)")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--latent-dim", type=int, default=100)
    parser.add_argument("--limit", type=int, default=None, help="train on N samples drawn at random (quick runs)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="out/gan", help="folder for the PNGs and the saved model")
    parser.add_argument("--figures", type=int, default=1000,
                        help="samples scored at the end against the 1,000 held-out digits (0: none)")
    parser.add_argument("--hidden-units", type=int, nargs="+", default=[512, 512], help="widths of G's and D's layers")
    parser.add_argument("--dropout", type=float, default=0.3, help="dropout in D, as in the paper")
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(args.seed)

    # The data: real MNIST digits as float32 in [-1, 1], shape (N, 28, 28, 1); no download.
    x, _ = keras_gan.data.load(args.dataset, limit=args.limit)
    os.makedirs(args.out, exist_ok=True)

    # The model: two MLPs, G from z to a digit, D from a digit to one logit (with dropout, as in the paper).
    model = keras_gan.GAN(x.shape[1:], latent_dim=args.latent_dim, hidden_units=args.hidden_units,
                          dropout=args.dropout, seed=args.seed)

    # One optimizer per network, and the objective: G maximises log D(G(z)) (the paper's non-saturating form).
    model.compile(
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        loss="non_saturating",
    )

    # Training: the progress bar shows d_loss, g_loss and D's mean outputs; `SampleGrid` writes a grid of fixed
    # latents after every epoch.
    callbacks = [keras_gan.callbacks.SampleGrid(os.path.join(args.out, "epochs"), seed=args.seed)]
    start = time.perf_counter()
    history = model.fit(x, batch_size=args.batch_size, epochs=args.epochs, callbacks=callbacks)
    seconds = time.perf_counter() - start

    # Pictures and the saved model (`keras.saving.load_model` restores it, both optimizers included).
    keras_gan.save_image_grid(model.generate(64, seed=args.seed), os.path.join(args.out, "samples.png"))
    keras_gan.plot_history(history, os.path.join(args.out, "losses.png"))
    model.save(os.path.join(args.out, "gan.keras"))
    print(f"Trained {args.epochs} epochs on {len(x)} samples with {keras.backend.backend()} in {seconds:.0f} s. "
          f"Samples: {os.path.join(args.out, 'samples.png')}")

    # Evaluation: samples against the 1,000 held-out digits, on the features of the zoo's MNIST classifier,
    # beside the floor real training digits reach at that N.
    if args.figures and x.shape[1:] == (28, 28, 1):
        _, (x_test, y_test) = keras_gan.metrics.mnist_split()
        report = keras_gan.metrics.evaluate(model, x_test, y_test, num_samples=args.figures,
                                            kid_subset_size=min(500, args.figures), verbose=0)
        floor = keras_gan.zoo.manifest()["baselines"]["mnist_5k"]["frechet_distance"]
        share = np.asarray(report["class_share"])
        print(f"Figures ({args.figures:,} samples vs the 1,000 held-out digits, mnist_classifier features): "
              f"FD {report['frechet_distance']:.2f} (real data: {floor:.2f}), precision {report['precision']:.3f}, "
              f"recall {report['recall']:.3f}, confidence {report['confidence']:.3f}, "
              f"class share {share.min():.1%}-{share.max():.1%}")
        with open(os.path.join(args.out, "figures.json"), "w") as f:
            json.dump(report, f, indent=1)
    return history, seconds


if __name__ == "__main__":
    main()
