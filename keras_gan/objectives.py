"""Adversarial objectives: what D and G minimise, each a small object over the pure functions of `losses`.

An objective sees D's logits, never the networks, except through its regulariser hook:

    objective = objectives.get("hinge")
    d_loss, figures = objective.d_loss(real_logits, fake_logits)
    g_loss = objective.g_loss(fake_logits)
    penalty, figures = objective.d_regularizer(context)   # a DContext: the step's batches, D, input gradients

`AdversarialModel.discriminator_loss` adds `d_loss` and `d_regularizer`; `generator_loss` is `g_loss` (given
D's logits on the step's reals too when the objective pairs them, `pairs_real_and_fake`).
"""

import keras
from keras import ops

from keras_gan import losses, mixed_precision

__all__ = [
    "DContext", "Hinge", "Minimax", "NonSaturating", "NonSaturatingR1", "Objective", "RelativisticR1R2",
    "WassersteinClip", "WassersteinGP", "get",
]


class DContext:
    """What D's regulariser works with in one D step: the batches, D on them, input gradients and draws.

    Attributes:
        real, fake: the step's batches as drawn, before augmentation and packing.
        condition: their labels (or None).
        real_inputs, fake_inputs: the same batches as D took them (augmented and packed).
        d_condition: the labels as D took them (packed).
        due: for a lazy regulariser, whether this compiled step regularises (None: no phase was
            picked on the host; decide from `d_iterations`).
        d_iterations: D's optimizer step count before this update.
    """

    def __init__(self, model, real, fake, condition, real_inputs, fake_inputs, d_condition, real_draws=None,
                 fake_draws=None):
        self._gan = model
        self.real, self.fake, self.condition = real, fake, condition
        self.real_inputs, self.fake_inputs, self.d_condition = real_inputs, fake_inputs, d_condition
        self._draws = {"real": real_draws, "fake": fake_draws}
        self.due = getattr(model, "regularize_now", None)
        self.d_iterations = model.d_optimizer.iterations

    def discriminate(self, inputs):
        """D's float32 logits on inputs already augmented and packed (with `d_condition`)."""
        return self._gan.discriminate(inputs, self.d_condition, augment=False, pack=False)

    def discriminate_as(self, which, samples):
        """D's logits on raw `samples` through the augmentation this step gave its `which` batch
        ("real" or "fake": the same draws, replayed) and the packing: differentiable in `samples`."""
        model, draws = self._gan, self._draws[which]
        augmented = model.augment_batch(samples, draw=draws.replay() if draws is not None else None)
        return self.discriminate(model.pack_batch(augmented))

    def input_gradient(self, fn, x):
        """∇ₓ sum(fn(x)), differentiable (second order reaches D's weights).

        Under "mixed_float16" the gradient is taken on `fn(x)` times D's loss scale, as D's loss is, and
        divided back: small float16 gradients would otherwise flush to zero.
        """
        scale = mixed_precision.loss_scale(self._gan.d_optimizer)
        return self._gan._input_gradient(lambda t: fn(t) * scale, x) / scale

    def pack(self, samples):
        """Raw samples (or their gradients) `(batch, ...)` → D's packed layout."""
        return self._gan.pack_batch(samples)

    def uniform(self, batch_size, shape=()):
        """U[0, 1) of shape `(batch_size, *shape)` from the model's stream (one row per sample, global batch)."""
        model = self._gan
        return model._replica_draw(lambda n: keras.random.uniform((n, *shape), seed=model.seed_generator),
                                   batch_size)


def r1_on_reals(context):
    """E‖∇ₓD(x)‖² over D's inputs, with x the raw reals taken through the step's augmentation and packing.

    Differentiating with respect to the raw reals (StyleGAN2-ADA, DiffAugment) keeps R1's strength
    independent of the augmentation's probability and policy.
    """
    grads = context.input_gradient(lambda x: context.discriminate_as("real", x), context.real)
    return losses.r1_penalty(context.pack(grads))


def r2_on_fakes(context):
    """E‖∇ₓD(x)‖² on the generated batch, through its augmentation and packing (R3GAN's R2)."""
    fake = ops.stop_gradient(context.fake)
    grads = context.input_gradient(lambda x: context.discriminate_as("fake", x), fake)
    return losses.r1_penalty(context.pack(grads))


class Objective:
    """What D and G minimise.

    Subclasses set `name`, `aux_metrics` (the names of the figures `d_loss` and `d_regularizer`
    report) and define `d_loss` and `g_loss`; a regularised one overrides `d_regularizer`.
    """

    name = None
    aux_metrics = ()
    pairs_real_and_fake = False
    """True when `g_loss` also takes D's logits on the step's reals (relativistic losses)."""

    def d_loss(self, real_logits, fake_logits):
        """D's loss on its float32 logits for a real and a generated batch.

        Returns:
            `(loss, figures)`: a scalar and a dict of scalars to log.
        """
        raise NotImplementedError

    def g_loss(self, fake_logits, real_logits=None):
        """G's loss on D's logits for a generated batch (and, when `pairs_real_and_fake`, a real one)."""
        raise NotImplementedError

    def d_regularizer(self, context):
        """A penalty added to D's loss (R1, R2, gradient penalty).

        Args:
            context: a `DContext`: the step's batches raw and as D took them, D, input gradients, draws.

        Returns:
            `(penalty, figures)`; unregularised objectives give `(0.0, {})`.
        """
        return 0.0, {}

    def get_config(self):
        """The arguments that rebuild this objective with `get({"name": name, **config})`."""
        return {}

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

    def g_loss(self, fake_logits, real_logits=None):
        return losses.generator_loss_non_saturating(fake_logits)


