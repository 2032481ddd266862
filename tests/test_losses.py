import numpy as np
import pytest
from keras import ops

from keras_gan import losses


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


LOGITS_REAL = np.array([[2.0], [-1.0], [0.5]], dtype="float32")
LOGITS_FAKE = np.array([[-3.0], [0.0], [1.5]], dtype="float32")


def test_discriminator_loss_is_binary_cross_entropy():
    expected = -np.mean(np.log(sigmoid(LOGITS_REAL))) - np.mean(np.log(1 - sigmoid(LOGITS_FAKE)))
    got = ops.convert_to_numpy(losses.discriminator_loss(LOGITS_REAL, LOGITS_FAKE))
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_generator_losses_match_the_paper():
    d_fake = sigmoid(LOGITS_FAKE)
    ns = ops.convert_to_numpy(losses.generator_loss_non_saturating(LOGITS_FAKE))
    mm = ops.convert_to_numpy(losses.generator_loss_minimax(LOGITS_FAKE))
    np.testing.assert_allclose(ns, -np.mean(np.log(d_fake)), rtol=1e-5)
    np.testing.assert_allclose(mm, np.mean(np.log(1 - d_fake)), rtol=1e-5)


def test_losses_stay_finite_for_confident_discriminators():
    extreme = np.array([[-200.0], [200.0]], dtype="float32")
    for value in (
        losses.discriminator_loss(extreme, -extreme),
        losses.generator_loss_non_saturating(extreme),
        losses.generator_loss_minimax(extreme),
    ):
        assert np.isfinite(ops.convert_to_numpy(value))


def test_unknown_loss_name_lists_the_choices():
    with pytest.raises(ValueError, match="hinge.*minimax.*non_saturating"):
        losses.get_generator_loss("wasserstein")
    with pytest.raises(ValueError, match="non_saturating"):
        losses.get_discriminator_loss("least_squares")


def test_hinge_losses_match_their_definition():
    d = ops.convert_to_numpy(losses.hinge_discriminator_loss(LOGITS_REAL, LOGITS_FAKE))
    expected = np.mean(np.maximum(0, 1 - LOGITS_REAL)) + np.mean(np.maximum(0, 1 + LOGITS_FAKE))
    np.testing.assert_allclose(d, expected, rtol=1e-6)
    np.testing.assert_allclose(ops.convert_to_numpy(losses.hinge_generator_loss(LOGITS_FAKE)), -LOGITS_FAKE.mean(),
                               rtol=1e-6)
    assert losses.get_discriminator_loss("hinge") is losses.hinge_discriminator_loss
    assert losses.get_discriminator_loss("minimax") is losses.discriminator_loss
