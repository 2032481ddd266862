"""The training core on the current backend: steps, state threading, reproducibility, learning."""

import keras
import numpy as np
import pytest

import keras_gan
import learning
from conftest import fake_data, tiny_dcgan, tiny_gan, weights_of


@pytest.mark.parametrize("d_steps", [1, 3])
def test_both_optimizers_advance_d_steps_per_generator_step(d_steps):
    model = tiny_gan(d_steps=d_steps)
    model.compile()
    model.fit(fake_data((2,), n=40), batch_size=10, epochs=2, verbose=0)
    assert int(model.g_optimizer.iterations) == 8
    assert int(model.d_optimizer.iterations) == 8 * d_steps
    # Adam's slots moved for both optimizers (the JAX loop must thread both).
    for optimizer in (model.d_optimizer, model.g_optimizer):
        slots = [v for v in optimizer.variables if "momentum" in v.path]
        assert slots and any(np.abs(w).sum() > 0 for w in weights_of(slots))


def _changed(before, variables):
    return [not np.array_equal(b, a) for b, a in zip(before, weights_of(variables))]


def test_discriminator_phase_moves_only_d_and_generator_phase_only_g(model_and_data):
    model, x = model_and_data
    g_vars, d_vars = model.generator.trainable_variables, model.discriminator.trainable_variables
    g0, d0 = weights_of(g_vars), weights_of(d_vars)
    model._discriminator_step(keras.ops.convert_to_tensor(x[:16]))
    assert all(_changed(d0, d_vars)) and not any(_changed(g0, g_vars))
    g1, d1 = weights_of(g_vars), weights_of(d_vars)
    model._generator_step(16)
    assert all(_changed(g1, g_vars)) and not any(_changed(d1, d_vars))


def test_batchnorm_statistics_and_seed_states_update_during_fit():
    model = tiny_dcgan()
    model.compile()
    stats = [v for v in model.variables if "moving_" in v.path]
    assert len(stats) >= 4
    before = weights_of(stats)
    seed0 = weights_of([model.seed_generator.state])[0]
    model.fit(fake_data((28, 28, 1), n=32), batch_size=16, epochs=1, verbose=0)
    assert all(_changed(before, stats))
    assert not np.array_equal(seed0, weights_of([model.seed_generator.state])[0])


def test_dropout_seed_states_advance_inside_the_compiled_step():
    d = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(8), keras.layers.Dropout(0.5, seed=1), keras.layers.Dense(1)]
    )
    model = keras_gan.GAN((2,), latent_dim=4, hidden_units=(8,), discriminator=d)
    model.compile()
    state = d.layers[1].seed_generator.state
    before = weights_of([state])
    model.fit(fake_data((2,), n=32), batch_size=16, epochs=1, verbose=0)
    assert all(_changed(before, [state]))


def test_same_seed_gives_the_same_run():
    runs = []
    for _ in range(2):
        keras.utils.set_random_seed(7)
        model = tiny_gan(seed=3, dropout=0.3)
        model.compile()
        model.fit(fake_data((2,), n=48), batch_size=16, epochs=2, verbose=0, shuffle=False)
        runs.append(weights_of(model.weights))
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)


@pytest.mark.backend_independent
def test_every_learning_check_runs_several_seeds_on_one_backend_and_one_seed_on_the_others():
    assert set(learning.SEVERAL_SEEDS_ON) == set(learning.CHECKS) and len(learning.SEEDS) >= 3
    for name in learning.CHECKS:
        counts = sorted(len(learning.seeds_for(name, backend)) for backend in ("tensorflow", "jax", "torch"))
        assert counts == [1, 1, len(learning.SEEDS)], (name, counts)


@pytest.mark.parametrize("check", ["gan_non_saturating", "gan_minimax"])
def test_gan_learns_a_gaussian(check):
    """G's samples move from N(0-ish, small) toward the data's mean and spread (seeds: `learning.seeds_for`)."""
    learning.assert_learns(check)


def test_user_networks_are_used():
    g = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)], name="my_g")
    d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)], name="my_d")
    model = keras_gan.GAN((2,), latent_dim=3, generator=g, discriminator=d)
    assert model.generator is g and model.discriminator is d
    model.compile()
    model.fit(fake_data((2,), n=32), batch_size=16, epochs=1, verbose=0)
    assert int(model.d_optimizer.iterations) == 2


@pytest.mark.parametrize("shape", [(28, 28, 1), (32, 32, 3), (64, 64, 3), (64, 64, 1)])
def test_dcgan_is_sized_from_the_data_shape(shape):
    model = keras_gan.DCGAN(shape, latent_dim=8, filters=4)
    assert model.generator.output_shape[1:] == shape
    names = [type(layer).__name__ for layer in model.generator.layers + model.discriminator.layers]
    assert "MaxPooling2D" not in names and "Conv2DTranspose" in names and "BatchNormalization" in names
    first_conv = next(layer for layer in model.discriminator.layers if isinstance(layer, keras.layers.Conv2D))
    assert first_conv.strides == (2, 2)
    assert model.generator.layers[-1].activation.__name__ == "tanh"
    assert model.generate(2, seed=0).shape == (2, *shape)


def test_fit_accepts_keras_users_data_types():
    import tensorflow as tf
    import torch

    x = fake_data((2,), n=32)

    class Batches(keras.utils.PyDataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            return x[i * 16 : (i + 1) * 16]

    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.from_numpy(x)), batch_size=16)
    dataset = tf.data.Dataset.from_tensor_slices(x).batch(16)
    labelled = tf.data.Dataset.from_tensor_slices((x, np.zeros(32, "int32"))).batch(16)
    model = tiny_gan()  # one model for all (one compiled step): each fit takes its data's 2 batches
    model.compile()
    for fits, data in enumerate((dataset, labelled, loader, Batches()), start=1):
        model.fit(data, epochs=1, verbose=0)
        assert int(model.g_optimizer.iterations) == 2 * fits, type(data)
