"""Adversarial objectives: what D and G minimise, each a small object over the pure functions of `losses`.

An objective sees D's logits, never the networks, except through its regulariser hook:

    objective = objectives.get("hinge")
    d_loss, figures = objective.d_loss(real_logits, fake_logits)
    g_loss = objective.g_loss(fake_logits)
    penalty, figures = objective.d_regularizer(model, real, fake, condition)

`AdversarialModel.discriminator_loss` adds `d_loss` and `d_regularizer`; `generator_loss` is `g_loss`.
"""

import keras
from keras import ops

from keras_gan import losses, mixed_precision

__all__ = [
    "Hinge", "Minimax", "NonSaturating", "NonSaturatingR1", "Objective", "WassersteinClip", "WassersteinGP", "get",
]


class Objective:
    """What D and G minimise.

    Subclasses set `name`, `aux_metrics` (the names of the figures `d_loss` and `d_regularizer`
    report) and define `d_loss` and `g_loss`; a regularised one overrides `d_regularizer`.
    """

    name = None
    aux_metrics = ()

    def d_loss(self, real_logits, fake_logits):
        """D's loss on its float32 logits for a real and a generated batch.

        Returns:
            `(loss, figures)`: a scalar and a dict of scalars to log.
        """
        raise NotImplementedError

    def g_loss(self, fake_logits):
        """G's loss on D's logits for a generated batch. Returns a scalar."""
        raise NotImplementedError

    def d_regularizer(self, model, real, fake, condition=None):
        """A penalty added to D's loss, computed on D's inputs (R1, gradient penalty).

        Args:
            model: the `AdversarialModel` (its `discriminate`, `_input_gradient`, seed stream).
            real, fake: the batches as D takes them: augmented and packed.
            condition: labels as D takes them (packed), or None.

        Returns:
            `(penalty, figures)`; unregularised objectives give `(0.0, {})`.
        """
        return 0.0, {}

    def __repr__(self):
        return f"{type(self).__name__}()"


class _Logistic(Objective):
    """D trained as a classifier of real against generated; logs sigmoid(D)'s means."""

    aux_metrics = ("d_real", "d_fake")

    def d_loss(self, real_logits, fake_logits):
        return losses.discriminator_loss(real_logits, fake_logits), _d_means(real_logits, fake_logits)


class NonSaturating(_Logistic):
    """D: −[log D(x) + log(1 − D(G(z)))]; G: −log D(G(z)) (Goodfellow et al. 2014, §3)."""

    name = "non_saturating"

    def g_loss(self, fake_logits):
        return losses.generator_loss_non_saturating(fake_logits)


class Minimax(_Logistic):
    """D as `NonSaturating`; G: log(1 − D(G(z))), the value function itself (saturates early on)."""

    name = "minimax"

    def g_loss(self, fake_logits):
        return losses.generator_loss_minimax(fake_logits)


class Hinge(Objective):
    """D: mean(relu(1 − D(x))) + mean(relu(1 + D(G(z)))); G: −mean(D(G(z))) (Lim & Ye 2017; Miyato et al. 2018)."""

    name = "hinge"
    aux_metrics = ("d_real", "d_fake")

    def d_loss(self, real_logits, fake_logits):
        return losses.hinge_discriminator_loss(real_logits, fake_logits), _d_means(real_logits, fake_logits)

    def g_loss(self, fake_logits):
        return losses.hinge_generator_loss(fake_logits)


class NonSaturatingR1(NonSaturating):
    """`NonSaturating` plus R1 = γ/2 · E‖∇D(x)‖² on real samples (Mescheder et al. 2018; StyleGAN2's default).

    Args:
        gamma: γ, the penalty's weight.
    """

    aux_metrics = ("d_real", "d_fake", "r1")

    def __init__(self, gamma=10.0):
        self.gamma = float(gamma)

    def d_regularizer(self, model, real, fake, condition=None):
        grads = _scaled_input_gradient(model, real, condition)
        r1 = ops.mean(ops.sum(ops.square(grads), axis=tuple(range(1, len(grads.shape)))))
        return 0.5 * self.gamma * r1, {"r1": r1}

    def __repr__(self):
        return f"NonSaturatingR1(gamma={self.gamma})"


