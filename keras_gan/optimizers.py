"""The optimizer pair that carries both networks' training state through `fit`."""

import keras

from keras_gan.mixed_precision import LossScaleOptimizer, unwrap

__all__ = ["AdversarialOptimizer"]


class AdversarialOptimizer(keras.optimizers.MultiOptimizer):
    """A `MultiOptimizer` over the discriminator's and the generator's optimizers.

    One optimizer object whose `variables` hold every slot of both optimizers and,
    for a `LossScaleOptimizer`, its scale and counter too: Keras's JAX `fit`
    threads only `model.optimizer.variables` through `jit`. (`MultiOptimizer`
    itself refuses `LossScaleOptimizer`s, so it is given their inner optimizers.)

    Args:
        d_optimizer: the discriminator's optimizer.
        g_optimizer: the generator's optimizer.
        d_variables: the discriminator's trainable variables; the rest go to `g_optimizer`.

    Its `learning_rate` is the discriminator's; setting it (as `LearningRateScheduler` and
    `ReduceLROnPlateau` do) scales both rates by the same factor, so a two-timescale ratio stays.
    """

    def __init__(self, d_optimizer, g_optimizer, d_variables, name="adversarial_optimizer"):
        d_ids = {id(v) for v in d_variables}
        d_inner, g_inner = unwrap(d_optimizer), unwrap(g_optimizer)
        super().__init__(lambda v: d_inner if id(v) in d_ids else g_inner, name=name)
        self._scalers = [o for o in (d_optimizer, g_optimizer) if isinstance(o, LossScaleOptimizer)]
        self._pair = (d_inner, g_inner)

    @property
    def learning_rate(self):
        return self._pair[0].learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        d_inner, g_inner = self._pair
        current = float(keras.ops.convert_to_numpy(d_inner.learning_rate))
        factor = float(value) / current if current else 1.0
        g_rate = float(keras.ops.convert_to_numpy(g_inner.learning_rate))
        d_inner.learning_rate = float(value)
        g_inner.learning_rate = g_rate * factor if current else float(value)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        for scaler in self._scalers:
            scaler.build([v for v in var_list if self._optimizer_map(v) is scaler.inner_optimizer])

    @property
    def variables(self):
        variables = super().variables
        for scaler in self._scalers:
            inner = {id(v) for v in scaler.inner_optimizer.variables}
            variables.extend(v for v in scaler.variables if id(v) not in inner)
        return variables
