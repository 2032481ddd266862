"""Adversarial losses as pure functions of the discriminator's logits.

All take logits (pre-sigmoid outputs) and return a scalar; `softplus` keeps
them finite where `log(sigmoid(.))` would underflow.
"""

from keras import ops

__all__ = [
    "discriminator_loss", "generator_loss_minimax", "generator_loss_non_saturating", "get_discriminator_loss",
    "get_generator_loss", "gradient_penalty", "hinge_discriminator_loss", "hinge_generator_loss",
    "r1_penalty", "wasserstein_critic_loss",
]


def discriminator_loss(real_logits, fake_logits):
    """GAN discriminator loss, −[log D(x) + log(1 − D(G(z)))] (Goodfellow et al. 2014).

    Args:
        real_logits: D's logits on real samples.
        fake_logits: D's logits on generated samples.

    Returns:
        Scalar mean loss.
    """
    return ops.mean(ops.softplus(-real_logits)) + ops.mean(ops.softplus(fake_logits))


def generator_loss_non_saturating(fake_logits):
    """Non-saturating generator loss, −log D(G(z)) (Goodfellow et al. 2014, §3).

    Args:
        fake_logits: D's logits on generated samples.

    Returns:
        Scalar mean loss.
    """
    return ops.mean(ops.softplus(-fake_logits))


def generator_loss_minimax(fake_logits):
    """Saturating (minimax) generator loss, log(1 − D(G(z))), as in the value function.

    Args:
        fake_logits: D's logits on generated samples.

    Returns:
        Scalar mean loss.
    """
    return -ops.mean(ops.softplus(fake_logits))


def hinge_discriminator_loss(real_logits, fake_logits):
    """Hinge discriminator loss, mean(relu(1 − D(x))) + mean(relu(1 + D(G(z)))) (Lim & Ye 2017).

    Args:
        real_logits: D's outputs on real samples.
        fake_logits: D's outputs on generated samples.

    Returns:
        Scalar mean loss.
    """
    return ops.mean(ops.relu(1.0 - real_logits)) + ops.mean(ops.relu(1.0 + fake_logits))


def hinge_generator_loss(fake_logits):
    """Hinge-GAN generator loss, −mean(D(G(z))) (Miyato et al. 2018).

    Args:
        fake_logits: D's outputs on generated samples.

    Returns:
        Scalar mean loss.
    """
    return -ops.mean(fake_logits)


GENERATOR_LOSSES = {
    "non_saturating": generator_loss_non_saturating,
    "minimax": generator_loss_minimax,
    "hinge": hinge_generator_loss,
}

DISCRIMINATOR_LOSSES = {
    "non_saturating": discriminator_loss,
    "minimax": discriminator_loss,
    "hinge": hinge_discriminator_loss,
}


def get_discriminator_loss(name):
    """Returns D's loss for the adversarial loss named `name` (one of `DISCRIMINATOR_LOSSES`)."""
    if name not in DISCRIMINATOR_LOSSES:
        raise ValueError(
            f"Unknown adversarial loss {name!r}. Expected one of "
            f"{sorted(DISCRIMINATOR_LOSSES)}, e.g. compile(loss='non_saturating')."
        )
    return DISCRIMINATOR_LOSSES[name]


def get_generator_loss(name):
    """Returns the generator loss registered under `name`.

    Args:
        name: one of `GENERATOR_LOSSES`.

    Returns:
        The loss function.
    """
    if name not in GENERATOR_LOSSES:
        raise ValueError(
            f"Unknown generator loss {name!r}. Expected one of "
            f"{sorted(GENERATOR_LOSSES)}, e.g. compile(loss='non_saturating')."
        )
    return GENERATOR_LOSSES[name]


def wasserstein_critic_loss(real_scores, fake_scores):
    """WGAN critic loss, mean(D(fake)) − mean(D(real)) (Arjovsky et al. 2017).

    Args:
        real_scores: critic outputs on real samples.
        fake_scores: critic outputs on generated samples.

    Returns:
        Scalar loss.
    """
    return ops.mean(fake_scores) - ops.mean(real_scores)


def gradient_penalty(input_grads, eps=1e-12):
    """WGAN-GP penalty, mean over samples of (‖∇ₓD(x̂)‖₂ − 1)² (Gulrajani et al. 2017).

    Args:
        input_grads: `(batch, ...)` gradients of the critic w.r.t. its inputs.
        eps: added under the square root so the norm's gradient stays finite at 0.

    Returns:
        Scalar penalty.
    """
    axes = tuple(range(1, len(input_grads.shape)))
    norms = ops.sqrt(ops.sum(ops.square(input_grads), axis=axes) + eps)
    return ops.mean(ops.square(norms - 1.0))


def r1_penalty(input_grads):
    """R1 penalty, mean over samples of ‖∇ₓD(x)‖₂² on real data (Mescheder et al. 2018; StyleGAN2).

    Args:
        input_grads: `(batch, ...)` gradients of D's logits w.r.t. its real inputs.

    Returns:
        Scalar penalty (weigh it by γ/2).
    """
    axes = tuple(range(1, len(input_grads.shape)))
    return ops.mean(ops.sum(ops.square(input_grads), axis=axes))
