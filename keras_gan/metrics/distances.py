"""Distances between two sets of features, and scores of class probabilities (numpy / scipy)."""

import numpy as np

__all__ = [
    "frechet_distance", "frechet_gaussian", "inception_score", "kernel_inception_distance", "polynomial_mmd2",
    "precision_recall",
]


def _as_features(x, name):
    x = np.asarray(x, dtype="float64")
    if x.ndim != 2 or len(x) < 2:
        raise ValueError(f"{name} must be features of shape (n, d) with n >= 2, got {x.shape}. "
                         f"Extract features first, e.g. with keras_gan.metrics.ClassifierFeatures.")
    return x


def _check_pair(a, b):
    a, b = _as_features(a, "features_a"), _as_features(b, "features_b")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"The two feature sets have different widths: {a.shape[1]} and {b.shape[1]}. "
                         f"Use the same feature network for both.")
    return a, b


def frechet_gaussian(mu_a, cov_a, mu_b, cov_b):
    """Fréchet distance between N(mu_a, cov_a) and N(mu_b, cov_b).

    ‖mu_a − mu_b‖² + tr(cov_a + cov_b − 2 (cov_a^½ cov_b cov_a^½)^½), with the
    square roots taken by symmetric eigendecompositions (stable for singular
    covariances).
    """
    from scipy import linalg

    values, vectors = linalg.eigh(cov_a)
    root_a = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
    middle = linalg.eigvalsh(root_a @ cov_b @ root_a)
    trace_root = np.sqrt(np.clip(middle, 0, None)).sum()
    return float(np.sum((mu_a - mu_b) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2.0 * trace_root)


def frechet_distance(features_a, features_b):
    """Fréchet distance between Gaussians fitted to two feature sets (FID on Inception features).

    Args:
        features_a: `(n, d)` array.
        features_b: `(m, d)` array.

    Returns:
        float; biased upwards for small n, m: report them.
    """
    a, b = _check_pair(features_a, features_b)
    return frechet_gaussian(a.mean(0), np.cov(a, rowvar=False), b.mean(0), np.cov(b, rowvar=False))


def polynomial_mmd2(a, b):
    """Unbiased MMD² with the cubic kernel k(x, y) = (x·y / d + 1)³ (Bińkowski et al. 2018)."""
    d = a.shape[1]
    k_aa, k_bb, k_ab = ((x @ y.T / d + 1.0) ** 3 for x, y in ((a, a), (b, b), (a, b)))
    n, m = len(a), len(b)
    return float((k_aa.sum() - np.trace(k_aa)) / (n * (n - 1)) + (k_bb.sum() - np.trace(k_bb)) / (m * (m - 1))
                 - 2.0 * k_ab.mean())


def kernel_inception_distance(features_a, features_b, *, num_subsets=100, subset_size=1000, seed=0):
    """Kernel Inception Distance: unbiased polynomial-kernel MMD², averaged over random subsets.

    Args:
        features_a: `(n, d)` array.
        features_b: `(m, d)` array.
        num_subsets: subsets drawn (without replacement within one subset).
        subset_size: points per subset from each set (capped at the smaller set).
        seed: subset sampling seed.

    Returns:
        `(mean, std)` over subsets. Unbiased: near 0 (and possibly negative) for equal distributions.
    """
    a, b = _check_pair(features_a, features_b)
    size = min(subset_size, len(a), len(b))
    rng = np.random.default_rng(seed)
    values = [
        polynomial_mmd2(a[rng.choice(len(a), size, replace=False)], b[rng.choice(len(b), size, replace=False)])
        for _ in range(num_subsets)
    ]
    return float(np.mean(values)), float(np.std(values))


def _kth_neighbour_radii(x, k):
    from sklearn.neighbors import NearestNeighbors

    distances, _ = NearestNeighbors(n_neighbors=k + 1).fit(x).kneighbors(x)
    return distances[:, k]  # column 0 is the point itself


def _inside_manifold(points, support, radii, batch_size=1024):
    from scipy.spatial.distance import cdist

    inside = np.zeros(len(points), dtype=bool)
    for start in range(0, len(points), batch_size):
        block = cdist(points[start:start + batch_size], support)
        inside[start:start + batch_size] = (block <= radii[None, :]).any(axis=1)
    return inside


def precision_recall(real_features, fake_features, *, k=3):
    """Improved precision and recall (Kynkäänniemi et al. 2019) with k-NN manifolds.

    Precision: share of fake samples inside the real manifold (union of balls
    reaching each real point's k-th nearest real neighbour); recall: share of
    real samples inside the fake manifold.

    Returns:
        `(precision, recall)`, each in [0, 1].
    """
    real, fake = _check_pair(real_features, fake_features)
    if k >= min(len(real), len(fake)):
        raise ValueError(f"k={k} needs more than k samples in each set; got {len(real)} real, {len(fake)} fake.")
    precision = _inside_manifold(fake, real, _kth_neighbour_radii(real, k)).mean()
    recall = _inside_manifold(real, fake, _kth_neighbour_radii(fake, k)).mean()
    return float(precision), float(recall)


def inception_score(probabilities, *, splits=10):
    """Inception Score exp(E_x KL(p(y|x) ‖ p(y))) (Salimans et al. 2016), mean and std over splits.

    Args:
        probabilities: `(n, classes)` class probabilities of generated samples
            (InceptionV3's, or a classifier's: at most `classes`, e.g. 10 on MNIST).
        splits: the samples are scored in this many equal parts.

    Returns:
        `(mean, std)`.
    """
    p = np.asarray(probabilities, dtype="float64")
    if p.ndim != 2 or np.any(p < 0) or not np.allclose(p.sum(1), 1.0, atol=1e-3):
        raise ValueError(f"inception_score expects (n, classes) probabilities summing to 1, got shape {p.shape}. "
                         f"Apply softmax to logits first.")
    scores = []
    for part in np.array_split(p, splits):
        marginal = part.mean(0, keepdims=True)
        kl = np.sum(part * (np.log(part + 1e-12) - np.log(marginal + 1e-12)), axis=1)
        scores.append(np.exp(kl.mean()))
    return float(np.mean(scores)), float(np.std(scores))
