"""Trains `emoji_classifier`, the offline colour judge, and writes it into the zoo.

    KERAS_BACKEND=jax python tools/train_emoji_classifier.py                      # the zoo entry
    KERAS_BACKEND=jax python tools/train_emoji_classifier.py --single-scale --out DIR  # a variant, apart

A CNN for 32×32×3 emoji in [-1, 1] trained on `noto_emoji_train` to name the 98 subcategories and the 9
categories. Its layer `features` (a dense layer plus each conv block's channel statistics) gives FD, KID and
precision/recall; its head `logits` predicts the 9 categories (class share, label accuracy). Chosen by its
damage table (`tools/judge_damage.py`): blurred or mosaicked real emoji must score far from real ones.
"""

import argparse
import datetime
import json
import os
import platform
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

IMAGE_SIZE = 32
NUM_CATEGORIES = 9
NUM_SUBCATEGORIES = 98


def build(heads=("category", "subcategory"), seed=0, multiscale=True):
    """The judge: 5 convolutions in 3 blocks, 9-way `logits` (+ 98-way `subcategory_logits`) heads.

    With `multiscale` (the zoo entry), the heads see a dense layer concatenated with each conv block's channel
    means and standard deviations (`head_features`), and the judge's `features` are the first block's
    statistics (64-d: how sharp, how colourful, which edges at full resolution), chosen by the damage table
    (`tools/judge_damage.py`) over the dense layer and the deeper blocks. Without it, `features` is the dense
    layer. No blur or noise augmentation: the judge must see what it grades.
    """
    import keras
    from keras import layers

    from keras_gan.layers import ChannelStatistics

    inputs = keras.Input((IMAGE_SIZE, IMAGE_SIZE, 3), name="images")
    x = layers.RandomTranslation(0.08, 0.08, fill_mode="constant", fill_value=1.0, seed=seed)(inputs)
    scales = []
    # One conv at 32×32 (the costly resolution), two at 16×16 and 8×8: ~20M multiply-adds per image.
    for convs, width in ((1, 32), (2, 64), (2, 128)):
        for _ in range(convs):
            x = layers.Conv2D(width, 3, padding="same", activation="relu")(x)
        if multiscale:
            scales.append(ChannelStatistics(name=None if scales else "features")(x))
        x = layers.MaxPooling2D()(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(0.4, seed=seed + 1)(x)
    dense = layers.Dense(256, activation="relu", name="dense_features" if multiscale else "features")(x)
    features = layers.Concatenate(name="head_features")([*scales, dense]) if multiscale else dense
    x = layers.Dropout(0.4, seed=seed + 2)(features)
    outputs = {"logits": layers.Dense(NUM_CATEGORIES, name="logits")(x)}
    if "subcategory" in heads:
        outputs["subcategory_logits"] = layers.Dense(NUM_SUBCATEGORIES, name="subcategory_logits")(x)
    return keras.Model(inputs, outputs, name="emoji_classifier")


def floor_draw(num_train, num_test):
    """Indices of the train images (as many as held out, a fixed draw) that the floor compares with the held-out
    ones (`tools/judge_damage.py`, the zoo's real-data baseline)."""
    return np.sort(np.random.default_rng(0).choice(num_train, num_test, replace=False))


def train(heads, epochs, seed=0, verbose=2, multiscale=True, callbacks=()):
    """Trains the judge on the 3,196 train images (subcategory and category heads)."""
    import keras

    import keras_gan

    keras.utils.set_random_seed(seed)
    x, category = keras_gan.data.load("noto_emoji_train", image_size=IMAGE_SIZE)
    _, subcategory = keras_gan.data.load("noto_emoji_train", image_size=IMAGE_SIZE, labels="subcategory")
    x_test, category_test = keras_gan.data.load("noto_emoji_test", image_size=IMAGE_SIZE)
    _, subcategory_test = keras_gan.data.load("noto_emoji_test", image_size=IMAGE_SIZE, labels="subcategory")
    model = build(heads, seed, multiscale)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    targets = {"logits": category, "subcategory_logits": subcategory}
    test_targets = {"logits": category_test, "subcategory_logits": subcategory_test}
    names = list(model.output.keys()) if isinstance(model.output, dict) else ["logits"]
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss={n: loss for n in names},
                  metrics={n: ["accuracy"] for n in names})
    history = model.fit(x, {n: targets[n] for n in names}, batch_size=64, epochs=epochs, verbose=verbose,
                        validation_data=(x_test, {n: test_targets[n] for n in names}), callbacks=list(callbacks))
    outputs = model.predict(x_test, verbose=0)
    accuracy = {"category": float(np.mean(outputs["logits"].argmax(1) == category_test))}
    if "subcategory_logits" in outputs:
        accuracy["subcategory"] = float(np.mean(outputs["subcategory_logits"].argmax(1) == subcategory_test))
    return model, history, accuracy


