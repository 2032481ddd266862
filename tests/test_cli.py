"""The `keras-gan` command line: train, sample, zoo, and --help on each."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

import keras_gan
from keras_gan import cli, cli_train

TINY = {"gan": ["--hidden-units", "16,16"], "dcgan": ["--filters", "4"], "cgan": ["--filters", "4"],
        "wgan_gp": ["--filters", "4"]}


def _train(model, out, *extra):
    return cli.main(["train", model, "--dataset", "mnist_5k", "--limit", "64", "--epochs", "2",
                     "--batch-size", "32", "--latent-dim", "8", "--out", str(out), *TINY[model], *extra])


# Flags each model's run adds (one run per model, checked for all of them).
EXTRA = {"dcgan": ["--generator-filters", "8", "--ema", "0.5", "--gif"], "wgan_gp": ["--generator-filters", "8"]}


@pytest.mark.parametrize("model", sorted(TINY))
def test_train_writes_grids_a_loss_plot_and_a_preset_that_sample_reads(model, tmp_path, capsys):
    out = tmp_path / "run"
    assert _train(model, out, *EXTRA.get(model, [])) == 0
    for name in ("epochs/epoch_001.png", "epochs/epoch_002.png", "samples.png", "history.png",
                 "config.json", "model.weights.h5", "metadata.json"):
        assert (out / name).stat().st_size > 0, name
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["class"] == cli_train.MODELS[model] and meta["dataset"] == "mnist_5k"
    assert meta["fit"]["epochs"] == 2 and "d_loss" in meta["final_logs"]
    assert meta["command"].startswith(f"keras-gan train {model} --dataset mnist_5k")

    loaded = keras_gan.zoo.load(str(out), compile=False)
    assert type(loaded).__name__ == cli_train.MODELS[model] and loaded.latent_dim == 8
    if model == "cgan":
        assert loaded.num_classes == 10
    if "--generator-filters" in EXTRA.get(model, []):  # G alone widened
        assert loaded.filters == 4 and loaded.generator_filters == 8
        narrow = getattr(keras_gan, cli_train.MODELS[model])(loaded.data_shape, latent_dim=8, filters=4)
        assert loaded.generator.count_params() > narrow.generator.count_params()
        assert loaded.discriminator.count_params() == narrow.discriminator.count_params()
    if "--ema" in EXTRA.get(model, []):  # the moving average is saved and sampled by default
        assert (out / "epochs" / "progress.gif").exists()
        assert loaded.generator_ema is not None
        assert np.abs(loaded.generate(4, seed=0) - loaded.generate(4, seed=0, ema=False)).max() > 1e-6

    capsys.readouterr()
    assert cli.main(["sample", str(out), "-n", "10", "-o", str(tmp_path / "s.png")]) == 0
    assert "Wrote 10 samples" in capsys.readouterr().out and (tmp_path / "s.png").exists()


def test_train_from_a_folder_of_images(tmp_path):
    pytest.importorskip("tensorflow")
    from PIL import Image

    rng = np.random.default_rng(0)
    (tmp_path / "pngs").mkdir()
    for i in range(8):
        Image.fromarray(rng.integers(0, 256, (20, 20, 3), dtype=np.uint8)).save(tmp_path / "pngs" / f"{i}.png")
    assert cli.main(["train", "dcgan", "--dataset", str(tmp_path / "pngs"), "--image-size", "16",
                     "--epochs", "1", "--batch-size", "4", "--latent-dim", "8", "--filters", "4",
                     "--out", str(tmp_path / "run")]) == 0
    assert keras_gan.zoo.load(str(tmp_path / "run"), compile=False).data_shape == (16, 16, 3)


def test_train_refuses_what_it_cannot_do(tmp_path):
    with pytest.raises(ValueError, match="writes image grids.*shape \\(2,\\)"):
        cli.main(["train", "gan", "--dataset", "ring8", "--out", str(tmp_path), "--epochs", "1"])
    with pytest.raises(SystemExit):  # argparse: unknown model
        cli.main(["train", "vae", "--out", str(tmp_path)])
    with pytest.raises(ValueError, match="--labels needs a conditional model; 'dcgan_mnist' is a DCGAN"):
        cli.main(["sample", "dcgan_mnist", "--labels", "3", "-o", str(tmp_path / "x.png")])


def test_zoo_lists_the_entries(capsys):
    assert cli.main(["zoo"]) == 0
    assert "dcgan_mnist" in capsys.readouterr().out


@pytest.mark.backend_independent
@pytest.mark.parametrize("command", [[], ["zoo"], ["sample"], ["train"], ["evaluate"]])
def test_help_exits_zero_with_text(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*command, "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("usage: keras-gan") and len(text) > 200


@pytest.mark.backend_independent
def test_python_dash_m_runs_the_cli():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    result = subprocess.run([sys.executable, "-m", "keras_gan", "train", "--help"], cwd=root,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "--batch-size" in result.stdout
