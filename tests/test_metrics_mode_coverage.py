import numpy as np
import pytest

from keras_gan import data, metrics

pytestmark = pytest.mark.backend_independent  # numpy figures


def test_ring8_hand_placed_points():
    centers = data.ring8_centers()
    # Three modes hit exactly, one point 2 std off a fourth centre (still high quality),
    # one point 5 std off a fifth (low quality), one point at the origin (far from all).
    points = np.concatenate([centers[:3], centers[3:4] + [0.02, 0.0], centers[4:5] + [0.05, 0.0], [[0.0, 0.0]]])
    report = metrics.mode_coverage(points, mixture="ring8")
    assert report["modes"] == 4
    assert report["high_quality"] == pytest.approx(4 / 6)
    assert report["per_mode"] == [1, 1, 1, 1, 0, 0, 0, 0]
    assert report["num_samples"] == 6


def test_grid25_real_samples_cover_everything_and_collapse_covers_one():
    x, _ = data.load("grid25", num_samples=2500, seed=1)
    report = metrics.mode_coverage(x, mixture="grid25")
    assert report["modes"] == 25
    assert report["high_quality"] > 0.98  # 3 std in 2-D holds 98.9% of a Gaussian's mass
    collapsed = metrics.mode_coverage(np.tile([[2.0, -4.0]], (100, 1)), mixture="grid25")
    assert (collapsed["modes"], collapsed["high_quality"]) == (1, 1.0)


def test_custom_mixture_and_bad_input():
    report = metrics.mode_coverage([[0.0, 0.0], [10.0, 0.0]], centers=[[0.0, 0.0], [1.0, 0.0]], std=0.1)
    assert report["modes"] == 1 and report["high_quality"] == 0.5
    with pytest.raises(ValueError, match="Unknown mixture"):
        metrics.mode_coverage([[0.0, 0.0]], mixture="ring9")
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        metrics.mode_coverage(np.zeros((4, 3)), mixture="ring8")
