"""Retrain a zoo entry from scratch and write its preset directory, figures and manifest record.

    python tools/train_zoo.py dcgan_mnist                 # into the repository's zoo (updates manifest.json)
    python tools/train_zoo.py dcgan_mnist --out my_run/   # a local preset: keras_gan.zoo.load("my_run/")
    python tools/train_zoo.py --figures dcgan_mnist       # only recompute an entry's figures

A tool of the repository, not of the installed package: it writes into `zoo/`. The run itself
is `keras_gan.training.train_run` and its record `keras_gan.training.save_run`, as `keras-gan train`.
"""

import argparse
import copy
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

def _adam(learning_rate, beta_1=0.5, beta_2=0.999, decay_steps=None):
    """An Adam optimizer spec, as `keras.optimizers.deserialize` takes it.

    With `decay_steps`, the rate falls linearly to 0 over that many updates (a
    `keras.optimizers.schedules.PolynomialDecay`), as SN-GAN and Mimicry train.
    """
    if decay_steps:
        learning_rate = {"module": "keras.optimizers.schedules", "class_name": "PolynomialDecay",
                         "config": {"initial_learning_rate": learning_rate, "decay_steps": decay_steps,
                                    "end_learning_rate": 0.0}}
    return {"class_name": "Adam", "config": {"learning_rate": learning_rate, "beta_1": beta_1, "beta_2": beta_2}}


