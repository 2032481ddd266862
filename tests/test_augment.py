"""DiffAugment and ADA: shapes and ranges, seeding, gradients, fresh critic batches, state that survives saving."""

import keras
import numpy as np
import pytest
from keras import ops

import keras_gan
from conftest import fake_data, weights_of
from keras_gan import augment

IMAGES = fake_data((16, 16, 3), n=8, seed=3)
TRANSFORMS = sorted(augment.TRANSFORMS)


def _apply(name, x=IMAGES, seed=0):
    generator = keras.random.SeedGenerator(seed)
    return ops.convert_to_numpy(
        augment.TRANSFORMS[name](ops.convert_to_tensor(x), lambda s: keras.random.uniform(s, seed=generator))
    )


@pytest.mark.parametrize("name", TRANSFORMS)
def test_each_transform_keeps_shape_repeats_with_its_seed_and_changes_images(name):
    out = _apply(name)
    assert out.shape == IMAGES.shape and out.dtype == np.float32 and np.all(np.isfinite(out))
    np.testing.assert_array_equal(out, _apply(name))
    assert not np.array_equal(out, _apply(name, seed=1))
    assert not np.allclose(out, IMAGES)


def test_transforms_stay_in_their_ranges():
    # Translation and cutout only move pixels or write zeros: values stay in [-1, 1].
    for name in ("translation", "cutout"):
        out = _apply(name)
        assert out.min() >= -1 and out.max() <= 1
    # Brightness shifts by at most 0.5; saturation and contrast scale spread by at most 2 and 1.5.
    assert np.abs(_apply("brightness") - IMAGES).max() <= 0.5 + 1e-6
    assert np.abs(_apply("contrast")).max() <= 1.5 * 2 + 1e-5
    grey = fake_data((16, 16, 1), n=8)
    np.testing.assert_allclose(_apply("saturation", grey), grey, atol=1e-6)  # identity on one channel


def test_translation_shifts_whole_images_and_cutout_zeroes_one_square():
    x = fake_data((16, 16, 1), n=32, seed=5) * 0.5 + 0.5  # strictly positive pixels
    shifted = _apply("translation", x)

    def moved(image, dy, dx):
        """`image` moved down by dy and right by dx, zeros where it moved in from."""
        out = np.zeros_like(image)
        out[max(dy, 0):16 + min(dy, 0), max(dx, 0):16 + min(dx, 0)] = \
            image[max(-dy, 0):16 + min(-dy, 0), max(-dx, 0):16 + min(-dx, 0)]
        return out

    # Each image, whole, is its original moved by one integer (dy, dx) with |d| <= 2 (2 = 12.5% of 16 pixels),
    # zeros where it moved in from.
    shifts = []
    for original, out in zip(x[..., 0], shifted[..., 0]):
        matches = [(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)
                   if np.allclose(moved(original, dy, dx), out, atol=1e-6)]
        assert len(matches) == 1, f"not one translation with zero fill: {matches}"
        shifts.append(matches[0])
    # The shifts are drawn per image: most move, both ways on both axes (an identity would pass the loop above).
    assert sum(s != (0, 0) for s in shifts) >= len(shifts) // 2
    dys, dxs = {dy for dy, _ in shifts}, {dx for _, dx in shifts}
    assert min(dys) < 0 < max(dys) and min(dxs) < 0 < max(dxs), shifts
    cut = _apply("cutout", x)[..., 0]
    holes = cut == 0
    assert holes.any(axis=(1, 2)).all()
    for hole in holes:
        rows, cols = np.flatnonzero(hole.any(1)), np.flatnonzero(hole.any(0))
        assert len(rows) <= 8 and len(cols) <= 8
        assert hole[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1].all()  # one filled rectangle


def test_policy_names_are_checked():
    assert augment.parse_policy("translation, cutout") == ("translation", "cutout")
    assert augment.parse_policy(None) == ()
    with pytest.raises(ValueError, match="translation,cutout"):
        augment.parse_policy("translate")
    with pytest.raises(ValueError, match="vector data"):
        keras_gan.GAN((2,), augment="translation")
    with pytest.raises(ValueError, match="adaptive"):
        keras_gan.DCGAN((28, 28, 1), filters=4, augment="cutout", augment_p=1.5)
    # The message names what came, not a stand-in.
    with pytest.raises(ValueError, match="got None"):
        keras_gan.DCGAN((28, 28, 1), filters=4, augment="cutout", augment_p=None)
    with pytest.raises(ValueError, match="got 'often'"):
        keras_gan.DCGAN((28, 28, 1), filters=4, augment="cutout", augment_p="often")


def _dcgan(**kwargs):
    return keras_gan.DCGAN((16, 16, 1), latent_dim=8, filters=4, seed=0, **kwargs)


def test_off_is_the_identity_and_on_differs_across_steps():
    x = ops.convert_to_tensor(fake_data((16, 16, 1), n=8))
    assert _dcgan().augment_batch(x) is x
    model = _dcgan(augment="color,translation,cutout")
    first, second = (ops.convert_to_numpy(model.augment_batch(x)) for _ in range(2))
    assert not np.allclose(first, second)  # the seed state moves on
    again = _dcgan(augment="color,translation,cutout")
    np.testing.assert_array_equal(ops.convert_to_numpy(again.augment_batch(x)), first)


def test_generator_gets_a_finite_nonzero_gradient_through_the_augmentation():
    model = _dcgan(augment="color,translation,cutout")
    model.compile(g_optimizer=keras.optimizers.SGD(0.1))
    before = weights_of(model.generator.trainable_variables)
    model._generator_step(8)
    after = weights_of(model.generator.trainable_variables)
    changes = [np.abs(a - b).max() for a, b in zip(after, before)]
    assert all(np.all(np.isfinite(a)) for a in after) and max(changes) > 0


