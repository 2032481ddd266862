"""The example scripts run end to end in a tiny configuration and write their pictures.

The Quick start's scripts (gan, dcgan), the toy and the interpolation run on every backend; each other script runs
on one (`one_backend`, spread over the three runs): what they add to the library is argument parsing, pictures and
printing, and the library calls they make (fit, generate, the judges, StyleGAN2's truncation and mixing) are tested
on every backend in the library's own tests. KERAS_GAN_TEST_EVERYWHERE=1 runs them all on any backend.
"""

import functools
import importlib.util
import json
import os

import keras
import numpy as np
import pytest
from matplotlib import image as mpimg

import keras_gan

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples")
TINY_IMAGE_FLAGS = ["--limit", "64", "--batch-size", "32", "--latent-dim", "8"]


@pytest.fixture
def load(monkeypatch):
    """Imports `examples/NAME.py` as a module, with `examples/` importable as when run as a script."""
    monkeypatch.syspath_prepend(EXAMPLES)

    def _load(name):
        spec = importlib.util.spec_from_file_location(f"example_{name}", os.path.join(EXAMPLES, f"{name}.py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return _load


def assert_image(path, min_height, min_width):
    """`path` is a PNG that decodes to an RGB(A) picture at least this large and not blank."""
    image = mpimg.imread(path)
    assert image.ndim == 3 and image.shape[2] in (3, 4), (path, image.shape)
    assert image.shape[0] >= min_height and image.shape[1] >= min_width, (path, image.shape)
    assert len(np.unique(image[..., :3])) > 1, f"{path} is blank"


def test_gan_example_writes_grids_plot_and_model(load, tmp_path):
    history, seconds = load("gan").main(
        ["--epochs", "2", *TINY_IMAGE_FLAGS, "--hidden-units", "16", "--figures", "0", "--out", str(tmp_path)]
    )
    assert len(history.history["d_loss"]) == 2 and seconds > 0
    assert_image(tmp_path / "samples.png", 224, 224)  # 8×8 digits of 28 pixels
    assert_image(tmp_path / "losses.png", 300, 800)
    for epoch in (1, 2):
        assert_image(tmp_path / "epochs" / f"epoch_{epoch:03d}.png", 224, 224)
    assert (tmp_path / "gan.keras").stat().st_size > 0


def test_dcgan_example_writes_grids_plot_and_model(load, tmp_path, capsys):
    load("dcgan").main(["--epochs", "1", *TINY_IMAGE_FLAGS, "--filters", "4", "--augment", "translation,cutout",
                        "--figures", "200", "--out", str(tmp_path)])
    for name in ("samples.png", "epochs/epoch_001.png"):
        assert_image(tmp_path / name, 224, 224)
    assert_image(tmp_path / "losses.png", 300, 800)
    assert (tmp_path / "dcgan.keras").stat().st_size > 0
    # The figures are printed at the end and saved beside the pictures.
    figures = json.loads((tmp_path / "figures.json").read_text())
    printed = capsys.readouterr().out
    assert f"FD {figures['frechet_distance']:.2f} (real data: 3.77)" in printed
    assert f"recall {figures['recall']:.3f}, confidence {figures['confidence']:.3f}" in printed
    assert figures["num_fake"] == 200 and len(figures["class_share"]) == 10


@pytest.mark.one_backend("jax")
def test_linear_decay_reaches_zero_at_the_end_of_the_run_for_each_network(load, tmp_path, monkeypatch):
    """`--decay linear` sizes each schedule by its own optimizer's updates: D takes `d_steps` per step."""
    dcgan = load("dcgan")
    monkeypatch.setattr(keras_gan, "DCGAN", functools.partial(keras_gan.DCGAN, d_steps=2))
    history, _ = dcgan.main(["--epochs", "2", *TINY_IMAGE_FLAGS, "--filters", "4", "--d-lr", "1e-3", "--g-lr", "2e-3",
                             "--decay", "linear", "--figures", "0", "--out", str(tmp_path)])  # 2 steps per epoch
    assert history.history["d_learning_rate"] == pytest.approx([5e-4, 0.0])  # 4 of D's 8 updates, then all 8
    assert history.history["g_learning_rate"] == pytest.approx([1e-3, 0.0])


@pytest.mark.one_backend("jax")
def test_cgan_example_writes_one_row_per_class(load, tmp_path, capsys):
    load("cgan").main(
        ["--epochs", "1", *TINY_IMAGE_FLAGS, "--filters", "4", "--per-class", "3", "--figures", "100",
         "--out", str(tmp_path)]
    )
    figures = json.loads((tmp_path / "figures.json").read_text())
    assert f"label accuracy {figures['label_accuracy']:.3f}" in capsys.readouterr().out
    image = mpimg.imread(tmp_path / "samples.png")
    assert image.shape[:2] == (10 * 28, 3 * 28)  # ten classes down, three samples across
    # per-epoch grids too: 64 samples -> ten rows of six
    assert mpimg.imread(tmp_path / "epochs" / "epoch_001.png").shape[:2] == (10 * 28, 6 * 28)
    assert_image(tmp_path / "losses.png", 300, 800)
    assert (tmp_path / "cgan.keras").stat().st_size > 0


@pytest.mark.one_backend("tensorflow")
def test_wgan_gp_example_writes_grids_plot_and_model(load, tmp_path, capsys):
    history, _ = load("wgan_gp").main(
        ["--epochs", "1", *TINY_IMAGE_FLAGS, "--filters", "4", "--d-steps", "2", "--figures", "0",
         "--out", str(tmp_path)]
    )
    for name in ("samples.png", "epochs/epoch_001.png"):
        assert_image(tmp_path / name, 224, 224)
    assert_image(tmp_path / "losses.png", 300, 800)
    assert (tmp_path / "wgan_gp.keras").stat().st_size > 0
    assert f"w_distance per epoch: {history.history['w_distance'][0]:.3f}" in capsys.readouterr().out


def test_toy_1d_example_draws_one_panel_per_snapshot(load, tmp_path, capsys):
    frames = load("toy_1d").main(
        ["--num-samples", "256", "--batch-size", "64", "--snapshots", "0", "1", "2",
         "--hidden-units", "8", "--out", str(tmp_path)]
    )
    assert [f["epoch"] for f in frames] == [0, 1, 2]
    grid = np.linspace(2.0 - 6 * 0.5, 2.0 + 6 * 0.5, 400)  # the default data N(2, 0.5²), ± 6 std
    for frame in frames:
        assert frame["p_g"].shape == frame["d"].shape == grid.shape and frame["g_of_z"].shape == (25,)
        # G's density on the grid: a kernel estimate that integrates to 1 (G's samples lie within the grid)
        assert np.trapezoid(frame["p_g"], grid) == pytest.approx(1.0, abs=0.05)
        assert np.ptp(frame["d"]) > 1e-3  # D(x) varies along x
    assert not np.allclose(frames[0]["g_of_z"], frames[-1]["g_of_z"])  # training moved G
    assert not np.allclose(frames[0]["d"], frames[-1]["d"])  # and D
    near = np.abs(grid - 2.0) < 0.5
    assert f"within one std of the data mean: {frames[-1]['d'][near].mean():.3f}" in capsys.readouterr().out
    assert_image(tmp_path / "toy_1d.png", 250, 3 * 250)


@pytest.mark.backend_independent
def test_toy_1d_example_rejects_unordered_snapshots(load, tmp_path):
    with pytest.raises(ValueError, match="increasing"):
        load("toy_1d").main(["--snapshots", "5", "1", "--out", str(tmp_path)])


@pytest.mark.one_backend("torch")
def test_mode_collapse_example_reports_each_models_own_coverage(load, tmp_path, capsys, monkeypatch):
    judged, coverage = {}, keras_gan.metrics.mode_coverage

    def recording(points, mixture="ring8", **kwargs):  # the samples the example judges
        judged[mixture, "gan" if (mixture, "gan") not in judged else "wgan_gp"] = np.array(points)
        return coverage(points, mixture=mixture, **kwargs)

    monkeypatch.setattr(keras_gan.metrics, "mode_coverage", recording)
    figures = load("mode_collapse").main(
        ["--epochs", "1", "--num-samples", "512", "--batch-size", "128", "--hidden-units", "8",
         "--latent-dim", "2", "--eval-samples", "300", "--out", str(tmp_path)]
    )
    assert sorted(figures) == [(m, k) for m in ("grid25", "ring8") for k in ("gan", "wgan_gp")]
    printed = capsys.readouterr().out
    for (mixture, kind), f in figures.items():
        assert f["num_modes"] == {"ring8": 8, "grid25": 25}[mixture] == len(f["per_mode"])
        # each figure is mode_coverage of that model's own 300 samples, judged against its own mixture
        points = judged[mixture, kind]
        assert points.shape == (300, 2)
        assert {k: v for k, v in f.items() if k != "train_seconds"} == coverage(points, mixture=mixture)
        assert f["modes"] == sum(count > 0 for count in f["per_mode"])
        assert f["num_samples"] == 300 and sum(f["per_mode"]) == round(f["high_quality"] * 300)
        assert f"modes {f['modes']:>2}/{f['num_modes']}  high quality {100 * f['high_quality']:5.1f}%" in printed
    assert not np.array_equal(judged["ring8", "gan"], judged["ring8", "wgan_gp"])
    assert_image(tmp_path / "mode_collapse.png", 500, 500)


@pytest.mark.parametrize("name", ["dcgan_mnist", "cgan_mnist"])
def test_interpolate_example_writes_rows_of_steps(load, tmp_path, name):
    path = load("interpolate").main(["--name", name, "--pairs", "3", "--steps", "5", "--out", str(tmp_path)])
    assert os.path.basename(path) == f"{name}_slerp.png"
    assert mpimg.imread(path).shape[:2] == (3 * 28, 5 * 28)
    assert_image(path, 84, 140)


@pytest.mark.backend_independent
def test_interpolation_paths(load):
    interpolate = load("interpolate").interpolate
    rng = np.random.default_rng(0)
    z0, z1 = rng.standard_normal((2, 4, 16))
    for method in ("slerp", "linear"):
        path = interpolate(z0, z1, np.linspace(0, 1, 5), method)
        assert path.shape == (4, 5, 16)
        np.testing.assert_allclose(path[:, 0], z0, atol=1e-12)
        np.testing.assert_allclose(path[:, -1], z1, atol=1e-12)
    np.testing.assert_allclose(interpolate(z0, z1, [0.5], "linear")[:, 0], (z0 + z1) / 2)
    # Between orthogonal latents of equal norm, the spherical path keeps that norm; the line does not.
    a, b = np.array([[3.0, 0.0]]), np.array([[0.0, 3.0]])
    np.testing.assert_allclose(np.linalg.norm(interpolate(a, b, np.linspace(0, 1, 7)), axis=-1), 3.0)
    assert np.linalg.norm(interpolate(a, b, [0.5], "linear")) < 2.2
    np.testing.assert_allclose(interpolate(a, 2 * a, [0.5])[:, 0], 1.5 * a)  # parallel: the line
    with pytest.raises(ValueError, match="slerp"):
        interpolate(a, b, [0.5], "cubic")


def _assert_rank_correlations(results, curves):
    """Each reported ρ is the Pearson correlation of the ranks of FD and of that loss along the same run."""
    from scipy.stats import rankdata

    for kind, losses in results.items():
        fd_ranks = rankdata(curves[kind]["frechet_distance"])
        for loss, figures in losses.items():
            loss_ranks = rankdata(curves[kind][loss])
            if np.ptp(fd_ranks) == 0 or np.ptp(loss_ranks) == 0:  # a flat curve has no rank correlation
                assert np.isnan(figures["rho"]), (kind, loss, figures)
            else:
                assert figures["rho"] == pytest.approx(np.corrcoef(fd_ranks, loss_ranks)[0, 1], abs=1e-9), (kind, loss)


@pytest.mark.one_backend("torch")
def test_loss_tracks_quality_reports_spearman_per_loss(load, tmp_path, capsys):
    results, curves = load("loss_tracks_quality").main(
        ["--epochs", "3", "--limit", "64", "--batch-size", "32", "--filters", "4", "--latent-dim", "8",
         "--eval-samples", "100", "--wgan", "--out", str(tmp_path)]
    )
    assert set(results) == {"dcgan", "wgan_gp", "wgan"}
    assert set(results["dcgan"]) == {"d_loss", "g_loss"} and "w_distance" in results["wgan_gp"]
    assert curves["dcgan"]["steps"] == [2, 4, 6] and len(curves["wgan_gp"]["frechet_distance"]) == 3
    _assert_rank_correlations(results, curves)
    assert "Spearman ρ(FD, loss)" in capsys.readouterr().out
    assert_image(tmp_path / "loss_tracks_quality.png", 200, 600)


@pytest.mark.backend_independent  # stored curves: no model runs
def test_loss_tracks_quality_reads_the_zoo_runs_curves(load, tmp_path, capsys):
    results, curves = load("loss_tracks_quality").main(["--zoo", "--out", str(tmp_path)])
    assert set(results["dcgan"]) == {"d_loss", "g_loss"} and "w_distance" in results["wgan_gp"]
    _assert_rank_correlations(results, curves)
    assert any(abs(figures["rho"]) > 0.3 for losses in results.values() for figures in losses.values())
    for kind, name in (("dcgan", "dcgan_mnist"), ("wgan_gp", "wgan_gp_mnist")):
        stored = keras_gan.zoo.metadata(name)["curve"]
        assert len(curves[kind]["steps"]) == len(stored) >= 10  # the "10 or more points"
        assert curves[kind]["frechet_distance"] == [p["frechet_distance"] for p in stored]
        assert curves[kind]["steps"] == sorted(curves[kind]["steps"])
    assert "over" in capsys.readouterr().out
    assert_image(tmp_path / "loss_tracks_quality.png", 200, 600)


@pytest.mark.backend_independent
def test_loss_tracks_quality_zoo_without_losses_is_a_clear_error(load, monkeypatch):
    module = load("loss_tracks_quality")
    monkeypatch.setattr(keras_gan.zoo, "metadata", lambda name: {"curve": [{"steps": 63, "frechet_distance": 9.0}]})
    with pytest.raises(ValueError, match="no losses.*tools/train_zoo.py dcgan_mnist"):
        module.zoo_curve("dcgan_mnist")


@pytest.mark.one_backend("tensorflow")
def test_emoji_example_trains_on_colour_emoji_and_prints_the_judges_figures(load, tmp_path, capsys):
    history, _ = load("emoji").main(["--conditional", "--epochs", "1", "--limit", "64", "--batch-size", "32",
                                     "--filters", "4", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "585 held-out emoji" in out and "label accuracy" in out
    figures = json.load(open(tmp_path / "figures.json"))
    assert figures["num_fake"] == figures["num_real"] == 585 and figures["feature_network"] == "emoji_classifier"
    # the printed figures are the saved ones, and the judge read the held-out images with their own labels
    assert (f"FD {figures['frechet_distance']:.1f} (real data: " in out
            and f"label accuracy {figures['label_accuracy']:.3f}" in out)
    assert figures["real_accuracy"] > 0.7  # the judge's accuracy on the held-out emoji: images and labels agree
    assert_image(tmp_path / "samples.png", 9 * 32, 10 * 32)  # one row per category


@pytest.mark.one_backend("torch")
def test_stylegan2_example_writes_truncation_and_mixing_pictures_and_figures(load, tmp_path, capsys):
    load("stylegan2").main(["--epochs", "1", "--samples", "64", "--channel-max", "4", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    for psi in (1.0, 0.7, 0.5, 0.0):
        assert f"truncation {psi}: FD" in out
    assert "real emoji" in out
    assert_image(tmp_path / "truncation.png", 4 * 32, 8 * 32)
    assert_image(tmp_path / "style_mixing.png", 4 * 32, 4 * 32)
