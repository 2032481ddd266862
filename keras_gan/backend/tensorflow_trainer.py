"""TensorFlow gradient mechanics: `GradientTape` inside the `tf.function` that `fit` builds.

Under `tf.distribute.MirroredStrategy`, `fit` runs `train_step` once per replica on
that replica's slice of the global batch, and `optimizer.apply` sums the replicas'
gradients. So each replica's loss is divided by the number of replicas (making the
sum the gradient of the global-batch mean), and random draws are taken for the
global batch and sliced per replica: N replicas take the step one device takes on
the same global batch. BatchNorm statistics stay per replica (Keras's TF default).
"""

import contextlib

import tensorflow as tf

from keras_gan._keras_internals import in_multi_worker_mode
from keras_gan.mixed_precision import scale_loss
from keras_gan.backend.generic import (  # noqa: F401 (re-exported)
    batch_normalization_training, conv, conv_transpose,
)
from keras_gan.backend import generic

__all__ = [
    "AdversarialTrainer", "batch_normalization_training", "conv", "conv_transpose", "inference_function",
    "moving_average", "process_layout",
]


class AdversarialTrainer:
    """Backend mixin for `AdversarialModel` on TensorFlow."""

    def train_step(self, data):
        return _for_multi_worker(self._adversarial_step(data))

    def test_step(self, data):
        return _for_multi_worker(self._validation_step(data))

    def _minimize(self, loss_fn, variables, optimizer):
        """One optimizer step on `variables` lowering `loss_fn()`; see `keras_gan.backend`."""
        with tf.GradientTape() as tape:
            loss, aux = loss_fn()
            scaled = scale_loss(loss, optimizer) / _num_replicas()
        grads = tape.gradient(scaled, variables)
        optimizer.apply(grads, variables)
        return loss, aux

    def _input_gradient(self, fn, x):
        """Differentiable gradient of `sum(fn(x))` w.r.t. `x` (for gradient penalties)."""
        with tf.GradientTape() as tape:  # nested in _minimize's tape: second order is recorded
            tape.watch(x)
            y = fn(x)
        return tape.gradient(y, x)

    def _replica_draw(self, draw, batch_size):
        """`draw(batch_size)`; in a replica, its rows of `draw(batch_size * replicas)`.

        All replicas share the seed state, so each draws the same global batch and
        keeps its own slice: distinct values per replica, the same as one device.
        """
        replicas = _num_replicas()
        if replicas == 1:
            return draw(batch_size)
        values = draw(batch_size * replicas)
        replica = tf.distribute.get_replica_context().replica_id_in_sync_group
        return values[replica * batch_size : (replica + 1) * batch_size]

    def _prepare_fit(self, callbacks):
        """Before `fit`: nothing to do on this backend (Keras's distribution API handles replicas)."""
        return callbacks

    def _no_grad(self):
        # Ops run outside a tape are not recorded: nothing to switch off.
        return contextlib.nullcontext()

    def sync_training_state(self):
        """Makes the model's variables current for a callback (see the JAX trainer)."""
        # Variables are live during `fit`: nothing to sync.

    def training_values(self, variables):
        """The current values of `variables` during `fit` (see the JAX trainer)."""
        return [v.value for v in variables]


def _num_replicas():
    context = tf.distribute.get_replica_context()
    return 1 if context is None else context.num_replicas_in_sync


@tf.function(reduce_retracing=True)
def _moving_average(averages, values, decay):
    return generic.moving_average(averages, values, decay)


def moving_average(averages, values, decay):
    """`keras_gan.backend.generic.moving_average` as one `tf.function` call."""
    return _moving_average(list(averages), list(values), tf.constant(decay, tf.float32))


def inference_function(model):
    """`f(trainable_values, non_trainable_values, inputs) -> outputs`: `model` in inference mode, a `tf.function`."""
    return tf.function(lambda trainable, non_trainable, inputs: model.stateless_call(
        trainable, non_trainable, inputs, training=False)[0], reduce_retracing=True)


def process_layout():
    """`(this process's index, number of processes)`: one process (`MirroredStrategy` feeds its replicas)."""
    return 0, 1


def _for_multi_worker(logs):
    """Logs as Keras's multi-worker reduction takes them.

    Under `MultiWorkerMirroredStrategy` Keras reduces each logged value with
    `strategy.reduce("MEAN", v, axis=0)`, which fails on the scalars a train step returns:
    each becomes a one-element vector there, and the reduction gives back the scalar mean.
    """
    strategy = tf.distribute.get_strategy()
    if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy) and in_multi_worker_mode(strategy):
        return {name: tf.reshape(value, (1,)) for name, value in logs.items()}
    return logs

