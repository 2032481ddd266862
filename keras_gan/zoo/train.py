"""Retrain a zoo entry from scratch and write its preset directory and manifest record.

    python -m keras_gan.zoo.train dcgan_mnist                 # into the zoo (updates manifest.json)
    python -m keras_gan.zoo.train dcgan_mnist --out my_run/   # a local preset: keras_gan.zoo.load("my_run/")
"""

import argparse
import datetime
import json
import os
import platform
import sys
import time

# Each entry: model class and arguments, compile arguments, fit arguments. Trained on mnist_5k.
RECIPES = {
    "gan_mnist": {
        "class": "GAN", "model": {"data_shape": [28, 28, 1], "latent_dim": 100, "hidden_units": [512, 512],
                                  "dropout": 0.3, "seed": 0},
        "fit": {"epochs": 40, "batch_size": 64},
        "description": "Goodfellow et al. 2014 MLP GAN (non-saturating loss) on 5,000 MNIST digits.",
    },
    "dcgan_mnist": {
        "class": "DCGAN", "model": {"data_shape": [28, 28, 1], "latent_dim": 100, "filters": 64, "seed": 0},
        "fit": {"epochs": 25, "batch_size": 64},
        "description": "Radford et al. 2015 DCGAN on 5,000 MNIST digits.",
    },
    "cgan_mnist": {
        "class": "ConditionalGAN", "model": {"data_shape": [28, 28, 1], "num_classes": 10, "latent_dim": 100,
                                             "filters": 64, "seed": 0},
        "fit": {"epochs": 25, "batch_size": 64}, "labels": True,
        "description": "Mirza & Osindero 2014 conditional DCGAN-style GAN on 5,000 labelled MNIST digits.",
    },
    "wgan_gp_mnist": {
        "class": "WGANGP", "model": {"data_shape": [28, 28, 1], "latent_dim": 100, "filters": 32, "seed": 0},
        "fit": {"epochs": 30, "batch_size": 64},
        "description": "Gulrajani et al. 2017 WGAN-GP (layer-norm conv critic, 5 critic steps) on 5,000 MNIST digits.",
    },
}


def train(name, out=None, epochs=None):
    """Trains entry `name` and writes its preset; returns `(directory, manifest record)`.

    Args:
        name: a key of `RECIPES`.
        out: output directory; default: the zoo's own directory for `name`, and the
            manifest is updated.
        epochs: override the recipe's epochs (quick checks).
    """
    import keras

    import keras_gan
    from keras_gan import zoo

    recipe = RECIPES[name]
    keras.utils.set_random_seed(0)
    x, y = keras_gan.data.load("mnist_5k")
    model = getattr(keras_gan, recipe["class"])(**recipe["model"])
    model.compile()
    fit_args = {**recipe["fit"], **({"epochs": epochs} if epochs else {})}
    start = time.perf_counter()
    history = model.fit(x, y if recipe.get("labels") else None, **fit_args)
    seconds = time.perf_counter() - start
    in_zoo = out is None
    directory = out or os.path.join(zoo.zoo_dir(), name)
    command = f"KERAS_BACKEND={keras.backend.backend()} python -m keras_gan.zoo.train {name}"
    versions = {"backend": keras.backend.backend(), "keras": keras.__version__,
                "keras_gan": keras_gan.__version__, "python": platform.python_version()}
    backend_module = __import__({"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}[keras.backend.backend()])
    versions[keras.backend.backend()] = backend_module.__version__
    final = {k: round(float(v[-1]), 4) for k, v in history.history.items()}
    files, meta = zoo.save_preset(
        model, directory, description=recipe["description"], dataset="mnist_5k", command=command,
        trained_with=versions, date=datetime.date.today().isoformat(), train_seconds=round(seconds),
        fit=fit_args, final_logs=final, figures={},
    )
    record = {
        "class": recipe["class"], "config": recipe["model"], "path": name, "files": files,
        **{k: meta[k] for k in ("description", "dataset", "command", "trained_with", "date",
                                "train_seconds", "params", "final_logs", "figures")},
    }
    if in_zoo:
        path = os.path.join(zoo.zoo_dir(), "manifest.json")
        data = zoo.manifest() if os.path.exists(path) else {"entries": {}}
        data["entries"][name] = record
        with open(path, "w") as f:
            json.dump(data, f, indent=1, sort_keys=True)
    if recipe.get("labels"):  # one row per class
        import numpy as np

        images = model.generate(100, labels=np.repeat(np.arange(10), 10), seed=0)
        keras_gan.save_image_grid(images, os.path.join(directory, "samples.png"), columns=10)
    else:
        keras_gan.save_image_grid(model.generate(64, seed=0), os.path.join(directory, "samples.png"))
    return directory, record


def main(argv=None):
    parser = argparse.ArgumentParser(description="Retrain a keras-gan zoo entry from scratch.")
    parser.add_argument("name", choices=sorted(RECIPES))
    parser.add_argument("--out", help="write a local preset directory here instead of into the zoo")
    parser.add_argument("--epochs", type=int, help="override the recipe's epochs")
    args = parser.parse_args(argv)
    directory, record = train(args.name, args.out, args.epochs)
    print(f"Wrote {directory} in {record['train_seconds']} s of training; files: "
          + ", ".join(f"{f} {m['size']:,} B" for f, m in record["files"].items()))


if __name__ == "__main__":
    sys.exit(main())
