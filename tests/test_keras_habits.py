"""Keras habits on a GAN: validation data and evaluate, monitored callbacks without mode=, LR callbacks."""

import keras
import numpy as np
import pytest

import keras_gan
from conftest import fake_data, weights_of


def _model(name):
    if name == "gan":
        return keras_gan.GAN((2,), latent_dim=4, hidden_units=(8,), dropout=0.2, seed=1), None
    if name == "dcgan":
        return keras_gan.DCGAN((28, 28, 1), latent_dim=8, filters=4, seed=1), None
    if name == "cgan":
        return keras_gan.ConditionalGAN((2,), num_classes=2, latent_dim=4, hidden_units=(8,), seed=1), 2
    return keras_gan.WGANGP((2,), latent_dim=4, hidden_units=(8,), d_steps=2, seed=1), None


def _data(name, n=32, seed=0):
    shape = (28, 28, 1) if name == "dcgan" else (2,)
    x = fake_data(shape, n=n, seed=seed)
    return x, (np.arange(n) % 2 if name == "cgan" else None)


def _state(model):
    """Every variable of the model, its optimizers and seed streams, as numpy."""
    return [np.array(keras.ops.convert_to_numpy(v)) for v in [*model.variables, *model.optimizer.variables]]


@pytest.mark.parametrize("name", ["gan", "dcgan", "cgan", "wgan_gp"])
def test_validation_logs_d_figures_and_changes_nothing(name, tmp_path):
    x, y = _data(name)
    x_val, y_val = _data(name, n=16, seed=5)
    validation = (x_val, y_val) if y_val is not None else x_val

    keras.utils.set_random_seed(0)
    model, _ = _model(name)
    model.compile()
    # shuffle=False: Keras's torch DataLoaders draw from torch's global RNG per iteration.
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0, validation_data=validation, shuffle=False)
    expected = {"val_d_loss", "val_w_distance"} if name == "wgan_gp" else {"val_d_loss", "val_d_real", "val_d_fake"}
    assert expected <= set(history.history), sorted(history.history)
    assert all(np.isfinite(history.history[k]).all() for k in expected)
    if name == "gan":
        keras_gan.plot_history(history, str(tmp_path / "history.png"))
        assert (tmp_path / "history.png").stat().st_size > 10_000
    if name in ("gan", "cgan"):  # (compiling a second model costs a minute on JAX for the others)
        keras.utils.set_random_seed(0)
        plain, _ = _model(name)
        plain.compile()
        plain.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False)
        # Validation between epochs moved no weight, statistic or seed: the same run as without it.
        for a, b in zip(_state(plain), _state(model)):
            np.testing.assert_array_equal(a, b)

    before = _state(model)
    first = model.evaluate(x_val, y_val, batch_size=16, verbose=0, return_dict=True)
    second = model.evaluate(x_val, y_val, batch_size=16, verbose=0, return_dict=True)
    for a, b in zip(before, _state(model)):
        np.testing.assert_array_equal(a, b)
    assert set(first) == {k.removeprefix("val_") for k in expected}
    assert first == pytest.approx(second)  # the same latents for every evaluation
    if name != "wgan_gp":
        assert 0.0 < first["d_real"] < 1.0 and 0.0 < first["d_fake"] < 1.0


