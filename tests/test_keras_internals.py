"""One test per private Keras API keras-gan uses (`keras_gan._keras_internals`): each fails when Keras changes it."""

import os

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan import _keras_internals as internals
from conftest import BACKEND, fake_data


def tiny():
    model = keras_gan.GAN((2,), latent_dim=4, hidden_units=(8,))
    model.compile()
    return model


@pytest.mark.parametrize("monitor, better, worse", [("g_loss", 1.0, 2.0), ("inception_score", 2.0, 1.0)])
def test_metric_directions_reach_monitored_callbacks(monitor, better, worse):
    """`compile_utils.MetricsList`: EarlyStopping(mode="auto") reads each figure's direction from it."""
    stop = keras.callbacks.EarlyStopping(monitor=monitor)
    stop.set_model(tiny())
    stop._set_monitor_op()
    assert stop.monitor_op(better, worse) and not stop.monitor_op(worse, better)


def test_jax_fit_state_holds_the_live_trainable_values():
    """`model._jax_state` / `_jax_state_synced`: the values JAX's fit holds inside jit, between batches."""
    model = tiny()
    seen = []

    class Look(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            state, synced = internals.jax_fit_state(internals.callback_model(self))
            if state is not None and not synced:
                live = state["trainable_variables"]
                seen.append(len(live) == len(model.trainable_variables))

    model.fit(fake_data((2,), n=32), batch_size=16, epochs=1, verbose=0, callbacks=[Look()])
    if BACKEND == "jax":
        assert seen and all(seen)
    else:
        assert internals.jax_fit_state(model) == (None, True) and not seen


def test_callback_model_is_the_model_set():
    """`Callback._model`: the model as given, without the JAX sync `callback.model` does."""
    model, callback = tiny(), keras.callbacks.Callback()
    callback.set_model(model)
    assert internals.callback_model(callback) is model


def test_read_only_backup_restores_but_never_writes(tmp_path):
    """`BackupAndRestore._save_model`: the read-only copy writes no backup where the original does."""
    original = keras.callbacks.BackupAndRestore(str(tmp_path / "backup"))
    model = tiny()
    model.fit(fake_data((2,), n=16), batch_size=8, epochs=1, verbose=0, callbacks=[original])
    # The original deletes its backup at the end of training; one epoch interrupted would leave it.
    original.set_model(model)
    original.on_epoch_end(0)
    assert os.listdir(tmp_path / "backup")
    quiet_dir = tmp_path / "quiet"
    quiet = internals.read_only_backup(keras.callbacks.BackupAndRestore(str(quiet_dir)))
    quiet.set_model(model)
    quiet.on_epoch_end(0)
    quiet.on_train_end()
    assert isinstance(quiet, keras.callbacks.BackupAndRestore)
    assert not quiet_dir.exists() or not os.listdir(quiet_dir)


@pytest.mark.skipif(BACKEND != "tensorflow", reason="tf.distribute strategies exist on TensorFlow only")
def test_in_multi_worker_mode_of_a_single_worker_strategy():
    """`StrategyExtended._in_multi_worker_mode`: false for one worker's MirroredStrategy."""
    import tensorflow as tf

    assert internals.in_multi_worker_mode(tf.distribute.MirroredStrategy(["/cpu:0"])) is False


def test_all_layers_reaches_every_depth():
    """`Layer._flatten_layers`: the model itself, a nested model's layers and a wrapper's inner layer."""
    inner, last = keras.layers.Dense(2), keras.layers.Dense(1)
    nested = keras.Sequential([keras.Input((3,)), keras.layers.SpectralNormalization(inner)])
    model = keras.Sequential([keras.Input((3,)), nested, last])
    found = internals.all_layers(model)
    assert found[0] is model and all(any(layer is wanted for layer in found) for wanted in (nested, inner, last))


def test_no_other_module_touches_a_private_keras_name():
    """Everything private from Keras goes through `keras_gan._keras_internals`."""
    root = os.path.dirname(keras_gan.__file__)
    needles = ("keras.src", "._jax_state", "._model", "._save_model", "._in_multi_worker_mode", "._flatten_layers")
    offenders = []
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            if name.endswith(".py") and path != internals.__file__:
                text = open(path, encoding="utf-8").read()
                offenders += [f"{os.path.relpath(path, root)}: {n}" for n in needles if n in text]
    assert not offenders, offenders
    assert np.all([callable(getattr(internals, name)) for name in internals.__all__])


@pytest.mark.skipif(BACKEND != "torch", reason="torch data parallelism")
def test_other_ranks_keep_no_file_writer_and_a_read_only_backup(monkeypatch, tmp_path):
    """The backend layer knows no keras-gan callback: `SampleGrid` is dropped by its `writes_files`."""
    import torch

    from keras_gan.backend import torch_trainer
    from keras_gan.callbacks import GeneratorEMA, SampleGrid

    monkeypatch.setattr(torch.distributed, "get_rank", lambda: 1)
    ema = GeneratorEMA()
    kept = torch_trainer.rank_zero_callbacks([
        SampleGrid(tmp_path), ema, keras.callbacks.CSVLogger(str(tmp_path / "log.csv")),
        keras.callbacks.BackupAndRestore(str(tmp_path / "backup")),
    ])
    assert kept[0] is ema and len(kept) == 2
    assert isinstance(kept[1], keras.callbacks.BackupAndRestore) and type(kept[1]).__name__ == "ReadOnlyBackup"
