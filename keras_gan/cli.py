"""Command line: `keras-gan zoo | sample | train | evaluate` (also `python -m keras_gan ...`).

    keras-gan zoo                                        # list the pretrained entries
    keras-gan sample dcgan_mnist -n 64 -o grid.png       # a grid from an entry or a preset directory
    keras-gan train dcgan --dataset mnist_5k --epochs 10 --out runs/dcgan
    keras-gan sample runs/dcgan -o more.png              # a trained run is a preset directory
    keras-gan evaluate dcgan_mnist runs/dcgan            # figures against held-out MNIST digits

Each subcommand is one `_<name>_command(commands)` function in `COMMANDS` that adds
its parser and sets `run`.
"""

import argparse
import os
import sys


def _zoo(args):
    from keras_gan import zoo

    print("\n".join(zoo.list()))


def _zoo_command(commands):
    parser = commands.add_parser(
        "zoo", help="list the pretrained entries",
        description="List the zoo's pretrained entries, one line each: name, class, dataset, "
                    "parameters, quality figures, description. Sample one with `keras-gan sample "
                    "NAME`; load it in Python with keras_gan.zoo.load(NAME).",
    )
    parser.set_defaults(run=_zoo)


def _sample(args):
    import keras_gan

    model = keras_gan.zoo.load(args.name, compile=False)
    if args.labels is None:
        images, columns = model.generate_grid(args.num_samples, seed=args.seed)
    else:
        if not isinstance(model, keras_gan.ConditionalGAN):
            raise ValueError(f"--labels needs a conditional model; {args.name!r} is a {type(model).__name__}.")
        labels = [int(v) for v in args.labels.split(",")]
        labels = labels[0] if len(labels) == 1 else labels
        images, columns = model.generate(args.num_samples, labels=labels, seed=args.seed), None
    keras_gan.save_image_grid(images, args.output, columns=columns)
    print(f"Wrote {len(images)} samples from {args.name} to {args.output}")


def _sample_command(commands):
    parser = commands.add_parser(
        "sample", help="write a PNG grid of samples from a zoo entry or preset directory",
        description="Write a PNG grid of generated samples. Conditional models give one row per "
                    "class unless --labels is given. Models trained with GeneratorEMA sample "
                    "from the moving-average weights.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("name", help="zoo entry (see `keras-gan zoo`) or a local preset directory "
                                     "(e.g. the --out of `keras-gan train`)")
    parser.add_argument("-n", "--num-samples", type=int, default=64, help="samples in the grid")
    parser.add_argument("-o", "--output", default="samples.png", help="PNG file to write")
    parser.add_argument("--seed", type=int, default=0, help="seed of the latents (same images on every backend)")
    parser.add_argument("--labels", help="conditional models: one label, or comma-separated labels")
    parser.set_defaults(run=_sample)


# `keras-gan train MODEL`: model name -> keras_gan class.
MODELS = {"gan": "GAN", "dcgan": "DCGAN", "cgan": "ConditionalGAN", "wgan_gp": "WGANGP"}


def _load_training_data(args):
    """`(data, labels or None, data_shape, has_labels)` for `fit`, from `keras_gan.data.load`."""
    from keras_gan import data

    kwargs = {}
    if args.dataset not in data.DATASETS:
        kwargs = {"batch_size": args.batch_size, "seed": args.seed}
        if args.image_size:
            kwargs["image_size"] = args.image_size
        if not os.path.isdir(os.path.expanduser(args.dataset)):
            kwargs.update(data_dir=args.data_dir, download=args.download)
    loaded = data.load(args.dataset, limit=args.limit, **kwargs)
    if isinstance(loaded, tuple):
        x, y = loaded
        return x, y, tuple(x.shape[1:]), y is not None
    spec = loaded.element_spec
    images = spec[0] if isinstance(spec, tuple) else spec
    return loaded, None, tuple(images.shape[1:]), isinstance(spec, tuple) and len(spec) > 1


