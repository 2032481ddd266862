"""What a trained model does: sample (`generate`, `generate_grid`) and keep the generator's moving average."""

import numpy as np
from keras import ops

from keras_gan import checks, conditioning
from keras_gan.backend import inference_function

__all__ = ["Sampling"]


class Sampling:
    """Sampling and the generator EMA of `AdversarialModel` (a mixin; the state lives in `self._ema`)."""

    def call(self, z, training=False):
        return self.generator(z, training=training)

    def generate(self, num_samples=None, *, labels=None, seed=None, z=None, batch_size=256, ema=None):
        """Samples from the generator.

        Args:
            num_samples: how many samples (omit when `z`, or a list of `labels`, is given).
            labels: conditional models: an int (all samples of that class) or one int per sample;
                omitted, labels are drawn uniformly (from `seed`).
            seed: integer; the same seed gives the same latents (and labels) on every backend.
            z: explicit latents `(n, latent_dim)`.
            batch_size: samples per generator call.
            ema: use the generator's moving-average weights (`GeneratorEMA`);
                default: when the model has them. `False`: the raw weights.

        Returns:
            numpy float32 `(n, *data_shape)`; images lie in [-1, 1].
        """
        rng = np.random.default_rng(seed)
        if self.num_classes:
            num_samples, labels = conditioning.sampling_labels(num_samples, labels, z, self.num_classes, rng)
        elif labels is not None:
            raise ValueError(f"labels are for a conditional model (num_classes=...); this {type(self).__name__} "
                             f"has none. Drop labels=.")
        if z is None:
            if num_samples is None or int(num_samples) < 1:
                raise ValueError(f"num_samples must be a positive integer, got {num_samples}.")
            z = rng.standard_normal((int(num_samples), self.latent_dim))
        elif num_samples is not None and int(num_samples) != len(z):
            raise ValueError(f"num_samples={num_samples} but z has {len(z)} rows; pass one of them.")
        z = checks.check_latents(z, self.latent_dim)
        return self._predict_in_batches(z if labels is None else [z, labels], batch_size, ema)

    def generate_grid(self, num_samples=64, *, seed=None, ema=None):
        """Samples laid out for a picture: `(images, columns)` for `keras_gan.save_image_grid`.

        Unconditional models give `num_samples` images in a square-ish grid; conditional
        ones give one row per class, `max(1, num_samples // num_classes)` samples each.
        """
        if not self.num_classes:
            return self.generate(num_samples, seed=seed, ema=ema), None
        labels, per_class = conditioning.grid_labels(num_samples, self.num_classes)
        return self.generate(labels=labels, seed=seed, ema=ema), per_class

    def _predict_in_batches(self, inputs, batch_size, ema=None):
        """Runs the generator in inference mode on `inputs` (an array or a list of arrays)."""
        if ema and self.generator_ema is None:
            raise ValueError(
                "generate(ema=True) needs moving-average weights, but this model has none. "
                "Train with keras_gan.callbacks.GeneratorEMA() or pass ema=False."
            )
        if self.generator_ema is not None and ema is not False:
            # The averaged weights in place of the trainable ones, with BatchNorm statistics
            # measured on those weights (`generator_ema_statistics`).
            weights, statistics = self.generator_ema, self.generator_ema_statistics
        else:
            weights = [v.value for v in self.generator.trainable_variables]
            statistics = [v.value for v in self.generator.non_trainable_variables]
        if getattr(self, "_sampler", None) is None:
            self._sampler = inference_function(self.generator)  # compiled once per model
        arrays = inputs if isinstance(inputs, list) else [inputs]
        count = len(arrays[0])
        size = max(1, min(int(batch_size), count))
        parts = []
        for i in range(0, count, size):
            chunk = [a[i : i + size] for a in arrays]
            rows = len(chunk[0])
            if rows < size:  # pad the last chunk: one compiled shape (inference mode is per sample)
                chunk = [np.concatenate([c, np.repeat(c[-1:], size - rows, axis=0)]) for c in chunk]
            out = self._sampler(weights, statistics, chunk if isinstance(inputs, list) else chunk[0])
            parts.append(ops.convert_to_numpy(out)[:rows])
        return np.concatenate(parts).astype("float32")

    # --- moving average of the generator -----------------------------------------

    @property
    def generator_ema(self):
        """Moving average of the generator's trainable weights (tensors), or `None`.

        Kept by `keras_gan.callbacks.GeneratorEMA`; `generate` uses it by default.
        It is saved with the model (`save`, `save_weights`) and restored on loading.
        """
        return self._ema.weights

    @property
    def generator_ema_statistics(self):
        """The generator's non-trainable state for sampling with `generator_ema`.

        The averaged generator's own BatchNorm statistics ("standing statistics", Brock et al.
        2019; see `keras_gan.ema.standing_statistics`), computed when first needed after each
        update and saved with the model.
        """
        return self._ema.statistics

    def _statistics_inputs(self, z, rng):
        """The generator's inputs for latents `z` (conditional models add labels from `rng`)."""
        if self.num_classes:
            return [z, rng.integers(0, self.num_classes, len(z)).astype("int32")]
        return z

    def _ema_inputs(self, rng, batch_size):
        return self._statistics_inputs(rng.standard_normal((batch_size, self.latent_dim)).astype("float32"), rng)

    def _update_generator_ema(self, weights, decay):
        """One moving-average step toward `weights` (one compiled call per backend)."""
        self._ema.update(weights, decay)

    def set_generator_ema(self, weights, statistics=None):
        """Sets (or with `None`, removes) the generator's moving-average weights.

        Args:
            weights: one array per `generator.trainable_variables`, same shapes.
            statistics: optional, one array per `generator.non_trainable_variables`: the
                sampling state of those weights; default: measured when first needed.
        """
        self._ema.set(weights, statistics)
