"""What the image examples share: their flags, their data and their train-then-draw flow."""

import argparse
import os
import time


def image_parser(description, *, epochs, batch_size, out):
    """An argument parser with the flags every image example takes.

    Args:
        description: the example's one-line description.
        epochs, batch_size, out: the example's defaults.

    Returns:
        An `argparse.ArgumentParser`; add model flags, then `parse_args`.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--dataset", default="mnist_5k", help="keras_gan.data name (offline: mnist_5k, digits)")
    parser.add_argument("--epochs", type=int, default=epochs)
    parser.add_argument("--batch-size", type=int, default=batch_size)
    parser.add_argument("--latent-dim", type=int, default=100)
    parser.add_argument("--limit", type=int, default=None, help="train on N samples drawn at random (quick runs)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=out, help="folder for the PNGs and the saved model")
    return parser


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
    """Compiles and trains `model`, then writes its pictures and the model to `args.out`.

    Writes `epochs/epoch_NNN.png` (`keras_gan.callbacks.SampleGrid`), `samples.png`,
    `losses.png` (`keras_gan.plot_history`) and `NAME.keras`.

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

    import keras_gan

    os.makedirs(args.out, exist_ok=True)
    model.compile()
    start = time.perf_counter()
    history = model.fit(
        x, y, batch_size=args.batch_size, epochs=args.epochs, shuffle=True,
        callbacks=[keras_gan.callbacks.SampleGrid(os.path.join(args.out, "epochs"), seed=args.seed)],
    )
    seconds = time.perf_counter() - start
    images, columns = final_grid() if final_grid else (model.generate(64, seed=args.seed), None)
    keras_gan.save_image_grid(images, os.path.join(args.out, "samples.png"), columns=columns)
    keras_gan.plot_history(history, os.path.join(args.out, "losses.png"))
    model.save(os.path.join(args.out, f"{name}.keras"))
    print(
        f"Trained {args.epochs} epochs on {len(x)} samples with {keras.backend.backend()} in {seconds:.0f} s. "
        f"Samples: {os.path.join(args.out, 'samples.png')}"
    )
    return history, seconds
