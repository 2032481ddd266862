"""A conditional GAN on labelled MNIST digits (Mirza & Osindero 2014): train, draw one row per class, evaluate.

    KERAS_BACKEND=jax python examples/cgan.py --epochs 10 --out out/cgan
"""

import argparse
import json
import os
import time

import keras
import numpy as np

import keras_gan


def main(argv=None):
    parser = argparse.ArgumentParser(description="Train a conditional GAN (Mirza & Osindero 2014).")
    parser.add_argument("--dataset", default="mnist_5k_train",
                        help="keras_gan.data name (offline: mnist_5k_train, the 4,000 digits the figures do "
                             "not compare against; mnist_5k; digits)")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--latent-dim", type=int, default=100)
    parser.add_argument("--limit", type=int, default=None, help="train on N samples drawn at random (quick runs)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="out/cgan", help="folder for the PNGs and the saved model")
    parser.add_argument("--figures", type=int, default=1000,
                        help="samples scored at the end against the 1,000 held-out digits (0: none)")
    parser.add_argument("--filters", type=int, default=64, help="width of the networks")
    parser.add_argument("--generator-filters", type=int, help="width of G alone (default: --filters)")
    parser.add_argument("--per-class", type=int, default=10, help="samples per row of samples.png")
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(args.seed)

    # The data: real MNIST digits as float32 in [-1, 1], shape (N, 28, 28, 1), and their labels 0-9; no download.
    x, y = keras_gan.data.load(args.dataset, limit=args.limit)
    os.makedirs(args.out, exist_ok=True)

    # The model: convolutional networks that both see the label, G joined to z, D by concatenation.
    num_classes = int(y.max()) + 1
    model = keras_gan.ConditionalGAN(x.shape[1:], num_classes, latent_dim=args.latent_dim, filters=args.filters,
                                     generator_filters=args.generator_filters, seed=args.seed)

    # One optimizer per network, and the objective: G maximises log D(G(z)) (the paper's non-saturating form).
    model.compile(
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        loss="non_saturating",
    )

    # Training: the progress bar shows d_loss, g_loss and D's mean outputs; `SampleGrid` writes a grid of fixed
    # latents after every epoch, one row per class. The labels go to `fit` as its `y`.
    callbacks = [keras_gan.callbacks.SampleGrid(os.path.join(args.out, "epochs"), seed=args.seed)]
    start = time.perf_counter()
    history = model.fit(x, y, batch_size=args.batch_size, epochs=args.epochs, callbacks=callbacks)
    seconds = time.perf_counter() - start

    # Pictures and the saved model (`keras.saving.load_model` restores it, both optimizers included).
    labels = np.repeat(np.arange(num_classes), args.per_class)  # one row per class
    images = model.generate(labels=labels, seed=args.seed)
    keras_gan.save_image_grid(images, os.path.join(args.out, "samples.png"), columns=args.per_class)
    keras_gan.plot_history(history, os.path.join(args.out, "losses.png"))
    model.save(os.path.join(args.out, "cgan.keras"))
    print(f"Trained {args.epochs} epochs on {len(x)} samples with {keras.backend.backend()} in {seconds:.0f} s. "
          f"Samples: {os.path.join(args.out, 'samples.png')}")

    # Evaluation: samples against the 1,000 held-out digits, on the features of the zoo's MNIST classifier,
    # beside the floor real training digits reach at that N; the label accuracy is the classifier's on
    # `generate(labels=c)`, with balanced labels.
    if args.figures and x.shape[1:] == (28, 28, 1):
        _, (x_test, y_test) = keras_gan.metrics.mnist_split()
        report = keras_gan.metrics.evaluate(model, x_test, y_test, num_samples=args.figures,
                                            kid_subset_size=min(500, args.figures), verbose=0)
        floor = keras_gan.zoo.manifest()["baselines"]["mnist_5k"]["frechet_distance"]
        share = np.asarray(report["class_share"])
        print(f"Figures ({args.figures:,} samples vs the 1,000 held-out digits, mnist_classifier features): "
              f"FD {report['frechet_distance']:.2f} (real data: {floor:.2f}), precision {report['precision']:.3f}, "
              f"recall {report['recall']:.3f}, confidence {report['confidence']:.3f}, "
              f"class share {share.min():.1%}-{share.max():.1%}, label accuracy {report['label_accuracy']:.3f}")
        with open(os.path.join(args.out, "figures.json"), "w") as f:
            json.dump(report, f, indent=1)
    return history, seconds


if __name__ == "__main__":
    main()
