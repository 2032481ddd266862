"""keras-gan's callbacks: GeneratorEMA (moving average of G) and SampleGrid (PNGs and a GIF)."""

import keras
import numpy as np
import pytest

import keras_gan
from conftest import fake_data, tiny_dcgan, tiny_gan, weights_of
from keras_gan.callbacks import GeneratorEMA, SampleGrid


class RecordGenerator(keras.callbacks.Callback):
    """Records G's trainable weights after every training step."""

    def __init__(self):
        super().__init__()
        self.steps = []

    def on_train_begin(self, logs=None):
        self.initial = weights_of(self.model.generator.trainable_variables)

    def on_train_batch_end(self, batch, logs=None):
        self.model.sync_training_state()  # JAX holds the live weights inside fit until synced
        self.steps.append(weights_of(self.model.generator.trainable_variables))


def _expected_ema(record, decay, start, every):
    ema = record.initial
    for t, weights in enumerate(record.steps, start=1):
        if t % every:
            continue
        ema = weights if t <= start else [decay * e + (1 - decay) * w for e, w in zip(ema, weights)]
    return ema


def _ema_of(model):
    return [keras.ops.convert_to_numpy(w) for w in model.generator_ema]


def _train_with_ema(model, x, decay=0.5, start=0, every=1, epochs=2):
    model.compile()
    record = RecordGenerator()
    model.fit(x, batch_size=16, epochs=epochs, verbose=0,
              callbacks=[GeneratorEMA(decay=decay, start=start, every=every), record])
    return record


@pytest.mark.parametrize("build, shape, start, every", [
    (tiny_gan, (2,), 0, 1),
    (tiny_gan, (2,), 3, 2),
    (tiny_dcgan, (28, 28, 1), 0, 1),  # BatchNorm: sampled with the average's own statistics
])
def test_ema_is_the_decay_weighted_average_of_the_observed_weights(build, shape, start, every):
    model = build(seed=0)
    record = _train_with_ema(model, fake_data(shape, n=64), start=start, every=every)
    assert len(record.steps) == 8
    expected = _expected_ema(record, 0.5, start, every)
    for got, want in zip(_ema_of(model), expected):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    raw = weights_of(model.generator.trainable_variables)
    assert max(np.abs(e - w).max() for e, w in zip(expected, raw)) > 1e-4

    # generate() samples from the averaged weights by default, the raw ones with ema=False.
    twin = type(model).from_config(model.get_config())
    twin.set_weights(model.get_weights())
    for variable, value in zip(twin.generator.trainable_variables, expected):
        variable.assign(value)
    for variable, value in zip(twin.generator.non_trainable_variables, model.generator_ema_statistics):
        variable.assign(value)
    np.testing.assert_allclose(model.generate(8, seed=1), twin.generate(8, seed=1, ema=False), atol=1e-5)
    raw_images = model.generate(8, seed=1, ema=False)
    assert np.abs(model.generate(8, seed=1) - raw_images).max() > 1e-5


def test_ema_applies_the_updates_due_since_the_last_call():
    # As Keras calls it with steps_per_execution=3: batch = the epoch's index of the last step run.
    model = tiny_gan(seed=0)
    model.compile()
    ema = GeneratorEMA(decay=0.5, start=0, every=2)
    ema.set_model(model)
    variables = model.generator.trainable_variables
    ema.on_train_begin()
    average = weights_of(variables)
    for epoch in range(2):
        ema.on_epoch_begin(epoch)
        for batch, due in ((2, 1), (5, 2)):  # steps 1-3 hold one multiple of 2, steps 4-6 two
            for v in variables:
                v.assign(v.value + 1.0)
            weights = weights_of(variables)
            ema.on_train_batch_end(batch)
            average = [0.5**due * e + (1 - 0.5**due) * w for e, w in zip(average, weights)]
            for got, want in zip(_ema_of(model), average):
                np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    assert ema._step == 12


@pytest.mark.skipif(keras.backend.backend() == "torch", reason="Keras's torch fit runs one step per execution")
def test_ema_counts_steps_not_callbacks_with_steps_per_execution():
    # Callbacks see every 2nd step: each call applies the two updates due, with the weights it sees.
    model = tiny_gan(seed=0)
    model.compile(steps_per_execution=2)
    record = RecordGenerator()
    model.fit(fake_data((2,), n=64), batch_size=16, epochs=2, verbose=0,
              callbacks=[GeneratorEMA(decay=0.5, start=2, every=1), record])
    assert len(record.steps) == 4 and int(model.optimizer.iterations) == 8
    ema = record.steps[0]  # steps 1-2: up to start, the weights themselves
    for weights in record.steps[1:]:  # steps 3-4, 5-6, 7-8: two updates each
        ema = [0.25 * e + 0.75 * w for e, w in zip(ema, weights)]
    for got, want in zip(_ema_of(model), ema):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_ema_samples_with_the_averaged_generators_own_batchnorm_statistics(tmp_path):
    """Standing statistics: the first BatchNorm's mean is the mean of Dense(z) under the averaged kernel."""
    model = tiny_dcgan(seed=0)
    _train_with_ema(model, fake_data((28, 28, 1), n=64), decay=0.5)
    dense = next(layer for layer in model.generator.layers if isinstance(layer, keras.layers.Dense))
    kernel = keras.ops.convert_to_numpy(model.generator_ema[model.generator.trainable_variables.index(dense.kernel)])
    rng = np.random.default_rng(0)
    z = np.concatenate([rng.standard_normal((256, 8)).astype("float32") for _ in range(8)])
    channels = model.generator.layers[2].output.shape[-1]
    h = (z @ kernel).reshape(8, 256, -1, channels)
    expected = {"moving_mean": h.mean(axis=(1, 2)).mean(0), "moving_variance": h.var(axis=(1, 2)).mean(0)}
    names = [v.path for v in model.generator.non_trainable_variables]
    for suffix, want in expected.items():
        index = names.index(next(n for n in names if n.endswith(suffix)))  # the first BatchNorm
        got = keras.ops.convert_to_numpy(model.generator_ema_statistics[index])
        np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-7)
    live = keras.ops.convert_to_numpy(model.generator.non_trainable_variables[index])
    assert np.abs(live / expected["moving_variance"] - 1).max() > 0.1  # the live statistics are another generator's
    # Saved and loaded with the average: the loaded model samples the same images.
    images = model.generate(8, seed=2)
    model.save(tmp_path / "d.keras")
    loaded = keras.saving.load_model(tmp_path / "d.keras")
    np.testing.assert_allclose(loaded.generate(8, seed=2), images, atol=1e-5)
    for a, b in zip(loaded.generator_ema_statistics, model.generator_ema_statistics):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))


