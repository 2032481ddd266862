"""PyTorch gradient mechanics: eager autograd, gradients only for the variables being trained.

The torch kernels behind `keras_gan.layers` live in `keras_gan.backend.torch_kernels`.
"""

import torch

from keras_gan.backend.torch_kernels import (  # noqa: F401 (re-exported)
    batch_normalization_training, conv, conv_transpose, moving_average,
)
from keras_gan.mixed_precision import scale_loss


class AdversarialTrainer:
    """Backend mixin for `AdversarialModel` on PyTorch."""

    def train_step(self, data):
        return self._adversarial_step(data)

    def _minimize(self, loss_fn, variables, optimizer):
        """One optimizer step on `variables` lowering `loss_fn()`; see `keras_gan.backend`."""
        loss, aux = loss_fn()
        # autograd.grad (not backward) leaves other networks' weight gradients
        # uncomputed: the G step backpropagates through D without D's weight grads.
        grads = torch.autograd.grad(
            scale_loss(loss, optimizer), [v.value for v in variables], materialize_grads=True
        )
        with torch.no_grad():
            optimizer.apply(list(grads), variables)
        return loss.detach(), aux

    def _input_gradient(self, fn, x):
        """Differentiable gradient of `sum(fn(x))` w.r.t. `x` (for gradient penalties)."""
        x = x.detach().requires_grad_(True)
        (grad,) = torch.autograd.grad(fn(x).sum(), x, create_graph=True)
        return grad

    def _replica_draw(self, draw, batch_size):
        """`draw(batch_size)` (one process trains on the whole batch)."""
        return draw(batch_size)

    def _no_grad(self):
        return torch.no_grad()

    def sync_training_state(self):
        """Makes the model's variables current for a callback (see the JAX trainer)."""
        # Variables are live during `fit`: nothing to sync.
