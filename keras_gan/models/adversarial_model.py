"""The adversarial training loop, written once for every backend and every objective."""

import inspect
import math

import keras
import numpy as np
from keras import ops
from keras.src.trainers import compile_utils  # MonitorCallback reads directions from its MetricsList

from keras_gan import augment as augment_lib
from keras_gan import checks, mixed_precision, objectives, optimizers
from keras_gan.backend import AdversarialTrainer, inference_function, moving_average
from keras_gan.callbacks import FiniteLossGuard, LearningRates
from keras_gan.networks import is_image_shape


class AdversarialModel(AdversarialTrainer, keras.Model):
    """Base class: a generator, a discriminator and Algorithm 1 of Goodfellow et al. 2014.

    Each `train_step` takes `d_steps` discriminator updates, each on fresh latents
    and the step's real batch, then one generator update. Subclasses define the
    default networks and the two losses.

    Args:
        data_shape: shape of one sample, e.g. `(28, 28, 1)` or `(2,)`.
        latent_dim: size of the latent vector z.
        generator: optional Keras model `(batch, latent_dim) -> (batch, *data_shape)`.
        discriminator: optional Keras model `(batch, *data_shape) -> (batch, 1)` logits.
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
        seed: seed of the model's `SeedGenerator`, which draws every training latent.
    """

    def __init__(
        self, data_shape, latent_dim=100, generator=None, discriminator=None,
        d_steps=1, seed=None, d_fresh_batches=False, augment=None, augment_p=1.0,
        ada_target=0.6, ada_kimg=500, pack=1, **kwargs,
    ):
        super().__init__(**kwargs)
        self.data_shape = checks.data_shape(data_shape)
        self.latent_dim = checks.positive_int("latent_dim", latent_dim, 100)
        self.d_steps = checks.positive_int("d_steps", d_steps, 5)
        self.d_fresh_batches = bool(d_fresh_batches)
        if int(pack) != pack or int(pack) < 1:
            raise ValueError(f"pack must be a positive integer (PacGAN's m; 1 = no packing), got {pack!r}.")
        self.pack = int(pack)
        self.seed = seed
        self._set_augmentation(augment, augment_p, ada_target, ada_kimg)
        self.generator = generator if generator is not None else self.build_generator()
        self.discriminator = (
            discriminator if discriminator is not None else self.build_discriminator()
        )
        self._check_networks()
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        names = self.aux_metrics + (("augment_p", "r_t") if self.adaptive_augment else ())
        self.aux_trackers = {name: keras.metrics.Mean(name=name) for name in names}
        self._directions = _MetricDirections(METRIC_DIRECTIONS)
        self._ema = _EMAWeights()
        self.built = True

    aux_metrics = ()
    """Names of the extra values the losses report, logged as epoch means."""

    def build_generator(self):
        """Returns the default generator for `data_shape` and `latent_dim`."""
        raise NotImplementedError

    def build_discriminator(self):
        """Returns the default discriminator for `data_shape`."""
        raise NotImplementedError

    def default_optimizers(self):
        """Returns fresh `(d_optimizer, g_optimizer)` with the paper's settings."""
        raise NotImplementedError

    def objective_for(self, loss):
        """The `keras_gan.objectives.Objective` that `compile(loss=...)` names (default: non-saturating)."""
        return objectives.get(loss or "non_saturating")

    def discriminator_loss(self, real, fake, condition=None):
        """Returns `(loss, aux)`: D's loss on a real and a generated batch, and metrics.

        The objective's `d_loss` on D's logits plus its `d_regularizer`, which sees the batches
        as D does (augmented and packed): a penalty on D's inputs is taken between those.
        """
        real, fake = (self.pack_batch(self.augment_batch(x)) for x in (real, fake))
        condition = self.pack_condition(condition)
        real_logits = self.discriminate(real, condition, augment=False, pack=False)
        fake_logits = self.discriminate(fake, condition, augment=False, pack=False)
        loss, aux = self.objective.d_loss(real_logits, fake_logits)
        penalty, penalty_aux = self.objective.d_regularizer(self, real, fake, condition)
        return loss + penalty, {**penalty_aux, **aux, **self.augment_statistics(real_logits)}

    def generator_loss(self, fake, condition=None):
        """Returns `(loss, aux)`: G's loss given a generated batch, and metrics."""
        return self.objective.g_loss(self.discriminate(fake, condition)), {}

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

    @property
    def d_input_shape(self):
        """Shape of one input of D: `data_shape`, or one pack of `pack` samples."""
        if self.pack == 1:
            return self.data_shape
        if self.is_image:
            return (*self.data_shape[:2], self.data_shape[2] * self.pack)
        return (math.prod(self.data_shape) * self.pack,)

    def pack_batch(self, samples):
        """`(batch, *data_shape)` → `(batch / pack, *d_input_shape)`: consecutive samples packed together."""
        if self.pack == 1:
            return samples
        self._check_packable(samples.shape[0])
        m = self.pack
        if self.is_image:
            height, width, channels = self.data_shape
            packed = ops.reshape(samples, (-1, m, height, width, channels))
            packed = ops.transpose(packed, (0, 2, 3, 1, 4))
            return ops.reshape(packed, (-1, height, width, m * channels))
        return ops.reshape(samples, (-1, math.prod(self.data_shape) * m))

    def pack_condition(self, condition):
        """Labels `(batch,)` → `(batch / pack, pack)`, each sample's label beside it (`None` stays `None`)."""
        if condition is None or self.pack == 1:
            return condition
        return ops.reshape(condition, (-1, self.pack))

    def _check_packable(self, batch_size):
        if batch_size is not None and batch_size % self.pack:
            raise ValueError(
                f"pack={self.pack} joins {self.pack} samples per discriminator input, but a batch has "
                f"{batch_size} samples. Use a batch_size that is a multiple of {self.pack} "
                f"(and a dataset whose size is one, or drop the remainder)."
            )

    def call_discriminator(self, samples, condition=None):
        """The discriminator on `samples` in training mode (conditional models add `condition`)."""
        return self.discriminator(samples, training=True)

    # --- augmentation ------------------------------------------------------------

    def _set_augmentation(self, augment, augment_p, ada_target, ada_kimg):
        self.augment = ",".join(augment_lib.parse_policy(augment)) or None
        if self.augment and len(self.data_shape) != 3:
            raise ValueError(
                f"augment={augment!r} transforms images (height, width, channels), but data_shape is "
                f"{self.data_shape}. Use augment=None for vector data."
            )
        self.adaptive_augment = augment_p == "adaptive"
        if not self.adaptive_augment:
            try:
                probability = float(augment_p)
            except (TypeError, ValueError):
                probability = None
            if probability is None or not 0.0 <= probability <= 1.0:
                raise ValueError(
                    f"augment_p must be a probability in [0, 1] or 'adaptive', got {augment_p!r}. "
                    f"Pass e.g. augment_p=1.0 (always augment) or augment_p='adaptive' (ADA)."
                )
            augment_p = probability
        self.augment_p = augment_p
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
                shape=(), initializer="zeros", trainable=False, name="augment_probability",
                aggregation="mean",
            )

    def augment_batch(self, samples):
        """`samples` after the model's DiffAugment policy (unchanged when `augment` is None)."""
        if not self.augment:
            return samples
        if self.adaptive_augment:
            probability = self.augment_probability.value
        else:
            probability = None if self.augment_p == 1.0 else self.augment_p
        return augment_lib.diff_augment(
            ops.cast(samples, "float32"), self.augment, self.augment_seed_generator,
            probability=probability, draw=self._augment_draw,
        )

    def _augment_draw(self, shape):
        """U[0, 1) draws for the augmentation, one row per sample of the (global) batch."""
        return self._replica_draw(
            lambda n: keras.random.uniform((n, *shape[1:]), seed=self.augment_seed_generator), shape[0]
        )

    def augment_statistics(self, real_logits):
        """ADA's overfitting signal `{"r_t": E[sign(D(real))]}` (empty unless `augment_p="adaptive"`)."""
        if not self.adaptive_augment:
            return {}
        return {"r_t": ops.mean(ops.sign(ops.cast(real_logits, "float32")))}

    def _update_augment_probability(self, r_t, batch_size):
        """One ADA adjustment of p toward r_t = `ada_target`."""
        step = ops.cast(batch_size, "float32") / (self.ada_kimg * 1000.0)
        p = self.augment_probability.value + ops.sign(r_t - self.ada_target) * step
        self.augment_probability.assign(ops.clip(p, 0.0, 1.0))

    def generate_batch(self, batch_size, condition=None):
        """A generated batch from fresh latents (training mode)."""
        return self.generator(self.sample_latents(batch_size), training=True)

    @property
    def is_image(self):
        return is_image_shape(self.data_shape)

    def _check_networks(self):
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

    # --- compile -----------------------------------------------------------------

    def compile(self, d_optimizer=None, g_optimizer=None, loss=None, **kwargs):
        """Configures training.

        Args:
            d_optimizer: discriminator optimizer (default: the paper's).
            g_optimizer: generator optimizer (default: the paper's).
            loss: name of the adversarial loss; see the subclass.
            **kwargs: passed to `keras.Model.compile` (`steps_per_execution`, `jit_compile`, ...).
        """
        default_d, default_g = self.default_optimizers()
        d_optimizer = _optimizer("d_optimizer", d_optimizer) if d_optimizer else default_d
        g_optimizer = _optimizer("g_optimizer", g_optimizer) if g_optimizer else default_g
        if mixed_precision.unwrap(d_optimizer) is mixed_precision.unwrap(g_optimizer):
            raise ValueError(
                "d_optimizer and g_optimizer are the same object; each network needs its "
                "own optimizer state. Pass two separate optimizer instances."
            )
        # Under "mixed_float16" each optimizer scales its own network's loss.
        self.d_optimizer = mixed_precision.for_policy(d_optimizer, self.dtype_policy)
        self.g_optimizer = mixed_precision.for_policy(g_optimizer, self.dtype_policy)
        self._set_loss(loss)
        # One optimizer object holding both: Keras's JAX fit threads only
        # `self.optimizer.variables` through jit; both optimizers' slots must be there.
        optimizer = optimizers.AdversarialOptimizer(
            self.d_optimizer, self.g_optimizer, self.discriminator.trainable_variables
        )
        super().compile(optimizer=optimizer, auto_scale_loss=False, **kwargs)
        optimizer.build(self.trainable_variables)

    def _set_loss(self, loss):
        """Validates the named loss and sets `objective` and `loss_name` from it."""
        self.objective = self.objective_for(loss)
        self.loss_name = self.objective.name

    def get_compile_config(self):
        if not getattr(self, "compiled", False):
            return None
        return {
            "d_optimizer": keras.optimizers.serialize(self.d_optimizer),
            "g_optimizer": keras.optimizers.serialize(self.g_optimizer),
            "loss": self.loss_name,
        }

    def compile_from_config(self, config):
        self.compile(
            d_optimizer=keras.optimizers.deserialize(config["d_optimizer"]),
            g_optimizer=keras.optimizers.deserialize(config["g_optimizer"]),
            loss=config["loss"],
        )

    # --- training ----------------------------------------------------------------

    @property
    def metrics(self):
        # Keras's monitored callbacks (EarlyStopping, ModelCheckpoint, ReduceLROnPlateau) read a
        # metric's direction only from a MetricsList in `model.metrics`: `_directions` holds the
        # directions of the model's figures and of `keras_gan.metrics.Evaluation`'s, and no state.
        return [*self._trackers(), self._directions]

    def _trackers(self):
        return [self.d_loss_tracker, self.g_loss_tracker, *self.aux_trackers.values()]

    def sample_latents(self, batch_size):
        """Draws `(batch_size, latent_dim)` standard-normal latents from the model's seed state.

        With data parallelism, each replica draws its rows of the global batch's latents.
        """
        return self._replica_draw(
            lambda n: keras.random.normal((n, self.latent_dim), seed=self.seed_generator), batch_size
        )

    def _discriminator_step(self, real, condition=None):
        """One discriminator update on `real` and a fresh generated batch; returns `(loss, aux)`."""
        with self._no_grad():
            fake = self.generate_batch(ops.shape(real)[0], condition)
        return self._minimize(
            lambda: self.discriminator_loss(real, fake, condition),
            self.discriminator.trainable_variables,
            self.d_optimizer,
        )

    def _generator_step(self, batch_size, condition=None):
        """One generator update through the discriminator; returns `(loss, aux)`."""
        return self._minimize(
            lambda: self.generator_loss(self.generate_batch(batch_size, condition), condition),
            self.generator.trainable_variables,
            self.g_optimizer,
        )

    def _split_batch(self, data):
        """`(samples, condition)` from what `fit` yields; unconditional models ignore labels."""
        real = data[0] if isinstance(data, (tuple, list)) else data
        return real, None

    def _real_batches(self, real, condition):
        """The real (and condition) batch of each D step: the same one, or `d_steps` fresh parts."""
        if not self.d_fresh_batches or self.d_steps == 1:
            return [(real, condition)] * self.d_steps
        if real.shape[0] is None:  # a graph with a dynamic batch (TensorFlow): split it there
            size = ops.shape(real)[0] // self.d_steps
        else:
            size = real.shape[0] // self.d_steps
        if isinstance(size, int) and size < 1:
            raise ValueError(
                f"d_fresh_batches=True splits each batch into d_steps={self.d_steps} parts, so a batch "
                f"needs at least {self.d_steps} samples; got a batch of shape "
                f"{tuple(real.shape)}. Use a larger batch_size (a multiple of d_steps)."
            )
        return [
            (real[i * size : (i + 1) * size],
             None if condition is None else condition[i * size : (i + 1) * size])
            for i in range(self.d_steps)
        ]

    def _adversarial_step(self, data):
        real, condition = self._split_batch(data)
        aux = {}
        for part, part_condition in self._real_batches(real, condition):
            d_loss, d_aux = self._discriminator_step(part, part_condition)
            self.d_loss_tracker.update_state(*mixed_precision.loggable(d_loss, self.d_optimizer))
            aux.update({name: (value, self.d_optimizer) for name, value in d_aux.items()})
        if self.adaptive_augment:
            self._update_augment_probability(ops.stop_gradient(d_aux["r_t"]), ops.shape(part)[0])
            aux["augment_p"] = (self.augment_probability.value, self.d_optimizer)
        g_loss, g_aux = self._generator_step(ops.shape(part)[0], part_condition)
        self.g_loss_tracker.update_state(*mixed_precision.loggable(g_loss, self.g_optimizer))
        aux.update({name: (value, self.g_optimizer) for name, value in g_aux.items()})
        for name, (value, optimizer) in aux.items():
            value = ops.stop_gradient(value)
            self.aux_trackers[name].update_state(*mixed_precision.loggable(value, optimizer))
        self.optimizer.iterations.assign_add(1)
        return {m.name: m.result() for m in self._trackers()}

    # --- inspection and files ------------------------------------------------------

    def summary(self, line_length=None, positions=None, print_fn=None, **kwargs):
        """Prints both networks' summaries under one header: parameter counts, optimizers, loss."""
        print_fn = print_fn or (lambda line, line_break=True: print(line))
        lines = [f'{type(self).__name__} "{self.name}": data_shape={self.data_shape}, latent_dim={self.latent_dim}']
        for role, net in (("generator", self.generator), ("discriminator", self.discriminator)):
            trainable = sum(math.prod(v.shape) for v in net.trainable_weights)
            lines.append(f"  {role} {net.name!r}: {net.count_params():,} parameters ({trainable:,} trainable)")
        if getattr(self, "compiled", False):
            for role, optimizer in (("d_optimizer", self.d_optimizer), ("g_optimizer", self.g_optimizer)):
                inner = mixed_precision.unwrap(optimizer)
                config = inner.get_config()
                rate = float(ops.convert_to_numpy(inner.learning_rate))
                extras = ", ".join(f"{k}={config[k]}" for k in ("beta_1", "beta_2", "rho", "momentum") if k in config)
                lines.append(f"  {role}: {type(inner).__name__}(learning_rate={rate:g}{', ' + extras if extras else ''})")
            lines.append(f"  loss: {self.loss_name}, d_steps: {self.d_steps}")
        else:
            lines.append("  not compiled: call compile() to set the optimizers and the loss")
        for line in lines:
            print_fn(line)
        for net in (self.generator, self.discriminator):
            net.summary(line_length=line_length, positions=positions, print_fn=print_fn, **kwargs)

    def load_weights(self, filepath, *args, **kwargs):
        try:
            return super().load_weights(filepath, *args, **kwargs)
        except ValueError as error:
            raise ValueError(
                f"{filepath} does not hold the weights of this {type(self).__name__} (data_shape={self.data_shape}, "
                f"latent_dim={self.latent_dim}, {self.generator.count_params():,} + "
                f"{self.discriminator.count_params():,} parameters): {str(error).splitlines()[0]} Build the model "
                f"with the class and arguments it was saved from, or load a .keras file with "
                f"keras.saving.load_model."
            ) from error

    # --- validation ----------------------------------------------------------------

    VALIDATION_SEED = 20140610
    """Seed of the latents of every validation batch: the same generated samples each epoch, so the
    `val_` figures compare across epochs and the training streams never move."""

    def _validation_step(self, data):
        """D's figures on a held-out real batch against generated samples (`fit(validation_data=)`, `evaluate`).

        Runs D (and G) as in training, augmentation included, inside a `keras.StatelessScope`:
        no weight, BatchNorm statistic or seed state changes. Logs `d_loss`, `d_real`, `d_fake`
        (or the critic's `w_distance`); `fit` prefixes them with `val_`.
        """
        real, condition = self._split_batch(data)
        state = [*self.trainable_variables, *self.non_trainable_variables, *self.optimizer.variables]
        with keras.StatelessScope(state_mapping=[(v, v.value) for v in state]):
            z = keras.random.normal((ops.shape(real)[0], self.latent_dim), seed=self.VALIDATION_SEED)
            fake = self.generator(self.generator_inputs(z, condition), training=True)
            loss, aux = self.validation_losses(real, fake, condition)
            figures = {"d_loss": loss, **{k: v for k, v in aux.items() if k in self.aux_trackers}}
            figures = {k: ops.stop_gradient(ops.cast(v, "float32")) for k, v in figures.items()}
        trackers = {"d_loss": self.d_loss_tracker, **self.aux_trackers}
        for name, value in figures.items():
            trackers[name].update_state(value)
        return {name: trackers[name].result() for name in figures}

    def validation_losses(self, real, fake, condition=None):
        """`(loss, aux)` reported on validation data: the objective's D loss, without its regulariser
        (no input gradients outside training)."""
        real_logits = self.discriminate(real, condition)
        loss, aux = self.objective.d_loss(real_logits, self.discriminate(fake, condition))
        return loss, {**aux, **self.augment_statistics(real_logits)}

    def generator_inputs(self, z, condition=None):
        """What the generator takes for latents `z` (conditional models add the labels)."""
        return z

    def fit(self, x=None, y=None, *args, callbacks=None, **kwargs):
        """`keras.Model.fit`, after checking the data, with a guard that stops on NaN/inf losses.

        `x` may be an array, a `tf.data.Dataset`, a torch `DataLoader` or a
        `keras.utils.PyDataset`; for datasets, the first batch is checked.
        """
        if not getattr(self, "compiled", False):
            raise ValueError("Call model.compile() before model.fit().")
        if x is None:
            raise ValueError("fit() needs training data: model.fit(x, batch_size=..., epochs=...).")
        checks.fit_inputs(x)
        batch = checks.first_batch(x)
        if batch is not None:
            checks.check_samples(batch[0], self.data_shape, image=self.is_image)
        elif inspect.isgenerator(x):  # checked as its first batch arrives; bare arrays become tuples
            x = checks.checked_generator(x, self._check_batch)
        y = self._check_labels(x, y, batch)
        callbacks = list(callbacks or [])
        if not any(isinstance(c, FiniteLossGuard) for c in callbacks):
            callbacks.append(FiniteLossGuard())
        if not any(isinstance(c, LearningRates) for c in callbacks):
            callbacks.append(LearningRates())
        callbacks = self._prepare_fit(callbacks)
        return super().fit(x, y, *args, callbacks=callbacks, **kwargs)

    def _check_batch(self, batch):
        checks.check_samples(batch[0], self.data_shape, image=self.is_image)

    def _check_labels(self, x, y, batch):
        """Validates labels before training and returns `y`; unconditional models ignore them."""
        return y

    # --- sampling ----------------------------------------------------------------

    def call(self, z, training=False):
        return self.generator(z, training=training)

    def generate(self, num_samples=None, *, seed=None, z=None, batch_size=256, ema=None):
        """Samples from the generator.

        Args:
            num_samples: how many samples (omit when `z` is given).
            seed: integer; the same seed gives the same latents on every backend.
            z: explicit latents `(n, latent_dim)`.
            batch_size: samples per generator call.
            ema: use the generator's moving-average weights (`GeneratorEMA`);
                default: when the model has them. `False`: the raw weights.

        Returns:
            numpy float32 `(n, *data_shape)`; images lie in [-1, 1].
        """
        if z is None:
            if num_samples is None or int(num_samples) < 1:
                raise ValueError(f"num_samples must be a positive integer, got {num_samples}.")
            z = np.random.default_rng(seed).standard_normal((int(num_samples), self.latent_dim))
        elif num_samples is not None and int(num_samples) != len(z):
            raise ValueError(f"num_samples={num_samples} but z has {len(z)} rows; pass one of them.")
        return self._predict_in_batches(checks.check_latents(z, self.latent_dim), batch_size, ema)

    def generate_grid(self, num_samples=64, *, seed=None, ema=None):
        """Samples laid out for a picture: `(images, columns)` for `keras_gan.save_image_grid`.

        Unconditional models give `num_samples` images in a square-ish grid; conditional
        ones give one row per class.
        """
        return self.generate(num_samples, seed=seed, ema=ema), None

    def _predict_in_batches(self, inputs, batch_size, ema=None):
        """Runs the generator in inference mode on `inputs` (an array or a list of arrays)."""
        if ema and self.generator_ema is None:
            raise ValueError(
                "generate(ema=True) needs moving-average weights, but this model has none. "
                "Train with keras_gan.callbacks.GeneratorEMA() or pass ema=False."
            )
        use_ema = self.generator_ema is not None and ema is not False
        if use_ema:
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

        BatchNorm's moving statistics belong to the weights that produced them: with the
        averaged weights, the live generator's statistics mismatch the activations. These
        are the averaged generator's own ("standing statistics", Brock et al. 2019): the
        mean of its batch statistics over 8 batches of 256 latents (fixed seed), computed
        when first needed after each update and saved with the model.
        """
        if self._ema.weights is None:
            return None
        if self._ema.statistics is None:
            self._ema.statistics = self._standing_statistics()
        return self._ema.statistics

    def _statistics_inputs(self, z, rng):
        """The generator's inputs for latents `z` (conditional models add labels from `rng`)."""
        return z

    def _standing_statistics(self, num_batches=8, batch_size=256):
        variables = self.generator.non_trainable_variables
        live = [v.value for v in variables]
        if not variables:
            return live
        rng = np.random.default_rng(0)

        def updated(inputs, state):
            _, new = self.generator.stateless_call(self.generator_ema, state, inputs, training=True)
            return [ops.convert_to_numpy(v).astype("float64") for v in new]

        # A training-mode forward pass ignores the moving statistics and updates each as
        # new = m * old + (1 - m) * batch: from old = 0 and old = 1, m and the batch's
        # statistic follow, whatever the layer's momentum.
        floats = [i for i, v in enumerate(variables) if "float" in str(v.dtype)]
        totals, momentum = None, None
        for index in range(num_batches):
            inputs = self._statistics_inputs(
                rng.standard_normal((batch_size, self.latent_dim)).astype("float32"), rng
            )
            zeros = [ops.zeros_like(v) if i in floats else v for i, v in enumerate(live)]
            from_zero = updated(inputs, zeros)
            if momentum is None:
                ones = [ops.ones_like(v) if i in floats else v for i, v in enumerate(live)]
                from_one = updated(inputs, ones)
                momentum = {i: from_one[i] - from_zero[i] for i in floats}
            batch = {i: from_zero[i] / np.maximum(1.0 - momentum[i], 1e-12) for i in floats}
            totals = batch if totals is None else {i: totals[i] + batch[i] for i in floats}
        statistics = list(live)
        for i in floats:
            # Variables that no forward pass updates (m = 1) keep their live value.
            if np.all(np.abs(1.0 - momentum[i]) > 1e-6):
                statistics[i] = ops.convert_to_tensor(totals[i] / num_batches, dtype=variables[i].dtype)
        return [ops.copy(ops.convert_to_tensor(v)) for v in statistics]

    def _update_generator_ema(self, weights, decay):
        """One moving-average step toward `weights` (one compiled call per backend)."""
        self._ema.statistics = None
        self._ema.weights = moving_average(self._ema.weights, weights, decay)

    def set_generator_ema(self, weights, statistics=None):
        """Sets (or with `None`, removes) the generator's moving-average weights.

        Args:
            weights: one array per `generator.trainable_variables`, same shapes.
            statistics: optional, one array per `generator.non_trainable_variables`: the
                sampling state of those weights; default: measured when first needed.
        """
        self._ema.statistics = None
        if weights is None:
            self._ema.weights = None
            return
        variables = self.generator.trainable_variables
        weights = list(weights)
        shapes = [tuple(ops.shape(w)) for w in weights]
        expected = [tuple(v.shape) for v in variables]
        if shapes != expected:
            raise ValueError(
                f"Expected one moving-average array per generator weight, shapes {expected}; "
                f"got shapes {shapes}. Pass arrays shaped like generator.trainable_variables."
            )
        # A copy: on torch a variable's tensor is updated in place by the optimizer.
        self._ema.weights = [
            ops.copy(ops.stop_gradient(ops.convert_to_tensor(w, dtype=v.dtype)))
            for w, v in zip(weights, variables)
        ]
        if statistics is not None:
            state = self.generator.non_trainable_variables
            self._ema.statistics = [
                ops.copy(ops.convert_to_tensor(w, dtype=v.dtype)) for w, v in zip(statistics, state)
            ]

    @classmethod
    def from_preset(cls, preset, compile=True):
        """Loads a zoo entry or local preset directory, e.g. `DCGAN.from_preset("dcgan_mnist")`.

        Args:
            preset: a `keras_gan.zoo` name or a directory with `config.json`,
                `model.weights.h5` and `metadata.json`.
            compile: compile with the default optimizers, ready to fine-tune.
        """
        from keras_gan import zoo

        model = zoo.load(preset, compile=compile)
        if not isinstance(model, cls):
            kind = type(model).__name__
            raise ValueError(
                f"{preset!r} holds a {kind}, not a {cls.__name__}. Use keras_gan.{kind}.from_preset "
                f"or keras_gan.zoo.load({preset!r})."
            )
        return model

    # --- state ---

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
        for i, w in enumerate(self.generator_ema or ()):
            store[f"generator_ema_{i}"] = ops.convert_to_numpy(w)
        for i, w in enumerate(self.generator_ema_statistics or ()):
            store[f"generator_ema_statistics_{i}"] = ops.convert_to_numpy(w)

    def load_own_variables(self, store):
        seeds = {k: np.asarray(store[k]) for k in store.keys() if k.startswith("seed_state_")}
        for i, v in enumerate(self._seed_states()):
            if f"seed_state_{i}" in seeds:
                v.assign(seeds[f"seed_state_{i}"])
        ema = {k: np.asarray(store[k]) for k in store.keys() if k.startswith("generator_ema_")}
        stats = {k: v for k, v in ema.items() if k.startswith("generator_ema_statistics_")}
        weights = {k: v for k, v in ema.items() if k not in stats}
        if weights:
            self.set_generator_ema(
                [weights[f"generator_ema_{i}"] for i in range(len(weights))],
                statistics=[stats[f"generator_ema_statistics_{i}"] for i in range(len(stats))] if stats else None,
            )
        super().load_own_variables(
            {k: store[k] for k in store.keys() if k not in seeds and k not in ema}
        )

    # --- config ------------------------------------------------------------------

    def get_config(self):
        return {
            "name": self.name,
            "data_shape": self.data_shape,
            "latent_dim": self.latent_dim,
            "d_steps": self.d_steps,
            "d_fresh_batches": self.d_fresh_batches,
            "pack": self.pack,
            "augment": self.augment,
            "augment_p": self.augment_p,
            "ada_target": self.ada_target,
            "ada_kimg": self.ada_kimg,
            "seed": self.seed,
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)


