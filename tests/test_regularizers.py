"""R1 through the augmentation, ADA's accumulated r_t, the relativistic R1 + R2 objective."""

import keras
import numpy as np
import pytest
from keras import ops

import keras_gan
from keras_gan import augment, objectives


def critic(shape=(16, 16, 3)):
    """A smooth D (tanh, no normalisation): each sample's logit depends on that sample alone."""
    return keras.Sequential([
        keras.Input(shape), keras.layers.Conv2D(4, 3, activation="tanh"), keras.layers.Flatten(),
        keras.layers.Dense(1),
    ])


def augmented_model(**kwargs):
    model = keras_gan.DCGAN((16, 16, 3), latent_dim=4, filters=4, discriminator=critic(),
                            augment="translation,color", augment_p=1.0, seed=0, **kwargs)
    model.compile()
    return model


def test_r1_is_the_gradient_with_respect_to_the_raw_reals_through_the_augmentation():
    """R1 = E‖∇ₓ D(augment(x))‖² with x the raw reals, under the step's augmentation replayed.

    Checked by central differences of sum D(augment(x)) (float64 sums) along 6 random unit directions
    per sample, with the same recorded draws; a gradient taken at the augmented images instead misses
    the colour transforms' factors and the shifts (checked to differ).
    """
    model = augmented_model()
    rng = np.random.default_rng(0)
    real = ops.convert_to_tensor(rng.uniform(-0.8, 0.8, (4, 16, 16, 3)).astype("float32"))
    draws = augment.RecordedDraws(model._augment_draw)
    inputs = model.augment_batch(real, draw=draws)
    context = objectives.DContext(model, real, real, None, inputs, inputs, None, draws, draws)
    grads = ops.convert_to_numpy(context.input_gradient(lambda x: context.discriminate_as("real", x), real))
    r1 = float(ops.convert_to_numpy(objectives.r1_on_reals(context)))
    np.testing.assert_allclose(r1, np.mean(np.sum(grads.astype("float64") ** 2, axis=(1, 2, 3))), rtol=1e-5)

    def score(x):
        logits = context.discriminate_as("real", ops.convert_to_tensor(x.astype("float32")))
        return ops.convert_to_numpy(logits).astype("float64")[:, 0]

    eps = 1e-2
    x = ops.convert_to_numpy(real)
    for _ in range(6):
        v = rng.standard_normal(x.shape).astype("float32")
        v /= np.sqrt(np.sum(v ** 2, axis=(1, 2, 3), keepdims=True))
        numerical = (score(x + eps * v) - score(x - eps * v)) / (2 * eps)
        analytic = np.sum(grads * v, axis=(1, 2, 3))
        np.testing.assert_allclose(analytic, numerical, rtol=0.02, atol=2e-3)
    at_inputs = ops.convert_to_numpy(context.input_gradient(context.discriminate, inputs))
    assert np.max(np.abs(at_inputs - grads)) > 10 * 2e-3


def test_r1_objective_trains_with_augmentation_and_logs_r1():
    model = augmented_model()
    model.compile(loss=objectives.NonSaturatingR1(gamma=0.5))
    x = np.random.default_rng(1).uniform(-1, 1, (16, 16, 16, 3)).astype("float32")
    history = model.fit(x, batch_size=8, epochs=1, verbose=0)
    assert history.history["r1"][0] > 0 and np.isfinite(history.history["d_loss"][0])
    assert model.get_compile_config()["loss"] == {"name": "non_saturating_r1", "gamma": 0.5}


def test_relativistic_pairing_losses_and_penalties():
    objective = objectives.get("relativistic_r1_r2")
    real = np.array([[2.0], [-1.0]], "float32")
    fake = np.array([[-3.0], [0.5]], "float32")
    d, _ = objective.d_loss(real, fake)
    softplus = lambda t: np.log1p(np.exp(t))  # noqa: E731
    assert float(ops.convert_to_numpy(d)) == pytest.approx(np.mean(softplus(fake - real)), rel=1e-6)
    g = objective.g_loss(fake, real)
    assert float(ops.convert_to_numpy(g)) == pytest.approx(np.mean(softplus(real - fake)), rel=1e-6)
    with pytest.raises(ValueError, match="real_logits"):
        objective.g_loss(fake)
    assert objectives.get({"name": "relativistic_r1_r2", "gamma": 0.2}).gamma == 0.2


def test_relativistic_objective_trains_saves_and_resumes(tmp_path):
    """G's step pairs its fakes with the step's reals; the objective's γ survives a .keras round trip."""
    model = keras_gan.DCGAN((16, 16, 3), latent_dim=4, filters=4, d_normalization="spectral", seed=0,
                            augment="translation", augment_p="adaptive")
    model.compile(loss=objectives.RelativisticR1R2(gamma=0.2))
    x = np.random.default_rng(2).uniform(-1, 1, (16, 16, 16, 3)).astype("float32")
    history = model.fit(x, batch_size=8, epochs=1, verbose=0)
    assert {"r1", "r2"} <= set(history.history)
    assert history.history["r2"][0] > 0
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.objective.gamma == 0.2 and loaded.loss_name == "relativistic_r1_r2"


def test_ada_adjusts_every_four_steps_from_every_d_steps_reals():
    """p moves once per `ADA_INTERVAL` steps, by all the reals every D step saw over `ada_kimg`·1000,
    in the direction of their mean sign(D(real)) against the target."""
    model = keras_gan.DCGAN((16, 16, 3), latent_dim=4, filters=4, d_normalization="spectral", seed=0,
                            augment="translation", augment_p="adaptive", ada_kimg=1.0, d_steps=2)
    model.compile()
    model.augment_probability.assign(0.5)
    for step in range(model.ADA_INTERVAL):
        for r_t in (0.9, 0.5):  # the two D steps of a step: mean 0.7 > target 0.6
            model._accumulate_overfitting(ops.convert_to_tensor(r_t), 8)
        model._update_augment_probability()
        p = float(ops.convert_to_numpy(model.augment_probability.value))
        if step < model.ADA_INTERVAL - 1:
            assert p == 0.5
    assert p == pytest.approx(0.5 + model.ADA_INTERVAL * 2 * 8 / 1000.0)
    np.testing.assert_array_equal(ops.convert_to_numpy(model.ada_statistics.value), 0.0)


def test_ada_statistics_resume_exactly(tmp_path):
    """Statistics mid-interval are model state: saved, loaded, and resumed to the same p."""
    model = keras_gan.DCGAN((16, 16, 3), latent_dim=4, filters=4, d_normalization="spectral", seed=0,
                            augment="translation", augment_p="adaptive", ada_kimg=0.05)
    model.compile()
    x = np.random.default_rng(3).uniform(-1, 1, (24, 16, 16, 3)).astype("float32")
    model.fit(x, batch_size=8, epochs=1, verbose=0)  # 3 steps: mid-interval
    stats = ops.convert_to_numpy(model.ada_statistics.value)
    assert stats[3] == 3 and stats[2] == 24
    path = str(tmp_path / "m.weights.h5")
    model.save_weights(path)
    other = keras_gan.DCGAN((16, 16, 3), latent_dim=4, filters=4, d_normalization="spectral", seed=0,
                            augment="translation", augment_p="adaptive", ada_kimg=0.05)
    other.compile()
    other.load_weights(path)
    np.testing.assert_array_equal(ops.convert_to_numpy(other.ada_statistics.value), stats)
