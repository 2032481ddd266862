"""DCGAN on MNIST digits (Radford et al. 2015): train, draw, evaluate.

    KERAS_BACKEND=jax python examples/dcgan.py --out out/dcgan

The defaults fit the Quick start's budget (a few minutes on a 2-core CPU; `docs/performance.md`): a narrow
network (`--filters 32`), a 64-dimensional z, 45 epochs, the hinge loss, Adam(β1 = 0.5) at 1e-3 for D and 2e-3 for G
(two timescales, G the faster) and a generator EMA (0.995). The zoo's `dcgan_mnist` is the long recipe
(`docs/reproducing.md`).
"""

import argparse
import math
import os
import time

import keras_gan  # first: with KERAS_BACKEND unset and no TensorFlow, it picks an installed backend
import keras


def adam(learning_rate, beta_1, decay_steps=None):
    """Adam; with `decay_steps`, its rate falls linearly to 0 over that many updates (as SN-GAN trains)."""
    if decay_steps:
        learning_rate = keras.optimizers.schedules.PolynomialDecay(learning_rate, decay_steps, end_learning_rate=0.0)
    return keras.optimizers.Adam(learning_rate, beta_1=beta_1)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Train a DCGAN (Radford et al. 2015).")
    parser.add_argument("--dataset", default="mnist_5k_train",
                        help="keras_gan.data name (offline: mnist_5k_train, the 4,000 digits the figures do "
                             "not compare against; mnist_5k; digits)")
    parser.add_argument("--epochs", type=int, default=45)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--latent-dim", type=int, default=64)
    parser.add_argument("--limit", type=int, default=None, help="train on N samples drawn at random (quick runs)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--precision", choices=("auto", "bf16", "fp32"), default="auto",
                        help="float32 (fp32) or mixed bfloat16 (bf16); auto: bf16 where it was measured faster on "
                             "this machine's kind and backend (keras_gan.use_precision)")
    parser.add_argument("--out", default="out/dcgan", help="folder for the PNGs and the saved model")
    parser.add_argument("--figures", type=int, default=1000,
                        help="samples scored at the end against the 1,000 held-out digits (0: none)")
    parser.add_argument("--filters", type=int, default=32, help="width of the networks")
    parser.add_argument("--generator-filters", type=int, help="width of G alone (default: --filters)")
    parser.add_argument("--d-normalization", default="batch",
                        help="normalization in D: batch (DCGAN), spectral (SN-GAN), layer or none")
    parser.add_argument("--augment", default="none",
                        help="DiffAugment policy for D, e.g. translation,cutout ('none': off)")
    parser.add_argument("--ema", type=float, default=0.995, help="GeneratorEMA decay (0: off)")
    parser.add_argument("--ema-start", type=int, default=0, help="steps before the average starts")
    parser.add_argument("--d-lr", type=float, default=1e-3, help="discriminator learning rate")
    parser.add_argument("--g-lr", type=float, default=2e-3, help="generator learning rate")
    parser.add_argument("--beta-1", type=float, default=0.5, help="Adam's beta_1 for both networks")
    parser.add_argument("--loss", default="hinge", help="adversarial loss, e.g. hinge (default: the model's)")
    parser.add_argument("--decay", default="none", choices=["none", "linear"],
                        help="learning-rate schedule: constant, or falling linearly to 0 over the run")
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(args.seed)
    keras_gan.use_precision(args.precision)  # before the model: its layers take Keras's global dtype policy

    # The data: real MNIST digits as float32 in [-1, 1], shape (N, 28, 28, 1); no download.
    x, _ = keras_gan.data.load(args.dataset, limit=args.limit)
    os.makedirs(args.out, exist_ok=True)

    # The model: a generator of transposed convolutions and a convolutional discriminator, built for this shape.
    model = keras_gan.DCGAN(
        x.shape[1:], latent_dim=args.latent_dim, filters=args.filters, generator_filters=args.generator_filters,
        d_normalization=None if args.d_normalization.lower() == "none" else args.d_normalization,
        augment=None if args.augment.lower() in ("none", "", "off") else args.augment, seed=args.seed,
    )

    # Two optimizers, one per network. D's takes `d_steps` updates per training step, so a decaying rate is
    # sized by its own updates.
    steps = args.epochs * math.ceil(len(x) / args.batch_size)
    decay = args.decay == "linear"
    model.compile(
        d_optimizer=adam(args.d_lr, args.beta_1, decay_steps=steps * model.d_steps if decay else None),
        g_optimizer=adam(args.g_lr, args.beta_1, decay_steps=steps if decay else None),
        loss=args.loss,
    )

    # Training: the progress bar shows d_loss, g_loss and D's mean outputs; `SampleGrid` writes a grid of fixed
    # latents after every epoch, `GeneratorEMA` keeps the moving average of G that `generate` samples from.
    callbacks = []
    if args.ema:
        callbacks.append(keras_gan.callbacks.GeneratorEMA(args.ema, start=args.ema_start))
    callbacks.append(keras_gan.callbacks.SampleGrid(os.path.join(args.out, "epochs"), seed=args.seed))
    start = time.perf_counter()
    history = model.fit(x, batch_size=args.batch_size, epochs=args.epochs, callbacks=callbacks)
    seconds = time.perf_counter() - start

    # Pictures and the saved model (`keras.saving.load_model` restores it, both optimizers included).
    keras_gan.save_image_grid(model.generate(64, seed=args.seed), os.path.join(args.out, "samples.png"))
    keras_gan.plot_history(history, os.path.join(args.out, "losses.png"))
    model.save(os.path.join(args.out, "dcgan.keras"))
    print(f"Trained {args.epochs} epochs on {len(x)} samples with {keras.backend.backend()} in {seconds:.0f} s. "
          f"Samples: {os.path.join(args.out, 'samples.png')}")

    # Evaluation: samples against the 1,000 held-out digits, on the features of the zoo's MNIST classifier,
    # beside the floor real training digits reach at that N.
    if args.figures and x.shape[1:] == (28, 28, 1):
        keras_gan.training.report_digit_figures(model, args.figures, args.out)
    return history, seconds


if __name__ == "__main__":
    main()
