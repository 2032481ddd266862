"""What every model class must do, checked in one call (as KerasHub's `run_model_saving_test` is).

    from model_test_case import run_model_test

    def test_my_model_is_a_keras_model(tmp_path):
        run_model_test(lambda: keras_gan.MyGAN((16, 16, 3), latent_dim=8, ...), fake_data((16, 16, 3), n=32),
                       tmp_path=tmp_path)

The model trains once (`fit`, two epochs, under Keras's own callbacks) and its reloaded copy once more:
on JAX each new model's first `fit` compiles its step, the bulk of a test's time, so one test that
checks everything costs about what two of the old per-file tests did.
"""

import os

import keras
import numpy as np

from conftest import LEARNING_RATES, weights_of


def keras_callbacks(directory):
    """Keras's own callbacks, writing under `directory`: each must run with a GAN."""
    directory = str(directory)
    return [
        keras.callbacks.ModelCheckpoint(os.path.join(directory, "ckpt.keras")),
        keras.callbacks.ModelCheckpoint(os.path.join(directory, "ckpt.weights.h5"), save_weights_only=True),
        keras.callbacks.BackupAndRestore(os.path.join(directory, "backup")),
        keras.callbacks.TensorBoard(os.path.join(directory, "tb")),
        keras.callbacks.CSVLogger(os.path.join(directory, "log.csv")),
        keras.callbacks.EarlyStopping(monitor="g_loss", mode="min", patience=5),
        keras.callbacks.TerminateOnNaN(),
    ]


def _labels_for(model, n):
    """One label per sample for conditional models (cycling through the classes), else None."""
    num_classes = getattr(model, "num_classes", None)
    return None if not num_classes else np.arange(n, dtype="int32") % num_classes


def _generate(model, n=None, **kwargs):
    labels = _labels_for(model, n if n is not None else len(kwargs["z"]))
    return model.generate(n, **kwargs) if labels is None else model.generate(n, labels=labels, **kwargs)


def _state(model):
    """Every variable of the model and of both optimizers, by path, as numpy."""
    state = {}
    for owner, variables in (("model", model.variables), ("d_optimizer", model.d_optimizer.variables),
                             ("g_optimizer", model.g_optimizer.variables)):
        for variable, value in zip(variables, weights_of(variables)):
            state[f"{owner}/{variable.path}"] = value
    return state


def assert_same_state(a, b, z):
    """Same class, same variables (model and both optimizers) and the same samples for latents `z`."""
    assert type(a) is type(b)
    for opt_a, opt_b in ((a.d_optimizer, b.d_optimizer), (a.g_optimizer, b.g_optimizer)):
        assert type(opt_a) is type(opt_b)
    state_a, state_b = _state(a), _state(b)
    assert len(state_a) == len(state_b), (sorted(state_a), sorted(state_b))
    for (path, value_a), value_b in zip(state_a.items(), state_b.values()):
        np.testing.assert_array_equal(value_a, value_b, err_msg=path)
    np.testing.assert_array_equal(_generate(a, z=z), _generate(b, z=z))


def _config(model):
    nets = ("generator", "discriminator")  # serialised networks: compared through their weights instead
    return {k: v for k, v in model.get_config().items() if k not in nets}


def run_model_test(build, x, y=None, *, tmp_path, batch_size=16, epochs=2, compile_kwargs=None, callbacks=(),
                   logs=None):
    """Checks the model `build()` returns on the current backend; returns it trained, with its history.

    1. It trains: `compile(**compile_kwargs)` (a dict, or a function returning one: optimizers are built anew for
       each model), then `fit(x, y)` for `epochs` epochs under Keras's callbacks
       (`keras_callbacks`: checkpoints as `.keras` and `.weights.h5`, BackupAndRestore, TensorBoard, CSVLogger,
       EarlyStopping, TerminateOnNaN) and `callbacks`. Every log is finite every epoch; the logs are `logs` (default:
       at least d_loss, g_loss and both learning rates); D's probabilities lie in (0, 1); both optimizers advanced,
       D `d_steps` times per G step.
    2. It generates reproducibly: float32 samples of `data_shape` (images in [-1, 1]); the same seed gives the same
       samples, another seed others; `z=` gives the samples of `seed`'s latents (unconditional models) and labels
       change the sample for the same z (conditional ones).
    3. It round-trips: `from_config(get_config())` rebuilds the same config and weight shapes; the `.keras`
       checkpoint loads as the same class with the same config, weights, both optimizers' state and samples, and
       trains on from there; the `.weights.h5` checkpoint loads into a fresh `build()` compiled alike, giving the
       same state again.
    """
    compile_arguments = compile_kwargs if callable(compile_kwargs) else lambda: dict(compile_kwargs or {})
    model = build()
    model.compile(**compile_arguments())
    history = model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0,
                        callbacks=[*keras_callbacks(tmp_path), *callbacks])

    # 1. Training.
    expected = {"d_loss", "g_loss", *LEARNING_RATES}
    if logs is not None:
        assert set(history.history) == set(logs), sorted(history.history)
    assert expected <= set(history.history), sorted(history.history)
    for name, values in history.history.items():
        assert len(values) == epochs and np.all(np.isfinite(values)), (name, values)
    for name in ("d_real", "d_fake"):
        if name in history.history:
            assert 0 < history.history[name][-1] < 1, (name, history.history[name])
    steps = epochs * -(-len(x) // batch_size)
    assert int(model.g_optimizer.iterations) == steps
    assert int(model.d_optimizer.iterations) == steps * model.d_steps
    header = (tmp_path / "log.csv").read_text().splitlines()[0]
    assert "d_loss" in header and "g_loss" in header
    assert os.listdir(tmp_path / "tb")

    # 2. Seeded generation.
    samples = _generate(model, 5, seed=1)
    assert samples.shape == (5, *model.data_shape) and samples.dtype == np.float32
    np.testing.assert_array_equal(samples, _generate(model, 5, seed=1))
    assert not np.array_equal(samples, _generate(model, 5, seed=2))
    if model.is_image:
        assert samples.min() >= -1 and samples.max() <= 1
    z = np.random.default_rng(1).standard_normal((5, model.latent_dim)).astype("float32")
    if _labels_for(model, 5) is None:
        np.testing.assert_allclose(model.generate(z=z), samples, atol=1e-6)
    else:
        assert not np.allclose(model.generate(z=z[:2], labels=0), model.generate(z=z[:2], labels=1))

    # 3. Round trips: config, `.keras` (then training on), weights.
    clone = type(model).from_config(model.get_config())
    assert clone.get_config() == model.get_config()
    assert [w.shape for w in clone.weights] == [w.shape for w in model.weights]

    loaded = keras.saving.load_model(tmp_path / "ckpt.keras")
    assert _config(loaded) == _config(model)
    assert_same_state(model, loaded, z)
    loaded.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)
    assert int(loaded.g_optimizer.iterations) == steps + steps // epochs
    assert int(loaded.d_optimizer.iterations) == (steps + steps // epochs) * model.d_steps

    fresh = build()
    fresh.compile(**compile_arguments())
    fresh.load_weights(tmp_path / "ckpt.weights.h5")
    assert_same_state(model, fresh, z)
    return model, history
