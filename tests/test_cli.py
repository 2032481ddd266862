"""The `keras-gan` command line: train, sample, zoo, and --help on each."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

import keras_gan
from conftest import cli_error
from keras_gan import cli, cli_train

TINY = {"gan": ["--hidden-units", "16,16"], "dcgan": ["--filters", "4"], "cgan": ["--filters", "4"],
        "wgan": ["--filters", "4"], "wgan_gp": ["--filters", "4"], "stylegan2": ["--filters", "4"]}

# The dataset of each model's run and the shape it trains at: mnist_5k, or colour emoji resized by --image-size.
DATASETS = {"wgan": ("noto_emoji_train", (16, 16, 3)), "stylegan2": ("noto_emoji_train", (8, 8, 3))}


def _train(model, out, *extra):
    dataset, shape = DATASETS.get(model, ("mnist_5k", (28, 28, 1)))
    size = ["--image-size", str(shape[0])] if dataset != "mnist_5k" else []
    return cli.main(["train", model, "--dataset", dataset, *size, "--limit", "64", "--epochs", "2",
                     "--batch-size", "32", "--latent-dim", "8", "--out", str(out), *TINY[model], *extra])


# Flags each model's run adds (one run per model, checked for all of them).
EXTRA = {"dcgan": ["--generator-filters", "8", "--ema", "0.5", "--gif"],
         "wgan_gp": ["--generator-filters", "8", "--seed", "3"]}


@pytest.mark.parametrize("model", sorted(TINY))
def test_train_writes_grids_a_loss_plot_and_a_preset_that_sample_reads(model, tmp_path, capsys):
    out = tmp_path / "run"
    assert _train(model, out, *EXTRA.get(model, [])) == 0
    for name in ("epochs/epoch_001.png", "epochs/epoch_002.png", "samples.png", "history.png",
                 "config.json", "model.weights.h5", "metadata.json"):
        assert (out / name).stat().st_size > 0, name
    dataset, shape = DATASETS.get(model, ("mnist_5k", (28, 28, 1)))
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["class"] == cli_train.MODELS[model] and meta["dataset"] == dataset
    assert meta["fit"]["epochs"] == 2 and "d_loss" in meta["final_logs"]
    assert meta["command"].startswith(f"keras-gan train {model} --dataset {dataset}")

    loaded = keras_gan.zoo.load(str(out), compile=False)
    assert type(loaded).__name__ == cli_train.MODELS[model] and loaded.latent_dim == 8
    assert tuple(loaded.data_shape) == shape  # --image-size honoured by the offline names that take it
    if model == "stylegan2":  # the CPU-sized configuration, --filters as channel_max
        assert (loaded.w_dim, loaded.mapping_layers, loaded.channel_max) == (8, 2, 4)
    if "--seed" in EXTRA.get(model, []):  # samples.png: the grid of --seed's latents, not of a fixed seed
        from matplotlib import image as mpimg

        written = mpimg.imread(out / "samples.png")
        for seed, same in ((3, True), (0, False)):
            images, columns = loaded.generate_grid(64, seed=seed)
            keras_gan.save_image_grid(images, tmp_path / f"seed{seed}.png", columns=columns)
            drawn = mpimg.imread(tmp_path / f"seed{seed}.png")
            assert (np.abs(drawn - written).max() <= 1.5 / 255) == same, seed
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


def test_train_refuses_what_it_cannot_do(tmp_path, capsys):
    cli_error(capsys, ["train", "gan", "--dataset", "ring8", "--out", str(tmp_path), "--epochs", "1"],
              "writes image grids.*shape \\(2,\\)")
    with pytest.raises(SystemExit) as exit_info:  # argparse: unknown model
        cli.main(["train", "vae", "--out", str(tmp_path)])
    assert exit_info.value.code == 2
    cli_error(capsys, ["sample", "dcgan_mnist", "--labels", "3", "-o", str(tmp_path / "x.png")],
              "--labels needs a conditional model; 'dcgan_mnist' is a DCGAN")
    cli_error(capsys, ["train", "dcgan", "--dataset", "mnist_5k", "--image-size", "32", "--out", str(tmp_path)],
              "'mnist_5k' comes at one size and cannot be resized.*Drop image_size \\(CLI: --image-size\\)")
    cli_error(capsys, ["train", "dcgan", "--dataset", "noto_emoji_train", "--image-size", "32x16",
                       "--out", str(tmp_path)], "noto_emoji images are square.*--image-size 32")
    cli_error(capsys, ["train", "stylegan2", "--dataset", "mnist_5k", "--out", str(tmp_path)],
              "stylegan2 needs square images whose side is a power of two.*gives 28x28x1.*--image-size 32")
    cli_error(capsys, ["train", "stylegan2", "--dataset", "noto_emoji_train", "--image-size", "16",
                       "--generator-filters", "8", "--out", str(tmp_path)], "share one width; pass --filters")


@pytest.mark.backend_independent
def test_a_users_mistake_is_one_line_and_status_2_but_a_bug_keeps_its_traceback(tmp_path, capsys, monkeypatch):
    missing = str(tmp_path / "no" / "such" / "folder")
    cli_error(capsys, ["train", "dcgan", "--dataset", missing, "--out", str(tmp_path / "x")],
              f"Expected a folder of images, got '{missing}', which is not a folder \\(nothing is there\\)")

    def broken():
        raise ValueError("not a check of keras-gan's")  # raised outside keras_gan: a bug, not a mistake

    monkeypatch.setattr(keras_gan.zoo, "list", broken)
    with pytest.raises(ValueError, match="not a check of keras-gan's"):
        cli.main(["zoo"])


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
def test_python_dash_m_runs_the_cli(tmp_path):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    result = subprocess.run([sys.executable, "-m", "keras_gan", "train", "--help"], cwd=root,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "--batch-size" in result.stdout
    # The command: one line on stderr, status 2.
    result = subprocess.run([sys.executable, "-m", "keras_gan", "train", "dcgan", "--dataset", "/no/such/folder",
                             "--out", str(tmp_path / "x")], cwd=root, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and result.stderr.startswith("keras-gan: error: Expected a folder of images, got "
                                                               "'/no/such/folder'"), result.stderr
    assert "Traceback" not in result.stderr
