"""The zoo: every entry loads, verified, and gives the stored images on every backend."""

import os
import shutil
import sys

import numpy as np
import pytest
from matplotlib import image as mpimg

import keras_gan
from keras_gan import zoo

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "data", "zoo_reference.npz")
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import train_zoo as train  # noqa: E402 (the zoo's retraining: a tool of the repository)


@pytest.mark.backend_independent
def test_retrained_entries_record_their_recipe_and_curve():
    """Entries trained by a recipe carry it (the model their weights fit) and the figures along the run."""
    for name in zoo.names():
        meta = zoo.metadata(name)
        if name not in train.RECIPES or train.RECIPES[name].get("classifier"):
            continue
        # the stored weights are the recipe's: `python tools/train_zoo.py NAME` rebuilds this model
        assert meta["recipe"]["model"] == train.RECIPES[name]["model"] and meta["recipe"]["fit"]["epochs"] > 0, name
        assert meta["class"] == train.RECIPES[name]["class"], name
        curve = meta.get("curve", [])
        assert all(a["steps"] < b["steps"] for a, b in zip(curve, curve[1:]))
        if curve:
            assert curve[-1]["frechet_distance"] > 0


def test_recipe_rates_decay_linearly_to_zero_where_asked():
    spec = train._adam(1e-3, decay_steps=100)
    optimizer = train.compile_arguments({"compile": {"d_optimizer": spec}})["d_optimizer"]
    schedule = optimizer._learning_rate
    np.testing.assert_allclose([float(schedule(s)) for s in (0, 50, 100, 200)], [1e-3, 5e-4, 0.0, 0.0], atol=1e-9)
    assert train._adam(2e-4)["config"]["learning_rate"] == 2e-4  # constant unless asked
    assert spec == train._adam(1e-3, decay_steps=100)  # compiling leaves the recipe as written
    # A recipe that decays does so over exactly its own training: each optimizer's updates in epochs x steps per
    # epoch (4,000 digits, 3,196 emoji); D takes `d_steps` updates per step (WGAN-GP: 5).
    import keras_gan

    for name, recipe in train.RECIPES.items():
        for key, value in recipe.get("compile", {}).items():
            rate = value["config"]["learning_rate"] if key.endswith("_optimizer") else None
            if isinstance(rate, dict):
                size = 3196 if recipe.get("dataset") == "noto_emoji_train" else 4000
                steps_per_epoch = -(-size // recipe["fit"]["batch_size"])
                d_steps = getattr(keras_gan, recipe["class"])(**recipe["model"]).d_steps if key == "d_optimizer" else 1
                assert rate["config"]["decay_steps"] == recipe["fit"]["epochs"] * steps_per_epoch * d_steps, name


@pytest.mark.backend_independent
def test_manifest_names_the_entries_and_their_files_and_metadata_the_rest():
    names = zoo.names()
    assert {"cgan_mnist", "dcgan_mnist", "gan_mnist", "mnist_classifier", "wgan_gp_mnist", "emoji_classifier"} <= set(names)
    assert names == sorted(names) and set(names) <= {*train.RECIPES, "emoji_classifier"}
    lines = zoo.list()
    assert len(lines) == len(names) and all(line.split()[0] in names for line in lines)
    for name, record in zoo.manifest()["entries"].items():
        assert set(record) == {"path", "files"} and set(record["files"]) == set(zoo.PRESET_FILES), name
        meta = zoo.metadata(name)
        command = ("python tools/train_emoji_classifier.py" if name == "emoji_classifier"
                   else f"python tools/train_zoo.py {name}")
        assert command in meta["command"], name
        assert meta["dataset"] in ("mnist_5k", "mnist_5k_train", "noto_emoji_train") and meta["trained_with"]["keras"]
        assert f"{meta['params']:,}" in lines[names.index(name)]


@pytest.mark.parametrize("name", ["gan_mnist", "dcgan_mnist", "cgan_mnist", "wgan_gp_mnist", "dcgan_emoji",
                                  "cgan_emoji"])
def test_every_entry_gives_the_stored_images_on_this_backend(name):
    """Reference images were computed once (tests/data/make_zoo_reference.py) on the training backend."""
    reference = np.load(REFERENCE)
    model = zoo.load(name)
    kwargs = {"labels": reference[f"{name}/labels"]} if isinstance(model, keras_gan.ConditionalGAN) else {}
    images = model.generate(z=reference[f"{name}/z"], **kwargs)
    assert images.shape == (16, *model.data_shape) and images.std() > 0.1
    np.testing.assert_allclose(images, reference[f"{name}/images"], atol=1e-4)
    assert model.discriminator.count_params() > 0 and model.compiled  # ready to fine-tune


def test_from_preset_and_class_mismatch():
    model = keras_gan.DCGAN.from_preset("dcgan_mnist")
    assert type(model) is keras_gan.DCGAN
    with pytest.raises(ValueError, match="holds a DCGAN, not a WGANGP"):
        keras_gan.WGANGP.from_preset("dcgan_mnist")


def _copy_entry(tmp_path, name="dcgan_mnist"):
    target = tmp_path / name
    shutil.copytree(os.path.join(zoo.zoo_dir(), name), target)
    return target


def test_local_preset_directory_loads(tmp_path):
    directory = _copy_entry(tmp_path)
    model = zoo.load(str(directory))
    np.testing.assert_array_equal(model.generate(4, seed=0), zoo.load("dcgan_mnist").generate(4, seed=0))
    expected = zoo.metadata("dcgan_mnist")["recipe"]["model"]["latent_dim"]
    assert keras_gan.DCGAN.from_preset(str(directory)).latent_dim == expected


@pytest.mark.parametrize("damage", ["flip", "truncate"])
@pytest.mark.backend_independent
def test_tampered_or_truncated_weights_are_refused(tmp_path, damage, monkeypatch):
    shutil.copy(os.path.join(zoo.zoo_dir(), "manifest.json"), tmp_path / "manifest.json")
    directory = _copy_entry(tmp_path)
    weights = directory / zoo.WEIGHTS_FILE
    data = bytearray(weights.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0xFF
    else:
        data = data[: len(data) // 2]
    weights.write_bytes(bytes(data))
    expected = zoo.manifest()["entries"]["dcgan_mnist"]["files"][zoo.WEIGHTS_FILE]["sha256"]
    monkeypatch.setattr(zoo, "zoo_dir", lambda: str(tmp_path))
    with pytest.raises(ValueError, match=rf"model\.weights\.h5 failed verification: expected sha256 {expected}"):
        zoo.load("dcgan_mnist")
    with pytest.raises(ValueError, match="failed verification"):  # a local directory is checked too
        zoo.load(str(directory))


@pytest.mark.backend_independent
def test_unknown_name_suggests_a_close_match():
    with pytest.raises(ValueError, match=r'Did you mean "dcgan_mnist"\?.*cgan_emoji, cgan_mnist, dcgan_emoji, dcgan_mnist'):
        zoo.load("dcgan_mnst")


def test_remote_entry_is_fetched_verified_and_cached(tmp_path, monkeypatch):
    source = _copy_entry(tmp_path / "server")
    record = dict(zoo.manifest()["entries"]["dcgan_mnist"])
    del record["path"]
    record["url"] = source.as_uri()
    monkeypatch.setattr(zoo, "manifest", lambda: {"entries": {"remote_dcgan": record}})
    cache = tmp_path / "cache"
    model = zoo.load("remote_dcgan", cache_dir=str(cache))
    assert model.generate(2, seed=0).shape == (2, 28, 28, 1)
    assert (cache / "keras_gan" / "remote_dcgan" / zoo.WEIGHTS_FILE).exists()
    # A changed remote file fails its hash and is not loaded.
    weights = source / zoo.WEIGHTS_FILE
    weights.write_bytes(weights.read_bytes()[:-10])
    for cached in (cache / "keras_gan" / "remote_dcgan").iterdir():
        cached.unlink()
    with pytest.raises(ValueError, match="hash|verification"):
        zoo.load("remote_dcgan", cache_dir=str(cache))


def test_cli_lists_the_zoo_and_writes_a_png(tmp_path, capsys):
    from keras_gan import cli

    cli.main(["zoo"])
    assert "dcgan_mnist" in capsys.readouterr().out
    out = tmp_path / "grid.png"
    cli.main(["sample", "dcgan_mnist", "-n", "16", "-o", str(out)])
    image = mpimg.imread(out)
    assert image.shape[0] == 4 * 28 and image.std() > 0.05
    cli.main(["sample", "cgan_mnist", "-n", "20", "-o", str(tmp_path / "c.png")])
    assert mpimg.imread(tmp_path / "c.png").shape[:2] == (10 * 28, 2 * 28)  # one row per class


@pytest.mark.backend_independent
def test_preset_metadata_records_how_it_was_made():
    meta = zoo.metadata("cgan_mnist")
    assert meta["class"] == "ConditionalGAN" and meta["params"] > 0 and meta["train_seconds"] > 0
    trained_with = meta["trained_with"]  # the versions that made the weights
    assert trained_with["backend"] in ("tensorflow", "jax", "torch") and trained_with[trained_with["backend"]]
    assert trained_with["keras"].startswith("3.") and trained_with["keras_gan"] and trained_with["python"]
