"""Sample-quality figures: Fréchet distance, KID, Inception Score, precision/recall, SWD, mode coverage.

    report = metrics.evaluate(model, real_images, real_labels=y, num_samples=5000)
"""

from keras_gan.metrics.callback import Evaluation
from keras_gan.metrics.classifier import build_mnist_classifier, mnist_split, train_mnist_classifier
from keras_gan.metrics.distances import (
    frechet_distance,
    frechet_gaussian,
    inception_score,
    kernel_inception_distance,
    polynomial_mmd2,
    precision_recall,
)
from keras_gan.metrics.damage import DAMAGES, damage, damage_table
from keras_gan.metrics.evaluation import compare, evaluate, format_report, generate_samples
from keras_gan.metrics.features import ClassifierFeatures, InceptionFeatures, feature_network
from keras_gan.metrics.mode_coverage import mode_coverage
from keras_gan.metrics.swd import laplacian_pyramid, sliced_wasserstein, sliced_wasserstein_distance

__all__ = [
    "DAMAGES", "ClassifierFeatures", "Evaluation", "InceptionFeatures", "build_mnist_classifier", "compare",
    "damage", "damage_table", "evaluate",
    "feature_network", "format_report", "frechet_distance", "frechet_gaussian", "generate_samples",
    "inception_score", "kernel_inception_distance", "mnist_split", "mode_coverage", "polynomial_mmd2",
    "laplacian_pyramid", "precision_recall", "sliced_wasserstein", "sliced_wasserstein_distance",
    "train_mnist_classifier",
]
