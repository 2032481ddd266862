"""Command line: `keras-gan zoo`, `keras-gan sample NAME`, `keras-gan evaluate NAME` (also `python -m keras_gan`)."""

import argparse
import sys


def _zoo(args):
    from keras_gan import zoo

    print("\n".join(zoo.list()))


def _sample(args):
    import numpy as np

    import keras_gan

    model = keras_gan.zoo.load(args.name, compile=False)
    if isinstance(model, keras_gan.ConditionalGAN) and args.labels is None:
        per_class = max(1, args.num_samples // model.num_classes)
        labels = np.repeat(np.arange(model.num_classes), per_class)
        images, columns = model.generate(labels=labels, seed=args.seed), per_class
    else:
        labels = None if args.labels is None else [int(v) for v in args.labels.split(",")]
        if labels is not None and len(labels) == 1:
            labels = labels[0]
        kwargs = {"labels": labels} if labels is not None else {}
        images, columns = model.generate(args.num_samples, seed=args.seed, **kwargs), None
    keras_gan.save_image_grid(images, args.output, columns=columns)
    print(f"Wrote {len(images)} samples from {args.name} to {args.output}")


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


def main(argv=None):
    parser = argparse.ArgumentParser(prog="keras-gan", description="keras-gan: GANs for Keras 3.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("zoo", help="list the pretrained entries").set_defaults(run=_zoo)
    sample = commands.add_parser("sample", help="write a PNG grid of samples from a zoo entry or preset directory")
    sample.add_argument("name", help="zoo entry (see `keras-gan zoo`) or a local preset directory")
    sample.add_argument("-n", "--num-samples", type=int, default=64)
    sample.add_argument("-o", "--output", default="samples.png")
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--labels", help="conditional models: one label, or comma-separated labels")
    sample.set_defaults(run=_sample)
    evaluate = commands.add_parser(
        "evaluate", help="figures (Fréchet distance, KID, IS, precision/recall) of zoo entries on held-out MNIST")
    evaluate.add_argument("names", nargs="+", help="zoo entries or local preset directories trained on MNIST")
    evaluate.add_argument("-n", "--num-samples", type=int, default=1000,
                          help="generated samples (the zoo table uses 1,000, the held-out set's size)")
    evaluate.add_argument("--seed", type=int, default=0)
    evaluate.set_defaults(run=_evaluate)
    args = parser.parse_args(argv)
    args.run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
