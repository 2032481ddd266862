"""`Evaluation`: figures every few epochs, into `History`."""

import keras

from keras_gan.metrics.evaluation import evaluate
from keras_gan.metrics.features import feature_network

__all__ = ["Evaluation"]


class Evaluation(keras.callbacks.Callback):
    """Computes `keras_gan.metrics.evaluate` every `every` epochs and adds the figures to the logs.

    The scalar figures (`frechet_distance`, `kid`, `inception_score`, `precision`,
    `recall`, `label_accuracy`) appear in `History` on the epochs they were
    computed; `self.reports` keeps `(epoch, full report)`.

    Args:
        real_images: real reference set in [-1, 1].
        every: epochs between evaluations (the last epoch is always evaluated).
        num_samples: generated samples per evaluation.
        features: feature network (see `evaluate`).
        real_labels: labels of `real_images`: a conditional model is sampled at their
            frequencies (as `evaluate` does), not with balanced labels.
        **kwargs: passed to `evaluate` (`k`, `kid_subset_size`, `seed`, `swd=True` for the sliced
            Wasserstein distance on Laplacian pyramids).
    """

    KEYS = ("frechet_distance", "kid", "inception_score", "precision", "recall", "label_accuracy", "swd")

    def __init__(self, real_images, every=5, num_samples=1000, features="mnist_classifier", real_labels=None,
                 **kwargs):
        super().__init__()
        self.real_images = real_images
        self.real_labels = real_labels
        self.every = every
        self.num_samples = num_samples
        self.features = features
        self.kwargs = kwargs
        self.reports = []
        self._epochs = None

    def on_train_begin(self, logs=None):

        self._epochs = self.params.get("epochs")
        self.features = feature_network(self.features)  # built once, reused each evaluation

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every and epoch + 1 != self._epochs:
            return

        report = evaluate(self.model, self.real_images, self.real_labels, num_samples=self.num_samples,
                          features=self.features, verbose=0, **self.kwargs)
        self.reports.append((epoch + 1, report))
        if logs is not None:
            logs.update({key: report[key] for key in self.KEYS if key in report})
        print(f"\nEpoch {epoch + 1} evaluation ({report['num_fake']} fake vs {report['num_real']} real): "
              + ", ".join(f"{key} {report[key]:.4g}" for key in self.KEYS if key in report))
