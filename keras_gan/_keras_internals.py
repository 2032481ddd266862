"""Every private Keras API keras-gan relies on, in one place.

Each use has a test in `tests/test_keras_internals.py` that fails when a Keras release changes it,
naming the use; nothing else in keras-gan touches a private Keras name.
"""

import keras
from keras.src.trainers import compile_utils

__all__ = ["MetricDirections", "all_layers", "callback_model", "in_multi_worker_mode", "jax_fit_state",
           "read_only_backup"]


class MetricDirections(compile_utils.MetricsList):
    """Names and directions only, for `keras.callbacks.MonitorCallback`: no variables, no logs.

    Keras's monitored callbacks (`EarlyStopping`, `ModelCheckpoint`, `ReduceLROnPlateau`) with
    `mode="auto"` read a metric's direction only from a `MetricsList` in `model.metrics`.

    Args:
        directions: `{name: "up" | "down"}`.
    """

    def __init__(self, directions):
        super().__init__([], name="metric_directions")
        self._entries = tuple(_Direction(name, way) for name, way in directions.items())

    @property
    def metrics(self):
        return list(self._entries)

    @metrics.setter
    def metrics(self, value):
        pass

    def update_state(self, *args, **kwargs):
        pass

    def reset_state(self):
        pass

    def result(self):
        return {}


class _Direction:
    def __init__(self, name, direction):
        self.name, self._direction = name, direction


def jax_fit_state(model):
    """`(state, synced)` of Keras's JAX `fit`: the variables' live values it holds inside jit.

    `state` is a dict with `"trainable_variables"` (values in `model.trainable_variables`'s order) or
    None outside JAX's fit; `synced` says whether the model's variables already hold those values.
    """
    return getattr(model, "_jax_state", None), getattr(model, "_jax_state_synced", True)


def callback_model(callback):
    """The model a callback was given, without the JAX state write-back that `callback.model` does."""
    return callback._model


def read_only_backup(callback):
    """A copy of a `keras.callbacks.BackupAndRestore` that restores its backup but never writes or deletes it."""

    class ReadOnlyBackup(keras.callbacks.BackupAndRestore):
        def _save_model(self):
            pass

        def on_train_end(self, logs=None):
            pass

    copy = ReadOnlyBackup.__new__(ReadOnlyBackup)
    copy.__dict__.update(callback.__dict__)
    return copy


def all_layers(layer):
    """`layer` and every layer inside it, at any depth (a wrapper's inner layer, a nested model's layers)."""
    return list(layer._flatten_layers(include_self=True, recursive=True))


def in_multi_worker_mode(strategy):
    """Whether a `tf.distribute` strategy spans several workers."""
    return strategy.extended._in_multi_worker_mode()
