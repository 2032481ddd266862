"""Pretrained presets: list them, load one in a line, verified by sha256.

    keras_gan.zoo.list()                 # one line per entry
    model = keras_gan.zoo.load("dcgan_mnist")
    model = keras_gan.zoo.load("./my_run/")   # a local preset directory
"""

import difflib
import hashlib
import json
import os

import keras

from keras_gan import mixed_precision
from keras_gan.version import __version__

__all__ = [
    "CONFIG_FILE", "list", "load", "manifest", "metadata", "METADATA_FILE", "names", "PRESET_FILES",
    "save_preset", "sha256_of", "store_float16", "verify", "WEIGHTS_FILE", "zoo_dir",
]

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.weights.h5"
METADATA_FILE = "metadata.json"
PRESET_FILES = (CONFIG_FILE, WEIGHTS_FILE, METADATA_FILE)


def zoo_dir():
    """The folder holding `manifest.json` and the bundled preset directories."""
    try:
        from importlib.resources import files

        return str(files("keras_gan.presets"))
    except ModuleNotFoundError:  # running from a source checkout that is not installed
        return os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "zoo")


def manifest():
    """The parsed `manifest.json`: `{"entries": {name: {"path", "files"}}, "baselines": {...}}`.

    The manifest names each entry's directory and its files' checksums; everything else about an
    entry (class, dataset, figures, recipe, ...) is in its `metadata.json` (`metadata(name)`).
    """
    with open(os.path.join(zoo_dir(), "manifest.json")) as f:
        return json.load(f)


def names():
    """Names of the zoo's entries."""
    return sorted(manifest()["entries"])


def list():  # noqa: A001 - the documented name, `keras_gan.zoo.list()`
    """Returns one line per entry: name, model, dataset, parameters, figures, description."""
    lines = []
    for name in names():
        meta = metadata(name)
        figures = ", ".join(f"{k}={v}" for k, v in _summary(meta.get("figures", {})).items()) or "no figures yet"
        lines.append(
            f"{name:<16} {meta['class']:<15} {meta['dataset']:<16} {meta['params']:>9,} params  "
            f"{figures}  {meta['description']}"
        )
    return lines


SUMMARY_KEYS = ("frechet_distance", "precision", "recall", "label_accuracy", "test_accuracy")


def _summary(figures):
    return {k: figures[k] for k in SUMMARY_KEYS if k in figures}


def sha256_of(path):
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(path, expected_sha256, expected_size=None):
    """Raises `ValueError` naming `path` unless its size and sha256 are the expected ones."""
    actual = sha256_of(path)
    size = os.path.getsize(path)
    if actual != expected_sha256 or (expected_size is not None and size != expected_size):
        raise ValueError(
            f"{path} failed verification: expected sha256 {expected_sha256}"
            + (f" ({expected_size} bytes)" if expected_size is not None else "")
            + f", got sha256 {actual} ({size} bytes). The file is corrupt, truncated or was "
            f"changed; delete it and load again (remote files are re-downloaded), or retrain with "
            f"`python tools/train_zoo.py NAME` in a source checkout."
        )


def _resolve(name, cache_dir=None):
    """Local directory holding the verified preset files for `name`."""
    if os.path.isdir(name):
        directory = name
        with open(os.path.join(directory, METADATA_FILE)) as f:
            files = json.load(f)["files"]
        for file, record in files.items():
            verify(os.path.join(directory, file), record["sha256"], record["size"])
        return directory
    entries = manifest()["entries"]
    if name not in entries:
        close = difflib.get_close_matches(name, entries, n=1)
        hint = f' Did you mean "{close[0]}"?' if close else ""
        raise ValueError(f"Unknown zoo entry {name!r}.{hint} Available: {', '.join(sorted(entries))}.")
    record = entries[name]
    if "url" in record:
        if cache_dir:  # get_file falls back to /tmp/.keras when the folder does not exist yet
            os.makedirs(cache_dir, exist_ok=True)
        directory = None
        for file, meta in record["files"].items():
            # get_file checks the hash, re-downloads a cached file that fails it, and caches
            # under the Keras cache dir (~/.keras/keras_gan/NAME).
            path = keras.utils.get_file(
                fname=file, origin=record["url"].rstrip("/") + "/" + file,
                file_hash=meta["sha256"], hash_algorithm="sha256",
                cache_subdir=os.path.join("keras_gan", name), cache_dir=cache_dir,
            )
            verify(path, meta["sha256"], meta["size"])
            directory = os.path.dirname(path)
        return directory
    directory = os.path.join(zoo_dir(), record["path"])
    for file, meta in record["files"].items():
        verify(os.path.join(directory, file), meta["sha256"], meta["size"])
    return directory


