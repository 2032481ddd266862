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
    """The judge: 5 convolutions in 3 blocks, a `features` layer, 9-way `logits` (+ 98-way `subcategory_logits`).

    `features` is a 256-unit dense layer, or with `multiscale` that layer concatenated with each block's
    channel means and standard deviations (edge and texture statistics at 32, 16 and 8 px: what a blur or
    a mosaic removes). No blur or noise augmentation: the judge must see what it grades.
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
            scales.append(ChannelStatistics()(x))
        x = layers.MaxPooling2D()(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(0.4, seed=seed + 1)(x)
    dense = layers.Dense(256, activation="relu", name="dense_features" if multiscale else "features")(x)
    features = layers.Concatenate(name="features")([*scales, dense]) if multiscale else dense
    x = layers.Dropout(0.4, seed=seed + 2)(features)
    outputs = {"logits": layers.Dense(NUM_CATEGORIES, name="logits")(x)}
    if "subcategory" in heads:
        outputs["subcategory_logits"] = layers.Dense(NUM_SUBCATEGORIES, name="subcategory_logits")(x)
    return keras.Model(inputs, outputs, name="emoji_classifier")


def train(heads, epochs, seed=0, verbose=2, multiscale=True):
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
                        validation_data=(x_test, {n: test_targets[n] for n in names}))
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
    pick = np.random.default_rng(0).choice(len(x), len(x_test), replace=False)
    table = damage_table(ClassifierFeatures(model), x_test, x[pick])
    return {name: {k: round(float(v), 4) for k, v in row.items()} for name, row in table.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description="Train the emoji judge.")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--heads", default="category,subcategory",
                        help="category or category,subcategory (the zoo entry)")
    parser.add_argument("--single-scale", action="store_true",
                        help="features = the dense layer alone (without each block's channel statistics)")
    parser.add_argument("--out", help="preset directory (default: zoo/emoji_classifier)")
    args = parser.parse_args(argv)
    heads = tuple(args.heads.split(","))
    start = time.perf_counter()
    model, history, accuracy = train(heads, args.epochs, multiscale=not args.single_scale)
    seconds = time.perf_counter() - start
    quality = judge_quality(model)
    results = {"+".join(heads): {"accuracy": accuracy, "quality": quality, "seconds": round(seconds),
                                 "multiscale": not args.single_scale}}
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
        model, directory,
        description="CNN emoji classifier (3,196 train images of noto_emoji at 32x32; heads: 9 categories, "
                    "98 subcategories; features: a dense layer and each conv block's channel statistics): the "
                    "offline colour feature network for Frechet distance, KID, precision/recall, class share "
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
