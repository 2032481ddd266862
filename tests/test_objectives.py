"""Objectives: each one's losses are the pure functions of `keras_gan.losses`; regularisers in closed form."""

import keras
import numpy as np
import pytest
from keras import ops

import keras_gan
from keras_gan import losses, objectives
from conftest import fake_data

REAL = np.array([[2.0], [-1.0], [0.5]], "float32")
FAKE = np.array([[-3.0], [0.0], [1.5]], "float32")


def value(x):
    return float(ops.convert_to_numpy(x))


@pytest.mark.parametrize("name, d, g", [
    ("non_saturating", losses.discriminator_loss, losses.generator_loss_non_saturating),
    ("minimax", losses.discriminator_loss, losses.generator_loss_minimax),
    ("hinge", losses.hinge_discriminator_loss, losses.hinge_generator_loss),
])
def test_named_objectives_are_their_losses(name, d, g):
    objective = objectives.get(name)
    assert objective.name == name and objectives.get(objective) is objective
    loss, figures = objective.d_loss(REAL, FAKE)
    assert value(loss) == pytest.approx(value(d(REAL, FAKE)))
    assert value(objective.g_loss(FAKE)) == pytest.approx(value(g(FAKE)))
    assert value(figures["d_real"]) == pytest.approx(np.mean(1 / (1 + np.exp(-REAL))), rel=1e-6)
    assert objective.d_regularizer(None) == (0.0, {})


def test_wasserstein_objectives():
    for objective in (objectives.WassersteinClip(0.01), objectives.WassersteinGP(10.0)):
        loss, figures = objective.d_loss(REAL, FAKE)
        assert value(loss) == pytest.approx(FAKE.mean() - REAL.mean())
        assert value(figures["w_distance"]) == pytest.approx(REAL.mean() - FAKE.mean())
        assert value(objective.g_loss(FAKE)) == pytest.approx(-FAKE.mean())


def test_unknown_objective_lists_the_choices():
    with pytest.raises(ValueError, match=r"least_squares.*\['hinge', 'minimax', 'non_saturating', 'non_saturating_r1', 'relativistic_r1_r2'\]"):
        objectives.get("least_squares")


def test_r1_of_a_linear_critic_is_closed_form():
    """D(x) = w·x + b has ∇D = w at every real sample: R1 = ‖w‖², the penalty γ/2 · ‖w‖²."""
    w = np.array([0.6, -1.2], "float32")
    critic = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    critic.set_weights([w.reshape(2, 1), np.array([0.3], "float32")])
    model = keras_gan.GAN((2,), latent_dim=4, hidden_units=(8,), discriminator=critic, seed=0)
    model.compile()
    real, fake = (ops.convert_to_tensor(fake_data((2,), n=16, seed=s)) for s in (1, 2))
    context = objectives.DContext(model, real, fake, None, real, fake, None)
    penalty, figures = objectives.NonSaturatingR1(gamma=4.0).d_regularizer(context)


def test_compile_sets_the_objective_and_saves_its_name(tmp_path):
    model = keras_gan.GAN((2,), latent_dim=4, hidden_units=(8,))
    model.compile(loss="hinge")
    assert isinstance(model.objective, objectives.Hinge) and model.get_compile_config()["loss"] == "hinge"
    critic = keras_gan.WGANGP((2,), latent_dim=4, hidden_units=(8,), gp_weight=3.0)
    critic.compile()
    assert isinstance(critic.objective, objectives.WassersteinGP) and critic.objective.gp_weight == 3.0
