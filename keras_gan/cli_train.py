"""`keras-gan train`: a model trained on a named dataset or a folder of images, with grids, a preset and resume."""

import argparse
import json
import os
import shutil
import sys
import warnings

__all__ = ["FOLDER_FLAGS", "LATENT_DIMS", "MODELS", "RESUME_SETTINGS", "STYLEGAN2_CPU", "train_command"]


MODELS = {"gan": "GAN", "dcgan": "DCGAN", "cgan": "ConditionalGAN", "wgan": "WGAN", "wgan_gp": "WGANGP",
          "stylegan2": "StyleGAN2"}

# --latent-dim when it is not given.
LATENT_DIMS = {"stylegan2": 128}
DEFAULT_LATENT_DIM = 100

# StyleGAN2's CPU-sized configuration (docs/stylegan2.md); --filters sets channel_max, --latent-dim z and w.
STYLEGAN2_CPU = {"mapping_layers": 2, "channel_base": 1024, "channel_max": 64, "r1_gamma": 0.01}


# Options of `keras_gan.data.from_directory` that only folders take: flag -> keyword.
FOLDER_FLAGS = {"channels": "channels", "background": "background", "aspect": "aspect", "upscale": "allow_upscale"}


def _load_training_data(args):
    """`(data, labels or None, data_shape, has_labels, num_classes or None)` for `fit`."""
    import numpy as np

    from keras_gan import data

    if args.dataset not in data.DATASETS and data.names_a_folder(args.dataset):
        return _load_folder(args)
    given = [f"--{flag}" for flag in FOLDER_FLAGS if getattr(args, flag) not in (None, False)]
    if given:
        raise ValueError(f"{', '.join(given)} apply to folders of images, but {args.dataset!r} is not a folder. "
                         f"Drop them, or pass --dataset path/to/folder.")
    kwargs = {}
    if args.dataset not in data.DATASETS:
        kwargs = {"batch_size": args.batch_size, "seed": args.seed, "data_dir": args.data_dir,
                  "download": args.download}
    if args.image_size:  # offline names that cannot be resized refuse it
        kwargs["image_size"] = args.image_size
    loaded = data.load(args.dataset, limit=args.limit, **kwargs)
    if isinstance(loaded, tuple):
        x, y = loaded
        return x, y, tuple(x.shape[1:]), y is not None, None if y is None else int(np.max(y)) + 1
    spec = loaded.element_spec
    images = spec[0] if isinstance(spec, tuple) else spec
    return loaded, None, tuple(images.shape[1:]), isinstance(spec, tuple) and len(spec) > 1, None


def _load_folder(args):
    """`_load_training_data` for a folder: decoded once into arrays; subfolders are classes for cgan."""
    from keras_gan import data, networks

    size = args.image_size or (64, 64)
    # The convolutional models' sizes, checked before decoding a large folder.
    if args.model == "stylegan2":
        _check_stylegan2_shape(args, (*size, 3))
    elif args.model != "gan":
        networks.dcgan_stages((*size, 3))
    options = {key: getattr(args, flag) for flag, key in FOLDER_FLAGS.items() if getattr(args, flag) is not None}
    # Only cgan reads labels: other models train on every image, class subfolders or not.
    labels = "inferred" if args.model == "cgan" else None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        x, y = data.from_directory(args.dataset, size, labels=labels, limit=args.limit, **options)
    for warning in caught:
        print(f"keras-gan: warning: {warning.message}", file=sys.stderr)
    classes = data.directory_class_names(args.dataset) if y is not None else []
    print(f"Read {len(x)} images from {args.dataset} as {'x'.join(map(str, x.shape[1:]))}"
          + (f", {len(classes)} classes: {', '.join(classes)}" if classes else ""))
    return x, y, tuple(x.shape[1:]), y is not None, len(classes) or None


def _check_stylegan2_shape(args, data_shape):
    height, width = data_shape[:2]
    if height != width or height < 8 or height & (height - 1):
        raise ValueError(
            f"stylegan2 needs square images whose side is a power of two (8, 16, 32, 64, ...), but "
            f"{args.dataset!r} gives {'x'.join(map(str, data_shape))}. Pass --image-size 32 (or 64) with a folder, "
            f"a noto_emoji name or a TensorFlow Datasets name, e.g. --dataset noto_emoji_train --image-size 32."
        )


