"""`evaluate`: every figure for a model against real images, and the real-data baseline."""

import numpy as np

from keras_gan.metrics.distances import (
    frechet_distance,
    inception_score,
    kernel_inception_distance,
    precision_recall,
)
from keras_gan.metrics.features import feature_network
from keras_gan.metrics.swd import sliced_wasserstein_distance

__all__ = ["compare", "evaluate", "format_report", "generate_samples", "sample_labels"]


def sample_labels(num_samples, num_classes, real_labels=None):
    """Labels for sampling a conditional model: at the frequencies of `real_labels`, else balanced.

    Each class gets its share of `num_samples` (largest remainders first), in class order cycling
    through the classes, so balanced data gives `arange(num_samples) % num_classes`.
    """
    if real_labels is None:
        return np.arange(num_samples) % num_classes
    counts = np.bincount(np.asarray(real_labels, dtype="int64"), minlength=num_classes)[:num_classes]
    if counts.sum() == 0:
        raise ValueError(f"real_labels hold no label in 0..{num_classes - 1}; got {np.unique(real_labels)[:10]}.")
    if np.all(counts == counts[0]):
        return np.arange(num_samples) % num_classes
    share = counts / counts.sum() * num_samples
    quota = np.floor(share).astype(int)
    quota[np.argsort(quota - share)[: num_samples - quota.sum()]] += 1
    return np.repeat(np.arange(num_classes), quota)


def generate_samples(model, num_samples, *, seed=0, batch_size=500, verbose=1, real_labels=None):
    """Draws `num_samples` from `model` with a progress bar.

    Conditional models get labels at the frequencies of `real_labels` when given (a model of
    unbalanced data is judged against data with the same mix), otherwise balanced labels.

    Returns:
        `(samples, labels or None)`.
    """
    import keras

    num_classes = getattr(model, "num_classes", None)
    labels = sample_labels(num_samples, num_classes, real_labels) if num_classes else None
    progress = keras.utils.Progbar(num_samples, unit_name="sample") if verbose else None
    chunks = []
    for index, start in enumerate(range(0, num_samples, batch_size)):
        size = min(batch_size, num_samples - start)
        kwargs = {"labels": labels[start:start + size]} if num_classes else {}
        chunks.append(model.generate(size, seed=seed + index, **kwargs))
        if progress:
            progress.add(size)
    return np.concatenate(chunks), labels


def compare(real_images, fake_images, *, features="mnist_classifier", real_labels=None, fake_labels=None,
            k=3, kid_subset_size=1000, splits=10, swd=False):
    """Figures of `fake_images` against `real_images` on one feature network.

    With `swd=True` (images), also the weight-free sliced Wasserstein distance on Laplacian pyramids
    (`swd`, ×10³, and `swd_levels` per resolution; `keras_gan.metrics.sliced_wasserstein_distance`).

    Returns:
        dict: `frechet_distance`, `kid` (± `kid_std`), `inception_score` (± `inception_score_std`),
        `precision`, `recall`, `class_share` (fraction of fakes per predicted class),
        `confidence` (the feature network's mean top probability on the fakes),
        `label_accuracy` when `fake_labels` are given, `real_accuracy` when `real_labels` are,
        `num_real`, `num_fake`, `feature_network`.
    """
    num_fake = len(fake_images)
    if kid_subset_size is not None and min(kid_subset_size, len(real_images), num_fake) < 2:
        raise ValueError(
            f"KID needs subsets of at least 2 samples; got kid_subset_size={kid_subset_size} with {len(real_images)} "
            f"real and {num_fake} generated samples. Compare at least 4 samples (e.g. -n 100)."
        )
    network = feature_network(features)
    real_features, real_probabilities = network(real_images)
    fake_features, fake_probabilities = network(fake_images)
    kid, kid_std = kernel_inception_distance(real_features, fake_features, subset_size=kid_subset_size)
    score, score_std = inception_score(fake_probabilities, splits=splits)
    precision, recall = precision_recall(real_features, fake_features, k=k)
    predicted = fake_probabilities.argmax(1)
    report = {
        "frechet_distance": frechet_distance(real_features, fake_features),
        "kid": kid, "kid_std": kid_std,
        "inception_score": score, "inception_score_std": score_std,
        "precision": precision, "recall": recall,
        "class_share": (np.bincount(predicted, minlength=fake_probabilities.shape[1]) / len(predicted)).tolist(),
        "confidence": float(np.mean(np.max(fake_probabilities, axis=1))),
        "num_real": len(real_features), "num_fake": len(fake_features),
        "feature_network": getattr(network, "name", type(network).__name__),
    }
    if swd:
        report.update(sliced_wasserstein_distance(real_images, fake_images))
    if fake_labels is not None:
        report["label_accuracy"] = float(np.mean(predicted == np.asarray(fake_labels)))
    if real_labels is not None:
        report["real_accuracy"] = float(np.mean(real_probabilities.argmax(1) == np.asarray(real_labels)))
    return report


def evaluate(model, real_images, real_labels=None, *, num_samples=5000, features="mnist_classifier", k=3,
             kid_subset_size=1000, seed=0, verbose=1, swd=False):
    """Samples `model` and computes every figure against `real_images`.

    Args:
        model: a keras-gan model (conditional models are sampled with labels at the
            frequencies of `real_labels`, balanced without them, and also get
            `label_accuracy`: the classifier's accuracy on `generate(labels=c)`).
        real_images: the real reference set, in [-1, 1].
        real_labels: optional; adds `real_accuracy` (the feature network's accuracy on them)
            and sets a conditional model's label frequencies.
        num_samples: generated samples (FID/KID/precision are biased in N: compare at equal N).
        features: `"mnist_classifier"` (offline, 28×28×1), `"emoji_classifier"` (offline,
            32×32×3 colour), `"inception"`, or a feature object.
        k: neighbours for precision/recall.
        kid_subset_size: KID subset size.
        seed: sampling seed.
        verbose: progress bar while sampling.
        swd: also the sliced Wasserstein distance on Laplacian pyramids (images; see `compare`).

    Returns:
        dict of figures (see `compare`).
    """
    fake, labels = generate_samples(model, num_samples, seed=seed, verbose=verbose, real_labels=real_labels)
    return compare(real_images, fake, features=features, real_labels=real_labels, fake_labels=labels, k=k,
                   kid_subset_size=kid_subset_size, swd=swd)


def format_report(reports):
    """Markdown table of `{row name: report}`."""
    columns = [("frechet_distance", "FD", "{:.4g}"), ("kid", "KID", None), ("inception_score", "IS", "{:.2f}"),
               ("precision", "precision", "{:.3f}"), ("recall", "recall", "{:.3f}"),
               ("label_accuracy", "label acc.", "{:.3f}"), ("swd", "SWD ×10³", "{:.2f}"), ("num_fake", "N fake", "{}"), ("num_real", "N real", "{}")]
    lines = ["| | " + " | ".join(title for _, title, _ in columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for name, report in reports.items():
        cells = []
        for key, _, fmt in columns:
            if key not in report:
                cells.append("–")
            elif key == "kid":
                cells.append(f"{report['kid']:.3g} ± {report['kid_std']:.2g}")
            else:
                cells.append(fmt.format(report[key]))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
