"""Conditional GAN (Mirza & Osindero 2014, arXiv:1411.1784)."""

import keras
import numpy as np

from keras_gan import checks, networks
from keras_gan.models.gan import GAN


@keras.saving.register_keras_serializable(package="keras_gan")
class ConditionalGAN(GAN):
    """GAN whose generator G(z, y) and discriminator D(x, y) both see the class label.

    The default networks join a one-hot label to z in G and to the input in D
    (as constant feature maps for images): DCGAN-style networks for image shapes,
    MLPs for vectors. Train with `fit(x, y)` (integer labels, `(N,)` or `(N, 1)`),
    or a dataset of `(samples, labels)`. Same losses and metrics as `GAN`.

    Args:
        data_shape: shape of one sample.
        num_classes: number of labels, 0..num_classes-1.
        latent_dim: size of z.
        filters: width of the default convolutional networks (images).
        generator_filters: width of the default convolutional G alone; default `filters`.
        conditioning: how the default D sees the label: `"concat"` (one-hot joined to
            its input, default) or `"projection"` (Miyato & Koyama 2018: the logit gains
            <embed(y), φ(x)> on D's last features).
        d_normalization: normalization in the default convolutional D: `"batch"` (default),
            `"spectral"` (SN-GAN: every convolution and the logit spectrally normalized),
            `"layer"` or `None`.
        **kwargs: `hidden_units` and `dropout` of the default MLPs (vectors); `generator`,
            an optional Keras model `[z, label] -> samples`; `discriminator`, an optional
            Keras model `[samples, label] -> (batch, 1)` logits; the rest (`d_steps`, `seed`,
            `augment`, `pack`, ...) as `AdversarialModel`.
    """

    def __init__(self, data_shape, num_classes, latent_dim=100, filters=64, conditioning="concat",
                 d_normalization="batch", generator_filters=None, **kwargs):
        if int(num_classes) < 2:
            raise ValueError(f"num_classes must be at least 2, got {num_classes}.")
        self.num_classes = int(num_classes)
        self.filters = checks.positive_int("filters", filters, 64)
        self.generator_filters = checks.optional_positive_int("generator_filters", generator_filters, 64)
        self.conditioning = conditioning
        self.d_normalization = networks.check_normalization(d_normalization)
        super().__init__(data_shape, latent_dim, **kwargs)

    def build_generator(self):
        if self.is_image:
            return networks.dcgan_generator(
                self.latent_dim, self.data_shape, self.generator_filters or self.filters,
                num_classes=self.num_classes
            )
        return networks.mlp_generator(
            self.latent_dim, self.data_shape, self.hidden_units, num_classes=self.num_classes
        )

    def build_discriminator(self):
        if self.is_image:
            return networks.dcgan_discriminator(self.d_input_shape, self.filters, num_classes=self.num_classes,
                                                conditioning=self.conditioning, pack=self.pack,
                                                normalization=self.d_normalization)
        return networks.mlp_discriminator(
            self.d_input_shape, self.hidden_units, self.dropout, num_classes=self.num_classes,
            seed=None if self.seed is None else self.seed + 1, conditioning=self.conditioning, pack=self.pack,
        )

    def _check_networks(self):
        for net, role in ((self.generator, "generator"), (self.discriminator, "discriminator")):
            if len(net.inputs) != 2:
                raise ValueError(
                    f"A ConditionalGAN {role} takes two inputs, [{'z' if role == 'generator' else 'x'}, "
                    f"label]; this one takes {len(net.inputs)}. Build it with keras.Input for both."
                )
        super()._check_networks()

    def _split_batch(self, data):
        return data[0], data[1]

    def call_discriminator(self, samples, condition=None):
        return self.discriminator([samples, condition], training=True)

    def generate_batch(self, batch_size, condition=None):
        return self.generator([self.sample_latents(batch_size), condition], training=True)

    def generator_inputs(self, z, condition=None):
        return [z, condition]

    def _statistics_inputs(self, z, rng):
        return [z, rng.integers(0, self.num_classes, len(z)).astype("int32")]

    def _check_batch(self, batch):
        super()._check_batch(batch)
        self._check_labels(None, None, batch)

    def _check_labels(self, x, y, batch):
        """Integer labels for `fit(x, y)`, or the second element of a dataset's batches."""
        if hasattr(x, "shape") and hasattr(x, "dtype"):
            if y is None:
                raise ValueError(
                    "ConditionalGAN.fit needs labels: fit(x, y) with integer labels in "
                    f"[0, {self.num_classes}), one per sample."
                )
            y = checks.to_numpy(y)
            if y.ndim == 2 and y.shape[1] == 1:  # (N, 1) labels, as CIFAR ships them
                y = y[:, 0]
            checks.check_labels(y, self.num_classes, len(x))
        elif batch is not None:
            if len(batch) < 2:
                raise ValueError(
                    "ConditionalGAN needs batches of (samples, labels); the dataset yields "
                    "samples only. Zip the labels in, e.g. Dataset.from_tensor_slices((x, y))."
                )
            checks.check_labels(checks.to_numpy(batch[1]), self.num_classes, len(batch[0]))
        return y

    def generate(self, num_samples=None, *, labels=None, seed=None, z=None, batch_size=256, ema=None):
        """Samples from the generator for given labels.

        Args:
            num_samples: how many samples (omit when `z` or a list of `labels` is given).
            labels: an int (all samples of that class) or one int per sample; omitted,
                labels are drawn uniformly (from `seed`).
            seed: integer; the same seed gives the same latents and labels on every backend.
            z: explicit latents `(n, latent_dim)`.
            batch_size: samples per generator call.
            ema: use the moving-average weights; see `AdversarialModel.generate`.

        Returns:
            numpy float32 `(n, *data_shape)`.
        """
        rng = np.random.default_rng(seed)
        if num_samples is None:
            num_samples = len(z) if z is not None else (None if labels is None or np.ndim(labels) == 0 else len(labels))
        if num_samples is None:
            raise ValueError("Pass num_samples, a list of labels, or z.")
        if labels is None:
            labels = rng.integers(0, self.num_classes, int(num_samples))
        elif np.ndim(labels) == 0:
            labels = np.full(int(num_samples), labels)
        labels = np.asarray(labels)
        checks.check_labels(labels, self.num_classes, int(num_samples))
        if z is None:
            z = rng.standard_normal((int(num_samples), self.latent_dim))
        z = checks.check_latents(z, self.latent_dim)
        return self._predict_in_batches([z, labels.astype("int32")], batch_size, ema)

    def generate_grid(self, num_samples=64, *, seed=None, ema=None):
        """One row per class, `max(1, num_samples // num_classes)` samples each: `(images, columns)`."""
        per_class = max(1, int(num_samples) // self.num_classes)
        labels = np.repeat(np.arange(self.num_classes), per_class)
        return self.generate(labels=labels, seed=seed, ema=ema), per_class

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes, "filters": self.filters,
                "generator_filters": self.generator_filters,
                "conditioning": self.conditioning, "d_normalization": self.d_normalization}