class _Wasserstein(Objective):
    """A critic: D minimises mean(D(fake)) − mean(D(real)), G minimises −mean(D(fake)) (Arjovsky et al. 2017)."""

    name = "wasserstein"
    aux_metrics = ("w_distance",)

    def d_loss(self, real_logits, fake_logits):
        critic_loss = losses.wasserstein_critic_loss(real_logits, fake_logits)
        return critic_loss, {"w_distance": -critic_loss}

    def g_loss(self, fake_logits):
        return -ops.mean(fake_logits)


class WassersteinClip(_Wasserstein):
    """The Wasserstein critic kept Lipschitz by clipping its weights after each step (WGAN, Algorithm 1).

    Args:
        clip_value: c: every critic weight is clipped to [−c, c].
    """

    def __init__(self, clip_value=0.01):
        self.clip_value = float(clip_value)

    def clip(self, discriminator):
        """Clips every trainable weight of `discriminator` to `[−clip_value, clip_value]`."""
        for variable in discriminator.trainable_variables:
            variable.assign(ops.clip(variable.value, -self.clip_value, self.clip_value))

    def __repr__(self):
        return f"WassersteinClip(clip_value={self.clip_value})"


class WassersteinGP(_Wasserstein):
    """The Wasserstein critic plus λ · mean((‖∇D(x̂)‖₂ − 1)²) on interpolates (Gulrajani et al. 2017).

    Args:
        gp_weight: λ (paper: 10).
    """

    aux_metrics = ("gp", "w_distance")

    def __init__(self, gp_weight=10.0):
        self.gp_weight = float(gp_weight)

    def gradient_penalty(self, model, real, fake, condition=None):
        """The penalty on `x̂ = α·real + (1 − α)·fake`, one α ~ U[0, 1] per input of D (per pack when packing)."""
        ones = (1,) * len(real.shape[1:])
        alpha = model._replica_draw(
            lambda n: keras.random.uniform((n, *ones), seed=model.seed_generator), ops.shape(real)[0]
        )
        interpolates = alpha * ops.cast(real, "float32") + (1.0 - alpha) * ops.cast(fake, "float32")
        return losses.gradient_penalty(_scaled_input_gradient(model, interpolates, condition))

    def d_regularizer(self, model, real, fake, condition=None):
        gp = self.gradient_penalty(model, real, fake, condition)
        return self.gp_weight * gp, {"gp": gp}

    def __repr__(self):
        return f"WassersteinGP(gp_weight={self.gp_weight})"


_BY_NAME = {"non_saturating": NonSaturating, "minimax": Minimax, "hinge": Hinge}


def get(identifier):
    """An `Objective` from its name (`"non_saturating"`, `"minimax"`, `"hinge"`) or itself.

    Raises:
        ValueError: for an unknown name, listing the known ones.
    """
    if isinstance(identifier, Objective):
        return identifier
    if identifier not in _BY_NAME:
        raise ValueError(
            f"Unknown adversarial loss {identifier!r}. Expected one of {sorted(_BY_NAME)}, "
            f"e.g. compile(loss='non_saturating')."
        )
    return _BY_NAME[identifier]()


def _d_means(real_logits, fake_logits):
    return {"d_real": ops.mean(ops.sigmoid(real_logits)), "d_fake": ops.mean(ops.sigmoid(fake_logits))}


def _scaled_input_gradient(model, inputs, condition):
    """∇ₓ D(x) at `inputs` (D's inputs, already augmented and packed), differentiable.

    Under "mixed_float16" the gradient is taken on D's output times the loss scale, as D's loss is, and
    divided back: small float16 gradients would otherwise flush to zero.
    """
    scale = mixed_precision.loss_scale(model.d_optimizer)
    grads = model._input_gradient(
        lambda x: model.discriminate(x, condition, augment=False, pack=False) * scale, inputs
    )
    return grads / scale
