"""Sample-quality figures: Fréchet distance, KID, Inception Score, precision/recall, mode coverage.

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
from keras_gan.metrics.evaluation import compare, evaluate, format_report, generate_samples
from keras_gan.metrics.features import ClassifierFeatures, InceptionFeatures, feature_network
from keras_gan.metrics.mode_coverage import mode_coverage

__all__ = [
    "ClassifierFeatures", "Evaluation", "InceptionFeatures", "build_mnist_classifier", "compare", "evaluate",
    "feature_network", "format_report", "frechet_distance", "frechet_gaussian", "generate_samples",
    "inception_score", "kernel_inception_distance", "mnist_split", "mode_coverage", "polynomial_mmd2",
    "precision_recall", "train_mnist_classifier",
]
