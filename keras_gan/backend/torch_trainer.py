"""PyTorch gradient mechanics: eager autograd, gradients only for the variables being trained.

Data parallel across processes when `torch.distributed` is initialised (`torchrun`, gloo or
NCCL): each `fit` starts every rank from rank 0's state (weights, optimizer slots, seed
states: one broadcast per dtype); each optimizer step averages the gradients, the loss and
its figures over the ranks in one flat all-reduce; latents and every other draw are made
for the global batch, of which each rank keeps its own rows, so N ranks take the step one
process takes on the global batch. BatchNorm statistics stay per rank.

The torch kernels behind `keras_gan.layers` live in `keras_gan.backend.torch_kernels`.
"""

import keras
import torch

from keras_gan._keras_internals import read_only_backup
from keras_gan.backend.torch_kernels import (  # noqa: F401 (re-exported)
    batch_normalization_training, conv, conv_transpose, moving_average,
)
from keras_gan.mixed_precision import scale_loss

__all__ = [
    "AdversarialTrainer", "batch_normalization_training", "conv", "conv_transpose", "inference_function",
    "moving_average", "process_layout", "rank_zero_callbacks", "world_size",
]


class AdversarialTrainer:
    """Backend mixin for `AdversarialModel` on PyTorch."""

    def train_step(self, data):
        return self._adversarial_step(data)

    def test_step(self, data):
        return self._validation_step(data)

    def _minimize(self, loss_fn, variables, optimizer):
        """One optimizer step on `variables` lowering `loss_fn()`; see `keras_gan.backend`."""
        loss, aux = loss_fn()
        # autograd.grad (not backward) leaves other networks' weight gradients
        # uncomputed: the G step backpropagates through D without D's weight grads.
        grads = torch.autograd.grad(
            scale_loss(loss, optimizer), [v.value for v in variables], materialize_grads=True
        )
        loss = loss.detach()
        aux = {name: value.detach() for name, value in aux.items()}
        if world_size() > 1:
            grads, loss, aux = _average_over_ranks(list(grads), loss, aux)
        with torch.no_grad():
            optimizer.apply(list(grads), variables)
        return loss, aux

    def _input_gradient(self, fn, x):
        """Differentiable gradient of `sum(fn(x))` w.r.t. `x` (for gradient penalties)."""
        x = x.detach().requires_grad_(True)
        (grad,) = torch.autograd.grad(fn(x).sum(), x, create_graph=True)
        return grad

    def _replica_draw(self, draw, batch_size):
        """`draw(batch_size)`; under `torch.distributed`, this rank's rows of the global batch's draw.

        Every rank holds rank 0's seed states (broadcast when `fit` starts), so all draw the same
        global values and each keeps its own slice: the draws of one process on the global batch.
        """
        world = world_size()
        if world == 1:
            return draw(batch_size)
        rank = torch.distributed.get_rank()
        return draw(batch_size * world)[rank * batch_size : (rank + 1) * batch_size]

    def _prepare_fit(self, callbacks):
        """Before `fit`: ranks start from rank 0's state; only rank 0 keeps callbacks that write files."""
        if world_size() == 1:
            return callbacks
        _broadcast_from_rank_zero([*self.variables, *self.optimizer.variables])
        return rank_zero_callbacks(callbacks)

    def _no_grad(self):
        return torch.no_grad()

    def sync_training_state(self):
        """Makes the model's variables current for a callback (see the JAX trainer)."""
        # Variables are live during `fit`: nothing to sync.

    def training_values(self, variables):
        """The current values of `variables` during `fit` (see the JAX trainer)."""
        return [v.value for v in variables]


def inference_function(model):
    """`f(trainable_values, non_trainable_values, inputs) -> outputs`: `model` in inference mode, no autograd."""
    def call(trainable, non_trainable, inputs):
        with torch.no_grad():
            return model.stateless_call(trainable, non_trainable, inputs, training=False)[0]

    return call


def world_size():
    """Processes in the initialised `torch.distributed` group (1 without one)."""
    dist = torch.distributed
    return dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1


def _average_over_ranks(grads, loss, aux):
    """Means over the ranks of the gradients, the loss and its figures: one all-reduce."""
    names = sorted(aux)
    pieces = [*grads, loss, *(aux[name] for name in names)]
    flat = torch.cat([p.reshape(-1).to(torch.float32) for p in pieces])
    torch.distributed.all_reduce(flat)
    flat /= world_size()
    out, offset = [], 0
    for piece in pieces:
        out.append(flat[offset : offset + piece.numel()].reshape(piece.shape).to(piece.dtype))
        offset += piece.numel()
    return out[: len(grads)], out[len(grads)], dict(zip(names, out[len(grads) + 1 :]))


def _broadcast_from_rank_zero(variables):
    """Sets every variable to rank 0's value: one broadcast per dtype."""
    groups = {}
    for variable in variables:
        groups.setdefault(variable.value.dtype, []).append(variable)
    for dtype, group in groups.items():
        wire = dtype if dtype.is_floating_point or dtype in (torch.int32, torch.int64) else torch.int64
        values = [v.value.detach() for v in group]
        flat = torch.cat([t.reshape(-1).to(wire) for t in values])
        torch.distributed.broadcast(flat, src=0)
        offset = 0
        for variable, value in zip(group, values):
            variable.assign(flat[offset : offset + value.numel()].reshape(value.shape).to(dtype))
            offset += value.numel()


def rank_zero_callbacks(callbacks):
    """`callbacks` for this rank: ranks other than 0 drop those that write files and restore backups read-only.

    A callback writes files if it is one of Keras's writers or says so with a true `writes_files`
    attribute (as `keras_gan.callbacks.SampleGrid` does).
    """
    if torch.distributed.get_rank() == 0:
        return callbacks
    writers = (keras.callbacks.ModelCheckpoint, keras.callbacks.CSVLogger, keras.callbacks.TensorBoard)
    kept = []
    for callback in callbacks:
        if isinstance(callback, keras.callbacks.BackupAndRestore):
            callback = read_only_backup(callback)
        if not isinstance(callback, writers) and not getattr(callback, "writes_files", False):
            kept.append(callback)
    return kept


def process_layout():
    """`(rank, world size)` of the initialised `torch.distributed` group, `(0, 1)` without one."""
    world = world_size()
    return (torch.distributed.get_rank() if world > 1 else 0), world