@pytest.mark.parametrize("model", ["dcgan", "wgan_gp", "cgan"])
def test_every_image_model_trains_with_augmentation(model):
    x = fake_data((16, 16, 1), n=32)
    build = {
        "dcgan": lambda: _dcgan(augment="translation,cutout"),
        "wgan_gp": lambda: keras_gan.WGANGP((16, 16, 1), latent_dim=8, filters=4, d_steps=2,
                                            augment="translation,cutout", augment_p="adaptive"),
        "cgan": lambda: keras_gan.ConditionalGAN((16, 16, 1), num_classes=2, latent_dim=8, filters=4,
                                                 augment="color,cutout"),
    }[model]()
    build.compile()
    history = build.fit(x, np.arange(32) % 2, batch_size=16, epochs=1, verbose=0)
    assert all(np.isfinite(v[0]) for v in history.history.values())


def _overfitting_run(epochs=3):
    """A wide D on 32 images: it separates them at once, so r_t ≈ 1 and ADA raises p."""
    keras.utils.set_random_seed(0)
    model = _dcgan(augment="translation,cutout", augment_p="adaptive", ada_kimg=1)
    model.compile(d_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5))
    return model


def test_ada_raises_p_when_d_overfits_and_logs_it():
    model = _overfitting_run()
    history = model.fit(fake_data((16, 16, 1), n=32), batch_size=16, epochs=6, verbose=0)
    p = history.history["augment_p"]
    assert float(ops.convert_to_numpy(model.augment_probability)) > 0.1
    assert p[-1] > p[0] and np.mean(history.history["r_t"]) > 0.6


def test_ada_steps_p_toward_the_target_from_r_t():
    """One adjustment moves p by the images seen over `kimg`·1000, toward r_t = target, clipped to [0, 1]
    (how the model accumulates r_t over 4 steps: tests/test_regularizers.py)."""
    def adjust(p, r_t, images):
        return float(ops.convert_to_numpy(augment.ada_adjust(
            ops.convert_to_tensor(p), ops.convert_to_tensor(r_t), 0.6, 1.0, images)))

    assert adjust(0.0, 0.9, 100) == pytest.approx(0.1)
    assert adjust(0.1, 0.2, 50) == pytest.approx(0.05)
    assert adjust(0.05, -1.0, 100) == 0.0  # clipped to [0, 1]
    assert adjust(0.95, 1.0, 100) == 1.0


def test_ada_p_survives_save_load_and_backup_and_restore(tmp_path):
    x = fake_data((16, 16, 1), n=32)
    model = _overfitting_run()
    model.fit(x, batch_size=16, epochs=5, verbose=0)  # 10 steps: p adjusted twice, statistics mid-interval
    p = float(ops.convert_to_numpy(model.augment_probability))
    assert p > 0
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert loaded.augment == "translation,cutout" and loaded.adaptive_augment
    assert float(ops.convert_to_numpy(loaded.augment_probability)) == pytest.approx(p)
    np.testing.assert_allclose(ops.convert_to_numpy(loaded.ada_statistics), ops.convert_to_numpy(model.ada_statistics))

    class Crash(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise RuntimeError("simulated crash")

    fit = {"batch_size": 16, "epochs": 5, "verbose": 0, "shuffle": False}  # the crash mid-interval (step 4)
    reference = _overfitting_run()
    reference.fit(x, **fit)
    crashed = _overfitting_run()
    with pytest.raises(RuntimeError):
        crashed.fit(x, callbacks=[keras.callbacks.BackupAndRestore(str(tmp_path / "b")), Crash()], **fit)
    resumed = _overfitting_run()
    resumed.fit(x, callbacks=[keras.callbacks.BackupAndRestore(str(tmp_path / "b"))], **fit)
    for a, b in zip(weights_of(reference.weights), weights_of(resumed.weights)):
        np.testing.assert_allclose(a, b, atol=1e-5)
    assert float(ops.convert_to_numpy(resumed.augment_probability)) == pytest.approx(
        float(ops.convert_to_numpy(reference.augment_probability)))


def test_fresh_batches_give_each_critic_step_its_own_slice():
    model = keras_gan.WGANGP((2,), latent_dim=4, hidden_units=(8,), d_steps=4, d_fresh_batches=True)
    model.compile()
    seen = []
    original = model._discriminator_step

    def record(real, condition=None):
        seen.append(real)
        return original(real, condition)

    model._discriminator_step = record
    real = ops.convert_to_tensor(fake_data((2,), n=20))
    model._adversarial_step(real)
    parts = [ops.convert_to_numpy(r) for r in seen]
    assert len(parts) == 4 and all(p.shape == (5, 2) for p in parts)
    np.testing.assert_array_equal(np.concatenate(parts), ops.convert_to_numpy(real))  # 4 distinct slices
    assert int(model.d_optimizer.iterations) == 4 and int(model.g_optimizer.iterations) == 1
    with pytest.raises(ValueError, match="multiple of d_steps"):
        model._adversarial_step(real[:3])


def test_fresh_batches_train_through_fit_and_round_trip(tmp_path):
    model = keras_gan.WGANGP((2,), latent_dim=4, hidden_units=(8,), d_steps=2, d_fresh_batches=True)
    model.compile()
    model.fit(fake_data((2,), n=64), batch_size=32, epochs=1, verbose=0)
    assert int(model.d_optimizer.iterations) == 4 and int(model.g_optimizer.iterations) == 2
    model.save(tmp_path / "w.keras")
    assert keras.saving.load_model(tmp_path / "w.keras").d_fresh_batches