def _build_model(args, data_shape, x, y, has_labels):
    import numpy as np

    import keras_gan

    kwargs = {"latent_dim": args.latent_dim, "seed": args.seed}
    if args.filters and args.model != "gan":
        kwargs["filters"] = args.filters
    if args.generator_filters and args.model != "gan":
        kwargs["generator_filters"] = args.generator_filters
    if args.hidden_units and args.model in ("gan", "wgan_gp"):
        kwargs["hidden_units"] = args.hidden_units
    if args.model == "cgan":
        if not has_labels:
            raise ValueError(
                f"cgan needs class labels, but {args.dataset!r} has none. Use a labelled dataset "
                f"(mnist_5k, mnist, cifar10, a folder with one subfolder per class) or another model."
            )
        num_classes = args.num_classes or (int(np.max(y)) + 1 if y is not None else None)
        if num_classes is None:
            raise ValueError(f"Pass --num-classes: {args.dataset!r} streams, so its labels are not counted.")
        kwargs["num_classes"] = num_classes
    return getattr(keras_gan, MODELS[args.model])(data_shape, **kwargs)


def _train(args):
    import datetime
    import json
    import platform

    import keras

    import keras_gan
    from keras_gan import zoo
    from keras_gan.training import train_run

    if args.seed is not None:
        keras.utils.set_random_seed(args.seed)
    x, y, data_shape, has_labels = _load_training_data(args)
    if len(data_shape) != 3:
        raise ValueError(
            f"keras-gan train writes image grids, but {args.dataset!r} has samples of shape {data_shape}. "
            f"Use an image dataset, or train vector data with the Python API (keras_gan.GAN(...).fit)."
        )
    model = _build_model(args, data_shape, x, y, has_labels)
    history, seconds = train_run(
        model, x, y if args.model == "cgan" else None, out=args.out, epochs=args.epochs,
        batch_size=args.batch_size, ema=args.ema, seed=0, gif=args.gif, plot_name="history.png",
    )
    backend = keras.backend.backend()
    zoo.save_preset(
        model, args.out, dataset=args.dataset, command="keras-gan " + " ".join(args.argv),
        trained_with={"backend": backend, "keras": keras.__version__, "keras_gan": keras_gan.__version__,
                      "python": platform.python_version()},
        date=datetime.date.today().isoformat(), train_seconds=round(seconds, 1),
        fit={"epochs": args.epochs, "batch_size": args.batch_size, "limit": args.limit, "ema": args.ema},
        final_logs={k: round(float(v[-1]), 4) for k, v in history.history.items()},
    )
    print(json.dumps({k: round(float(v[-1]), 4) for k, v in history.history.items()}))
    print(f"Wrote {args.out}: samples.png, history.png, epochs/, and a preset "
          f"(config.json, model.weights.h5, metadata.json). Sample more: keras-gan sample {args.out}")


def _size(text):
    height, _, width = text.partition("x")
    return (int(height), int(width or height))


def _units(text):
    return tuple(int(v) for v in text.split(","))


