"""Command line: `keras-gan zoo | sample | train | evaluate` (also `python -m keras_gan ...`).

    keras-gan zoo                                        # list the pretrained entries
    keras-gan sample dcgan_mnist -n 64 -o grid.png       # a grid from an entry or a preset directory
    keras-gan train dcgan --dataset mnist_5k --epochs 10 --out runs/dcgan
    keras-gan sample runs/dcgan -o more.png              # a trained run is a preset directory
    keras-gan evaluate dcgan_mnist runs/dcgan            # figures against held-out MNIST digits

Each subcommand is one `_<name>_command(commands)` function in `COMMANDS` that adds
its parser and sets `run`; `train`'s is in `keras_gan.cli_train`. A mistake that keras-gan's own
checks catch prints `keras-gan: error: MESSAGE` and exits with status 2, as argparse does.
"""

import argparse
import os
import sys

from keras_gan.cli_train import train_command

__all__ = ["main"]


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
        if not getattr(model, "is_conditional", False):
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
def _held_out(model, features):
    """The held-out real set a model is judged against, and the judge's name, by the model's data shape."""
    import keras_gan
    from keras_gan import metrics

    shape = tuple(model.data_shape)
    if features == "auto":
        features = "emoji_classifier" if shape[-1:] == (3,) else "mnist_classifier"
    if features == "emoji_classifier" or (features == "inception" and shape[-1:] == (3,)):
        if shape[-1:] != (3,) or shape[0] != shape[1]:
            raise ValueError(f"emoji_classifier judges square colour images; the model makes {shape}. "
                             f"Use --features mnist_classifier for 28x28x1 digits.")
        x_test, y_test = keras_gan.data.load("noto_emoji_test", image_size=shape[0])
        return x_test, y_test, features, "585 held-out noto_emoji images"
    if shape != (28, 28, 1) and features == "mnist_classifier":
        raise ValueError(f"mnist_classifier judges 28x28x1 digits; the model makes {shape}. "
                         f"Use --features emoji_classifier for colour images.")
    _, (x_test, y_test) = metrics.mnist_split()
    return x_test, y_test, features, "1,000 held-out mnist_5k digits"


def _evaluate(args):
    import keras_gan
    from keras_gan import metrics

    reports, against = {}, set()
    for name in args.names:
        model = keras_gan.zoo.load(name, compile=False)
        x_test, y_test, features, what = _held_out(model, args.features)
        num_samples = args.num_samples or len(x_test)
        print(f"Sampling {num_samples} images from {name}:")
        swd = args.swd if args.swd is not None else tuple(model.data_shape)[-1:] == (3,)
        reports[name] = metrics.evaluate(model, x_test, y_test, num_samples=num_samples, seed=args.seed,
                                         features=features, kid_subset_size=min(1000, num_samples // 2), swd=swd)
        against.add(f"the {what}, features of {features}")
    print(f"\nAgainst {'; '.join(sorted(against))}:")
    print(metrics.format_report(reports))


def _evaluate_command(commands):
    parser = commands.add_parser(
        "evaluate", help="figures (Fréchet distance, KID, IS, precision/recall) of zoo models or presets",
        description="Sample each model and score it against a held-out real set on a judge's features: "
                    "28x28x1 models against the 1,000 held-out digits of mnist_5k (mnist_classifier), colour "
                    "models against the 585 held-out noto_emoji images (emoji_classifier, 32x32; 64x64 "
                    "samples are area-resized). Conditional models draw labels at the held-out set's frequencies.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("names", nargs="+", help="zoo entries or local preset directories")
    parser.add_argument("-n", "--num-samples", type=int, default=None,
                        help="generated samples (default: the held-out set's size, as the zoo's figures)")
    parser.add_argument("--features", default="auto",
                        choices=("auto", "mnist_classifier", "emoji_classifier", "inception"),
                        help="the judge (auto: by the model's data shape; inception needs the internet once)")
    parser.add_argument("--seed", type=int, default=0, help="sampling seed")
    parser.add_argument("--swd", action=argparse.BooleanOptionalAction, default=None,
                        help="also the sliced Wasserstein distance on Laplacian pyramids (weight-free; "
                             "default: on for colour models)")
    parser.set_defaults(run=_evaluate)


COMMANDS = (_zoo_command, _sample_command, train_command, _evaluate_command)

PACKAGE = os.path.dirname(os.path.abspath(__file__))


def _users_mistake(error):
    """Whether `error` is a ValueError, FileNotFoundError or ImportError raised by keras-gan's own code (its input
    checks, which say what was expected and the fix) rather than deeper down (a bug, shown with its traceback)."""
    if not isinstance(error, (ValueError, FileNotFoundError, ImportError)):
        return False
    frame = error.__traceback__
    while frame.tb_next is not None:
        frame = frame.tb_next
    return os.path.abspath(frame.tb_frame.f_code.co_filename).startswith(PACKAGE + os.sep)


def main(argv=None):
    """Runs `keras-gan` with `argv` (default: the process's arguments); returns the exit status.

    A mistake keras-gan's checks catch prints `keras-gan: error: MESSAGE` to stderr and returns 2.
    """
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
    try:
        args.run(args)
    except (ValueError, FileNotFoundError, ImportError) as error:
        if not _users_mistake(error):
            raise
        print(f"keras-gan: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
