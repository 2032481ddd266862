"""JAX gradient mechanics: a stateless, jit-compiled step.

Keras's JAX `fit` threads `(trainable, non_trainable, optimizer.variables, metrics)`
through `jax.jit`. The model's `optimizer` is a `keras.optimizers.MultiOptimizer`
holding both the generator's and the discriminator's optimizers, so both sets of
slots travel in that state. The shared step runs inside a `keras.StatelessScope`
seeded with the whole state; every assignment (weights, optimizer slots,
BatchNorm statistics, `SeedGenerator` states, metrics) is recorded there and read
back into the returned state.

The JAX kernels behind `keras_gan.layers` live in `keras_gan.backend.jax_kernels`.
"""

import contextlib

import jax
import keras

from keras_gan._keras_internals import jax_fit_state
from keras_gan.mixed_precision import scale_loss
from keras_gan.backend.jax_kernels import (  # noqa: F401 (re-exported)
    batch_normalization_training, conv, conv_transpose, moving_average,
)

__all__ = [
    "AdversarialTrainer", "batch_normalization_training", "conv", "conv_transpose", "inference_function",
    "moving_average", "process_layout",
]


class AdversarialTrainer:
    """Backend mixin for `AdversarialModel` on JAX."""

    def train_step(self, state, data):
        groups = (
            self.trainable_variables,
            self.non_trainable_variables,
            self.optimizer.variables,
            self.metrics_variables,
        )
        mapping = [pair for group in zip(groups, state) for pair in zip(*group)]
        with keras.StatelessScope(state_mapping=mapping) as scope:
            logs = self._adversarial_step(data)
        new_state = tuple(
            [_current(scope, v, old) for v, old in zip(variables, values)]
            for variables, values in zip(groups, state)
        )
        return logs, new_state

    def test_step(self, state, data):
        groups = (self.trainable_variables, self.non_trainable_variables, self.metrics_variables)
        mapping = [pair for group in zip(groups, state) for pair in zip(*group)]
        with keras.StatelessScope(state_mapping=mapping) as scope:
            logs = self._validation_step(data)
        # Only the metrics move: weights and statistics go back as they came.
        metrics = [_current(scope, v, old) for v, old in zip(self.metrics_variables, state[2])]
        return logs, (state[0], state[1], metrics)

    def _minimize(self, loss_fn, variables, optimizer):
        """One optimizer step on `variables` lowering `loss_fn()`; see `keras_gan.backend`."""
        # Inside the step's StatelessScope: reads and writes go there.
        trained = {id(v) for v in variables}
        # Optimizer variables too: the losses read the loss scales.
        others = [v for v in [*self.variables, *self.optimizer.variables] if id(v) not in trained]

        def compute(values):
            mapping = [(v, v.value) for v in others] + list(zip(variables, values))
            with keras.StatelessScope(state_mapping=mapping) as inner:
                before = [inner.get_current_value(v) for v in others]
                loss, aux = loss_fn()
                scaled = scale_loss(loss, optimizer)
            # Only what the forward pass assigned (BatchNorm statistics, seed
            # states) leaves the differentiated function, as aux.
            updates = {
                i: inner.get_current_value(v)
                for i, v in enumerate(others)
                if inner.get_current_value(v) is not before[i]
            }
            return scaled, (loss, aux, updates)

        (_, (loss, aux, updates)), grads = jax.value_and_grad(compute, has_aux=True)(
            [v.value for v in variables]
        )
        for i, value in updates.items():
            others[i].assign(value)
        if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
            # Its apply() assigns inside lax.cond branches, whose values would leak
            # out of them; its stateless form returns the new values instead.
            new_values, new_slots = optimizer.stateless_apply(
                [v.value for v in optimizer.variables], grads, [v.value for v in variables]
            )
            for v, value in zip([*variables, *optimizer.variables], [*new_values, *new_slots]):
                v.assign(value)
        else:
            optimizer.apply(grads, variables)
        return loss, aux

    def _input_gradient(self, fn, x):
        """Differentiable gradient of `sum(fn(x))` w.r.t. `x` (for gradient penalties).

        State updates made by `fn` (e.g. dropout seeds) stay inside this pass.
        """
        state = self.variables

        def total(inputs):
            with keras.StatelessScope(state_mapping=[(v, v.value) for v in state]):
                return keras.ops.sum(fn(inputs))

        return jax.grad(total)(x)

    def _replica_draw(self, draw, batch_size):
        """`draw(batch_size)`: under `keras.distribution`, jit sees the global batch."""
        return draw(batch_size)

    def _prepare_fit(self, callbacks):
        """Before `fit`: nothing to do on this backend (Keras's distribution API handles replicas)."""
        return callbacks

    def _no_grad(self):
        # Values computed outside `jax.value_and_grad` are constants to it.
        return contextlib.nullcontext()

    def sync_training_state(self):
        """Writes the state `fit` holds inside jit back into the model's variables.

        Between batches JAX's `fit` keeps the live values in its own state (and may
        purge the variables); a callback that reads weights per batch calls this first.
        """
        self.jax_state_sync()

    def training_values(self, variables):
        """The current values of `variables` (trainable variables of this model) during `fit`.

        Read from the state `fit` holds inside jit, without writing the whole state back
        (`sync_training_state`), which would make the next step gather it again.
        """
        state, synced = jax_fit_state(self)
        if not state or synced or not state.get("trainable_variables"):
            return [v.value for v in variables]
        index = {id(v): i for i, v in enumerate(self.trainable_variables)}
        live = state["trainable_variables"]
        return [live[index[id(v)]] if id(v) in index else v.value for v in variables]


def _current(scope, variable, old):
    value = scope.get_current_value(variable)
    return old if value is None else value


def inference_function(model):
    """`f(trainable_values, non_trainable_values, inputs) -> outputs`: `model` in inference mode, jitted."""
    return jax.jit(lambda trainable, non_trainable, inputs: model.stateless_call(
        trainable, non_trainable, inputs, training=False)[0])


def process_layout():
    """`(this process's index, number of processes)` of a multi-process JAX run (`jax.distributed`)."""
    return jax.process_index(), jax.process_count()
