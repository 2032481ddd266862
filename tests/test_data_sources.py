"""Data from TensorFlow Datasets (mocked, or prepared here offline), folders of images and user arrays."""

import time

import numpy as np
import pytest

import keras_gan
from conftest import tiny_gan
from keras_gan import data

tfds = pytest.importorskip("tensorflow_datasets")
tf = pytest.importorskip("tensorflow")


class KerasGanTinyImages(tfds.core.GeneratorBasedBuilder):
    """A local tfds builder: 30 random 12x10 RGB images in 3 classes, prepared without a network."""

    VERSION = tfds.core.Version("1.0.0")

    def _info(self):
        return tfds.core.DatasetInfo(
            builder=self,
            features=tfds.features.FeaturesDict({
                "image": tfds.features.Image(shape=(12, 10, 3)),
                "label": tfds.features.ClassLabel(num_classes=3),
            }),
            supervised_keys=("image", "label"),
        )

    def _split_generators(self, dl_manager):
        return {"train": self._generate_examples()}

    def _generate_examples(self):
        rng = np.random.default_rng(0)
        for i in range(30):
            yield i, {"image": rng.integers(0, 256, (12, 10, 3), dtype=np.uint8), "label": i % 3}


def _images_of(result):
    """The images of one batch (stream) or all of them (arrays), and labels or None."""
    if isinstance(result, tuple):
        return result
    batch = next(iter(result))
    return (batch[0].numpy(), batch[1].numpy()) if isinstance(batch, tuple) else (batch.numpy(), None)


def _in_range(x):
    return x.dtype == np.float32 and x.min() >= -1.0 and x.max() <= 1.0 and x.max() > x.min()


@pytest.mark.parametrize("name, shape, labelled", [
    ("mnist", (28, 28, 1), True),
    ("fashion_mnist", (28, 28, 1), True),
    ("cifar10", (32, 32, 3), True),
    ("celeb_a", (64, 64, 3), False),  # 218x178 digits16, centre-cropped and resized
])
def test_tfds_names_load_in_the_generator_range(name, shape, labelled):
    with tfds.testing.mock_data(num_examples=12):
        arrays = data.load(name, download=True, stream=False)
        stream = data.load(name, download=True, stream=True, batch_size=5)
    x, y = arrays
    assert x.shape == (12, *shape) and _in_range(x)
    assert (y is not None) == labelled
    if labelled:
        assert y.dtype == np.int32 and y.shape == (12,)
    images, labels = _images_of(stream)
    assert images.shape == (5, *shape) and _in_range(images) and (labels is not None) == labelled


def test_large_splits_stream_by_default():
    with tfds.testing.mock_data(num_examples=4):  # size unknown under the mock: streams
        assert isinstance(data.load("celeb_a", download=True), tf.data.Dataset)


@pytest.mark.backend_independent
def test_unprepared_tfds_name_fails_fast_without_downloading(tmp_path, monkeypatch):
    def no_download(*args, **kwargs):
        raise AssertionError("download_and_prepare was called")

    monkeypatch.setattr(tfds.core.DatasetBuilder, "download_and_prepare", no_download)
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"mnist_5k, digits, ring8, grid25.*data_dir"):
        data.load("cifar10", data_dir=str(tmp_path))
    assert time.perf_counter() - start < 10
    with pytest.raises(ValueError, match="not an existing folder, and not a TensorFlow Datasets name"):
        data.load("no_such_dataset_xyz", data_dir=str(tmp_path))
    # A path is never a TensorFlow Datasets name: a missing folder says so, with or without TensorFlow.
    with pytest.raises(ValueError, match=r"Expected a folder of images, got .*, which is not a folder \(nothing is "
                                         r"there\)"):
        data.load(str(tmp_path / "no" / "such" / "folder"))