def _build_model(args, data_shape, has_labels, num_classes):
    import keras_gan

    kwargs = {"latent_dim": args.latent_dim, "seed": args.seed}
    if args.model == "stylegan2":
        _check_stylegan2_shape(args, data_shape)
        if args.generator_filters:
            raise ValueError("--generator-filters: stylegan2's G and D share one width; pass --filters (its "
                             "channel_max, default 64) instead.")
        options = {**STYLEGAN2_CPU, **({"channel_max": args.filters} if args.filters else {})}
        return keras_gan.StyleGAN2(data_shape, w_dim=args.latent_dim, **options, **kwargs)
    if args.filters and args.model != "gan":
        kwargs["filters"] = args.filters
    if args.generator_filters and args.model != "gan":
        kwargs["generator_filters"] = args.generator_filters
    if args.hidden_units and args.model in ("gan", "wgan_gp"):
        kwargs["hidden_units"] = args.hidden_units
    if args.model == "cgan":
        folder = os.path.isdir(os.path.expanduser(args.dataset))
        if not has_labels:
            raise ValueError(
                f"cgan needs class labels, but {args.dataset!r} has none"
                + (": it has no subfolders of images. Put each class's images in a subfolder of its own "
                   "(e.g. DIR/cats/, DIR/dogs/)" if folder else
                   ". Use a labelled dataset (mnist_5k, mnist, cifar10, a folder with one subfolder per class)")
                + ", or train another model (dcgan)."
            )
        if folder and args.num_classes and args.num_classes != num_classes:
            raise ValueError(f"--num-classes {args.num_classes} disagrees with the {num_classes} class subfolders "
                             f"of {args.dataset}; drop --num-classes: folders count their classes.")
        num_classes = args.num_classes or num_classes
        if num_classes is None:
            raise ValueError(f"Pass --num-classes: {args.dataset!r} streams, so its labels are not counted.")
        kwargs["num_classes"] = num_classes
    return getattr(keras_gan, MODELS[args.model])(data_shape, **kwargs)


# What `--resume` must find unchanged: the flags that shape the model, and the data's shape.
RESUME_SETTINGS = ("model", "latent_dim", "seed", "filters", "generator_filters", "hidden_units")


def _checkpoint(args, data_shape, num_classes):
    """`(BackupAndRestore callback for OUT/checkpoint, epochs already trained)`, after checking `--resume`."""
    import keras

    directory = os.path.join(args.out, "checkpoint")
    progress, run_file = os.path.join(directory, "training_metadata.json"), os.path.join(directory, "run.json")
    settings = {name: getattr(args, name) for name in RESUME_SETTINGS}
    settings.update(data_shape=list(data_shape), num_classes=num_classes)
    settings = json.loads(json.dumps(settings))  # tuples as JSON gives them back
    done = 0
    if args.resume:
        if not (os.path.exists(progress) and os.path.exists(run_file)):
            raise ValueError(f"--resume: {args.out} holds no checkpoint ({progress} is missing). Expected the --out "
                             f"of an earlier `keras-gan train` that finished an epoch; run without --resume to start.")
        with open(progress) as f:
            done = int(json.load(f)["epoch"])
        with open(run_file) as f:
            run = json.load(f)
        changed = [f"{k} {run['settings'].get(k)} then, {v} now" for k, v in settings.items()
                   if run["settings"].get(k) != v]
        if changed:
            raise ValueError(f"--resume continues the model in {args.out}, but this run's model differs: "
                             f"{'; '.join(changed)}. Repeat the earlier run's options: {run['command']}")
        if done >= args.epochs:
            raise ValueError(f"--resume: {args.out} has trained {done} epochs already and --epochs is {args.epochs}. "
                             f"--epochs counts every epoch, the earlier ones too: pass more than {done}.")
        print(f"Resuming {args.out} after epoch {done} of {args.epochs}.")
    else:
        if os.path.isdir(directory):
            print(f"{args.out} held a checkpoint; starting afresh (pass --resume to continue it).")
            shutil.rmtree(directory)
        os.makedirs(directory)
        with open(run_file, "w") as f:
            json.dump({"command": "keras-gan " + " ".join(args.argv), "settings": settings}, f, indent=1)
    # Written after every epoch and kept at the end, so that a finished run can be trained on as well.
    return keras.callbacks.BackupAndRestore(directory, delete_checkpoint=False, double_checkpoint=True), done


