"""The example scripts run end to end in a tiny configuration and write their pictures."""

import importlib.util
import os

from matplotlib import image as mpimg

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _load(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, "examples", f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dcgan_example_writes_grids_plot_and_model(tmp_path):
    _load("dcgan").main(
        ["--epochs", "2", "--limit", "64", "--batch-size", "32", "--filters", "4", "--out", str(tmp_path)]
    )
    for name in ("samples.png", "losses.png", "epochs/epoch_001.png", "epochs/epoch_002.png"):
        image = mpimg.imread(tmp_path / name)
        assert image.ndim == 3 and min(image.shape[:2]) > 100, name
    assert (tmp_path / "dcgan.keras").stat().st_size > 0


def test_wgan_gp_example_writes_grids_plot_and_model(tmp_path):
    _load("wgan_gp").main(
        ["--epochs", "1", "--limit", "64", "--batch-size", "32", "--filters", "4", "--out", str(tmp_path)]
    )
    for name in ("samples.png", "losses.png", "epochs/epoch_001.png"):
        assert mpimg.imread(tmp_path / name).ndim == 3, name
    assert (tmp_path / "wgan_gp.keras").stat().st_size > 0