def test_validation_shows_d_overfitting_on_memorised_reals():
    """G draws from the data's own law (a frozen identity on z), so D can beat it only by
    memorising its 16 training points: they score high, held-out points of the same law do not."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 16)).astype("float32")
    x_val = rng.normal(size=(64, 16)).astype("float32")
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([keras.Input((16,)), keras.layers.Dense(16, kernel_initializer="identity", use_bias=False)])
    model = keras_gan.GAN((16,), latent_dim=16, hidden_units=(128, 128), generator=generator, seed=0)
    model.compile(d_optimizer=keras.optimizers.Adam(2e-3), g_optimizer=keras.optimizers.SGD(0.0))
    model.fit(x, batch_size=16, epochs=100, verbose=0)
    train = model.evaluate(x, batch_size=16, verbose=0, return_dict=True)
    held_out = model.evaluate(x_val, batch_size=16, verbose=0, return_dict=True)
    assert train["d_real"] > held_out["d_real"] + 0.2, (train, held_out)
    assert abs(held_out["d_real"] - held_out["d_fake"]) < 0.2, held_out


@pytest.mark.parametrize("monitor", ["g_loss", "w_distance", "val_d_loss", "frechet_distance"])
def test_monitored_callbacks_infer_their_mode(monitor, tmp_path):
    name = "wgan_gp" if monitor == "w_distance" else "dcgan" if monitor == "frechet_distance" else "gan"
    model, _ = _model(name)
    x, _ = _data(name)
    model.compile()
    callbacks = [
        keras.callbacks.EarlyStopping(monitor=monitor, patience=10),
        keras.callbacks.ModelCheckpoint(str(tmp_path / "best.weights.h5"), monitor=monitor,
                                        save_best_only=True, save_weights_only=True),
        keras.callbacks.ReduceLROnPlateau(monitor=monitor, patience=10),
    ]
    if monitor == "frechet_distance":
        callbacks.insert(0, keras_gan.metrics.Evaluation(x, every=1, num_samples=32, kid_subset_size=16))
    model.fit(x, batch_size=16, epochs=2, verbose=0, callbacks=callbacks,
              validation_data=x if monitor.startswith("val_") else None)
    for callback in callbacks[-3:]:
        assert callback.monitor_op is keras.ops.less, (callback, callback.monitor_op)
    assert (tmp_path / "best.weights.h5").exists()


def test_monitor_without_a_direction_still_asks_for_mode():
    model, _ = _model("gan")
    model.compile()
    with pytest.raises(ValueError, match="mode="):
        model.fit(_data("gan")[0], batch_size=16, epochs=1, verbose=0,
                  callbacks=[keras.callbacks.EarlyStopping(monitor="d_real")])


def test_learning_rate_callbacks_move_both_rates_together():
    model, _ = _model("gan")
    model.compile(d_optimizer=keras.optimizers.Adam(4e-4), g_optimizer=keras.optimizers.Adam(1e-4))
    x, _ = _data("gan")
    scheduler = keras.callbacks.LearningRateScheduler(lambda epoch, rate: rate * 0.5 if epoch else rate)
    history = model.fit(x, batch_size=16, epochs=3, verbose=0, callbacks=[scheduler])
    np.testing.assert_allclose(history.history["d_learning_rate"], [4e-4, 2e-4, 1e-4], rtol=1e-6)
    np.testing.assert_allclose(history.history["g_learning_rate"], [1e-4, 5e-5, 2.5e-5], rtol=1e-6)
    # The step used the new rates (JAX's jitted state re-reads them each epoch).
    before = weights_of(model.trainable_variables)
    model.d_optimizer.learning_rate = 0.0
    model.g_optimizer.learning_rate = 0.0
    model.fit(x, batch_size=16, epochs=1, verbose=0)
    for a, b in zip(before, weights_of(model.trainable_variables)):
        np.testing.assert_allclose(a, b, atol=1e-7)

    plateau = keras.callbacks.ReduceLROnPlateau(monitor="d_real", mode="max", factor=0.1, patience=0,
                                                min_delta=10.0)
    model.d_optimizer.learning_rate, model.g_optimizer.learning_rate = 4e-4, 1e-4
    history = model.fit(x, batch_size=16, epochs=2, verbose=0, callbacks=[plateau])
    # No gain after the first epoch: both rates cut tenfold at the second epoch's end.
    np.testing.assert_allclose(history.history["d_learning_rate"], [4e-4, 4e-5], rtol=1e-5)
    np.testing.assert_allclose(history.history["g_learning_rate"], [1e-4, 1e-5], rtol=1e-5)