def _train(args):
    import keras

    from keras_gan.mixed_precision import use_precision
    from keras_gan.training import save_run, train_run

    args.latent_dim = args.latent_dim or LATENT_DIMS.get(args.model, DEFAULT_LATENT_DIM)
    if args.seed is not None:
        keras.utils.set_random_seed(args.seed)
    x, y, data_shape, has_labels, num_classes = _load_training_data(args)
    use_precision(args.precision)  # before the model: its layers take the global dtype policy
    if len(data_shape) != 3:
        raise ValueError(
            f"keras-gan train writes image grids, but {args.dataset!r} has samples of shape {data_shape}. "
            f"Use an image dataset, or train vector data with the Python API (keras_gan.GAN(...).fit)."
        )
    model = _build_model(args, data_shape, has_labels, num_classes)
    checkpoint, done = _checkpoint(args, data_shape, getattr(model, "num_classes", None))
    history, seconds = train_run(
        model, x, y if args.model == "cgan" else None, out=args.out, epochs=args.epochs,
        batch_size=args.batch_size, ema=args.ema, seed=args.seed, gif=args.gif, plot_name="history.png",
        callbacks=[checkpoint],
    )
    save_run(model, args.out, history, seconds, command="keras-gan " + " ".join(args.argv), dataset=args.dataset,
             fit={"epochs": args.epochs, "batch_size": args.batch_size, "limit": args.limit, "ema": args.ema,
                  **({"resumed_after_epoch": done} if done else {})})
    print(json.dumps({k: round(float(v[-1]), 4) for k, v in history.history.items()}))
    print(f"Wrote {args.out}: samples.png, history.png, epochs/, checkpoint/ (--resume), and a preset "
          f"(config.json, model.weights.h5, metadata.json). Sample more: keras-gan sample {args.out}")


def _size(text):
    height, _, width = text.partition("x")
    return (int(height), int(width or height))


def _units(text):
    return tuple(int(v) for v in text.split(","))


