"""`fit`'s checks of the data: packing's batch rule before any step, the range check without a copy."""

import tracemalloc

import numpy as np
import pytest

import keras_gan
from keras_gan import checks
from conftest import fake_data


@pytest.mark.parametrize("n, batch_size", [(99, 50), (99, 99), (100, 25)])
def test_pack_rule_checked_before_training_on_every_backend(n, batch_size):
    """99 samples in batches of 50 end in a batch of 49; TensorFlow's graph sees it with a dynamic batch."""
    model = keras_gan.GAN((2,), latent_dim=4, hidden_units=(8,), pack=2)
    model.compile()
    with pytest.raises(ValueError, match=r"pack=2 .* multiple of 2"):
        model.fit(fake_data((2,), n=n), batch_size=batch_size, epochs=1, verbose=0)
    assert int(model.d_optimizer.iterations) == 0  # raised before the first step


def test_pack_rule_accepts_what_divides():
    model = keras_gan.GAN((2,), latent_dim=4, hidden_units=(8,), pack=2)
    model.compile()
    model.fit(fake_data((2,), n=100), batch_size=50, epochs=1, verbose=0)
    model.fit(fake_data((2,), n=120), batch_size=50, epochs=1, verbose=0, validation_split=1 / 6)
    assert int(model.d_optimizer.iterations) == 4


def test_range_check_makes_no_copy_of_the_data():
    x = np.random.default_rng(0).uniform(-1, 1, (1_000, 32, 32, 3)).astype("float32")  # 12 MB
    tracemalloc.start()
    try:
        checks.check_samples(x, (32, 32, 3), image=True)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < x.nbytes / 8, f"the check allocated {peak:,} bytes for {x.nbytes:,} bytes of data"


@pytest.mark.parametrize("bad, match", [(np.nan, "NaN or infinite"), (np.inf, "NaN or infinite"),
                                        (1.5, r"\[-1, 1\]"), (-2.0, r"\[-1, 1\]")])
def test_range_check_still_finds_bad_values(bad, match):
    x = fake_data((4, 4, 1), n=8)
    x[5, 2, 1, 0] = bad
    with pytest.raises(ValueError, match=match):
        checks.check_samples(x, (4, 4, 1), image=True)


def test_vectors_may_lie_outside_the_image_range():
    checks.check_samples(fake_data((3,), n=8) * 5.0, (3,), image=False)
