"""The adversarial model, assembled from its parts: networks, objective, conditioning, augmentation, packing, EMA."""

import keras
import numpy as np
from keras import ops

from keras_gan import augment as augment_lib
from keras_gan import checks, ema, objectives, packing
from keras_gan import conditioning as conditioning_lib
from keras_gan._keras_internals import MetricDirections
from keras_gan.backend import AdversarialTrainer
from keras_gan.models.phases import PeriodicPhases
from keras_gan.models.sampling import Sampling
from keras_gan.models.training import Training
from keras_gan.networks import is_image_shape

__all__ = ["AdversarialModel", "METRIC_DIRECTIONS"]

METRIC_DIRECTIONS = {
    "d_loss": "down", "g_loss": "down", "w_distance": "down", "gp": "down", "r1": "down", "r2": "down",
    "frechet_distance": "down", "kid": "down", "swd": "down",
    "inception_score": "up", "precision": "up", "recall": "up", "label_accuracy": "up",
}
"""Which way is better for each figure a model or `Evaluation` logs (`d_real`, `d_fake`, `r_t` have none)."""


class AdversarialModel(Training, PeriodicPhases, Sampling, AdversarialTrainer, keras.Model):
    """Base class: a generator, a discriminator and Algorithm 1 of Goodfellow et al. 2014.

    Each `train_step` takes `d_steps` discriminator updates, each on fresh latents
    and the step's real batch, then one generator update. Subclasses define the
    default networks and optimizers; `compile(loss=...)` picks the objective
    (`keras_gan.objectives`).

    Args:
        data_shape: shape of one sample, e.g. `(28, 28, 1)` or `(2,)`.
        latent_dim: size of the latent vector z.
        generator: optional Keras model `(batch, latent_dim) -> (batch, *data_shape)`
            (conditional models: `[z, label] -> samples`).
        discriminator: optional Keras model `(batch, *data_shape) -> (batch, 1)` logits
            (conditional models: `[samples, label] -> logits`).
        d_steps: discriminator steps per generator step (the paper's k).
        d_fresh_batches: split each step's real batch into `d_steps` equal parts, one
            fresh part per discriminator step (Algorithm 1 of Goodfellow et al. 2014 and
            Gulrajani et al. 2017); the generator step then uses the part's size. Rows
            beyond `d_steps` equal parts are dropped. Default: every D step sees the
            whole batch.
        augment: DiffAugment policy for D's inputs (Zhao et al. 2020), names from
            `"color"`, `"translation"`, `"cutout"` joined by commas, e.g.
            `"translation,cutout"`; applied to real and generated images in D's and G's
            steps. Images only; default `None` (off).
        augment_p: probability of each transform per image: a float in [0, 1], or
            `"adaptive"` for ADA (Karras et al. 2020): p starts at 0 and moves by
            `batch / (ada_kimg · 1000)` per step up when r_t = E[sign(D(real))] is
            above `ada_target`, down when below. Logs `augment_p` and `r_t`.
        ada_target: ADA's target for r_t (paper: 0.6).
        ada_kimg: thousands of images for p to go from 0 to 1 (paper: 500).
        pack: PacGAN's packing degree m (Lin et al. 2018): D judges m samples at once,
            joined along the features (vectors: `(batch/m, m·d)`; images: along the
            channels); packs hold only real or only generated samples. The default D
            takes the packed shape (`d_input_shape`); batches must be multiples of m.
        num_classes: a conditional model (Mirza & Osindero 2014) on labels
            0..num_classes-1: G(z, y) and D(x, y), `fit(x, y)`; default unconditional.
        conditioning: how the default D sees the label: `"concat"` (one-hot joined to its
            input) or `"projection"` (Miyato & Koyama 2018).
        seed: seed of the model's `SeedGenerator`, which draws every training latent.
    """

    aux_metrics = ()
    """Names of the extra values the losses report, logged as epoch means."""

    def __init__(
        self, data_shape, latent_dim=100, generator=None, discriminator=None,
        d_steps=1, seed=None, d_fresh_batches=False, augment=None, augment_p=1.0,
        ada_target=0.6, ada_kimg=500, pack=1, num_classes=None, conditioning="concat", **kwargs,
    ):
        super().__init__(**kwargs)
        self.data_shape = checks.data_shape(data_shape)
        self.latent_dim = checks.positive_int("latent_dim", latent_dim, 100)
        self.d_steps = checks.positive_int("d_steps", d_steps, 5)
        self.d_fresh_batches = bool(d_fresh_batches)
        self.pack = packing.check_pack(pack)
        self.seed = seed
        # A subclass that takes `num_classes` itself may have set it before calling this.
        if num_classes is None:
            num_classes = getattr(self, "num_classes", None)
        self.num_classes = conditioning_lib.check_num_classes(num_classes)
        self.conditioning = conditioning
        # Creation order fixes the variables' paths in saved files: augmentation, G, D, the latents' seed.
        self._set_augmentation(augment, augment_p, ada_target, ada_kimg)
        self.generator = generator if generator is not None else self.build_generator()
        self.discriminator = discriminator if discriminator is not None else self.build_discriminator()
        self._check_networks()
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        names = self.aux_metrics + (("augment_p", "r_t") if self.adaptive_augment else ())
        self.aux_trackers = {name: keras.metrics.Mean(name=name) for name in names}
        self._directions = MetricDirections(METRIC_DIRECTIONS)
        self._ema = ema.GeneratorAverage(self.generator, self._ema_inputs)
        self.built = True

    # --- what subclasses define ----------------------------------------------------

    def build_generator(self):
        """Returns the default generator for `data_shape` and `latent_dim` (and `num_classes`)."""
        raise NotImplementedError

    def build_discriminator(self):
        """Returns the default discriminator for `d_input_shape` (and `d_label_options`)."""
        raise NotImplementedError

    def default_optimizers(self):
        """Returns fresh `(d_optimizer, g_optimizer)` with the paper's settings."""
        raise NotImplementedError

    def objective_for(self, loss):
        """The `keras_gan.objectives.Objective` that `compile(loss=...)` names (default: non-saturating)."""
        return objectives.get(loss or "non_saturating")

    # --- the parts ---------------------------------------------------------------------

    @property
    def is_image(self):
        return is_image_shape(self.data_shape)

    @property
    def is_conditional(self):
        """Whether G and D see class labels (`num_classes` set)."""
        return bool(self.num_classes)

    @property
    def d_label_options(self):
        """What the default discriminators take about labels: `num_classes`, `conditioning`, `pack`."""
        return {"num_classes": self.num_classes, "conditioning": self.conditioning, "pack": self.pack}

    @property
    def d_input_shape(self):
        """Shape of one input of D: `data_shape`, or one pack of `pack` samples."""
        return packing.input_shape(self.data_shape, self.pack)

    def pack_batch(self, samples):
        """`(batch, *data_shape)` → `(batch / pack, *d_input_shape)`: consecutive samples packed together."""
        return packing.pack_samples(samples, self.data_shape, self.pack)

    def pack_condition(self, condition):
        """Labels `(batch,)` → `(batch / pack, pack)`, each sample's label beside it (`None` stays `None`)."""
        return packing.pack_labels(condition, self.pack)

    def discriminate(self, samples, condition=None, augment=True, pack=True):
        """D's float32 logits for `samples` (training mode), after augmentation and packing.

        Conditional models also pass `condition`; `augment=False` skips the augmentation,
        `pack=False` the packing (for samples and conditions already packed).
        """
        if augment:
            samples = self.augment_batch(samples)
        if pack:
            samples, condition = self.pack_batch(samples), self.pack_condition(condition)
        return ops.cast(self.call_discriminator(samples, condition), "float32")

    def call_discriminator(self, samples, condition=None):
        """The discriminator on `samples` (and, conditional, `condition`) in training mode."""
        return self.discriminator([samples, condition] if self.num_classes else samples, training=True)

    def generator_inputs(self, z, condition=None):
        """What the generator takes for latents `z`: `z`, or `[z, condition]` when conditional."""
        return [z, condition] if self.num_classes else z

    def sample_latents(self, batch_size):
        """Draws `(batch_size, latent_dim)` standard-normal latents from the model's seed state.

        With data parallelism, each replica draws its rows of the global batch's latents.
        """
        return self._replica_draw(
            lambda n: keras.random.normal((n, self.latent_dim), seed=self.seed_generator), batch_size
        )

    def generate_batch(self, batch_size, condition=None):
        """A generated batch from fresh latents (and `condition`), in training mode."""
        return self.generator(self.generator_inputs(self.sample_latents(batch_size), condition), training=True)

    def _set_augmentation(self, augment, augment_p, ada_target, ada_kimg):
        self.augment = ",".join(augment_lib.parse_policy(augment)) or None
        if self.augment and len(self.data_shape) != 3:
            raise ValueError(
                f"augment={augment!r} transforms images (height, width, channels), but data_shape is "
                f"{self.data_shape}. Use augment=None for vector data."
            )
        self.augment_p = augment_lib.check_probability(augment_p)
        self.adaptive_augment = self.augment_p == "adaptive"
        self.ada_target = float(ada_target)
        self.ada_kimg = float(ada_kimg)
        if self.ada_kimg <= 0:
            raise ValueError(f"ada_kimg must be positive (thousands of images), got {ada_kimg}.")
        # Its own stream (only when augmenting: saved files of other models keep their layout).
        self.augment_seed_generator = self.augment and keras.random.SeedGenerator(
            None if self.seed is None else int(self.seed) + 2, name="augment_seed_generator"
        )
        self.augment_probability = None
        if self.adaptive_augment:
            # Model state: saved with the weights and threaded through JAX's jitted step.
            self.augment_probability = self.add_weight(
                shape=(), initializer="zeros", trainable=False, name="augment_probability", aggregation="mean",
            )
            # Since p's last adjustment: the sum of sign(D(real)), the count of D's real outputs, the
            # real images seen, the steps taken (ADA adjusts every `ADA_INTERVAL` steps).
            self.ada_statistics = self.add_weight(
                shape=(4,), initializer="zeros", trainable=False, name="ada_statistics", aggregation="mean",
            )

    def augment_batch(self, samples, draw=None):
        """`samples` after the model's DiffAugment policy (unchanged when `augment` is None).

        `draw(shape)` replaces the model's stream of U[0, 1) draws (e.g. `augment.RecordedDraws` replayed).
        """
        if not self.augment:
            return samples
        if self.adaptive_augment:
            probability = self.augment_probability.value
        else:
            probability = None if self.augment_p == 1.0 else self.augment_p
        return augment_lib.diff_augment(
            ops.cast(samples, "float32"), self.augment, self.augment_seed_generator,
            probability=probability, draw=draw or self._augment_draw,
        )

    def _augment_draw(self, shape):
        """U[0, 1) draws for the augmentation, one row per sample of the (global) batch."""
        return self._replica_draw(
            lambda n: keras.random.uniform((n, *shape[1:]), seed=self.augment_seed_generator), shape[0]
        )

    def augment_statistics(self, real_logits):
        """ADA's overfitting signal `{"r_t": E[sign(D(real))]}` (empty unless `augment_p="adaptive"`)."""
        return {"r_t": augment_lib.overfitting_signal(real_logits)} if self.adaptive_augment else {}

    ADA_INTERVAL = 4
    """Steps between ADA's adjustments of p (StyleGAN2-ADA: every 4 minibatches)."""

    def _accumulate_overfitting(self, r_t, batch_size):
        """Adds one D step's `r_t` (the mean of sign(D(real)) over its `batch_size` reals) to ADA's statistics."""
        n = ops.cast(batch_size, "float32")
        outputs = n / self.pack
        self.ada_statistics.assign(self.ada_statistics.value + ops.stack([r_t * outputs, outputs, n, 0.0]))

    def _update_augment_probability(self):
        """Counts a step; every `ADA_INTERVAL` steps moves p toward r_t = `ada_target` by the real images
        seen since the last adjustment over `ada_kimg · 1000`, with r_t their mean sign(D(real)), and resets."""
        stats = self.ada_statistics.value + ops.convert_to_tensor([0.0, 0.0, 0.0, 1.0])
        due = stats[3] >= self.ADA_INTERVAL
        r_t = stats[0] / ops.maximum(stats[1], 1.0)
        adjusted = augment_lib.ada_adjust(self.augment_probability.value, r_t, self.ada_target, self.ada_kimg,
                                          stats[2])
        self.augment_probability.assign(ops.where(due, adjusted, self.augment_probability.value))
        self.ada_statistics.assign(ops.where(due, ops.zeros_like(stats), stats))

    def _check_networks(self):
        if self.num_classes:
            conditioning_lib.check_networks(self.generator, self.discriminator, type(self).__name__)
        g_out = tuple(self.generator.output_shape[1:])
        if g_out != self.data_shape:
            raise ValueError(
                f"The generator outputs samples of shape {g_out}, but data_shape is "
                f"{self.data_shape}. Make its last layer produce {self.data_shape}."
            )
        z_shape = tuple(self.generator.inputs[0].shape[1:])
        if z_shape != (self.latent_dim,):
            raise ValueError(
                f"The generator takes latents of shape {z_shape}, expected ({self.latent_dim},) "
                f"= (latent_dim,). Pass latent_dim={z_shape[-1]} or rebuild the generator."
            )
        d_in = tuple(self.discriminator.inputs[0].shape[1:])
        if d_in != tuple(self.d_input_shape):
            raise ValueError(
                f"The discriminator takes inputs of shape {d_in}, but it judges "
                f"{'packs of ' + str(self.pack) + ' samples, ' if self.pack > 1 else ''}shape "
                f"{tuple(self.d_input_shape)} (d_input_shape). Build it with keras.Input({tuple(self.d_input_shape)})."
            )
        d_out = tuple(self.discriminator.output_shape[1:])
        if d_out != (1,):
            raise ValueError(
                f"The discriminator must output one logit per sample, shape (batch, 1); "
                f"it outputs (batch, {', '.join(map(str, d_out))}). End it with Dense(1)."
            )

    # --- state and config --------------------------------------------------------------

    def _seed_states(self):
        return [v for v in self.variables if v.path.endswith("seed_generator_state")]

    def save_own_variables(self, store):
        # Keras does not save SeedGenerator states; a resumed run needs them to draw
        # the same latents and dropout masks as an uninterrupted one.
        super().save_own_variables(store)
        for i, v in enumerate(self._seed_states()):
            store[f"seed_state_{i}"] = ops.convert_to_numpy(v.value)
        # The generator's moving average lives outside Keras's variables (so JAX's
        # `fit` state never overwrites it); it is saved here, beside them.
        ema.save(store, self.generator_ema, self.generator_ema_statistics)

    def load_own_variables(self, store):
        seeds = {k: np.asarray(store[k]) for k in store.keys() if k.startswith("seed_state_")}
        for i, v in enumerate(self._seed_states()):
            if f"seed_state_{i}" in seeds:
                v.assign(seeds[f"seed_state_{i}"])
        weights, statistics, ema_keys = ema.load(store)
        if weights is not None:
            self.set_generator_ema(weights, statistics=statistics)
        own = {k: store[k] for k in store.keys() if k not in seeds and k not in ema_keys}
        variables = self._trainable_variables + self._non_trainable_variables
        statistics = getattr(self, "ada_statistics", None)
        if statistics is not None and len(own) == len(variables) - 1:
            # Saved before ADA accumulated its statistics: they start empty.
            index = next(i for i, v in enumerate(variables) if v is statistics)
            values = [own[str(i)] for i in range(len(own))]
            values.insert(index, np.zeros(statistics.shape, "float32"))
            own = {str(i): value for i, value in enumerate(values)}
        super().load_own_variables(own)

    def get_config(self):
        config = {
            "name": self.name, "data_shape": self.data_shape, "latent_dim": self.latent_dim,
            "d_steps": self.d_steps, "d_fresh_batches": self.d_fresh_batches, "pack": self.pack,
            "augment": self.augment, "augment_p": self.augment_p, "ada_target": self.ada_target,
            "ada_kimg": self.ada_kimg, "seed": self.seed,
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
        }
        if self.num_classes:  # unconditional models' configs stay as they were saved before labels were an option
            config.update(num_classes=self.num_classes, conditioning=self.conditioning)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)

