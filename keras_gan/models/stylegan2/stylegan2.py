"""StyleGAN2 (Karras et al. 2020, arXiv:1912.04958), with the small-data options of StyleGAN2-ADA (arXiv:2006.06676)."""

import keras
import numpy as np
from keras import ops

from keras_gan import checks, conditioning, packing
from keras_gan.backend import inference_function
from keras_gan.models.adversarial_model import AdversarialModel
from keras_gan.models.stylegan2 import networks as nets
from keras_gan.models.stylegan2.lazy_r1 import LazyR1

__all__ = ["StyleGAN2"]


@keras.saving.register_keras_serializable(package="keras_gan")
class StyleGAN2(AdversarialModel):
    """StyleGAN2: a mapping network, a style-modulated synthesis network and a residual discriminator.

    Trains D on the non-saturating logistic loss plus `r1_gamma / 2 · E‖∇D(x)‖²` on reals (R1),
    taken every `r1_interval` D steps and scaled by the interval (lazy regularization), and G on
    `−log D(G(z))` with style-mixing regularization: with probability `style_mixing` a sample's
    layers from a random crossover on take the w of a second z. After G's update each step moves
    the average w (`w_avg`, decay `w_avg_beta`, for the truncation trick) toward the mean w of G's
    batch (`after_generator_step`). D and G train with the same Adam: R1 joins the D step it is due
    on, so no lazy-regularization correction applies (`default_optimizers`). Under a float16 compute
    dtype activations are clamped to ±256 (`conv_clamp`). Logs `d_loss`, `g_loss`, `d_real`,
    `d_fake` (sigmoid(D) means) and `r1` (the penalty, an unbiased per-step estimate when lazy).
    Path-length regularization is not implemented. Networks: `keras_gan.models.stylegan2.networks`.

    Args:
        data_shape: `(side, side, channels)`, side a power of two from 8, values in [-1, 1].
        latent_dim: size of z.
        w_dim: size of w.
        mapping_layers: depth of the mapping MLP (paper 8; 2 in StyleGAN2-ADA's small configs).
        channel_base, channel_max: `min(channel_base // resolution, channel_max)` feature maps per resolution.
        num_classes: a conditional model on labels 0..num_classes-1 (`fit(x, y)`): a label embedding
            joined to z before mapping, a projection term in D. Default: unconditional.
        r1_gamma: R1 weight γ (paper: 10 at 1024², 0.01 on CIFAR-10; `0.0002·side²/batch` for new data).
        r1_interval: R1 every this many D steps, scaled by it (paper 16); 1: every step.
        style_mixing: probability of mixing two ws per generated training sample (paper 0.9).
        w_avg_beta: decay of the tracked average w.
        mbstd_group_size: samples per minibatch standard-deviation group.
        mapping_lr_multiplier: the mapping network's learning-rate multiplier (paper 0.01).
        learning_rate: Adam's rate in the default optimizers (paper 0.0025 below 1024², 0.002 there).
        **kwargs: `generator`, `discriminator`, `seed`, `augment`, `augment_p`, `ada_target`,
            `ada_kimg`, `d_steps`, `pack`: see `AdversarialModel` (`pack` > 1: unconditional models only).
    """

    aux_metrics = ("d_real", "d_fake", "r1")
    lazy_r1_mode = "static"
    """How lazy R1 skips the penalty between due steps (the same training each way):
    `"static"`, two compiled steps picked on the host (`Training.make_train_function`);
    `"cond"`, one step deciding on the device (`ops.cond`); `"mask"`, the penalty computed
    every step and multiplied by 0/1. Kept to measure them (`bench/lazy_r1.py`)."""

    def __init__(self, data_shape, latent_dim=512, w_dim=512, mapping_layers=8, channel_base=16384, channel_max=512,
                 num_classes=None, r1_gamma=10.0, r1_interval=16, style_mixing=0.9, w_avg_beta=0.995,
                 mbstd_group_size=4, mapping_lr_multiplier=0.01, learning_rate=0.0025, **kwargs):
        nets.check_resolution(tuple(data_shape))
        self.w_dim = checks.positive_int("w_dim", w_dim, 512)
        self.mapping_layers = checks.positive_int("mapping_layers", mapping_layers, 8)
        self.channel_base = checks.positive_int("channel_base", channel_base, 16384)
        self.channel_max = checks.positive_int("channel_max", channel_max, 512)
        self.num_classes = conditioning.check_num_classes(num_classes)  # before the base builds the networks
        pack = packing.check_pack(kwargs.get("pack", 1))
        if self.num_classes and pack > 1:
            raise ValueError(
                f"StyleGAN2 takes num_classes={num_classes} or pack={pack}, not both: its discriminator's projection "
                f"term takes one label per input, and packing joins {pack} images into one input of D, whose labels "
                f"it would not see. Use pack=1 for a conditional StyleGAN2, or an unconditional one "
                f"(num_classes=None) to pack."
            )
        self.r1_gamma = checks.non_negative("r1_gamma", r1_gamma, 10.0)
        self.r1_interval = checks.positive_int("r1_interval", r1_interval, 16)
        if not 0.0 <= float(style_mixing) <= 1.0:
            raise ValueError(f"style_mixing must be a probability in [0, 1] (paper 0.9), got {style_mixing!r}.")
        self.style_mixing = float(style_mixing)
        self.w_avg_beta = checks.fraction("w_avg_beta", w_avg_beta)
        self.mbstd_group_size = checks.positive_int("mbstd_group_size", mbstd_group_size, 4)
        self.mapping_lr_multiplier = float(mapping_lr_multiplier)
        self.learning_rate = float(learning_rate)
        super().__init__(data_shape, latent_dim, **kwargs)
        self.num_ws = nets.num_ws(self.data_shape[0])
        # Model state: saved with the weights, threaded through JAX's jitted step.
        self.w_avg = self.add_weight(shape=(self.w_dim,), initializer="zeros", trainable=False, name="w_avg",
                                     aggregation="mean")
        self._scratch = _Scratch()

    def build_generator(self):
        return nets.stylegan2_generator(
            self.latent_dim, self.data_shape, self.w_dim, self.mapping_layers, self.channel_base, self.channel_max,
            self.num_classes, self.mapping_lr_multiplier, seed=None if self.seed is None else int(self.seed) + 1000,
        )

    def build_discriminator(self):
        return nets.stylegan2_discriminator(self.d_input_shape, self.channel_base, self.channel_max, self.num_classes,
                                            self.mbstd_group_size)

    @property
    def mapping(self):
        """The mapping network z (and label) → w."""
        return self.generator.get_layer("mapping")

    @property
    def synthesis(self):
        """The synthesis network ws `(batch, num_ws, w_dim)` → images."""
        return self.generator.get_layer("synthesis")

    def default_optimizers(self):
        """Adam(`learning_rate`, β₁ = 0, β₂ = 0.99, ε = 1e-8) for D and for G alike.

        No lazy-regularization correction on D's: the paper (Appendix B) scales D's rate by
        c = k/(k+1) and β₂ to 0.99^c because its R1 runs as a *separate* optimizer step every k
        minibatches, so Adam takes k+1 updates per k minibatches. Here R1 joins the D step it is due
        on (`LazyR1`): D's Adam takes exactly k updates per k minibatches, as without R1, so c = 1.
        """
        return (
            keras.optimizers.Adam(self.learning_rate, beta_1=0.0, beta_2=0.99, epsilon=1e-8, name="d_adam"),
            keras.optimizers.Adam(self.learning_rate, beta_1=0.0, beta_2=0.99, epsilon=1e-8, name="g_adam"),
        )

    def objective_for(self, loss):
        if loss not in (None, "non_saturating", "non_saturating_r1"):
            raise ValueError(f"StyleGAN2 trains with the logistic loss and R1 (loss='non_saturating'), got {loss!r}.")
        return LazyR1(self.r1_gamma, self.r1_interval, self.lazy_r1_mode)

    # --- training ---------------------------------------------------------------

    def _mapped(self, z, condition):
        return self.mapping([z, condition] if self.num_classes else z, training=True)

    def generate_batch(self, batch_size, condition=None):
        """Generated images from fresh latents; with probability `style_mixing` two ws mixed per sample."""
        return self._styled_batch(batch_size, condition)[0]

    def _styled_batch(self, batch_size, condition):
        """`(images, w)`: a generated batch and the w of its first latents (before mixing)."""
        w = self._mapped(self.sample_latents(batch_size), condition)
        if self.style_mixing > 0:
            w_b = self._mapped(self.sample_latents(batch_size), condition)
            u = self._replica_draw(lambda n: keras.random.uniform((n, 2), seed=self.seed_generator), batch_size)
            # The crossover: uniform in 1..num_ws-1 when mixing, num_ws (no mixing) otherwise.
            cut = ops.floor(u[:, 1:] * (self.num_ws - 1)) + 1.0
            cut = ops.where(u[:, :1] < self.style_mixing, cut, float(self.num_ws))
            t = ops.cast(ops.arange(self.num_ws, dtype="float32")[None, :] >= cut, w.dtype)
            ws = w[:, None, :] + t[:, :, None] * (w_b - w)[:, None, :]
        else:
            ws = ops.repeat(w[:, None, :], self.num_ws, axis=1)
        return self.synthesis(ws, training=True), w

    def generator_step_loss(self, batch_size, condition=None, real=None):
        """G's loss, its figures and `w_mean`, the batch's mean w (for `after_generator_step`)."""
        fake, w = self._styled_batch(batch_size, condition)
        loss, figures = self.generator_loss(fake, condition, real)
        return loss, {**figures, "w_mean": ops.mean(ops.cast(ops.stop_gradient(w), "float32"), axis=0)}

    def after_generator_step(self, aux):
        """Moves `w_avg` toward the G step's mean w: `w_avg ← mean + w_avg_beta · (w_avg − mean)`."""
        figures = dict(aux)
        mean = figures.pop("w_mean")
        self.w_avg.assign(mean + self.w_avg_beta * (self.w_avg.value - mean))
        return figures

    # --- sampling ---------------------------------------------------------------

    @property
    def generator_ema_statistics(self):
        # No batch statistics: the averaged weights sample with the live state (noise images).
        return None if self.generator_ema is None else [v.value for v in self.generator.non_trainable_variables]

    def _latents(self, num_samples, z, rng):
        if z is None:
            if num_samples is None or int(num_samples) < 1:
                raise ValueError(f"num_samples must be a positive integer, got {num_samples}.")
            z = rng.standard_normal((int(num_samples), self.latent_dim))
        return checks.check_latents(z, self.latent_dim)

    def _labels(self, labels, count, rng):
        if not self.num_classes:
            if labels is not None:
                raise ValueError("labels are for a conditional StyleGAN2 (num_classes=...); this one has none.")
            return None
        return conditioning.sampling_labels(count, labels, None, self.num_classes, rng)[1]

    def generate(self, num_samples=None, *, labels=None, seed=None, z=None, truncation=1.0, batch_size=256,
                 ema=None, noise="const"):
        """Samples, clipped to [-1, 1].

        Args:
            num_samples: how many (omit when `z` or a list of `labels` is given).
            labels: conditional models: an int or one per sample; default drawn from `seed`.
            seed: integer; the same seed gives the same latents (and labels) on every backend.
            z: explicit latents `(n, latent_dim)`.
            truncation: ψ of the truncation trick, `w = w_avg + ψ (w − w_avg)`; 1: none, 0: the average w.
            batch_size: samples per generator call.
            ema: the moving-average weights (`GeneratorEMA`); default: when the model has them.
            noise: `"const"` (the layers' fixed noise images) or `"none"` (noise strengths set to 0).

        Returns:
            numpy float32 `(n, *data_shape)`.
        """
        rng = np.random.default_rng(seed)
        if num_samples is None and z is None and labels is not None and np.ndim(labels):
            num_samples = len(labels)
        z = self._latents(num_samples, z, rng)
        if num_samples is not None and int(num_samples) != len(z):
            raise ValueError(f"num_samples={num_samples} but z has {len(z)} rows; pass one of them.")
        labels = self._labels(labels, len(z), rng)
        return self._sample(z, z, np.zeros((len(z), self.num_ws)), truncation, labels, batch_size, ema, noise)

    def mix(self, z_a, z_b, crossover, *, labels=None, truncation=1.0, ema=None, noise="const"):
        """Style mixing: layers `0 .. crossover−1` take z_a's w, layers `crossover .. num_ws−1` z_b's.

        `crossover=0` gives z_b's image, `crossover=num_ws` z_a's; small crossovers keep z_a's
        coarse layout (pose, shape) only, large ones most of z_a. Each row of `z_a` pairs with
        the same row of `z_b` (shape `(n, latent_dim)` both). Returns `(n, *data_shape)`.
        """
        z_a, z_b = (checks.check_latents(np.atleast_2d(z), self.latent_dim) for z in (z_a, z_b))
        if len(z_a) != len(z_b) or not 0 <= int(crossover) <= self.num_ws:
            raise ValueError(f"z_a and z_b need the same number of rows ({len(z_a)}, {len(z_b)}) and crossover "
                             f"must lie in 0..{self.num_ws} (num_ws), got {crossover}.")
        t = np.broadcast_to(np.arange(self.num_ws) >= int(crossover), (len(z_a), self.num_ws))
        labels = self._labels(labels, len(z_a), np.random.default_rng(0))
        return self._sample(z_a, z_b, t, truncation, labels, 256, ema, noise)

    def interpolate(self, z_a, z_b, steps=8, *, labels=None, truncation=1.0, ema=None, noise="const"):
        """Images along the straight line from w(z_a) to w(z_b) in W: `(steps, *data_shape)` for one pair of
        `(latent_dim,)` latents, `(n, steps, *data_shape)` for `(n, latent_dim)` rows."""
        single = np.ndim(z_a) == 1
        z_a, z_b = (checks.check_latents(np.atleast_2d(z), self.latent_dim) for z in (z_a, z_b))
        n, steps = len(z_a), int(steps)
        t = np.repeat(np.tile(np.linspace(0.0, 1.0, steps), n)[:, None], self.num_ws, axis=1)
        labels = self._labels(labels, n, np.random.default_rng(0))
        images = self._sample(np.repeat(z_a, steps, 0), np.repeat(z_b, steps, 0), t, truncation,
                              None if labels is None else np.repeat(labels, steps), 256, ema, noise)
        images = images.reshape(n, steps, *self.data_shape)
        return images[0] if single else images

    def _sample(self, z_a, z_b, t, truncation, labels, batch_size, ema, noise):
        if noise not in ("const", "none"):
            raise ValueError(f"noise must be 'const' or 'none', got {noise!r}.")
        if ema and self.generator_ema is None:
            raise ValueError("ema=True needs moving-average weights: train with keras_gan.callbacks.GeneratorEMA() "
                             "or pass ema=False.")
        variables = self.generator.trainable_variables
        use_ema = self.generator_ema is not None and ema is not False
        values = list(self.generator_ema) if use_ema else [v.value for v in variables]
        if noise == "none":
            values = [ops.zeros_like(x) if "noise" in v.path else x for v, x in zip(variables, values)]
        if self._scratch.sampler is None:
            model = nets.sampling_network(self.generator)
            self._scratch.sampler = (model, inference_function(model))
        model, function = self._scratch.sampler
        by_id = {id(v): x for v, x in zip(variables, values)}
        by_id.update({id(v): v.value for v in self.generator.non_trainable_variables})
        trainable = [by_id[id(v)] for v in model.trainable_variables]
        non_trainable = [by_id[id(v)] for v in model.non_trainable_variables]
        count = len(z_a)
        psi = np.full((count, 1), float(truncation), "float32")
        w_avg = np.broadcast_to(ops.convert_to_numpy(self.w_avg.value), (count, self.w_dim))
        arrays = [np.asarray(a, "float32") for a in (z_a, z_b, t, psi, w_avg)] + ([] if labels is None else [labels])
        size = max(1, min(int(batch_size), count))
        parts = []
        for i in range(0, count, size):
            chunk = [a[i:i + size] for a in arrays]
            rows = len(chunk[0])
            if rows < size:  # one compiled shape: pad the last chunk
                chunk = [np.concatenate([c, np.repeat(c[-1:], size - rows, axis=0)]) for c in chunk]
            parts.append(ops.convert_to_numpy(function(trainable, non_trainable, chunk))[:rows])
        return np.clip(np.concatenate(parts), -1.0, 1.0).astype("float32")

    # --- config -------------------------------------------------------------------

    def get_config(self):
        return {
            **super().get_config(), "w_dim": self.w_dim, "mapping_layers": self.mapping_layers,
            "channel_base": self.channel_base, "channel_max": self.channel_max, "num_classes": self.num_classes,
            "r1_gamma": self.r1_gamma, "r1_interval": self.r1_interval, "style_mixing": self.style_mixing,
            "w_avg_beta": self.w_avg_beta, "mbstd_group_size": self.mbstd_group_size,
            "mapping_lr_multiplier": self.mapping_lr_multiplier, "learning_rate": self.learning_rate,
        }


class _Scratch:
    """Out of Keras's tracking: the compiled sampler."""

    sampler = None
