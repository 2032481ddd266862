"""JAX gradient mechanics: a stateless, jit-compiled step.

Keras's JAX `fit` threads `(trainable, non_trainable, optimizer.variables, metrics)`
through `jax.jit`. The model's `optimizer` is a `keras.optimizers.MultiOptimizer`
holding both the generator's and the discriminator's optimizers, so both sets of
slots travel in that state. The shared step runs inside a `keras.StatelessScope`
seeded with the whole state; every assignment (weights, optimizer slots,
BatchNorm statistics, `SeedGenerator` states, metrics) is recorded there and read
back into the returned state.
"""

import contextlib

import jax
import keras


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

    def _minimize(self, loss_fn, variables, optimizer):
        """Takes one optimizer step on `variables` to lower `loss_fn()`.

        Must run inside the step's `StatelessScope`: reads and writes go there.

        Args:
            loss_fn: callable returning `(loss, aux)`.
            variables: the Keras variables to update.
            optimizer: the Keras optimizer that owns their slots.

        Returns:
            `(loss, aux)` as computed before the update.
        """
        trained = {id(v) for v in variables}
        others = [v for v in self.variables if id(v) not in trained]

        def compute(values):
            mapping = [(v, v.value) for v in others] + list(zip(variables, values))
            with keras.StatelessScope(state_mapping=mapping) as inner:
                loss, aux = loss_fn()
            # Non-trainable updates (BatchNorm statistics, seed states) made
            # during the forward pass leave the differentiated function as aux.
            updates = [inner.get_current_value(v) for v in others]
            return loss, (aux, updates)

        (loss, (aux, updates)), grads = jax.value_and_grad(compute, has_aux=True)(
            [v.value for v in variables]
        )
        for v, value in zip(others, updates):
            if value is not None:
                v.assign(value)
        optimizer.apply(grads, variables)
        return loss, aux

    def _no_grad(self):
        # Values computed outside `jax.value_and_grad` are constants to it.
        return contextlib.nullcontext()


def _current(scope, variable, old):
    value = scope.get_current_value(variable)
    return old if value is None else value
