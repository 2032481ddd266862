"""What the image examples share: their flags, their data and their train-then-draw flow."""

import argparse
import os
import time


def image_parser(description, *, epochs, batch_size, out, latent_dim=100):
    """An argument parser with the flags every image example takes.

    Args:
        description: the example's one-line description.
        epochs, batch_size, out, latent_dim: the example's defaults.

    Returns:
        An `argparse.ArgumentParser`; add model flags, then `parse_args`.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--dataset", default="mnist_5k_train",
                        help="keras_gan.data name (offline: mnist_5k_train, the 4,000 digits the figures do "
                             "not compare against; mnist_5k; digits)")
    parser.add_argument("--epochs", type=int, default=epochs)
    parser.add_argument("--batch-size", type=int, default=batch_size)
    parser.add_argument("--latent-dim", type=int, default=latent_dim)
    parser.add_argument("--limit", type=int, default=None, help="train on N samples drawn at random (quick runs)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=out, help="folder for the PNGs and the saved model")
    parser.add_argument("--figures", type=int, default=1000,
                        help="samples scored at the end against the 1,000 held-out digits (0: none)")
    return parser


def recipe_flags(parser, *, augment, ema, lr, beta_1=0.5, g_lr=None, decay="none", loss=None):
    """Adds the training-recipe flags: augmentation, generator EMA, learning rates (G's `g_lr`, default `lr`)
    and their schedule."""
    parser.add_argument("--augment", default=augment,
                        help="DiffAugment policy for D, e.g. translation,cutout ('none': off)")
    parser.add_argument("--ema", type=float, default=ema, help="GeneratorEMA decay (0: off)")
    parser.add_argument("--ema-start", type=int, default=0, help="steps before the average starts")
    parser.add_argument("--d-lr", type=float, default=lr, help="discriminator learning rate")
    parser.add_argument("--g-lr", type=float, default=lr if g_lr is None else g_lr, help="generator learning rate")
    parser.add_argument("--beta-1", type=float, default=beta_1, help="Adam's beta_1 for both networks")
    parser.add_argument("--loss", default=loss, help="adversarial loss, e.g. hinge (default: the model's)")
    parser.add_argument("--decay", default=decay, choices=["none", "linear"],
                        help="learning-rate schedule: constant, or falling linearly to 0 over the run")


def augment_policy(args):
    """The `augment=` argument of a model from `--augment`."""
    return None if str(args.augment).lower() in ("none", "", "off") else args.augment


def d_normalization(args):
    """The `d_normalization=` argument of a model from `--d-normalization` ('none': `None`)."""
    return None if str(args.d_normalization).lower() == "none" else args.d_normalization


def recipe_compile(model, args, num_samples, beta_2=0.999):
    """Compiles `model` with the flags' Adam optimizers; `num_samples` sizes a decaying schedule."""
    import keras

    def rate(value, updates_per_step=1):
        if args.decay == "none":
            return value
        steps = args.epochs * -(-num_samples // args.batch_size) * updates_per_step
        return keras.optimizers.schedules.PolynomialDecay(value, steps, end_learning_rate=0.0)

    model.compile(  # D's optimizer takes d_steps updates per training step, G's one
        d_optimizer=keras.optimizers.Adam(rate(args.d_lr, model.d_steps), beta_1=args.beta_1, beta_2=beta_2),
        g_optimizer=keras.optimizers.Adam(rate(args.g_lr), beta_1=args.beta_1, beta_2=beta_2),
        loss=getattr(args, "loss", None),
    )


def load_data(args):
    """Seeds Keras and loads `args.dataset`; with `args.limit`, a random subset of that size.

    Returns:
        `(x, y)` numpy arrays.
    """
    import keras
    import numpy as np

    import keras_gan

    keras.utils.set_random_seed(args.seed)
    x, y = keras_gan.data.load(args.dataset)
    if args.limit:  # a random subset: mnist_5k is sorted by class
        keep = np.random.default_rng(args.seed).permutation(len(x))[: args.limit]
        x, y = x[keep], y[keep]
    return x, y


def train_and_draw(model, args, name, x, y=None, final_grid=None):
    """Trains `model` with `keras_gan.training.train_run` (the run `keras-gan train` does), saves
    it to `args.out` and prints its figures.

    Writes what `train_run` writes (`epochs/epoch_NNN.png`, `samples.png`, `losses.png`),
    `NAME.keras` and, for 28x28 digits, `figures.json` (`print_figures`).

    Args:
        model: an unfitted keras-gan model.
        args: parsed flags of `image_parser`.
        name: file name of the saved model.
        x, y: training samples and (for conditional models) labels.
        final_grid: optional `() -> (images, columns)` for `samples.png`;
            default 64 samples from `args.seed`.

    Returns:
        `(history, seconds of training)`.
    """
    import keras

    from keras_gan.training import train_run

    history, seconds = train_run(
        model, x, y, out=args.out, epochs=args.epochs, batch_size=args.batch_size, ema=getattr(args, "ema", 0),
        ema_start=getattr(args, "ema_start", 0), seed=args.seed,
        final_grid=final_grid or (lambda: (model.generate(64, seed=args.seed), None)),
    )
    model.save(os.path.join(args.out, f"{name}.keras"))
    print(
        f"Trained {args.epochs} epochs on {len(x)} samples with {keras.backend.backend()} in {seconds:.0f} s. "
        f"Samples: {os.path.join(args.out, 'samples.png')}"
    )
    if args.figures and tuple(x.shape[1:]) == (28, 28, 1):
        print_figures(model, args.figures, os.path.join(args.out, "figures.json"))
    return history, seconds


def print_figures(model, num_samples, path):
    """Scores `num_samples` samples against the 1,000 held-out digits of `mnist_split`, prints and saves them.

    Returns:
        The report of `keras_gan.metrics.evaluate`.
    """
    import json

    import numpy as np

    from keras_gan import metrics, zoo

    _, (x_test, y_test) = metrics.mnist_split()
    report = metrics.evaluate(model, x_test, y_test, num_samples=num_samples, kid_subset_size=min(500, num_samples),
                              verbose=0)
    floor = zoo.manifest().get("baselines", {}).get("mnist_5k", {}).get("frechet_distance")
    share = np.asarray(report["class_share"])
    line = (f"Figures ({num_samples:,} samples vs the 1,000 held-out digits, mnist_classifier features): "
            f"FD {report['frechet_distance']:.2f}" + (f" (real data: {floor:.2f})" if floor else "")
            + f", precision {report['precision']:.3f}, recall {report['recall']:.3f}, "
            f"confidence {report['confidence']:.3f}, class share {share.min():.1%}-{share.max():.1%}")
    if "label_accuracy" in report:
        line += f", label accuracy {report['label_accuracy']:.3f}"
    print(line)
    with open(path, "w") as f:
        json.dump(report, f, indent=1)
    return report