def load(name, compile=True, cache_dir=None):
    """Loads a zoo entry or a local preset directory, after verifying every file.

    Args:
        name: an entry of `names()`, or a directory with `config.json`,
            `model.weights.h5` and `metadata.json`.
        compile: compile with the model's default optimizers, ready to fine-tune.
        cache_dir: where remote entries are cached (default: the Keras cache dir).

    Returns:
        The model, e.g. a `keras_gan.DCGAN` (or the `mnist_classifier` Keras model).
    """
    directory = _resolve(name, cache_dir)
    with open(os.path.join(directory, CONFIG_FILE)) as f:
        model = keras.saving.deserialize_keras_object(json.load(f))
    model.load_weights(os.path.join(directory, WEIGHTS_FILE))
    if compile:
        model.compile()
    return model


def metadata(name):
    """The `metadata.json` of an entry or a local preset directory (verified)."""
    with open(os.path.join(_resolve(name), METADATA_FILE)) as f:
        return json.load(f)


def _params(model):
    if hasattr(model, "generator"):  # the two networks; the model's own variables are seed states
        return int(model.generator.count_params() + model.discriminator.count_params())
    return int(model.count_params())


def store_float16(path):
    """Rewrites a `.weights.h5` file with its float32 arrays stored as float16 (half the bytes).

    Keras casts them back to the variables' float32 on loading; the rounding (relative 2^-11)
    changes generated pixels by about 1e-3. Integer arrays (seed states) are kept as they are.
    """
    import h5py

    temporary = path + ".float16"
    with h5py.File(path, "r") as source, h5py.File(temporary, "w") as target:
        def copy(name, item):
            if isinstance(item, h5py.Group):
                group = target.require_group(name)
                group.attrs.update(item.attrs)
            else:
                data = item[()]
                if getattr(data, "dtype", None) == "float32":
                    data = data.astype("float16")
                target.create_dataset(name, data=data).attrs.update(item.attrs)

        target.attrs.update(source.attrs)
        source.visititems(copy)
    os.replace(temporary, path)


def save_preset(model, directory, weights_dtype="float32", **metadata_fields):
    """Writes `model` as a preset directory and returns its file records (sha256, size).

    Args:
        model: a keras-gan model (or the metrics' classifier).
        directory: output folder (created).
        weights_dtype: `"float32"`, or `"float16"` to store the weights in half the bytes
            (see `store_float16`).
        **metadata_fields: written into `metadata.json` (dataset, command, figures, ...).

    Returns:
        `{file: {"sha256": ..., "size": ...}}` for the config and weights.
    """
    os.makedirs(directory, exist_ok=True)
    # A fresh, uncompiled copy: presets carry the networks, not optimizer slots, and compute in float32
    # whatever precision the model trained in (its metadata's `precision` says which).
    clean = type(model).from_config(mixed_precision.float32_config(model.get_config()))
    clean.set_weights(model.get_weights())
    if getattr(model, "generator_ema", None) is not None:  # GeneratorEMA's average, saved with the weights
        clean.set_generator_ema(model.generator_ema, statistics=model.generator_ema_statistics)
    with open(os.path.join(directory, CONFIG_FILE), "w") as f:
        json.dump(keras.saving.serialize_keras_object(clean), f, indent=1)
    clean.save_weights(os.path.join(directory, WEIGHTS_FILE))
    if weights_dtype == "float16":
        store_float16(os.path.join(directory, WEIGHTS_FILE))
    elif weights_dtype != "float32":
        raise ValueError(f"weights_dtype must be 'float32' or 'float16', got {weights_dtype!r}.")
    files = {
        file: {"sha256": sha256_of(os.path.join(directory, file)),
               "size": os.path.getsize(os.path.join(directory, file))}
        for file in (CONFIG_FILE, WEIGHTS_FILE)
    }
    meta = {
        "class": type(model).__name__,
        "keras_gan_version": __version__,
        "params": _params(clean),
        "weights_dtype": weights_dtype,
        **metadata_fields,
        "files": files,
    }
    with open(os.path.join(directory, METADATA_FILE), "w") as f:
        json.dump(meta, f, indent=1)
    files[METADATA_FILE] = {"sha256": sha256_of(os.path.join(directory, METADATA_FILE)),
                            "size": os.path.getsize(os.path.join(directory, METADATA_FILE))}
    return files, meta
