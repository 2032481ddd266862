"""TensorFlow gradient mechanics: `GradientTape` inside the `tf.function` that `fit` builds."""

import contextlib

import keras
import tensorflow as tf

from keras_gan.backend.generic import batch_normalization_training, conv, conv_transpose  # noqa: F401 (re-exported)


class AdversarialTrainer:
    """Backend mixin for `AdversarialModel` on TensorFlow."""

    def train_step(self, data):
        return self._adversarial_step(data)

    def _minimize(self, loss_fn, variables, optimizer):
        """One optimizer step on `variables` lowering `loss_fn()`; see `keras_gan.backend`."""
        with tf.GradientTape() as tape:
            loss, aux = loss_fn()
        grads = tape.gradient(loss, variables)
        optimizer.apply(grads, variables)
        return loss, aux

    def _input_gradient(self, fn, x):
        """Differentiable gradient of `sum(fn(x))` w.r.t. `x` (for gradient penalties)."""
        with tf.GradientTape() as tape:  # nested in _minimize's tape: second order is recorded
            tape.watch(x)
            y = fn(x)
        return tape.gradient(y, x)

    def _no_grad(self):
        # Ops run outside a tape are not recorded: nothing to switch off.
        return contextlib.nullcontext()
