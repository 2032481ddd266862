"""The adversarial training loop, written once for every backend and every objective."""

import keras
import numpy as np
from keras import ops

from keras_gan import checks, mixed_precision
from keras_gan.backend import AdversarialTrainer
from keras_gan.callbacks import FiniteLossGuard
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
        seed: seed of the model's `SeedGenerator`, which draws every training latent.
    """

    def __init__(
        self, data_shape, latent_dim=100, generator=None, discriminator=None,
        d_steps=1, seed=None, **kwargs,
    ):
        super().__init__(**kwargs)
        self.data_shape = tuple(int(d) for d in data_shape)
        self.latent_dim = int(latent_dim)
        if int(d_steps) < 1:
            raise ValueError(f"d_steps must be a positive integer, got {d_steps}.")
        self.d_steps = int(d_steps)
        self.seed = seed
        self.generator = generator if generator is not None else self.build_generator()
        self.discriminator = (
            discriminator if discriminator is not None else self.build_discriminator()
        )
        self._check_networks()
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.aux_trackers = {name: keras.metrics.Mean(name=name) for name in self.aux_metrics}
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

    def discriminator_loss(self, real, fake, condition=None):
        """Returns `(loss, aux)`: D's loss on a real and a generated batch, and metrics."""
        raise NotImplementedError

    def generator_loss(self, fake, condition=None):
        """Returns `(loss, aux)`: G's loss given a generated batch, and metrics."""
        raise NotImplementedError

    def discriminate(self, samples, condition=None):
        """D's float32 logits for `samples` (training mode); conditional models also pass `condition`."""
        return ops.cast(self.discriminator(samples, training=True), "float32")

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
        d_optimizer = keras.optimizers.get(d_optimizer) if d_optimizer else default_d
        g_optimizer = keras.optimizers.get(g_optimizer) if g_optimizer else default_g
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
        optimizer = mixed_precision.AdversarialOptimizer(
            self.d_optimizer, self.g_optimizer, self.discriminator.trainable_variables
        )
        super().compile(optimizer=optimizer, auto_scale_loss=False, **kwargs)
        optimizer.build(self.trainable_variables)

    def _set_loss(self, loss):
        """Validates and stores the named loss."""
        raise NotImplementedError

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

    def _adversarial_step(self, data):
        real, condition = self._split_batch(data)
        aux = {}
        for _ in range(self.d_steps):
            d_loss, d_aux = self._discriminator_step(real, condition)
            self.d_loss_tracker.update_state(*mixed_precision.loggable(d_loss, self.d_optimizer))
            aux.update({name: (value, self.d_optimizer) for name, value in d_aux.items()})
        g_loss, g_aux = self._generator_step(ops.shape(real)[0], condition)
        self.g_loss_tracker.update_state(*mixed_precision.loggable(g_loss, self.g_optimizer))
        aux.update({name: (value, self.g_optimizer) for name, value in g_aux.items()})
        for name, (value, optimizer) in aux.items():
            value = ops.stop_gradient(value)
            self.aux_trackers[name].update_state(*mixed_precision.loggable(value, optimizer))
        self.optimizer.iterations.assign_add(1)
        return {m.name: m.result() for m in self.metrics}

    def fit(self, x=None, y=None, *args, callbacks=None, **kwargs):
        """`keras.Model.fit`, after checking the data, with a guard that stops on NaN/inf losses.

        `x` may be an array, a `tf.data.Dataset`, a torch `DataLoader` or a
        `keras.utils.PyDataset`; for datasets, the first batch is checked.
        """
        if not getattr(self, "compiled", False):
            raise ValueError("Call model.compile() before model.fit().")
        if x is None:
            raise ValueError("fit() needs training data: model.fit(x, batch_size=..., epochs=...).")
        batch = checks.first_batch(x)
        if batch is not None:
            checks.check_samples(batch[0], self.data_shape, image=self.is_image)
        y = self._check_labels(x, y, batch)
        callbacks = list(callbacks or [])
        if not any(isinstance(c, FiniteLossGuard) for c in callbacks):
            callbacks.append(FiniteLossGuard())
        return super().fit(x, y, *args, callbacks=callbacks, **kwargs)

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
        arrays = inputs if isinstance(inputs, list) else [inputs]
        parts = []
        for i in range(0, len(arrays[0]), batch_size):
            chunk = [a[i : i + batch_size] for a in arrays]
            chunk = chunk if isinstance(inputs, list) else chunk[0]
            if use_ema:
                # The averaged weights in place of the trainable ones; BatchNorm
                # statistics and other non-trainable state are the live generator's.
                out, _ = self.generator.stateless_call(
                    self.generator_ema, [v.value for v in self.generator.non_trainable_variables],
                    chunk, training=False,
                )
            else:
                out = self.generator(chunk, training=False)
            parts.append(ops.convert_to_numpy(out))
        return np.concatenate(parts).astype("float32")

    # --- moving average of the generator -----------------------------------------

    @property
    def generator_ema(self):
        """Moving average of the generator's trainable weights (tensors), or `None`.

        Kept by `keras_gan.callbacks.GeneratorEMA`; `generate` uses it by default.
        It is saved with the model (`save`, `save_weights`) and restored on loading.
        """
        return self._ema.weights

    def set_generator_ema(self, weights):
        """Sets (or with `None`, removes) the generator's moving-average weights.

        Args:
            weights: one array per `generator.trainable_variables`, same shapes.
        """
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

    def load_own_variables(self, store):
        seeds = {k: np.asarray(store[k]) for k in store.keys() if k.startswith("seed_state_")}
        for i, v in enumerate(self._seed_states()):
            if f"seed_state_{i}" in seeds:
                v.assign(seeds[f"seed_state_{i}"])
        ema = {k: np.asarray(store[k]) for k in store.keys() if k.startswith("generator_ema_")}
        if ema:
            self.set_generator_ema([ema[f"generator_ema_{i}"] for i in range(len(ema))])
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
