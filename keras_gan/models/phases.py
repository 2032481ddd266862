"""A periodic regulariser (lazy R1) as two compiled steps, picked on the host: no recompiling, no host sync."""

import keras
from keras import ops

__all__ = ["PeriodicPhases", "StepCount"]


class PeriodicPhases:
    """`make_train_function` of `AdversarialModel` (a mixin): one compiled step, or two for a periodic objective."""

    def make_train_function(self, force=False):
        """Keras's compiled step; for an objective with a periodic regulariser (lazy R1), two of them.

        An objective with `period = k > 1` regularises on every k-th D step. Rather than one step
        that decides on the device (`ops.cond`), two steps are compiled once each, with and without
        the regulariser, and a host-side count of D steps picks one per batch: no recompilation
        when it switches and no read of a device value during `fit` (the count is read from
        `d_optimizer.iterations` when `fit` starts, after `BackupAndRestore`). Needs
        `steps_per_execution=1` and `d_steps=1`; otherwise the objective decides on the device.
        """
        period = int(getattr(getattr(self, "objective", None), "period", 1) or 1)
        if period <= 1 or self.steps_per_execution != 1 or self.d_steps != 1:
            return super().make_train_function(force)
        if self.train_function is not None and not force:
            return self.train_function
        variants = []
        for _ in range(2):
            # A distinct step function per variant: `jax.jit` caches traces by function, and two
            # bound methods of one object compare equal, so both variants would share one trace.
            self.train_step = lambda *args, **kwargs: type(self).train_step(self, *args, **kwargs)
            try:
                super().make_train_function(force=True)
            finally:
                del self.train_step
            variants.append(self.train_function)

        def train_function(*args, **kwargs):
            if self._d_step_count is None:
                self._d_step_count = int(ops.convert_to_numpy(self.d_optimizer.iterations))
            due = self._d_step_count % period == 0
            self._d_step_count += 1
            self.regularize_now = due  # read when the step is traced (JAX, TF) or run (torch)
            try:
                return variants[due](*args, **kwargs)
            finally:
                self.regularize_now = None

        self.train_function = train_function
        return train_function

    _d_step_count = None
    regularize_now = None
    """During a periodic objective's step: whether this step regularises (a Python bool); else None."""


class StepCount(keras.callbacks.Callback):
    """Reads D's update count when `fit` starts (after any restore) for the phases; `fit` adds one."""

    def on_train_begin(self, logs=None):
        self.model._d_step_count = int(ops.convert_to_numpy(self.model.d_optimizer.iterations))
