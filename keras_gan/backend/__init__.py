"""Per-backend gradient mechanics, chosen once at import from `keras.backend.backend()`.

One file pair per backend: `<name>_trainer.py` (the training mechanics) and, where Keras's
own kernels are slow, `<name>_kernels.py` (the layer kernels); `generic.py` holds the
`keras.ops` versions the others fall back to.

Each backend module defines `AdversarialTrainer`, a mixin that gives a model:
- `train_step`, the entry point Keras's `fit` calls on that backend;
- `_minimize(loss_fn, variables, optimizer)`: `loss_fn()` returns `(loss, aux)`; one step of
  `optimizer` on `variables` lowers `loss`; returns `(loss, aux)` as computed before the update;
- `_input_gradient(fn, x)`, a differentiable input gradient (gradient penalties);
- `_no_grad()`, a context in which no gradient graph is recorded;
- `sync_training_state()`, which makes the variables current between batches of `fit` (JAX);
- `training_values(variables)`, the current values of trainable variables during `fit` without that
  write-back (what `GeneratorEMA` reads every step);
- `_prepare_fit(callbacks)`, run as `fit` starts (torch data parallel: rank 0's state to every rank);
and the kernels behind `keras_gan.layers`, each computing what Keras's layer computes, faster on
some backend: `conv` and `conv_transpose` (`keras.ops` signatures plus `bias`) and
`batch_normalization_training`, `moving_average` (the generator EMA's update) and
`inference_function(model)` (a compiled inference call, for sampling; this module's wrapper runs it in
float32 under any dtype policy), and `process_layout()`
(this process's index and the number of processes training together);
`keras_gan.backend.generic` has them in `keras.ops`.
Everything else about training is written once, in `keras_gan.models.AdversarialModel`.
"""

import keras

from keras_gan import mixed_precision

__all__ = ["AdversarialTrainer", "batch_normalization_training", "conv", "conv_transpose", "inference_function",
           "moving_average", "process_layout"]

_BACKEND = keras.backend.backend()

if _BACKEND == "tensorflow":
    from keras_gan.backend.tensorflow_trainer import (
        AdversarialTrainer, batch_normalization_training, conv, conv_transpose, inference_function,
        moving_average, process_layout,
    )
elif _BACKEND == "jax":
    from keras_gan.backend.jax_trainer import (
        AdversarialTrainer, batch_normalization_training, conv, conv_transpose, inference_function,
        moving_average, process_layout,
    )
elif _BACKEND == "torch":
    from keras_gan.backend.torch_trainer import (
        AdversarialTrainer, batch_normalization_training, conv, conv_transpose, inference_function,
        moving_average, process_layout,
    )
else:
    raise ImportError(
        f"keras-gan supports the tensorflow, jax and torch backends; "
        f"KERAS_BACKEND is {_BACKEND!r}. Set KERAS_BACKEND to one of those."
    )

_compiled_inference = inference_function


def inference_function(model):
    """`f(trainable_values, non_trainable_values, inputs) -> outputs`: `model` in inference mode, compiled, computing
    in float32 whatever its dtype policy: sampling and evaluation stay float32 (`mixed_precision.compute_in_float32`).
    """
    function = _compiled_inference(model)

    def call(trainable, non_trainable, inputs):
        with mixed_precision.compute_in_float32(model):
            return function(trainable, non_trainable, inputs)

    return call
