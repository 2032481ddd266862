"""Which precision to train in, and loss scaling for two optimizers under `"mixed_float16"`.

Choosing: `use_precision("auto" | "bf16" | "fp32")` sets Keras's global dtype policy to `"float32"` or
`"mixed_bfloat16"` (float32 variables, bfloat16 compute); models built afterwards train in it. `"auto"` picks
bfloat16 only where the machine has bfloat16 units (`bf16_unit()`) *and* a measurement on such a unit showed this
backend training faster in it (`BF16_SPEEDUPS`). Sampling (`generate`) and evaluation compute in float32 under any
policy (`compute_in_float32`), so the same z gives the same images whatever the model trained in.

Loss scaling: Keras wraps a model's one optimizer in a `keras.optimizers.LossScaleOptimizer`
under `"mixed_float16"`; a GAN has two. Each of `d_optimizer` and `g_optimizer`
gets its own `LossScaleOptimizer`: its network's loss is multiplied by that
optimizer's scale before differentiation, and its `apply` unscales the gradients,
skips the update and halves the scale when any gradient is not finite, and
doubles the scale after `dynamic_growth_steps` finite steps. `"mixed_bfloat16"`
(float32's exponent range) needs no scaling.
"""

import contextlib
import warnings

import keras

from keras_gan import _keras_internals

__all__ = ["BF16_SPEEDUPS", "PRECISIONS", "LossScaleOptimizer", "bf16_unit", "bf16_units", "compute_in_float32",
           "cpu_flags", "float32_config", "for_policy", "loggable", "loss_scale", "resolve_precision", "scale_loss",
           "unwrap", "use_precision"]

PRECISIONS = ("auto", "bf16", "fp32")

# `fit` images/s in "mixed_bfloat16" over "float32", by (bfloat16 unit, backend): keras-gan's DCGAN at 32x32x3
# (64 filters, spectrally normalised D, hinge loss, batch 64), one process on both cores of a 2-core Xeon (Sapphire
# Rapids, AMX), torch 2.13, 2026-12-07 (issue 44). "auto" picks bfloat16 where this ratio is above 1; a unit or
# backend not listed has not been measured and keeps float32 until a measurement is added here.
BF16_SPEEDUPS = {
    ("amx", "torch"): 1.40,
    ("amx", "jax"): 0.90,
    ("amx", "tensorflow"): 0.68,
}

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



# --- choosing the precision ---------------------------------------------------------


def cpu_flags(path="/proc/cpuinfo"):
    """The CPU's feature flags as Linux reports them; an empty set where `path` is absent (macOS, Windows)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.partition(":")[2].split())
    except OSError:
        pass
    return set()


def _on_gpu():
    """Whether the backend puts new tensors on a GPU (its default device)."""
    device = str(getattr(keras.ops.zeros(()), "device", "")).lower()
    return any(name in device for name in ("gpu", "cuda", "rocm"))


def bf16_unit():
    """The machine's bfloat16 matrix unit that the backend computes on.

    Returns:
        `"gpu"` where the backend's default device is a GPU; on a CPU `"amx"` (AMX tiles, `amx_bf16`) or
        `"avx512_bf16"` (bfloat16 dot products only) as `/proc/cpuinfo` reports them; None without one
        (bfloat16 is then emulated in float32 arithmetic and usually slower than float32).
    """
    if _on_gpu():
        return "gpu"
    flags = cpu_flags()
    if "amx_bf16" in flags:
        return "amx"
    return "avx512_bf16" if "avx512_bf16" in flags else None


def bf16_units():
    """Whether the machine computes bfloat16 in hardware: a GPU, or a CPU with AMX or AVX512-BF16."""
    return bf16_unit() is not None


def resolve_precision(precision="auto"):
    """The Keras dtype policy name for a precision choice.

    Args:
        precision: `"fp32"` (float32), `"bf16"` (`"mixed_bfloat16"`; warns where the machine has no
            bfloat16 units) or `"auto"`: `"mixed_bfloat16"` where `bf16_unit()` and this backend gain on it
            (`BF16_SPEEDUPS` above 1), else `"float32"`.

    Returns:
        `"float32"` or `"mixed_bfloat16"`.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(map(repr, PRECISIONS))}, got {precision!r}. "
                         f"(float16: keras.mixed_precision.set_global_policy('mixed_float16').)")
    if precision == "fp32":
        return "float32"
    unit = bf16_unit()
    if precision == "bf16":
        if unit is None:
            warnings.warn("precision 'bf16': this machine has no bfloat16 units (no GPU; /proc/cpuinfo lists "
                          "neither amx_bf16 nor avx512_bf16), so bfloat16 is emulated and usually slower than "
                          "float32. 'auto' would pick float32 here.", stacklevel=2)
        return "mixed_bfloat16"
    gain = BF16_SPEEDUPS.get((unit, keras.backend.backend()), 0.0)
    return "mixed_bfloat16" if unit is not None and gain > 1.0 else "float32"


def use_precision(precision="auto"):
    """Sets Keras's global dtype policy to `resolve_precision(precision)`: models built afterwards train in it.

    Args:
        precision: `"auto"`, `"bf16"` or `"fp32"` (see `resolve_precision`).

    Returns:
        The policy name now in use, `"float32"` or `"mixed_bfloat16"`.
    """
    name = resolve_precision(precision)
    keras.mixed_precision.set_global_policy(name)
    return name


@contextlib.contextmanager
def compute_in_float32(model):
    """Inside the context every layer of `model` computes in float32; each layer's own policy returns after.

    Sampling and evaluation run in it: under a mixed policy the variables are float32 already, so a model
    gives the same outputs for the same inputs whatever precision it trained in.
    """
    layers = [layer for layer in _keras_internals.all_layers(model) if layer.dtype_policy.name != "float32"]
    policies = [layer.dtype_policy for layer in layers]
    try:
        for layer in layers:
            layer.dtype_policy = "float32"
        yield model
    finally:
        for layer, policy in zip(layers, policies):
            layer.dtype_policy = policy


def float32_config(config):
    """A copy of a serialised Keras config with every mixed dtype policy written as `"float32"`.

    Under a mixed policy the variables are float32 already; what a layer's config adds is its compute dtype,
    which `from_config` then keeps whatever the loader's policy. A preset written from this config is the same
    float32 model whatever precision it trained in.
    """
    if isinstance(config, list):
        return [float32_config(item) for item in config]
    if not isinstance(config, dict):
        return config
    if config.get("class_name") == "DTypePolicy" and str(config.get("config", {}).get("name", "")).startswith("mixed_"):
        return {**config, "config": {**config["config"], "name": "float32"}}
    return {key: "float32" if key == "dtype" and isinstance(value, str) and value.startswith("mixed_")
            else float32_config(value) for key, value in config.items()}
