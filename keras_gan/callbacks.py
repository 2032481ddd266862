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


class SampleGrid(keras.callbacks.Callback):
    """Writes a PNG grid of samples from fixed latents after every `every` epochs.

    Args:
        directory: folder for `epoch_001.png`, ...
        num_samples: images per grid.
        seed: seed of the fixed latents, so grids show one set of z over training.
        every: epochs between grids.
    """

    def __init__(self, directory, num_samples=64, seed=0, every=1):
        super().__init__()
        self.directory = directory
        self.num_samples = num_samples
        self.seed = seed
        self.every = every

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        import os

        from keras_gan.visualization import save_image_grid

        os.makedirs(self.directory, exist_ok=True)
        images = self.model.generate(self.num_samples, seed=self.seed)
        save_image_grid(images, os.path.join(self.directory, f"epoch_{epoch + 1:03d}.png"))
