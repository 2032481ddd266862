"""Trains `emoji_classifier`, the offline colour judge, and writes it into the zoo.

    KERAS_BACKEND=tensorflow python tools/train_emoji_classifier.py     # the zoo entry (category head)
    KERAS_BACKEND=tensorflow python tools/train_emoji_classifier.py --compare --epochs 30 --out DIR  # both variants

A CNN for 32×32×3 emoji in [-1, 1] trained on `noto_emoji_train`. Its penultimate layer `features` gives FD,
KID and precision/recall; its head `logits` predicts the 9 categories (class share, label accuracy). The
multi-task variant also has a 98-way `subcategory_logits` head during training, which makes the features
tell emoji apart inside a category.
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


def build(heads=("category", "subcategory"), seed=0):
    """The judge: 5 convolutions in 3 blocks, a 256-unit `features` layer, a 9-way `logits` head (+ `subcategory_logits`)."""
    import keras
    from keras import layers

    inputs = keras.Input((IMAGE_SIZE, IMAGE_SIZE, 3), name="images")
    x = layers.RandomTranslation(0.08, 0.08, fill_mode="constant", fill_value=1.0, seed=seed)(inputs)
    # One conv at 32×32 (the costly resolution), two at 16×16 and 8×8: ~20M multiply-adds per image.
    for convs, width in ((1, 32), (2, 64), (2, 128)):
        for _ in range(convs):
            x = layers.Conv2D(width, 3, padding="same", activation="relu")(x)
        x = layers.MaxPooling2D()(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(0.4, seed=seed + 1)(x)
    features = layers.Dense(256, activation="relu", name="features")(x)
    x = layers.Dropout(0.4, seed=seed + 2)(features)
    outputs = {"logits": layers.Dense(NUM_CATEGORIES, name="logits")(x)}
    if "subcategory" in heads:
        outputs["subcategory_logits"] = layers.Dense(NUM_SUBCATEGORIES, name="subcategory_logits")(x)
    return keras.Model(inputs, outputs, name="emoji_classifier")


def train(heads, epochs, seed=0, verbose=2):
    import keras

    import keras_gan

    keras.utils.set_random_seed(seed)
    x, category = keras_gan.data.load("noto_emoji_train", image_size=IMAGE_SIZE)
    _, subcategory = keras_gan.data.load("noto_emoji_train", image_size=IMAGE_SIZE, labels="subcategory")
    x_test, category_test = keras_gan.data.load("noto_emoji_test", image_size=IMAGE_SIZE)
    _, subcategory_test = keras_gan.data.load("noto_emoji_test", image_size=IMAGE_SIZE, labels="subcategory")
    model = build(heads, seed)
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
    """How well the features separate real held-out emoji from slightly damaged ones, against the floor.

    Returns the FD of train vs held-out (the floor) and of damaged train images vs held-out, at N = 585.
    """
    import keras_gan
    from keras_gan.metrics import ClassifierFeatures, compare

    x, y = keras_gan.data.load("noto_emoji_train", image_size=IMAGE_SIZE)
    x_test, y_test = keras_gan.data.load("noto_emoji_test", image_size=IMAGE_SIZE)
    rng = np.random.default_rng(0)
    pick = rng.choice(len(x), len(x_test), replace=False)
    judge = ClassifierFeatures(model)
    real = x[pick]
    damaged = {
        "noise 0.1": np.clip(real + rng.normal(0, 0.1, real.shape), -1, 1).astype("float32"),
        "blur 2x": keras_gan.datasets.resize_images(((real + 1) * 127.5).round().astype("uint8"), 16).repeat(
            2, axis=1).repeat(2, axis=2).astype("float32") / 127.5 - 1,
        "colour shift": np.roll(real, 1, axis=-1),
    }
    out = {"floor": compare(x_test, real, features=judge, real_labels=y_test, fake_labels=y[pick],
                            kid_subset_size=500)["frechet_distance"]}
    for name, images in damaged.items():
        out[name] = compare(x_test, images, features=judge, kid_subset_size=500)["frechet_distance"]
    out["ratios"] = {k: round(v / out["floor"], 2) for k, v in out.items() if k != "floor"}
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description="Train the emoji judge.")
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--compare", action="store_true", help="train both variants, print their quality")
    parser.add_argument("--heads", default="category", help="category (the zoo entry) or category,subcategory")
    parser.add_argument("--out", help="preset directory (default: zoo/emoji_classifier)")
    args = parser.parse_args(argv)
    variants = [("category",), ("category", "subcategory")] if args.compare else [tuple(args.heads.split(","))]
    results = {}
    for heads in variants:
        if args.compare and args.out:  # keep each variant: the better one can be copied into the zoo
            args_variant = argparse.Namespace(**{**vars(args), "out": os.path.join(args.out, "+".join(heads))})
        start = time.perf_counter()
        model, history, accuracy = train(heads, args.epochs)
        seconds = time.perf_counter() - start
        quality = judge_quality(model)
        results["+".join(heads)] = {"accuracy": accuracy, "quality": quality, "seconds": round(seconds)}
        print(json.dumps(results["+".join(heads)], indent=1), flush=True)
        if args.compare and args.out:
            write(model, {"+".join(heads): results["+".join(heads)]}, args_variant)
    if args.compare:
        print(json.dumps(results, indent=1))
        return 0
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
               "judge_quality": results[key]["quality"]}
    files, meta = zoo.save_preset(
        model, directory,
        description="CNN emoji classifier (3,196 train images of noto_emoji at 32x32; heads: 9 categories, "
                    "98 subcategories): the offline colour feature network for Frechet distance, KID, "
                    "precision/recall, class share and label accuracy.",
        dataset="noto_emoji_train", command=f"KERAS_BACKEND={backend} python tools/train_emoji_classifier.py",
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
