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

__all__ = ["LossScaleOptimizer", "for_policy", "loggable", "loss_scale", "scale_loss", "unwrap"]

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

