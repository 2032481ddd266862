"""An MLP GAN on MNIST digits (Goodfellow et al. 2014): train, draw, evaluate.

    KERAS_BACKEND=jax python examples/gan.py --epochs 20 --out out/gan
"""

import argparse
import os
import time

import keras_gan  # first: with KERAS_BACKEND unset and no TensorFlow, it picks an installed backend
import keras


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
    parser.add_argument("--precision", choices=("auto", "bf16", "fp32"), default="auto",
                        help="float32 (fp32) or mixed bfloat16 (bf16); auto: bf16 where it was measured faster on "
                             "this machine's kind and backend (keras_gan.use_precision)")
    parser.add_argument("--out", default="out/gan", help="folder for the PNGs and the saved model")
    parser.add_argument("--figures", type=int, default=1000,
                        help="samples scored at the end against the 1,000 held-out digits (0: none)")
    parser.add_argument("--hidden-units", type=int, nargs="+", default=[512, 512], help="widths of G's and D's layers")
    parser.add_argument("--dropout", type=float, default=0.3, help="dropout in D, as in the paper")
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(args.seed)
    keras_gan.use_precision(args.precision)  # before the model: its layers take Keras's global dtype policy

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
        keras_gan.training.report_digit_figures(model, args.figures, args.out)
    return history, seconds


if __name__ == "__main__":
    main()