class Minimax(_Logistic):
    """D as `NonSaturating`; G: log(1 − D(G(z))), the value function itself (saturates early on)."""

    name = "minimax"

    def g_loss(self, fake_logits, real_logits=None):
        return losses.generator_loss_minimax(fake_logits)


class Hinge(Objective):
    """D: mean(relu(1 − D(x))) + mean(relu(1 + D(G(z)))); G: −mean(D(G(z))) (Lim & Ye 2017; Miyato et al. 2018)."""

    name = "hinge"
    aux_metrics = ("d_real", "d_fake")

    def d_loss(self, real_logits, fake_logits):
        return losses.hinge_discriminator_loss(real_logits, fake_logits), _d_means(real_logits, fake_logits)

    def g_loss(self, fake_logits, real_logits=None):
        return losses.hinge_generator_loss(fake_logits)


class NonSaturatingR1(NonSaturating):
    """`NonSaturating` plus R1 = γ/2 · E‖∇D(x)‖² on real samples (Mescheder et al. 2018; StyleGAN2's default).

    The gradient is taken with respect to the raw reals, through the step's augmentation (`r1_on_reals`).

    Args:
        gamma: γ, the penalty's weight.
    """

    name = "non_saturating_r1"
    aux_metrics = ("d_real", "d_fake", "r1")

    def __init__(self, gamma=10.0):
        self.gamma = float(gamma)

    def d_regularizer(self, context):
        r1 = r1_on_reals(context)
        return 0.5 * self.gamma * r1, {"r1": r1}

    def get_config(self):
        return {"gamma": self.gamma}

    def __repr__(self):
        return f"NonSaturatingR1(gamma={self.gamma})"


class RelativisticR1R2(Objective):
    """R3GAN's objective (Huang et al. 2024): the relativistic pairing loss with R1 on reals and R2 on fakes.

    D: softplus(−(D(x) − D(G(z)))), G: softplus(−(D(G(z)) − D(x))), over pairs of one real and one
    generated sample; plus γ/2 · (R1 + R2) every step, both zero-centred and taken through the step's
    augmentation.

    Args:
        gamma: γ (paper: 0.05 → 0.005 on CIFAR-10).
    """

    name = "relativistic_r1_r2"
    aux_metrics = ("d_real", "d_fake", "r1", "r2")
    pairs_real_and_fake = True

    def __init__(self, gamma=0.05):
        self.gamma = float(gamma)

    def d_loss(self, real_logits, fake_logits):
        return ops.mean(ops.softplus(fake_logits - real_logits)), _d_means(real_logits, fake_logits)

    def g_loss(self, fake_logits, real_logits=None):
        if real_logits is None:
            raise ValueError("The relativistic loss pairs each generated sample with a real one: pass real_logits.")
        return ops.mean(ops.softplus(real_logits - fake_logits))

    def d_regularizer(self, context):
        r1, r2 = r1_on_reals(context), r2_on_fakes(context)
        return 0.5 * self.gamma * (r1 + r2), {"r1": r1, "r2": r2}

    def get_config(self):
        return {"gamma": self.gamma}

    def __repr__(self):
        return f"RelativisticR1R2(gamma={self.gamma})"


class _Wasserstein(Objective):
    """A critic: D minimises mean(D(fake)) − mean(D(real)), G minimises −mean(D(fake)) (Arjovsky et al. 2017)."""

    name = "wasserstein"
    aux_metrics = ("w_distance",)

    def d_loss(self, real_logits, fake_logits):
        critic_loss = losses.wasserstein_critic_loss(real_logits, fake_logits)
        return critic_loss, {"w_distance": -critic_loss}

    def g_loss(self, fake_logits, real_logits=None):
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

    def gradient_penalty(self, context):
        """The penalty on `x̂ = α·real + (1 − α)·fake` between D's inputs (augmented and packed, as the
        critic sees them), one α ~ U[0, 1] per input of D (per pack when packing)."""
        real, fake = context.real_inputs, context.fake_inputs
        alpha = context.uniform(ops.shape(real)[0], (1,) * len(real.shape[1:]))
        interpolates = alpha * ops.cast(real, "float32") + (1.0 - alpha) * ops.cast(fake, "float32")
        return losses.gradient_penalty(context.input_gradient(context.discriminate, interpolates))

    def d_regularizer(self, context):
        gp = self.gradient_penalty(context)
        return self.gp_weight * gp, {"gp": gp}

    def __repr__(self):
        return f"WassersteinGP(gp_weight={self.gp_weight})"


_BY_NAME = {"non_saturating": NonSaturating, "minimax": Minimax, "hinge": Hinge,
            "non_saturating_r1": NonSaturatingR1, "relativistic_r1_r2": RelativisticR1R2}


def get(identifier):
    """An `Objective` from its name (`"non_saturating"`, `"minimax"`, `"hinge"`, `"non_saturating_r1"`,
    `"relativistic_r1_r2"`; the regularised ones with their default γ) or itself.

    Raises:
        ValueError: for an unknown name, listing the known ones.
    """
    if isinstance(identifier, Objective):
        return identifier
    if isinstance(identifier, dict) and identifier.get("name") in _BY_NAME:
        config = {k: v for k, v in identifier.items() if k != "name"}
        return _BY_NAME[identifier["name"]](**config)
    if identifier not in _BY_NAME:
        raise ValueError(
            f"Unknown adversarial loss {identifier!r}. Expected one of {sorted(_BY_NAME)}, "
            f"e.g. compile(loss='non_saturating')."
        )
    return _BY_NAME[identifier]()


def _d_means(real_logits, fake_logits):
    return {"d_real": ops.mean(ops.sigmoid(real_logits)), "d_fake": ops.mean(ops.sigmoid(fake_logits))}