def judge_quality(model):
    """The judge's damage table (`keras_gan.metrics.damage_table`): 585 train images vs the 585 held-out."""
    import keras_gan
    from keras_gan.metrics import ClassifierFeatures, damage_table

    x, _ = keras_gan.data.load("noto_emoji_train", image_size=IMAGE_SIZE)
    x_test, _ = keras_gan.data.load("noto_emoji_test", image_size=IMAGE_SIZE)
    table = damage_table(ClassifierFeatures(model), x_test, x[floor_draw(len(x), len(x_test))])
    return {name: {k: round(float(v), 4) for k, v in row.items()} for name, row in table.items()}


class DamageProbe:
    """After chosen epochs, prints the judge's damage table (the judge memorises its training images as it
    trains, which inflates the floor of train against held-out images: the epoch is chosen by this table)."""

    def __new__(cls, epochs):
        import keras

        class Probe(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.tables = {}

            def on_epoch_end(self, epoch, logs=None):
                if epoch + 1 in epochs:
                    table = judge_quality(self.model)
                    self.tables[epoch + 1] = table
                    print(json.dumps({"epoch": epoch + 1, "floor": table["floor"],
                                      **{k: v["ratio"] for k, v in table.items() if k != "floor"}}), flush=True)

        return Probe()


def main(argv=None):
    parser = argparse.ArgumentParser(description="Train the emoji judge.")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--heads", default="category,subcategory",
                        help="category or category,subcategory (the zoo entry)")
    parser.add_argument("--single-scale", action="store_true",
                        help="features = the dense layer alone (without each block's channel statistics)")
    parser.add_argument("--out", help="preset directory (default: zoo/emoji_classifier)")
    parser.add_argument("--probe", help="comma-separated epochs after which to print the damage table")
    parser.add_argument("--weights", help="skip training: write the judge from these weights (a preset directory "
                                          "trained by this tool) with its damage table")
    args = parser.parse_args(argv)
    heads = tuple(args.heads.split(","))
    start = time.perf_counter()
    if args.weights:
        return rewrite(args)
    probes = [DamageProbe({int(e) for e in args.probe.split(",")})] if args.probe else []
    model, history, accuracy = train(heads, args.epochs, multiscale=not args.single_scale, callbacks=probes)
    seconds = time.perf_counter() - start
    quality = judge_quality(model)
    results = {"+".join(heads): {"accuracy": accuracy, "quality": quality, "seconds": round(seconds),
                                 "multiscale": not args.single_scale}}
    print(json.dumps(results, indent=1), flush=True)
    return write(model, results, args)


def rewrite(args):
    """The judge from a trained preset's weights (same layers; `features` as `build` names them now)."""
    import keras_gan

    trained = keras_gan.zoo.load(args.weights, compile=False)
    meta = json.load(open(os.path.join(args.weights, "metadata.json")))
    model = build(tuple(args.heads.split(",")), multiscale=not args.single_scale)
    model.set_weights(trained.get_weights())
    figures = meta["figures"]
    accuracy = {"category": figures["test_accuracy"], "subcategory": figures.get("test_accuracy_subcategory")}
    results = {"+".join(args.heads.split(",")): {"accuracy": accuracy, "quality": judge_quality(model),
                                                 "seconds": meta["train_seconds"],
                                                 "multiscale": not args.single_scale}}
    args.epochs = meta["fit"]["epochs"]
    print(json.dumps(results, indent=1), flush=True)
    return write(model, results, args)


def write(model, results, args):
    import keras

    from keras_gan import zoo
    from keras_gan.training import trained_with

    key = next(iter(results))
    directory = args.out or os.path.join(zoo.zoo_dir(), "emoji_classifier")
    backend = keras.backend.backend()
    versions = trained_with()
    figures = {"test_accuracy": round(results[key]["accuracy"]["category"], 4),
               **({"test_accuracy_subcategory": round(results[key]["accuracy"]["subcategory"], 4)}
                  if "subcategory" in results[key]["accuracy"] else {}),
               "num_test": 585, "num_train": 3196, "image_size": IMAGE_SIZE,
               "multiscale": results[key]["multiscale"], "damage_table": results[key]["quality"]}
    files, meta = zoo.save_preset(
        model, directory, weights_dtype="float16",
        description="CNN emoji classifier (3,196 train images of noto_emoji at 32x32; heads: 9 categories, "
                    "98 subcategories, on a dense layer and each conv block's channel statistics); its features "
                    "for Frechet distance, KID and precision/recall are the first conv block's channel means and "
                    "standard deviations (64-d, chosen by the damage table); its category head gives class share "
                    "and label accuracy.",
        dataset="noto_emoji_train",
        command=f"KERAS_BACKEND={backend} python tools/train_emoji_classifier.py --epochs {args.epochs}",
        trained_with=versions, date=datetime.date.today().isoformat(), train_seconds=results[key]["seconds"],
        fit={"epochs": args.epochs, "batch_size": 64}, figures=figures, cpu=_cpu())
    print(f"wrote {directory}: {files}")
    record = {"path": "emoji_classifier", "files": files}
    if args.out is None:
        from train_zoo import _write_manifest

        _write_manifest("emoji_classifier", record)
    return 0


def _cpu():
    try:
        with open("/proc/cpuinfo") as f:
            return next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor()


if __name__ == "__main__":
    sys.exit(main())
