"""The instruments: damaged real data scores clearly worse than real data, on the judges and on SWD."""

import numpy as np
import pytest

import keras_gan
from keras_gan import metrics


@pytest.fixture(scope="module")
def emoji():
    """300 held-out and 300 train emoji at 32×32 (a fixed draw)."""
    x, _ = keras_gan.data.load("noto_emoji_train", image_size=32)
    x_test, _ = keras_gan.data.load("noto_emoji_test", image_size=32)
    rng = np.random.default_rng(0)
    return x_test[rng.choice(len(x_test), 300, replace=False)], x[rng.choice(len(x), 300, replace=False)]


def test_emoji_judge_scores_blur_and_mosaic_far_from_real():
    """The zoo's emoji judge on its own protocol (585 train images of the fixed draw vs the 585 held-out):
    blur σ 1 and an 8×8 mosaic score far from the floor (docs/evaluation.md: 6.8× and 11.3×; the old
    judge gave 2.8× and 3.6×), and the floor's precision and recall stay high (0.82 / 0.96)."""
    x, _ = keras_gan.data.load("noto_emoji_train", image_size=32)
    reference, _ = keras_gan.data.load("noto_emoji_test", image_size=32)
    images = x[np.sort(np.random.default_rng(0).choice(len(x), len(reference), replace=False))]
    table = metrics.damage_table("emoji_classifier", reference, images, damages=("blur 1.0", "mosaic 4x4"))
    assert table["blur 1.0"]["ratio"] > 5.0
    assert table["mosaic 4x4"]["ratio"] > 8.0
    assert table["floor"]["precision"] > 0.75 and table["floor"]["recall"] > 0.9


@pytest.mark.backend_independent
def test_damages_do_what_they_say():
    rng = np.random.default_rng(1)
    images = np.clip(rng.normal(0, 0.5, (3, 16, 16, 3)), -1, 1).astype("float32")
    mosaic = metrics.damage(images, "mosaic 4x4")
    np.testing.assert_allclose(mosaic[:, :4, :4], np.broadcast_to(images[:, :4, :4].mean(axis=(1, 2), keepdims=True),
                                                                   (3, 4, 4, 3)), atol=1e-6)
    blurred = metrics.damage(images, "blur 1.0")
    assert np.abs(np.diff(blurred, axis=1)).mean() < 0.5 * np.abs(np.diff(images, axis=1)).mean()
    np.testing.assert_array_equal(metrics.damage(images, "swap red/blue"), images[..., ::-1])
    jpeg = metrics.damage(images, "jpeg 20")
    assert jpeg.shape == images.shape and 0 < np.abs(jpeg - images).mean() < 0.5
    with pytest.raises(ValueError, match="Unknown damage 'sharpen 2'"):
        metrics.damage(images, "sharpen 2")
    with pytest.raises(ValueError, match="colour images"):
        metrics.damage(images[..., :1], "swap red/blue")


@pytest.mark.backend_independent
def test_damage_table_ratios_on_a_pixel_judge():
    """With raw pixels as features (a judge anyone can check by hand), noise moves FD off its floor."""
    rng = np.random.default_rng(2)
    base = rng.uniform(-0.5, 0.5, (1, 4, 4, 1)).astype("float32")
    reference = base + rng.normal(0, 0.05, (200, 4, 4, 1)).astype("float32")
    images = base + rng.normal(0, 0.05, (200, 4, 4, 1)).astype("float32")

    def pixels(x):
        x = np.asarray(x, "float64").reshape(len(x), -1)
        return x, np.full((len(x), 2), 0.5)

    table = metrics.damage_table(pixels, reference, images, damages=("noise 0.3",))
    assert table["noise 0.3"]["ratio"] > 10
    assert table["noise 0.3"]["frechet_distance"] == pytest.approx(table["noise 0.3"]["ratio"]
                                                                   * table["floor"]["frechet_distance"])


@pytest.mark.backend_independent
def test_swd_is_zero_on_identical_sets_and_blur_raises_the_fine_level_most(emoji):
    reference, images = emoji
    same = metrics.sliced_wasserstein_distance(reference, reference)
    assert same["swd"] == pytest.approx(0.0, abs=1e-9)
    clean = metrics.sliced_wasserstein_distance(reference, images)
    blurred = metrics.sliced_wasserstein_distance(reference, metrics.damage(images, "blur 1.0"))
    assert set(clean["swd_levels"]) == {32, 16}
    fine, coarse = (blurred["swd_levels"][r] / clean["swd_levels"][r] for r in (32, 16))
    assert fine > 3.0 and fine > 2 * coarse
    assert blurred["swd"] > 1.5 * clean["swd"]


@pytest.mark.backend_independent
def test_laplacian_pyramid_reconstructs_the_image():
    """Adding each band back to the upsampled coarser level gives the image again (exact by construction)."""
    from keras_gan.metrics.swd import _upsample

    images = np.random.default_rng(3).uniform(-1, 1, (2, 32, 32, 3))
    levels = metrics.laplacian_pyramid(images, min_resolution=8)
    assert [level.shape[1] for level in levels] == [32, 16, 8]
    rebuilt = levels[-1]
    for band in reversed(levels[:-1]):
        rebuilt = band + _upsample(rebuilt)
    np.testing.assert_allclose(rebuilt, images, atol=1e-12)


@pytest.mark.backend_independent
def test_swd_refuses_mismatched_sets():
    with pytest.raises(ValueError, match="two batches of images of one shape"):
        metrics.sliced_wasserstein_distance(np.zeros((4, 16, 16, 3)), np.zeros((4, 32, 32, 3)))
    with pytest.raises(ValueError, match="at least 2 images"):
        metrics.sliced_wasserstein_distance(np.zeros((1, 16, 16, 3)), np.zeros((4, 16, 16, 3)))


def test_compare_reports_swd_and_refuses_tiny_kid_subsets(emoji):
    reference, images = emoji
    report = metrics.compare(reference[:40], images[:40], features="emoji_classifier", kid_subset_size=20, swd=True)
    assert report["swd"] > 0 and set(report["swd_levels"]) == {32, 16}
    with pytest.raises(ValueError, match="KID needs subsets of at least 2 samples.*kid_subset_size=1"):
        metrics.compare(reference[:3], images[:3], features="emoji_classifier", kid_subset_size=1)