def train_command(commands):
    """Adds the `train` subcommand to the `commands` subparsers."""
    parser = commands.add_parser(
        "train", help="train a model on a dataset; writes sample grids, a loss plot and a preset",
        description="Train MODEL on an image dataset with the paper's defaults (stylegan2: a CPU-sized\n"
                    "configuration, docs/stylegan2.md). Writes to --out (grids from the latents of --seed):\n"
                    "  epochs/epoch_NNN.png  a grid of fixed latents after every epoch\n"
                    "  samples.png           the final grid (cgan: one row per class)\n"
                    "  history.png           losses per epoch (keras_gan.plot_history)\n"
                    "  config.json, model.weights.h5, metadata.json\n"
                    "                        a preset: `keras-gan sample OUT`, keras_gan.zoo.load(OUT)\n"
                    "  checkpoint/           weights and optimizer state after every epoch, for --resume\n\n"
                    "A folder of PNG/JPEG images is decoded once into memory: transparency on --background,\n"
                    "centre-cropped (or --aspect pad) and resized to --image-size; files that do not decode\n"
                    "are skipped with a warning; images smaller than --image-size are refused unless\n"
                    "--upscale. For cgan, each subfolder is a class.",
        epilog="examples:\n"
               "  keras-gan train dcgan --dataset mnist_5k --epochs 10 --out runs/dcgan\n"
               "  keras-gan train cgan --dataset mnist_5k --epochs 10 --out runs/cgan --ema 0.999\n"
               "  keras-gan train wgan_gp --dataset cifar10 --data-dir ~/tensorflow_datasets --out runs/wgan\n"
               "  keras-gan train stylegan2 --dataset noto_emoji_train --image-size 32 --out runs/stylegan2\n"
               "  keras-gan train dcgan --dataset path/to/faces/ --image-size 64 --out runs/faces\n"
               "  keras-gan train dcgan --dataset path/to/faces/ --image-size 64 --out runs/faces \\\n"
               "      --epochs 20 --resume                    # 10 more epochs on the run above\n"
               "  keras-gan train cgan --dataset path/to/pets/ --out runs/pets   # pets/cats/, pets/dogs/",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("model", choices=sorted(MODELS), metavar="MODEL",
                        help="one of gan (MLPs), dcgan, cgan (conditional), wgan (weight clipping), wgan_gp, "
                             "stylegan2 (CPU-sized; square images of a power-of-two side)")
    parser.add_argument("--dataset", default="mnist_5k",
                        help="offline: mnist_5k, digits, noto_emoji_train (colour); a TensorFlow Datasets name "
                             "(mnist, fashion_mnist, cifar10, celeb_a, ...); or a folder of images "
                             "(default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=10, help="passes over the data (default: %(default)s)")
    parser.add_argument("--batch-size", type=int, default=64, help="samples per step (default: %(default)s)")
    parser.add_argument("--out", required=True, help="output folder (created)")
    parser.add_argument("--latent-dim", type=int,
                        help=f"size of z (default: {DEFAULT_LATENT_DIM}; stylegan2: {LATENT_DIMS['stylegan2']}, "
                             f"and w too)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the weights, of training's randomness and of the grids' latents (default: "
                             "%(default)s)")
    parser.add_argument("--limit", type=int, help="train on LIMIT samples only (offline names and folders: "
                                                  "a fixed random subset; TensorFlow Datasets: the first)")
    parser.add_argument("--filters", type=int, help="width of the conv networks (dcgan, cgan, wgan, wgan_gp; default "
                                                     "64); stylegan2: channel_max (default 64)")
    parser.add_argument("--generator-filters", type=int,
                        help="width of the conv generator alone (dcgan, cgan, wgan, wgan_gp; default: --filters)")
    parser.add_argument("--hidden-units", type=_units, help="widths of the MLPs, e.g. 256,256 (gan; wgan_gp on vectors)")
    parser.add_argument("--num-classes", type=int, help="cgan on a streamed dataset: number of classes "
                                                        "(folders count their class subfolders)")
    parser.add_argument("--ema", type=float, help="keep a moving average of G's weights with this decay "
                                                  "(e.g. 0.999) and sample from it")
    parser.add_argument("--gif", action="store_true", help="also write epochs/progress.gif")
    parser.add_argument("--precision", choices=("auto", "bf16", "fp32"), default="auto",
                        help="train in float32 (fp32) or mixed bfloat16 (bf16); auto: bf16 where the machine has "
                             "bfloat16 units and this backend was measured faster in it, else fp32 (default: "
                             "%(default)s). Sampling stays float32; the preset records the choice")
    parser.add_argument("--image-size", type=_size, help="folders, TensorFlow Datasets and the noto_emoji names "
                                                         "(square, at most 64): resize to HxW (e.g. 64 or 64x64; "
                                                         "folders default to 64x64); other offline names refuse it")
    parser.add_argument("--channels", type=int, choices=(1, 3),
                        help="folders: 1 (grayscale) or 3 (RGB); default: 1 if every image is grayscale, else 3")
    parser.add_argument("--background", help="folders: colour under transparent pixels and in padding, "
                                             "a name or #rrggbb (default: white)")
    parser.add_argument("--aspect", choices=("crop", "pad"),
                        help="folders: centre-crop non-square images (default) or pad them with --background")
    parser.add_argument("--upscale", action="store_true",
                        help="folders: enlarge images smaller than --image-size instead of refusing them")
    parser.add_argument("--resume", action="store_true",
                        help="continue the run in --out from its last epoch's checkpoint, up to --epochs in all")
    parser.add_argument("--data-dir", help="TensorFlow Datasets: where the prepared data lives")
    parser.add_argument("--download", action="store_true",
                        help="TensorFlow Datasets: download and prepare the data if it is missing")
    parser.set_defaults(run=_train)
