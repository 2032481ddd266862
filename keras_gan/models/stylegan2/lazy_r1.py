"""StyleGAN2's objective: the logistic loss with lazy R1 (Karras et al. 2020, arXiv:1912.04958, Appendix B)."""

from keras import ops

from keras_gan import objectives

__all__ = ["LazyR1"]


class LazyR1(objectives.NonSaturatingR1):
    """The logistic loss with R1 taken every `interval` D steps and scaled by it (lazy regularization).

    On due steps (`d_optimizer.iterations % interval == 0`) D's loss gains
    `gamma / 2 · interval · E‖∇D(x)‖²` on the raw reals, through the augmentation D saw; between them
    nothing. `mode` says how the off steps skip it: `"static"` (default) sets `period`, and the
    model compiles a step with and one without the penalty, picked on the host each batch;
    `"cond"` decides on the device (`ops.cond`), `"mask"` computes it and multiplies by 0.
    None of them recompiles when it switches. Logs `r1`, the penalty times `interval` on due
    steps (0 between): its mean over steps estimates the penalty's. The penalty joins the D step it is
    due on (the paper takes it as a separate step): D's optimizer takes one update per D step either way.
    """

    MODES = ("static", "cond", "mask")

    def __init__(self, gamma=10.0, interval=16, mode="static"):
        super().__init__(gamma)
        if mode not in self.MODES:
            raise ValueError(f"mode must be one of {self.MODES}, got {mode!r}.")
        self.interval, self.mode = int(interval), mode
        self.period = self.interval if mode == "static" and self.gamma and self.interval > 1 else 1

    def d_regularizer(self, context):
        if not self.gamma:
            return 0.0, {"r1": ops.zeros((), "float32")}

        def penalty():
            return objectives.r1_on_reals(context) * float(self.interval)

        due = context.due
        if self.interval == 1:
            r1 = penalty()
        elif due is not None:  # a step compiled for one phase
            r1 = penalty() if due else ops.zeros((), "float32")
        else:
            due = ops.equal(ops.mod(context.d_iterations, self.interval), 0)
            if self.mode == "mask":
                r1 = penalty() * ops.cast(due, "float32")
            else:
                r1 = ops.cond(due, penalty, lambda: ops.zeros((), "float32"))
        return 0.5 * self.gamma * r1, {"r1": r1}

    def get_config(self):
        return {}  # its settings are the model's (r1_gamma, r1_interval)

    def __repr__(self):
        return f"LazyR1(gamma={self.gamma}, interval={self.interval}, mode={self.mode!r})"