def _train_command(commands):
    parser = commands.add_parser(
        "train", help="train a model on a dataset; writes sample grids, a loss plot and a preset",
        description="Train MODEL on an image dataset with the paper's defaults. Writes to --out:\n"
                    "  epochs/epoch_NNN.png  a grid of fixed latents after every epoch\n"
                    "  samples.png           the final grid (cgan: one row per class)\n"
                    "  history.png           losses per epoch (keras_gan.plot_history)\n"
                    "  config.json, model.weights.h5, metadata.json\n"
                    "                        a preset: `keras-gan sample OUT`, keras_gan.zoo.load(OUT)",
        epilog="examples:\n"
               "  keras-gan train dcgan --dataset mnist_5k --epochs 10 --out runs/dcgan\n"
               "  keras-gan train cgan --dataset mnist_5k --epochs 10 --out runs/cgan --ema 0.999\n"
               "  keras-gan train wgan_gp --dataset cifar10 --data-dir ~/tensorflow_datasets --out runs/wgan\n"
               "  keras-gan train dcgan --dataset path/to/faces/ --image-size 64 --out runs/faces",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("model", choices=sorted(MODELS), metavar="MODEL", help="one of gan (MLPs), dcgan, cgan (conditional), wgan_gp")
    parser.add_argument("--dataset", default="mnist_5k",
                        help="offline: mnist_5k, digits; a TensorFlow Datasets name (mnist, "
                             "fashion_mnist, cifar10, celeb_a, ...); or a folder of images "
                             "(default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=10, help="passes over the data (default: %(default)s)")
    parser.add_argument("--batch-size", type=int, default=64, help="samples per step (default: %(default)s)")
    parser.add_argument("--out", required=True, help="output folder (created)")
    parser.add_argument("--latent-dim", type=int, default=100, help="size of z (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the weights and the latents (default: %(default)s)")
    parser.add_argument("--limit", type=int, help="train on the first LIMIT samples only")
    parser.add_argument("--filters", type=int, help="width of the conv networks (dcgan, cgan, wgan_gp; default 64)")
    parser.add_argument("--generator-filters", type=int,
                        help="width of the conv generator alone (dcgan, cgan, wgan_gp; default: --filters)")
    parser.add_argument("--hidden-units", type=_units, help="widths of the MLPs, e.g. 256,256 (gan; wgan_gp on vectors)")
    parser.add_argument("--num-classes", type=int, help="cgan on a streamed dataset: number of classes")
    parser.add_argument("--ema", type=float, help="keep a moving average of G's weights with this decay "
                                                  "(e.g. 0.999) and sample from it")
    parser.add_argument("--gif", action="store_true", help="also write epochs/progress.gif")
    parser.add_argument("--image-size", type=_size, help="folders and TensorFlow Datasets: resize to HxW "
                                                         "(e.g. 64 or 64x64; folders default to 64x64)")
    parser.add_argument("--data-dir", help="TensorFlow Datasets: where the prepared data lives")
    parser.add_argument("--download", action="store_true",
                        help="TensorFlow Datasets: download and prepare the data if it is missing")
    parser.set_defaults(run=_train)


def _evaluate(args):
    import keras_gan
    from keras_gan import metrics

    _, (x_test, y_test) = metrics.mnist_split()
    reports = {}
    for name in args.names:
        model = keras_gan.zoo.load(name, compile=False)
        print(f"Sampling {args.num_samples} images from {name}:")
        reports[name] = metrics.evaluate(model, x_test, y_test, num_samples=args.num_samples, seed=args.seed)
    print(f"\nAgainst the {len(x_test)} held-out mnist_5k digits, features of the zoo's mnist_classifier:")
    print(metrics.format_report(reports))


def _evaluate_command(commands):
    parser = commands.add_parser(
        "evaluate", help="figures (Fréchet distance, KID, IS, precision/recall) of MNIST models",
        description="Sample each model and score it against the 1,000 held-out digits of mnist_5k on the "
                    "features of the zoo's mnist_classifier (28x28x1 models only).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("names", nargs="+", help="zoo entries or local preset directories trained on MNIST")
    parser.add_argument("-n", "--num-samples", type=int, default=1000,
                        help="generated samples (the zoo table uses 1,000, the held-out set's size)")
    parser.add_argument("--seed", type=int, default=0, help="sampling seed")
    parser.set_defaults(run=_evaluate)


COMMANDS = (_zoo_command, _sample_command, _train_command, _evaluate_command)


def main(argv=None):
    """Runs `keras-gan` with `argv` (default: the process's arguments); returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="keras-gan", description="keras-gan: GANs for Keras 3 on TensorFlow, JAX and PyTorch "
                                      "(KERAS_BACKEND picks the backend).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in COMMANDS:
        add(commands)
    args = parser.parse_args(argv)
    args.argv = argv
    args.run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
