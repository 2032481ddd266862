"""PacGAN packing: D's input size, packs of only real or only generated samples, GP per pack, errors, learning."""

import keras
import numpy as np
import pytest
from keras import ops

import keras_gan
import learning
from conftest import fake_data


@pytest.mark.parametrize("build, shape, packed", [
    (lambda m: keras_gan.GAN((2,), latent_dim=4, hidden_units=(8,), pack=m), (2,), lambda m: (2 * m,)),
    (lambda m: keras_gan.DCGAN((16, 16, 1), latent_dim=4, filters=4, pack=m), (16, 16, 1), lambda m: (16, 16, m)),
    (lambda m: keras_gan.WGANGP((16, 16, 3), latent_dim=4, filters=4, pack=m), (16, 16, 3), lambda m: (16, 16, 3 * m)),
    (lambda m: keras_gan.ConditionalGAN((2,), num_classes=3, latent_dim=4, hidden_units=(8,), pack=m), (2,),
     lambda m: (2 * m,)),
])
@pytest.mark.parametrize("m", [2, 4])
def test_default_discriminator_takes_packs(build, shape, packed, m):
    model = build(m)
    assert model.d_input_shape == packed(m)
    assert tuple(model.discriminator.inputs[0].shape[1:]) == packed(m)
    x = fake_data(shape, n=8 * m)
    packs = ops.convert_to_numpy(model.pack_batch(ops.convert_to_tensor(x)))
    assert packs.shape == (8, *packed(m))
    # Pack i holds samples i*m .. i*m+m-1, each whole: unpacking gives the batch back.
    for i in range(8):
        members = x[i * m:(i + 1) * m]
        if len(shape) == 3:
            expected = np.concatenate(list(members), axis=-1)
        else:
            expected = members.reshape(-1)
        np.testing.assert_array_equal(packs[i], expected)
    if m != 2:  # the pack's size is in the shapes checked above; one size trains
        return
    model.compile()
    y = np.arange(8 * m) % 3
    history = model.fit(x, y if isinstance(model, keras_gan.ConditionalGAN) else None,
                        batch_size=4 * m, epochs=1, verbose=0)
    assert all(np.isfinite(v[0]) for v in history.history.values())


def test_packs_hold_only_real_or_only_generated_samples():
    """A linear D on packs of 2 that reads one coordinate per pack member: real and fake never mix."""
    model = keras_gan.GAN((1,), latent_dim=2, hidden_units=(4,), pack=2)
    model.compile()
    seen = []
    original = model.call_discriminator

    def record(samples, condition=None):
        seen.append(ops.convert_to_numpy(samples))
        return original(samples, condition)

    model.call_discriminator = record
    real = np.full((6, 1), 10.0, "float32")  # far from anything G makes at init
    fake = ops.convert_to_numpy(model.generator(np.zeros((6, 2), "float32")))
    model.discriminator_loss(ops.convert_to_tensor(real), ops.convert_to_tensor(fake))
    real_packs, fake_packs = seen
    assert real_packs.shape == fake_packs.shape == (3, 2)
    assert np.all(real_packs == 10.0) and np.all(np.abs(fake_packs) < 5.0)


def test_gradient_penalty_per_pack_on_a_linear_critic():
    """D(pack) = w·pack + b has ∇D = w for every interpolate of packs: GP = (‖w‖ − 1)²."""
    w = np.array([0.3, -0.4, 0.8, 0.1], "float32")
    critic = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    critic.set_weights([w.reshape(4, 1), np.array([0.2], "float32")])
    model = keras_gan.WGANGP((2,), latent_dim=4, hidden_units=(8,), discriminator=critic, pack=2, seed=0)
    model.compile()
    real, fake = (model.pack_batch(ops.convert_to_tensor(fake_data((2,), n=16, seed=s))) for s in (1, 2))
    gp = ops.convert_to_numpy(model.gradient_penalty(real, fake))
    np.testing.assert_allclose(gp, (np.linalg.norm(w) - 1) ** 2, rtol=1e-5)
    loss, aux = model.discriminator_loss(*(ops.convert_to_tensor(fake_data((2,), n=16, seed=s)) for s in (1, 2)))
    np.testing.assert_allclose(ops.convert_to_numpy(aux["gp"]), (np.linalg.norm(w) - 1) ** 2, rtol=1e-5)


def test_batches_that_pack_does_not_divide_are_a_clear_error():
    model = keras_gan.GAN((2,), latent_dim=4, hidden_units=(8,), pack=3)
    model.compile()
    with pytest.raises(ValueError, match="multiple of 3"):
        model.fit(fake_data((2,), n=16), batch_size=16, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="positive integer"):
        keras_gan.GAN((2,), pack=0)
    with pytest.raises(ValueError, match=r"keras.Input\(\(4,\)\)"):
        keras_gan.GAN((2,), pack=2, discriminator=keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]))


def test_conditional_packs_carry_each_samples_label():
    model = keras_gan.ConditionalGAN((2,), num_classes=3, latent_dim=4, hidden_units=(8,), pack=2)
    labels = ops.convert_to_tensor(np.array([0, 1, 2, 2, 1, 0], "int32"))
    np.testing.assert_array_equal(ops.convert_to_numpy(model.pack_condition(labels)), [[0, 1], [2, 2], [1, 0]])
    assert tuple(model.discriminator.inputs[1].shape[1:]) == (2,)
    with pytest.raises(ValueError, match="concat"):
        keras_gan.ConditionalGAN((2,), num_classes=3, pack=2, conditioning="projection")


def test_a_packed_gan_learns_a_gaussian():
    learning.assert_learns("gan_packed")
