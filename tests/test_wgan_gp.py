"""WGAN-GP: the penalty's value and gradient in closed form, critic steps, learning (saving: tests/test_models.py)."""

import keras
import numpy as np
import pytest

import keras_gan
import learning
from conftest import fake_data, weights_of, LEARNING_RATES


def linear_critic_model(w, b=0.3):
    critic = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    critic.set_weights([np.array(w, "float32").reshape(2, 1), np.array([b], "float32")])
    return keras_gan.WGANGP((2,), latent_dim=4, hidden_units=(8,), discriminator=critic, seed=0)


@pytest.mark.parametrize("w", [[0.6, 1.2], [0.3, -0.4], [0.0, 0.0]])
def test_gradient_penalty_of_a_linear_critic_is_closed_form(w):
    """D(x) = w·x + b has ∇D = w everywhere, so GP = (‖w‖ − 1)² and dGP/dw = 2(‖w‖ − 1) w/‖w‖."""
    model = linear_critic_model(w)
    model.compile()
    real, fake = (keras.ops.convert_to_tensor(fake_data((2,), n=16, seed=s)) for s in (1, 2))
    norm = np.linalg.norm(w)
    gp = keras.ops.convert_to_numpy(model.gradient_penalty(real, fake))
    np.testing.assert_allclose(gp, (norm - 1) ** 2, rtol=1e-5, atol=1e-6)
    # One SGD step on the penalty alone moves w by −lr · dGP/dw: finite, and nonzero unless ‖w‖ = 1.
    lr = 0.1
    kernel = model.discriminator.trainable_variables[0]
    model._minimize(
        lambda: (model.gradient_penalty(real, fake), {}),
        model.discriminator.trainable_variables,
        keras.optimizers.SGD(lr),
    )
    new_w = weights_of([kernel])[0][:, 0]
    expected_grad = 2 * (norm - 1) * np.asarray(w) / norm if norm else np.zeros(2)
    assert np.all(np.isfinite(new_w))
    np.testing.assert_allclose(new_w, np.asarray(w) - lr * expected_grad, atol=1e-5)
    if norm:
        assert not np.allclose(new_w, w)


def test_gradient_penalty_is_safe_at_zero_gradient():
    model = linear_critic_model([0.0, 0.0])
    model.compile()
    history = model.fit(fake_data((2,), n=32), batch_size=16, epochs=1, verbose=0)
    assert np.all(np.isfinite(weights_of(model.discriminator.weights)[0]))
    assert np.isfinite(history.history["gp"][0])


@pytest.mark.parametrize("d_steps", [5, 2])
def test_exactly_d_steps_critic_updates_per_generator_update(d_steps):
    model = keras_gan.WGANGP((2,), latent_dim=4, hidden_units=(8,), d_steps=d_steps)
    model.compile()
    history = model.fit(fake_data((2,), n=48), batch_size=16, epochs=1, verbose=0)
    assert int(model.g_optimizer.iterations) == 3
    assert int(model.d_optimizer.iterations) == 3 * d_steps
    assert set(history.history) == {"d_loss", "g_loss", "gp", "w_distance", *LEARNING_RATES}


def test_paper_defaults_and_a_critic_without_batchnorm():
    model = keras_gan.WGANGP((28, 28, 1), latent_dim=8, filters=4)
    model.compile()
    assert model.d_steps == 5 and model.gp_weight == 10.0
    config = model.d_optimizer.get_config()
    assert config["learning_rate"] == pytest.approx(1e-4)
    assert config["beta_1"] == 0.0 and config["beta_2"] == pytest.approx(0.9)
    kinds = {type(layer).__name__ for layer in model.discriminator.layers}
    assert "BatchNormalization" not in kinds and "LayerNormalization" in kinds
    assert model.discriminator.layers[-1].activation.__name__ == "linear"
    history = model.fit(fake_data((28, 28, 1), n=32), batch_size=16, epochs=1, verbose=0)
    assert all(np.isfinite(v[0]) for v in history.history.values())


def test_wgan_gp_learns_a_gaussian():
    """G moves to the data and the W-distance estimate shrinks (λ = 0.1; seeds: `learning.seeds_for`)."""
    learning.assert_learns("wgan_gp")


def test_wgan_gp_rejects_other_losses():
    with pytest.raises(ValueError, match="wasserstein"):
        keras_gan.WGANGP((2,), latent_dim=4).compile(loss="minimax")
