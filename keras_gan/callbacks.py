"""Callbacks for adversarial training."""

import math

import keras


class FiniteLossGuard(keras.callbacks.Callback):
    """Stops training with an error at the first step whose loss is NaN or infinite.

    Args:
        monitor: names of the logged losses to watch.
    """

    def __init__(self, monitor=("d_loss", "g_loss")):
        super().__init__()
        self.monitor = tuple(monitor)
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        for name in self.monitor:
            value = (logs or {}).get(name)
            if value is not None and not math.isfinite(float(value)):
                raise FloatingPointError(
                    f"{name} became {float(value)} at epoch {self._epoch + 1}, step {batch + 1}: "
                    f"training stopped. Lower the learning rate, check the data for "
                    f"NaN/inf, or resume from the last checkpoint."
                )