_DCGAN_EPOCHS = 440
_DCGAN_STEPS = _DCGAN_EPOCHS * -(-4000 // 64)  # its rates decay over the whole run: 4,000 digits, batch 64
_CGAN_EPOCHS = 200
_CGAN_STEPS = _CGAN_EPOCHS * -(-4000 // 64)
_WGAN_EPOCHS = 220
_WGAN_STEPS = _WGAN_EPOCHS * -(-4000 // 64)  # generator steps
_EMOJI_EPOCHS = 220
_EMOJI_STEPS = _EMOJI_EPOCHS * -(-3196 // 64)  # noto_emoji_train: 3,196 images, batch 64
_CGAN_EMOJI_EPOCHS = 130
_CGAN_EMOJI_STEPS = _CGAN_EMOJI_EPOCHS * -(-3196 // 64)

# The colour entries: 32×32 emoji, judged by `emoji_classifier` against the 585 held-out images.
_EMOJI = {"dataset": "noto_emoji_train", "test_dataset": "noto_emoji_test", "data": {"image_size": 32},
          "features": "emoji_classifier"}


# Each entry: model class and arguments, compile arguments (optimizer specs, loss), fit
# arguments, and `ema`: the decay of a `GeneratorEMA` the samples come from. Trained on mnist_5k.
RECIPES = {
    "mnist_classifier": {
        "class": "Sequential", "model": {}, "fit": {"epochs": 30, "batch_size": 64}, "classifier": True,
        "description": "CNN digit classifier (4,000 train digits of mnist_5k): the offline feature network "
                       "for Fréchet distance, KID, IS and precision/recall.",
    },
    "gan_mnist": {
        "class": "GAN", "model": {"data_shape": [28, 28, 1], "latent_dim": 100, "hidden_units": [1024, 1024],
                                  "dropout": 0.3, "seed": 0},
        "compile": {"d_optimizer": _adam(2e-4), "g_optimizer": _adam(2e-4)},
        "fit": {"epochs": 150, "batch_size": 64}, "ema": 0.999, "ema_start": 1000, "eval_every": 25,
        "description": "Goodfellow et al. 2014 MLP GAN (non-saturating loss, 2x1024 units) with a generator EMA, "
                       "on the 4,000 training digits of mnist_5k.",
    },
    "dcgan_mnist": {
        "class": "DCGAN", "model": {"data_shape": [28, 28, 1], "latent_dim": 64, "filters": 64, "seed": 0,
                                    "augment": "translation,cutout", "augment_p": "adaptive",
                                    "d_normalization": "spectral"},
        "compile": {"d_optimizer": _adam(1e-3, decay_steps=_DCGAN_STEPS), "g_optimizer": _adam(2e-3, decay_steps=_DCGAN_STEPS),
                    "loss": "hinge"},
        "fit": {"epochs": _DCGAN_EPOCHS, "batch_size": 64}, "ema": 0.999, "ema_start": 1000, "eval_every": 20,
        "description": "Radford et al. 2015 DCGAN with a spectrally normalized discriminator (SN-GAN, Miyato et al. "
                       "2018), trained with the hinge loss, adaptive DiffAugment (ADA's p schedule; translation, "
                       "cutout) and a generator EMA, on the 4,000 training digits of mnist_5k.",
    },
    "cgan_mnist": {
        "class": "ConditionalGAN", "model": {"data_shape": [28, 28, 1], "num_classes": 10, "latent_dim": 100,
                                             "filters": 64, "conditioning": "projection", "seed": 0,
                                             "augment": "translation,cutout", "augment_p": "adaptive",
                                             "d_normalization": "spectral"},
        "compile": {"d_optimizer": _adam(1e-3, decay_steps=_CGAN_STEPS), "g_optimizer": _adam(2e-3, decay_steps=_CGAN_STEPS),
                    "loss": "hinge"},
        "fit": {"epochs": _CGAN_EPOCHS, "batch_size": 64}, "labels": True, "ema": 0.999, "ema_start": 1000,
        "eval_every": 20,
        "description": "Mirza & Osindero 2014 conditional DCGAN-style GAN with a spectrally normalized projection "
                       "discriminator (Miyato & Koyama 2018), trained with the hinge loss, adaptive DiffAugment (translation, "
                       "cutout) and a generator EMA, on the 4,000 labelled training digits of mnist_5k.",
    },
    "wgan_gp_mnist": {
        "class": "WGANGP", "model": {"data_shape": [28, 28, 1], "latent_dim": 64, "filters": 32,
                                     "generator_filters": 64, "seed": 0},
        # The critic's optimizer takes 5 updates per generator step: its rate decays over 5x the steps.
        "compile": {"d_optimizer": _adam(4e-4, 0.5, 0.9, decay_steps=5 * _WGAN_STEPS),
                    "g_optimizer": _adam(4e-4, 0.5, 0.9, decay_steps=_WGAN_STEPS)},
        "fit": {"epochs": _WGAN_EPOCHS, "batch_size": 64}, "ema": 0.999, "ema_start": 500, "eval_every": 20,
        "description": "Gulrajani et al. 2017 WGAN-GP (layer-norm conv critic of 32 filters, generator of 64, 5 critic "
                       "steps, lambda 10), rates "
                       "decaying linearly to 0 as in the paper's CIFAR runs, with a generator EMA, on the 4,000 "
                       "training digits of mnist_5k.",
    },
    "dcgan_emoji": {
        **_EMOJI,
        "class": "DCGAN", "model": {"data_shape": [32, 32, 3], "latent_dim": 128, "filters": 64, "seed": 0,
                                    "augment": "translation,cutout,color", "augment_p": "adaptive",
                                    "d_normalization": "spectral"},
        "compile": {"d_optimizer": _adam(1e-3, decay_steps=_EMOJI_STEPS),
                    "g_optimizer": _adam(2e-3, decay_steps=_EMOJI_STEPS), "loss": "hinge"},
        "fit": {"epochs": _EMOJI_EPOCHS, "batch_size": 64}, "ema": 0.999, "ema_start": 1000, "eval_every": 20,
        "description": "Radford et al. 2015 DCGAN at 32x32x3 with a spectrally normalized discriminator, the hinge "
                       "loss, adaptive DiffAugment (translation, cutout, colour) and a generator EMA, on the 3,196 "
                       "training emoji of noto_emoji (Google's Noto Emoji, Apache-2.0).",
    },
    "cgan_emoji": {
        **_EMOJI,
        "class": "ConditionalGAN", "model": {"data_shape": [32, 32, 3], "num_classes": 9, "latent_dim": 128,
                                             "filters": 64, "conditioning": "projection", "seed": 0,
                                             "augment": "translation,cutout,color", "augment_p": "adaptive",
                                             "d_normalization": "spectral"},
        "compile": {"d_optimizer": _adam(1e-3, decay_steps=_CGAN_EMOJI_STEPS),
                    "g_optimizer": _adam(2e-3, decay_steps=_CGAN_EMOJI_STEPS), "loss": "hinge"},
        "fit": {"epochs": _CGAN_EMOJI_EPOCHS, "batch_size": 64}, "labels": True, "ema": 0.999, "ema_start": 1000,
        "eval_every": 10,
        "description": "Conditional DCGAN-style GAN at 32x32x3 on the 9 emoji categories, with a spectrally "
                       "normalized projection discriminator (Miyato & Koyama 2018), the hinge loss, adaptive "
                       "DiffAugment (translation, cutout, colour) and a generator EMA, on the 3,196 labelled "
                       "training emoji of noto_emoji (Google's Noto Emoji, Apache-2.0).",
    },
}


def _test_set(recipe):
    """The held-out images and labels an entry is judged against."""
    import keras_gan

    if "test_dataset" in recipe:
        return keras_gan.data.load(recipe["test_dataset"], **recipe.get("data", {}))
    _, test = keras_gan.metrics.mnist_split()
    return test


def train(name, out=None, epochs=None):
    """Trains entry `name` and writes its preset; returns `(directory, manifest record)`.

    Args:
        name: a key of `RECIPES`.
        out: output directory; default: the zoo's own directory for `name`, and the
            manifest is updated.
        epochs: override the recipe's epochs (quick checks).
    """
    import keras
    import numpy as np

    import keras_gan
    from keras_gan import zoo
    from keras_gan.training import save_run, train_run

    recipe = RECIPES[name]
    fit_args = {**recipe["fit"], **({"epochs": epochs} if epochs else {})}
    in_zoo = out is None
    directory = out or os.path.join(zoo.zoo_dir(), name)
    command = f"KERAS_BACKEND={keras.backend.backend()} python tools/train_zoo.py {name}"
    if recipe.get("classifier"):
        import time

        start = time.perf_counter()
        model, history, accuracy = keras_gan.metrics.train_mnist_classifier(**fit_args)
        seconds = time.perf_counter() - start
        files, meta = save_run(model, directory, history, seconds, command=command, dataset="mnist_5k", fit=fit_args,
                               description=recipe["description"],
                               figures={"test_accuracy": round(accuracy, 4), "num_test": 1000, "num_train": 4000},
                               recipe=recipe_record(recipe, fit_args))
    else:
        keras.utils.set_random_seed(0)
        x, y = keras_gan.data.load(recipe.get("dataset", "mnist_5k_train"), **recipe.get("data", {}))
        model = getattr(keras_gan, recipe["class"])(**recipe["model"])
        model.compile(**compile_arguments(recipe))
        curve = None
        if recipe.get("eval_every"):
            x_test, y_test = _test_set(recipe)
            # Conditional entries are sampled at the held-out label mix, as their final figures.
            curve = keras_gan.metrics.Evaluation(x_test, every=recipe["eval_every"],
                                                 real_labels=y_test if recipe.get("labels") else None,
                                                 num_samples=min(NUM_SAMPLES, len(x_test)),
                                                 kid_subset_size=min(KID_SUBSET, len(x_test) // 2),
                                                 features=recipe.get("features", "mnist_classifier"))

        def final_grid():  # conditional entries: ten per class, a row each
            if recipe.get("labels"):
                labels = np.repeat(np.arange(model.num_classes), 10)
                return model.generate(len(labels), labels=labels, seed=0), 10
            return model.generate(64, seed=0), None

        history, seconds = train_run(
            model, x, y if recipe.get("labels") else None, out=directory, epochs=fit_args["epochs"],
            batch_size=fit_args["batch_size"], ema=recipe.get("ema"), ema_start=recipe.get("ema_start", 0),
            grids=False, plot_name=None, final_grid=final_grid, callbacks=[curve] if curve else [])
        extra = {"curve": _curve(history, curve, -(-len(x) // fit_args["batch_size"]))} if curve else {}
        files, meta = save_run(model, directory, history, seconds, command=command,
                               dataset=recipe.get("dataset", "mnist_5k_train"), fit=fit_args,
                               weights_dtype="float16", description=recipe["description"],
                               figures=entry_figures(model, recipe), recipe=recipe_record(recipe, fit_args), **extra)
    record = {"path": name, "files": files}
    if in_zoo:
        _write_manifest(name, record)
    return directory, {**record, "train_seconds": meta["train_seconds"]}


def _curve(history, evaluation, steps_per_epoch):
    """The figures along a run (every `eval_every` epochs) beside that epoch's logged losses."""
    import keras_gan

    skip = keras_gan.metrics.Evaluation.KEYS
    return [
        {"epoch": epoch, "steps": epoch * steps_per_epoch, "frechet_distance": round(r["frechet_distance"], 3),
         "recall": round(r["recall"], 3), "precision": round(r["precision"], 3),
         "min_class_share": round(min(r["class_share"]), 3),
         # the epoch's logged losses beside its figures: does the loss track sample quality?
         **{k: round(float(v[epoch - 1]), 4) for k, v in history.history.items()
            if k not in skip and not k.endswith("learning_rate")}}
        for epoch, r in evaluation.reports
    ]


def compile_arguments(recipe):
    """`compile` keyword arguments of a recipe: fresh optimizers from its specs, and its loss."""
    import keras

    spec = recipe.get("compile", {})
    # A copy: `deserialize` rewrites the spec in place (its class name), which the metadata then records.
    arguments = {k: keras.optimizers.deserialize(copy.deepcopy(v)) for k, v in spec.items() if k.endswith("_optimizer")}
    if "loss" in spec:
        arguments["loss"] = spec["loss"]
    return arguments


def recipe_record(recipe, fit_args):
    """What a preset's metadata says about how it was trained."""
    return {"model": recipe["model"], "compile": recipe.get("compile", {}), "fit": fit_args,
            "ema": recipe.get("ema"), "ema_start": recipe.get("ema_start", 0)}


# Every figure: 1,000 samples against the 1,000 held-out digits of `mnist_split` (the classifier never saw them).
NUM_SAMPLES = 1000
KID_SUBSET = 500  # 100 subsets of 500 from each 1,000: a spread to report
SUMMARY_KEYS = ("frechet_distance", "kid", "inception_score", "precision", "recall", "label_accuracy",
                "mean_per_class_frechet_distance", "swd",
                "num_fake", "num_real", "test_accuracy")


def _rounded(report):
    return {k: (round(v, 5) if isinstance(v, float) else [round(x, 4) for x in v] if isinstance(v, list) else v)
            for k, v in report.items()}


def entry_figures(model, recipe=None):
    """A GAN's figures against its held-out set (`keras_gan.metrics.evaluate`, N fakes = N held-out, at most 1,000).

    Conditional models are sampled with labels at the held-out set's frequencies, and also get the
    mean and per-class FD of each class's samples against that class's held-out images.
    """
    import numpy as np

    from keras_gan import metrics

    recipe = recipe or {}
    x_test, y_test = _test_set(recipe)
    features = recipe.get("features", "mnist_classifier")
    network = metrics.feature_network(features)  # loaded once for every figure below
    n = min(NUM_SAMPLES, len(x_test))
    figures = metrics.evaluate(model, x_test, y_test, num_samples=n, kid_subset_size=min(KID_SUBSET, n // 2),
                               features=network, swd=tuple(model.data_shape)[-1:] == (3,))
    if features != "mnist_classifier" and getattr(model, "num_classes", None):
        real_features, _ = network(x_test)
        per_class = []
        for c in range(model.num_classes):
            count = int(np.sum(y_test == c))
            fake_features, _ = network(model.generate(count, labels=np.full(count, c), seed=1000 + c))
            per_class.append(metrics.frechet_distance(real_features[y_test == c], fake_features))
        figures["per_class_frechet_distance"] = per_class
        figures["mean_per_class_frechet_distance"] = float(np.mean(per_class))
    return _rounded(figures)


def emoji_baseline_figures():
    """Real emoji scored like a GAN: as many train images as held out (585, a fixed draw) against the held-out ones.

    Also the per-category FD of real train images against the held-out ones of the same category.
    """
    import numpy as np

    import keras_gan
    from keras_gan import metrics

    x, y = keras_gan.data.load("noto_emoji_train", image_size=32)
    x_test, y_test = keras_gan.data.load("noto_emoji_test", image_size=32)
    pick = np.sort(np.random.default_rng(0).choice(len(x), len(x_test), replace=False))
    network = metrics.feature_network("emoji_classifier")  # loaded once for every figure below
    report = metrics.compare(x_test, x[pick], features=network, real_labels=y_test, fake_labels=y[pick],
                             kid_subset_size=len(x_test) // 2, swd=True)
    real_features, _ = network(x_test)
    train_features, _ = network(x)
    rng = np.random.default_rng(1)  # per category: as many train images as held out, a fixed random draw
    per_class = [metrics.frechet_distance(real_features[y_test == c],
                                          train_features[rng.choice(np.flatnonzero(y == c), int(np.sum(y_test == c)),
                                                                    replace=False)])
                 for c in range(9)]
    report["per_class_frechet_distance"] = per_class
    report["mean_per_class_frechet_distance"] = float(np.mean(per_class))
    return _rounded(report)


def baseline_figures():
    """Real data scored like a GAN: 1,000 train digits (100 per class) against the 1,000 held-out ones."""
    import numpy as np

    from keras_gan import metrics

    (x_train, y_train), (x_test, y_test) = metrics.mnist_split()
    rng = np.random.default_rng(0)
    pick = rng.permutation(np.concatenate([rng.choice(np.flatnonzero(y_train == c), NUM_SAMPLES // 10,
                                                      replace=False) for c in range(10)]))
    return _rounded(metrics.compare(x_test, x_train[pick], real_labels=y_test, fake_labels=y_train[pick],
                                    kid_subset_size=KID_SUBSET))


def summary(figures):
    """The short form of a real-data baseline's figures (the manifest's `baselines`)."""
    return {k: figures[k] for k in SUMMARY_KEYS if k in figures}


def _write_manifest(name, record=None, baseline=None):
    from keras_gan import zoo

    path = os.path.join(zoo.zoo_dir(), "manifest.json")
    data = zoo.manifest() if os.path.exists(path) else {"entries": {}}
    if record is not None:
        data["entries"][name] = record
    if baseline is not None:
        data.setdefault("baselines", {})[name] = baseline
    with open(path, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)


def refresh_figures(name):
    """Recomputes a zoo entry's figures in place (metadata.json, its checksum, the manifest); returns them."""
    from keras_gan import zoo

    record = zoo.manifest()["entries"][name]
    figures = entry_figures(zoo.load(name, compile=False), RECIPES.get(name))
    directory = os.path.join(zoo.zoo_dir(), record["path"])
    meta_path = os.path.join(directory, zoo.METADATA_FILE)
    with open(meta_path) as f:
        meta = json.load(f)
    meta["figures"] = figures
    with open(meta_path, "w") as f:
        json.dump(meta, f, indent=1)
    record["files"][zoo.METADATA_FILE] = {"sha256": zoo.sha256_of(meta_path), "size": os.path.getsize(meta_path)}
    _write_manifest(name, record)
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description="Retrain a keras-gan zoo entry from scratch.")
    parser.add_argument("name", nargs="+", choices=sorted(RECIPES))
    parser.add_argument("--out", help="write a local preset directory here instead of into the zoo")
    parser.add_argument("--epochs", type=int, help="override the recipe's epochs")
    parser.add_argument("--figures", action="store_true",
                        help="only recompute the entries' figures (and the real-data baseline)")
    args = parser.parse_args(argv)
    if args.figures:
        from keras_gan.metrics import format_report

        reports = {}
        if any("features" not in RECIPES[n] for n in args.name):
            reports["real digits (train vs held-out)"] = baseline_figures()
            _write_manifest("mnist_5k", baseline=summary(reports["real digits (train vs held-out)"]))
        if any(RECIPES[n].get("features") == "emoji_classifier" for n in args.name):
            reports["real emoji (train vs held-out)"] = emoji_baseline_figures()
            _write_manifest("noto_emoji", baseline=summary(reports["real emoji (train vs held-out)"]))
        for name in args.name:
            reports[name] = refresh_figures(name)
        print(format_report(reports))
        return 0
    if len(args.name) > 1 and args.out:
        parser.error("--out takes one entry")
    for name in args.name:
        _train_and_report(name, args.out, args.epochs)
    return 0


def _train_and_report(name, out, epochs):
    directory, record = train(name, out, epochs)
    print(f"Wrote {directory} in {record['train_seconds']} s of training; files: "
          + ", ".join(f"{f} {m['size']:,} B" for f, m in record["files"].items()))


if __name__ == "__main__":
    sys.exit(main())
