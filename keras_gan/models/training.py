"""How an `AdversarialModel` trains: compile with two optimizers, the adversarial step, fit, validation."""

import inspect
import math

import keras
import numpy as np
from keras import ops

from keras_gan import augment as augment_lib
from keras_gan import checks, conditioning, mixed_precision, objectives, optimizers, packing, zoo
from keras_gan.callbacks import FiniteLossGuard, LearningRates
from keras_gan.models.phases import StepCount

__all__ = ["Training"]


class Training:
    """Compile, the training and validation steps, `fit` and `summary` of `AdversarialModel` (a mixin)."""

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
        for name in self.objective.aux_metrics:  # an objective's own figures (r1, r2) beside the model's
            if name not in self.aux_trackers:
                self.aux_trackers[name] = keras.metrics.Mean(name=name)

    def get_compile_config(self):
        if not getattr(self, "compiled", False):
            return None
        settings = self.objective.get_config()
        return {
            "d_optimizer": keras.optimizers.serialize(self.d_optimizer),
            "g_optimizer": keras.optimizers.serialize(self.g_optimizer),
            "loss": {"name": self.loss_name, **settings} if settings else self.loss_name,
        }

    def compile_from_config(self, config):
        self.compile(
            d_optimizer=keras.optimizers.deserialize(config["d_optimizer"]),
            g_optimizer=keras.optimizers.deserialize(config["g_optimizer"]),
            loss=config["loss"],
        )

    # --- the objective ---------------------------------------------------------------

    def discriminator_loss(self, real, fake, condition=None):
        """Returns `(loss, aux)`: D's loss on a real and a generated batch, and metrics.

        The objective's `d_loss` on D's logits plus its `d_regularizer`, handed an
        `objectives.DContext`: the raw batches, the batches as D took them (augmented and packed), and
        the augmentation's draws, so that R1 can differentiate through the very augmentation D saw.
        """
        real_draws, fake_draws = (augment_lib.RecordedDraws(self._augment_draw) for _ in range(2))
        real_inputs = self.pack_batch(self.augment_batch(real, draw=real_draws))
        fake_inputs = self.pack_batch(self.augment_batch(fake, draw=fake_draws))
        d_condition = self.pack_condition(condition)
        real_logits = self.discriminate(real_inputs, d_condition, augment=False, pack=False)
        fake_logits = self.discriminate(fake_inputs, d_condition, augment=False, pack=False)
        loss, aux = self.objective.d_loss(real_logits, fake_logits)
        context = objectives.DContext(self, real, fake, condition, real_inputs, fake_inputs, d_condition,
                                      real_draws, fake_draws)
        penalty, penalty_aux = self.objective.d_regularizer(context)
        return loss + penalty, {**penalty_aux, **aux, **self.augment_statistics(real_logits)}

    def generator_loss(self, fake, condition=None, real=None):
        """Returns `(loss, aux)`: G's loss given a generated batch (and the step's reals, for objectives
        that pair them), and metrics."""
        real_logits = None
        if self.objective.pairs_real_and_fake:
            with self._no_grad():
                real_logits = ops.stop_gradient(self.discriminate(real, condition))
        return self.objective.g_loss(self.discriminate(fake, condition), real_logits), {}

    def validation_losses(self, real, fake, condition=None):
        """`(loss, aux)` reported on validation data: the objective's D loss, without its regulariser
        (no input gradients outside training)."""
        real_logits = self.discriminate(real, condition)
        loss, aux = self.objective.d_loss(real_logits, self.discriminate(fake, condition))
        return loss, {**aux, **self.augment_statistics(real_logits)}

    # --- training ----------------------------------------------------------------------

    @property
    def metrics(self):
        # Keras's monitored callbacks (EarlyStopping, ModelCheckpoint, ReduceLROnPlateau) read a
        # metric's direction only from a MetricsList in `model.metrics`: `_directions` holds the
        # directions of the model's figures and of `keras_gan.metrics.Evaluation`'s, and no state.
        return [*self._trackers(), self._directions]

    def _trackers(self):
        return [self.d_loss_tracker, self.g_loss_tracker, *self.aux_trackers.values()]

    def _discriminator_step(self, real, condition=None):
        """One discriminator update on `real` and a fresh generated batch; returns `(loss, aux)`."""
        with self._no_grad():
            fake = self.generate_batch(ops.shape(real)[0], condition)
        return self._minimize(
            lambda: self.discriminator_loss(real, fake, condition),
            self.discriminator.trainable_variables,
            self.d_optimizer,
        )

    def _generator_step(self, batch_size, condition=None, real=None):
        """One generator update through the discriminator; returns `(loss, aux)` of `generator_step_loss`,
        computed before the update. `real`: the step's reals, for objectives that pair G's samples with them."""
        return self._minimize(
            lambda: self.generator_step_loss(batch_size, condition, real),
            self.generator.trainable_variables,
            self.g_optimizer,
        )

    def generator_step_loss(self, batch_size, condition=None, real=None):
        """G's differentiated loss in its training step: `(loss, aux)` on a fresh generated batch of `batch_size`.

        `aux` holds `generator_loss`'s figures; a subclass may add values that `after_generator_step` needs from
        this forward pass (StyleGAN2: the batch's mean w).
        """
        return self.generator_loss(self.generate_batch(batch_size, condition), condition, real)

    def after_generator_step(self, aux):
        """Called by the training step after G's update, outside the differentiated loss, with the `aux` of
        `generator_step_loss`; updates state that G's step moves without gradients (StyleGAN2's `w_avg`) and
        returns the figures to log. Default: `aux` unchanged."""
        return aux

    def _split_batch(self, data):
        """`(samples, condition)` from what `fit` yields; unconditional models ignore labels."""
        if self.num_classes:
            return data[0], data[1]
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
            if self.adaptive_augment:  # every D step's reals count toward ADA's r_t
                self._accumulate_overfitting(ops.stop_gradient(d_aux["r_t"]), ops.shape(part)[0])
        if self.adaptive_augment:
            self._update_augment_probability()
            aux["augment_p"] = (self.augment_probability.value, self.d_optimizer)
        g_loss, g_aux = self._generator_step(ops.shape(part)[0], part_condition, part)
        g_aux = self.after_generator_step(g_aux)
        self.g_loss_tracker.update_state(*mixed_precision.loggable(g_loss, self.g_optimizer))
        aux.update({name: (value, self.g_optimizer) for name, value in g_aux.items()})
        for name, (value, optimizer) in aux.items():
            value = ops.stop_gradient(value)
            self.aux_trackers[name].update_state(*mixed_precision.loggable(value, optimizer))
        self.optimizer.iterations.assign_add(1)
        return {m.name: m.result() for m in self._trackers()}

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
            self._check_packs(x, batch, args, kwargs)
        elif inspect.isgenerator(x):  # checked as its first batch arrives; bare arrays become tuples
            x = checks.checked_generator(x, self._check_batch)
        y = self._check_labels(x, y, batch)
        callbacks = list(callbacks or [])
        if not any(isinstance(c, FiniteLossGuard) for c in callbacks):
            callbacks.append(FiniteLossGuard())
        if not any(isinstance(c, LearningRates) for c in callbacks):
            callbacks.append(LearningRates())
        callbacks.append(StepCount())
        callbacks = self._prepare_fit(callbacks)
        return super().fit(x, y, *args, callbacks=callbacks, **kwargs)

    def _check_batch(self, batch):
        checks.check_samples(batch[0], self.data_shape, image=self.is_image)
        if self.pack > 1:
            packing.check_packable(self.pack, len(batch[0]))
        self._check_labels(None, None, batch)

    def _check_labels(self, x, y, batch):
        """Validates labels before training and returns `y` (conditional models; the others ignore them)."""
        if not self.num_classes:
            return y
        return conditioning.check_fit_labels(x, y, batch, self.num_classes, type(self).__name__)

    def _check_packs(self, x, batch, args, kwargs):
        """PacGAN's rule on every batch `fit` will cut, before the first step (TF traces a dynamic last batch)."""
        if self.pack == 1 or batch is None:
            return
        if not hasattr(x, "shape"):  # a dataset: its first batch
            packing.check_packable(self.pack, len(batch[0]))
            return
        batch_size = (args[0] if args else kwargs.get("batch_size")) or 32  # Keras's default
        split = kwargs.get("validation_split") or 0.0
        packing.check_batches(self.pack, int(np.floor(len(x) * (1.0 - split))), batch_size)
        validation = kwargs.get("validation_data")
        if isinstance(validation, (tuple, list)):
            validation = validation[0]
        if hasattr(validation, "shape"):
            packing.check_batches(self.pack, len(validation), kwargs.get("validation_batch_size") or batch_size)

    # --- inspection and files ----------------------------------------------------------

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

    @classmethod
    def from_preset(cls, preset, compile=True):
        """Loads a zoo entry or local preset directory, e.g. `DCGAN.from_preset("dcgan_mnist")`.

        Args:
            preset: a `keras_gan.zoo` name or a directory with `config.json`,
                `model.weights.h5` and `metadata.json`.
            compile: compile with the default optimizers, ready to fine-tune.
        """
        model = zoo.load(preset, compile=compile)
        if not isinstance(model, cls):
            kind = type(model).__name__
            raise ValueError(
                f"{preset!r} holds a {kind}, not a {cls.__name__}. Use keras_gan.{kind}.from_preset "
                f"or keras_gan.zoo.load({preset!r})."
            )
        return model


def _optimizer(name, identifier):
    try:
        return keras.optimizers.get(identifier)
    except ValueError:
        raise ValueError(
            f"{name} must be a keras.optimizers.Optimizer, its name or its config; got {identifier!r}. "
            f"E.g. {name}=keras.optimizers.Adam(2e-4, beta_1=0.5) or {name}='adam'."
        ) from None

