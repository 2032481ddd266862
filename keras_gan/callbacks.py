"""Callbacks for adversarial training (and `Evaluation`, from `keras_gan.metrics`)."""

import math
import os

import keras
from keras import ops

from keras_gan._keras_internals import callback_model
from keras_gan.metrics.callback import Evaluation  # noqa: F401 - `keras_gan.callbacks.Evaluation`
from keras_gan.visualization import save_image_grid

__all__ = ["Evaluation", "FiniteLossGuard", "GeneratorEMA", "LearningRates", "SampleGrid"]


class FiniteLossGuard(keras.callbacks.Callback):
    """Stops training with an error at the first step whose loss is NaN or infinite.

    Safe for Keras's asynchronous batch callbacks (`async_safe`): on backends that allow it
    (JAX, PyTorch) the check reads each step's logs on Keras's callback thread, so the
    training loop does not wait for every step's result; the error names the step it
    found and is raised at the next step or at the epoch's end.

    Args:
        monitor: names of the logged losses to watch.
    """

    async_safe = True

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


class LearningRates(keras.callbacks.Callback):
    """Adds both networks' current rates to each epoch's logs: `d_learning_rate`, `g_learning_rate`.

    `fit` adds one. Keras's `LearningRateScheduler` and `ReduceLROnPlateau` act on
    `model.optimizer.learning_rate`, the discriminator's rate; setting it scales both
    networks' rates by the same factor.
    """

    def on_epoch_end(self, epoch, logs=None):
        if logs is None or not hasattr(self.model, "d_optimizer"):
            return
        for prefix, optimizer in (("d", self.model.d_optimizer), ("g", self.model.g_optimizer)):
            logs[f"{prefix}_learning_rate"] = float(keras.ops.convert_to_numpy(optimizer.learning_rate))


class SampleGrid(keras.callbacks.Callback):
    """Writes a PNG grid of samples from fixed latents after every `every` epochs.

    Conditional models draw one row per class (`model.generate_grid`).

    Args:
        directory: folder for `epoch_001.png`, ...
        num_samples: images per grid (conditional models: rounded down to whole rows).
        seed: seed of the fixed latents, so grids show one set of z over training.
        every: epochs between grids.
        gif: also write `progress.gif`, one frame per grid of this run, when training ends
            (Pillow, which matplotlib depends on).
        frame_ms: milliseconds per GIF frame.
    """

    writes_files = True  # under torch data parallelism only rank 0 keeps it

    def __init__(self, directory, num_samples=64, seed=0, every=1, gif=False, frame_ms=500):
        super().__init__()
        self.directory = directory
        self.num_samples = num_samples
        self.seed = seed
        self.every = every
        self.gif = gif
        self.frame_ms = frame_ms
        self.paths = []

    def on_train_begin(self, logs=None):
        self.paths = []

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return

        os.makedirs(self.directory, exist_ok=True)
        images, columns = self.model.generate_grid(self.num_samples, seed=self.seed)
        path = os.path.join(self.directory, f"epoch_{epoch + 1:03d}.png")
        save_image_grid(images, path, columns=columns)
        self.paths.append(path)

    def on_train_end(self, logs=None):
        if not (self.gif and self.paths):
            return
        from PIL import Image

        frames = [Image.open(path).convert("RGB") for path in self.paths]
        frames[0].save(
            os.path.join(self.directory, "progress.gif"), save_all=True,
            append_images=frames[1:], duration=self.frame_ms, loop=0,
        )


class GeneratorEMA(keras.callbacks.Callback):
    """Keeps an exponential moving average of the generator's weights during `fit`.

    After each `every`-th training step t: `ema = decay * ema + (1 - decay) * w`,
    with `w` the generator's trainable weights; up to step `start`, `ema = w`
    (BigGAN's `ema_start`). ProGAN (Karras et al. 2018) and BigGAN (Brock et al.
    2019) sample from such an average. The average is held by the model
    (`model.generator_ema`), so `model.generate` uses it (`ema=False` for the raw
    weights), and it is written into the model's own weights entry by `save` and
    `save_weights` and restored by `keras.saving.load_model` / `load_weights`:
    a model trained with EMA samples with EMA after loading. BatchNorm statistics
    are measured on the averaged weights (`model.generator_ema_statistics`).
    Training that continues keeps averaging from the model's current average.

    With `compile(steps_per_execution=k)` the weights are seen every k steps; the
    updates due in between use the weights seen at their end (`decay ** n`).

    Args:
        decay: weight of the old average per update (0.999 is common).
        start: training steps (`model.optimizer.iterations`) before averaging begins.
        every: training steps between updates.
    """

    def __init__(self, decay=0.999, start=0, every=1):
        super().__init__()
        if not 0.0 <= float(decay) < 1.0:
            raise ValueError(f"decay must lie in [0, 1), got {decay}. 0.999 is a common choice.")
        if int(every) < 1 or int(start) < 0:
            raise ValueError(f"every must be >= 1 and start >= 0, got every={every}, start={start}.")
        self.decay = float(decay)
        self.start = int(start)
        self.every = int(every)

    def on_train_begin(self, logs=None):
        self._step = int(self.model.optimizer.iterations)
        if self.model.generator_ema is None:
            self.model.set_generator_ema([v.value for v in self.model.generator.trainable_variables])

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = self._step

    def on_train_batch_end(self, batch, logs=None):
        # `batch` is the epoch's index of the last step run: with steps_per_execution = k,
        # callbacks see every k-th step, and the k steps' updates are applied at once.
        step = self._epoch_start + batch + 1
        updates = step // self.every - self._step // self.every
        self._step = step
        if updates < 1:
            return
        # Not `self.model`: on JAX, Keras's property writes fit's whole state back into the
        # variables on every access (and the next step gathers it again); the model reads the
        # generator's live weights from that state instead.
        model = callback_model(self)
        model = model if hasattr(model, "training_values") else self.model
        weights = [ops.stop_gradient(w) for w in model.training_values(model.generator.trainable_variables)]
        if step <= self.start:
            model.set_generator_ema(weights)
            return
        model._update_generator_ema(weights, self.decay ** updates)
