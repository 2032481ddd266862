"""Loss scaling for two optimizers under a `"mixed_float16"` dtype policy.

Keras wraps a model's one optimizer in a `keras.optimizers.LossScaleOptimizer`
under `"mixed_float16"`; a GAN has two. Each of `d_optimizer` and `g_optimizer`
gets its own `LossScaleOptimizer`: its network's loss is multiplied by that
optimizer's scale before differentiation, and its `apply` unscales the gradients,
skips the update and halves the scale when any gradient is not finite, and
doubles the scale after `dynamic_growth_steps` finite steps. `"mixed_bfloat16"`
(float32's exponent range) needs no scaling.
"""

import keras

LossScaleOptimizer = keras.optimizers.LossScaleOptimizer


def for_policy(optimizer, policy):
    """Wraps `optimizer` in a `LossScaleOptimizer` if `policy` is `"mixed_float16"`.

    Args:
        optimizer: a Keras optimizer (returned as is if already loss-scaling).
        policy: a `keras.DTypePolicy` or its name.

    Returns:
        The optimizer to train with.
    """
    name = getattr(policy, "name", policy)
    if name == "mixed_float16" and not isinstance(optimizer, LossScaleOptimizer):
        return LossScaleOptimizer(optimizer, name=f"{optimizer.name}_loss_scale")
    return optimizer


def unwrap(optimizer):
    """The optimizer that holds the slots: the inner one of a `LossScaleOptimizer`."""
    return optimizer.inner_optimizer if isinstance(optimizer, LossScaleOptimizer) else optimizer


def loss_scale(optimizer):
    """The current loss scale of `optimizer` (a tensor), or 1.0 without loss scaling."""
    if isinstance(optimizer, LossScaleOptimizer):
        return optimizer.scale_loss(1.0)
    return 1.0


def scale_loss(loss, optimizer):
    """`loss` times `optimizer`'s loss scale: what to differentiate before `optimizer.apply`."""
    if isinstance(optimizer, LossScaleOptimizer):
        return optimizer.scale_loss(loss)
    return loss


def loggable(value, optimizer):
    """`(value, sample_weight)` for a metric's `update_state`.

    A non-finite loss under loss scaling belongs to a step the scaler skipped
    (its gradients are non-finite too); it is left out of the epoch mean
    (weight 0) rather than stopping training. Without loss scaling, `value` as is.
    """
    if not isinstance(optimizer, LossScaleOptimizer):
        return value, None
    finite = keras.ops.isfinite(value)
    return keras.ops.where(finite, value, 0.0), keras.ops.cast(finite, "float32")


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
    """

    def __init__(self, d_optimizer, g_optimizer, d_variables, name="adversarial_optimizer"):
        d_ids = {id(v) for v in d_variables}
        d_inner, g_inner = unwrap(d_optimizer), unwrap(g_optimizer)
        super().__init__(lambda v: d_inner if id(v) in d_ids else g_inner, name=name)
        self._scalers = [o for o in (d_optimizer, g_optimizer) if isinstance(o, LossScaleOptimizer)]

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