class _EMAWeights:
    """Holds the generator's moving-average tensors out of sight of Keras's variable tracking."""

    weights = None
    statistics = None


def _optimizer(name, identifier):
    try:
        return keras.optimizers.get(identifier)
    except ValueError:
        raise ValueError(
            f"{name} must be a keras.optimizers.Optimizer, its name or its config; got {identifier!r}. "
            f"E.g. {name}=keras.optimizers.Adam(2e-4, beta_1=0.5) or {name}='adam'."
        ) from None


METRIC_DIRECTIONS = {
    "d_loss": "down", "g_loss": "down", "w_distance": "down", "gp": "down",
    "frechet_distance": "down", "kid": "down",
    "inception_score": "up", "precision": "up", "recall": "up", "label_accuracy": "up",
}
"""Which way is better for each figure a model or `Evaluation` logs (`d_real`, `d_fake`, `r_t` have none)."""


class _MetricDirections(compile_utils.MetricsList):
    """Names and directions only, for `keras.callbacks.MonitorCallback`: no variables, no logs."""

    def __init__(self, directions):
        super().__init__([], name="metric_directions")
        self._entries = tuple(_Direction(name, way) for name, way in directions.items())

    @property
    def metrics(self):
        return list(self._entries)

    @metrics.setter
    def metrics(self, value):
        pass

    def update_state(self, *args, **kwargs):
        pass

    def reset_state(self):
        pass

    def result(self):
        return {}


class _Direction:
    def __init__(self, name, direction):
        self.name, self._direction = name, direction
