"""A conditional GAN on labelled MNIST digits (Mirza & Osindero 2014): train, draw one row per class, evaluate.

    KERAS_BACKEND=jax python examples/cgan.py --epochs 10 --out out/cgan
"""

import argparse
import os
import time

import keras_gan  # first: with KERAS_BACKEND unset and no TensorFlow, it picks an installed backend
import keras
import numpy as np


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
    parser.add_argument("--precision", choices=("auto", "bf16", "fp32"), default="auto",
                        help="float32 (fp32) or mixed bfloat16 (bf16); auto: bf16 where it was measured faster on "
                             "this machine's kind and backend (keras_gan.use_precision)")
    parser.add_argument("--out", default="out/cgan", help="folder for the PNGs and the saved model")
    parser.add_argument("--figures", type=int, default=1000,
                        help="samples scored at the end against the 1,000 held-out digits (0: none)")
    parser.add_argument("--filters", type=int, default=64, help="width of the networks")
    parser.add_argument("--generator-filters", type=int, help="width of G alone (default: --filters)")
    parser.add_argument("--per-class", type=int, default=10, help="samples per row of samples.png")
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(args.seed)
    keras_gan.use_precision(args.precision)  # before the model: its layers take Keras's global dtype policy

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
    # `generate(labels=c)`, with labels at the held-out digits' frequencies.
    if args.figures and x.shape[1:] == (28, 28, 1):
        keras_gan.training.report_digit_figures(model, args.figures, args.out)
    return history, seconds


if __name__ == "__main__":
    main()