def test_ema_survives_saving_and_loading(tmp_path):
    model = tiny_gan(seed=0)
    _train_with_ema(model, fake_data((2,), n=32), epochs=1)
    ema_images = model.generate(16, seed=3)
    assert np.abs(ema_images - model.generate(16, seed=3, ema=False)).max() > 1e-5

    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.generate(16, seed=3), ema_images, atol=1e-6)

    model.save_weights(tmp_path / "m.weights.h5")
    fresh = tiny_gan()
    assert fresh.generator_ema is None
    fresh.load_weights(tmp_path / "m.weights.h5")
    np.testing.assert_allclose(fresh.generate(16, seed=3), ema_images, atol=1e-6)

    # Training on continues from the loaded average, not from a fresh copy of G.
    before = _ema_of(loaded)
    _train_with_ema(loaded, fake_data((2,), n=16), decay=0.9, epochs=1)
    assert all(np.abs(a - b).max() > 0 for a, b in zip(before, _ema_of(loaded)))


def test_conditional_gan_generates_with_ema():
    model = keras_gan.ConditionalGAN((2,), num_classes=2, latent_dim=4, hidden_units=(8,), seed=0)
    model.compile()
    model.fit(fake_data((2,), n=32), np.arange(32) % 2, batch_size=16, epochs=1, verbose=0,
              callbacks=[GeneratorEMA(decay=0.5)])
    with_ema = model.generate(labels=[0, 1, 1], seed=0)
    assert np.abs(with_ema - model.generate(labels=[0, 1, 1], seed=0, ema=False)).max() > 1e-5


def test_ema_errors():
    model = tiny_gan()
    with pytest.raises(ValueError, match="GeneratorEMA"):
        model.generate(4, ema=True)
    with pytest.raises(ValueError, match=r"decay must lie in \[0, 1\)"):
        GeneratorEMA(decay=1.0)
    with pytest.raises(ValueError, match="shapes"):
        model.set_generator_ema([np.zeros(3)])


def test_sample_grid_writes_pngs_and_a_gif(tmp_path):
    from PIL import Image

    model = tiny_gan((8, 8, 1))
    model.compile()
    model.fit(fake_data((8, 8, 1), n=16), batch_size=16, epochs=3, verbose=0,
              callbacks=[SampleGrid(tmp_path, num_samples=4, gif=True, frame_ms=100)])
    assert sorted(p.name for p in tmp_path.glob("*.png")) == ["epoch_001.png", "epoch_002.png", "epoch_003.png"]
    with Image.open(tmp_path / "progress.gif") as gif:
        assert gif.n_frames == 3 and gif.size == Image.open(tmp_path / "epoch_001.png").size


def test_sample_grid_draws_one_row_per_class_for_conditional_models(tmp_path):
    from matplotlib import image as mpimg

    model = keras_gan.ConditionalGAN((16, 16, 1), num_classes=3, latent_dim=4, filters=4, seed=0)
    model.compile()
    model.fit(fake_data((16, 16, 1), n=12), np.arange(12) % 3, batch_size=12, epochs=1, verbose=0,
              callbacks=[SampleGrid(tmp_path, num_samples=7, seed=5)])
    assert mpimg.imread(tmp_path / "epoch_001.png").shape[:2] == (3 * 16, 2 * 16)  # 3 classes x 2 columns
    images, columns = model.generate_grid(7, seed=5)
    assert columns == 2 and images.shape == (6, 16, 16, 1)
    np.testing.assert_allclose(images, model.generate(labels=[0, 0, 1, 1, 2, 2], seed=5), atol=1e-6)
    images, columns = tiny_gan((8, 8, 1)).generate_grid(5, seed=0)  # unconditional: n samples, square-ish
    assert images.shape == (5, 8, 8, 1) and columns is None


def test_ema_reads_the_live_weights_without_a_state_write_back_on_jax():
    if keras.backend.backend() != "jax":
        pytest.skip("only JAX's fit holds the weights outside the variables between steps")

    class SyncedAfterEMA(keras.callbacks.Callback):
        synced = []

        def on_train_batch_end(self, batch, logs=None):
            self.synced.append(self._model._jax_state_synced)  # `self.model` would sync it

    model = tiny_gan(seed=0)
    model.compile()
    model.fit(fake_data((2,), n=64), batch_size=16, epochs=1, verbose=0,
              callbacks=[GeneratorEMA(decay=0.5), SyncedAfterEMA()])
    assert SyncedAfterEMA.synced == [False] * 4  # the EMA did not write the state back
    model.sync_training_state()
    assert any(not np.allclose(e, w) for e, w in zip(_ema_of(model), weights_of(model.generator.trainable_variables)))
