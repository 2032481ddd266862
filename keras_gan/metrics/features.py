"""Feature networks for the figures: the zoo's MNIST classifier, or InceptionV3."""

import numpy as np

from keras_gan import zoo

__all__ = ["ClassifierFeatures", "feature_network", "InceptionFeatures"]


def _softmax(logits):
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


class ClassifierFeatures:
    """Penultimate features and class probabilities of a classifier (TF-GAN's `mnist_frechet_distance` idea).

    Args:
        classifier: a Keras model with layers named `features` and `logits`, or the name of a
            zoo judge: `"mnist_classifier"` (default; 28×28×1 digits) or `"emoji_classifier"`
            (32×32×3 colour images; larger square images are area-resized to 32×32 first).
            Zoo judges load offline, verified.
        batch_size: images per forward pass.
    """

    name = "mnist_classifier"

    def __init__(self, classifier=None, batch_size=500):
        import keras

        if classifier is None or isinstance(classifier, str):

            self.name = classifier or "mnist_classifier"
            classifier = zoo.load(self.name, compile=False)
        self.classifier = classifier
        self.input_shape = tuple(classifier.inputs[0].shape[1:])
        self.batch_size = batch_size
        self._heads = keras.Model(
            classifier.inputs[0], [classifier.get_layer("features").output, classifier.get_layer("logits").output]
        )

    def __call__(self, images):
        """Returns `(features (n, d), probabilities (n, classes))` as float64 numpy."""
        images = np.asarray(images, dtype="float32")
        height = self.input_shape[0]
        if (images.ndim == 4 and images.shape[3:] == self.input_shape[2:] and images.shape[1] == images.shape[2]
                and images.shape[1] > height and images.shape[1] % height == 0):
            k = images.shape[1] // height  # e.g. 64×64 samples for a 32×32 judge: average each k×k block
            images = images.reshape(len(images), height, k, height, k, -1).mean(axis=(2, 4))
        if images.shape[1:] != self.input_shape:
            raise ValueError(f"The feature network takes images of shape {self.input_shape}, got {images.shape[1:]}. "
                             f"Use features='inception' for other image sizes.")
        features, logits = self._heads.predict(images, batch_size=self.batch_size, verbose=0)
        return np.asarray(features, "float64"), _softmax(np.asarray(logits, "float64"))


class InceptionFeatures:
    """InceptionV3 pool features (2048) and ImageNet probabilities at 299×299: FID, KID and IS as published.

    Args:
        weights: `"imagenet"` (downloaded once by Keras), a path to a local
            `.h5`/`.weights.h5` file, or `None` (random weights: checks the
            pipeline only, the figures mean nothing).
        batch_size: images per forward pass.
    """

    name = "inception_v3"

    def __init__(self, weights="imagenet", batch_size=50):
        import keras

        network = keras.applications.InceptionV3(include_top=True, weights=weights)
        self._heads = keras.Model(network.inputs[0], [network.get_layer("avg_pool").output, network.output])
        self.batch_size = batch_size

    def _prepare(self, images):
        from keras import ops

        images = ops.convert_to_tensor(images, "float32")
        if images.shape[-1] == 1:
            images = ops.repeat(images, 3, axis=-1)
        # Data range [-1, 1] is InceptionV3's own input range.
        return ops.image.resize(images, (299, 299), interpolation="bilinear")

    def __call__(self, images):
        """Returns `(features (n, 2048), probabilities (n, 1000))` as float64 numpy."""
        from keras import ops

        images = np.asarray(images, dtype="float32")
        if images.ndim != 4 or images.shape[-1] not in (1, 3):
            raise ValueError(f"InceptionV3 features need images (n, h, w, 1 or 3), got {images.shape}.")
        features, probabilities = [], []
        for start in range(0, len(images), self.batch_size):
            # Compiled forward pass (jit / tf.function): eager JAX dispatch of InceptionV3 is ~10x slower.
            f, p = self._heads.predict_on_batch(self._prepare(images[start:start + self.batch_size]))
            features.append(ops.convert_to_numpy(f))
            probabilities.append(ops.convert_to_numpy(p))
        return np.concatenate(features).astype("float64"), np.concatenate(probabilities).astype("float64")


def feature_network(features):
    """`"mnist_classifier"`, `"inception"` or an object returning `(features, probabilities)` → that object."""
    if isinstance(features, str):
        if features in ("mnist_classifier", "emoji_classifier"):
            return ClassifierFeatures(features)
        if features in ("inception", "inception_v3"):
            return InceptionFeatures()
        raise ValueError(f"Unknown feature network {features!r}: use 'mnist_classifier', 'emoji_classifier', 'inception', "
                         f"or pass ClassifierFeatures(model) / InceptionFeatures(weights=path).")
    if not callable(features):
        raise ValueError(f"features must be a name or a callable returning (features, probabilities), got {features!r}.")
    return features
