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

from keras_gan.mixed_precision import scale_loss
from keras_gan.backend import generic
from keras_gan.backend.generic import batch_normalization_training, conv  # noqa: F401 (re-exported)


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

    def _no_grad(self):
        # Values computed outside `jax.value_and_grad` are constants to it.
        return contextlib.nullcontext()

    def sync_training_state(self):
        """Writes the state `fit` holds inside jit back into the model's variables.

        Between batches JAX's `fit` keeps the live values in its own state (and may
        purge the variables); a callback that reads weights per batch calls this first.
        """
        self.jax_state_sync()


@jax.jit
def _moving_average(averages, values, decay):
    return [(decay * a + (1.0 - decay) * v).astype(a.dtype) for a, v in zip(averages, values)]


def moving_average(averages, values, decay):
    """`keras_gan.backend.generic.moving_average` in one compiled call (not one dispatch per op and tensor)."""
    return _moving_average(list(averages), list(values), jax.numpy.float32(decay))


def _current(scope, variable, old):
    value = scope.get_current_value(variable)
    return old if value is None else value


def conv_transpose(inputs, kernel, bias=None, strides=1, padding="valid", output_padding=None,
                   dilation_rate=1, data_format=None):
    """`keras.ops.conv_transpose` with a fast kernel gradient on XLA:CPU.

    XLA:CPU computes the kernel gradient of a strided transposed convolution as
    an input-dilated convolution, about 17x slower than the same numbers taken
    as patches of the output gradient and one matrix product (what this does).
    Other cases (dilation, `output_padding`, channels-first) use `keras.ops`.

    Args and Returns: as `keras_gan.backend.generic.conv_transpose`.
    """
    inputs, kernel = keras.ops.convert_to_tensor(inputs), keras.ops.convert_to_tensor(kernel)
    strides = _pair(strides)
    plain = (
        output_padding is None
        and _pair(dilation_rate) == (1, 1)
        and (data_format or keras.config.image_data_format()) == "channels_last"
        and inputs.ndim == 4
    )
    if not plain:
        return generic.conv_transpose(inputs, kernel, bias, strides, padding, output_padding,
                                      dilation_rate, data_format)
    outputs = _patch_grad_conv_transpose(strides, padding.lower())(inputs, kernel)
    return generic.add_bias(outputs, bias, data_format)


def _pair(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


def _patch_grad_conv_transpose(strides, padding):
    @jax.custom_vjp
    def op(x, k):
        return keras.ops.conv_transpose(x, k, strides, padding)

    def forward(x, k):
        return op(x, k), (x, k)

    def backward(residuals, grad):
        x, k = residuals
        _, x_vjp = jax.vjp(lambda x_: keras.ops.conv_transpose(x_, k, strides, padding), x)
        (dx,) = x_vjp(grad)
        # conv_transpose is the adjoint of a strided convolution A_k, so
        # dL/dk = d<A_k(grad), x>/dk: patches of `grad` contracted with `x`.
        kh, kw = k.shape[0], k.shape[1]
        pads = [
            _adjoint_padding(size, stride, padding, x_len, g_len)
            for size, stride, x_len, g_len in zip((kh, kw), strides, x.shape[1:3], grad.shape[1:3])
        ]
        patches = jax.lax.conv_general_dilated_patches(
            grad, (kh, kw), strides, pads, dimension_numbers=("NHWC", "OIHW", "NHWC")
        )
        dk = jax.numpy.einsum("nuvp,nuvo->po", patches, x)
        dk = dk.reshape(grad.shape[-1], kh, kw, x.shape[-1]).transpose(1, 2, 0, 3)
        return dx, dk

    op.defvjp(forward, backward)
    return op


def _adjoint_padding(size, stride, padding, in_len, out_len):
    """Padding of the strided convolution whose input gradient is the transposed one."""
    left = size - 1 if padding == "valid" else min((size + stride - 1) // 2, size - 1)
    low = size - 1 - left
    return low, (in_len - 1) * stride + size - out_len - low