def test_prepared_data_dir_is_read_offline(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="not prepared"):
        data.load("keras_gan_tiny_images", data_dir=str(tmp_path))
    data.load("keras_gan_tiny_images", data_dir=str(tmp_path), download=True)  # generated locally
    monkeypatch.setattr(tfds.core.DatasetBuilder, "download_and_prepare", lambda *a, **k: 1 / 0)
    x, y = data.load("keras_gan_tiny_images", data_dir=str(tmp_path))
    assert x.shape == (30, 12, 10, 3) and _in_range(x) and sorted(set(y)) == [0, 1, 2]
    raw = np.stack([e["image"] for e in tfds.as_numpy(
        tfds.builder("keras_gan_tiny_images", data_dir=str(tmp_path)).as_dataset(split="train"))])
    np.testing.assert_allclose(np.sort(x.ravel()), np.sort(raw.ravel() / 127.5 - 1), atol=1e-6)
    x, _ = data.load("keras_gan_tiny_images", data_dir=str(tmp_path), image_size=(8, 8), limit=7)
    assert x.shape == (7, 8, 8, 3) and _in_range(x)


def _write_pngs(folder, count, size=(20, 30)):
    from PIL import Image

    rng = np.random.default_rng(0)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        Image.fromarray(rng.integers(0, 256, (*size, 3), dtype=np.uint8)).save(folder / f"{i}.png")


def test_folder_of_images(tmp_path):
    _write_pngs(tmp_path / "flat", 6)
    images, labels = data.load(str(tmp_path / "flat"), image_size=(16, 16))  # numpy: decoded once with Pillow
    assert images.shape == (6, 16, 16, 3) and _in_range(images) and labels is None
    _write_pngs(tmp_path / "classes" / "cat", 3)
    _write_pngs(tmp_path / "classes" / "dog", 3)
    images, labels = data.from_directory(tmp_path / "classes", image_size=(8, 8), channels=1)
    assert images.shape == (6, 8, 8, 1) and _in_range(images) and sorted(labels) == [0, 0, 0, 1, 1, 1]


@pytest.mark.backend_independent
def test_scale_images():
    uint8 = np.array([[0, 255], [51, 204]], dtype=np.uint8)[..., None]
    np.testing.assert_allclose(data.scale_images(uint8)[..., 0], [[-1, 1], [-0.6, 0.6]], atol=1e-6)
    np.testing.assert_allclose(data.scale_images(np.array([0.0, 0.25, 1.0])), [-1, -0.5, 1])
    np.testing.assert_allclose(data.scale_images(np.array([0.0, 127.5]), input_range=(0, 255)), [-1, 0])
    assert data.scale_images(uint8).dtype == np.float32
    with pytest.raises(ValueError, match=r"Expected image values in \[0, 1\].*input_range"):
        data.scale_images(np.array([0.0, 255.0]))
    with pytest.raises(ValueError, match="NaN"):
        data.scale_images(np.array([0.0, np.nan]))


def _fits_one_epoch(model, source):
    model.compile()
    model.fit(source, batch_size=8, epochs=1, verbose=0)
    assert int(model.g_optimizer.iterations) >= 1
    assert np.isfinite(model.generate(2, seed=0)).all()


def test_a_model_trains_from_each_kind_of_source(tmp_path):
    with tfds.testing.mock_data(num_examples=16):
        x, _ = data.load("mnist", download=True, stream=False)
        stream = data.load("celeb_a", download=True, batch_size=8)
        _fits_one_epoch(tiny_gan((28, 28, 1)), x)  # tfds as arrays
        _fits_one_epoch(tiny_gan((64, 64, 3)), stream)  # tfds streamed
    _write_pngs(tmp_path / "pngs", 8)
    _fits_one_epoch(tiny_gan((16, 16, 3)), data.load(str(tmp_path / "pngs"), image_size=(16, 16))[0])
    user = np.random.default_rng(0).integers(0, 256, (16, 8, 8, 1), dtype=np.uint8)
    _fits_one_epoch(tiny_gan((8, 8, 1)), data.scale_images(user))  # user arrays
    cgan = keras_gan.ConditionalGAN((16, 16, 1), num_classes=3, latent_dim=4, filters=4)
    cgan.compile()
    digits16 = data.scale_images(np.repeat(np.repeat(user, 2, axis=1), 2, axis=2))
    cgan.fit(tf.data.Dataset.from_tensor_slices((digits16, np.arange(16) % 3)).batch(8), epochs=1, verbose=0)
    assert int(cgan.g_optimizer.iterations) == 2
