"""Offline datasets: shapes, ranges, labels and the documented mixture specifications."""

import numpy as np
import pytest

import keras_gan
from keras_gan import data


@pytest.mark.backend_independent
def test_mnist_5k_is_real_mnist_in_the_generator_range():
    x, y = data.load("mnist_5k")
    assert x.shape == (5000, 28, 28, 1) and x.dtype == np.float32
    assert x.min() == -1.0 and x.max() == 1.0
    assert np.bincount(y).tolist() == [500] * 10
    assert (x > 0).mean() < 0.25  # mostly background: strokes on black, not noise


@pytest.mark.backend_independent
def test_digits_from_scikit_learn():
    x, y = data.load("digits")
    assert x.shape == (1797, 8, 8, 1) and x.dtype == np.float32
    assert x.min() == -1.0 and x.max() == 1.0 and set(y) == set(range(10))


@pytest.mark.backend_independent
def test_mixtures_follow_the_pacgan_specification():
    x, y = data.load("ring8", num_samples=8000, seed=1)
    centers = data.ring8_centers()
    np.testing.assert_allclose(np.linalg.norm(centers, axis=1), 1.0)
    assert 0.0095 < (x - centers[y]).std() < 0.0105 and len(set(y)) == 8
    x, y = data.load("grid25", num_samples=8000)
    assert data.grid25_centers().shape == (25, 2) and len(set(y)) == 25
    assert 0.0475 < (x - data.grid25_centers()[y]).std() < 0.0525


def test_a_gan_trains_on_each_offline_dataset():
    for name, shape in (("digits", (8, 8, 1)), ("ring8", (2,))):
        x, _ = data.load(name)
        model = keras_gan.GAN(shape, latent_dim=4, hidden_units=(8,))
        model.compile()
        model.fit(x[:64], batch_size=32, epochs=1, verbose=0)
        assert int(model.g_optimizer.iterations) == 2


@pytest.mark.backend_independent
def test_limit_keeps_a_subset_with_every_class():
    x, y = data.load("mnist_5k", limit=100)
    full, _ = data.load("mnist_5k")
    assert x.shape == (100, 28, 28, 1) and len(set(y)) == 10
    assert all((full == image).all(axis=(1, 2, 3)).any() for image in x[:5])


@pytest.mark.backend_independent
def test_offline_names_load_without_tensorflow():
    import importlib.util
    import os
    import subprocess
    import sys

    backend = next((b for b in ("jax", "torch") if importlib.util.find_spec(b)), None)
    if backend is None:
        pytest.skip("needs the jax or torch backend to import keras without TensorFlow")
    script = (
        "import sys; sys.modules['tensorflow'] = None; sys.modules['tensorflow_datasets'] = None\n"
        "import keras_gan\n"
        "print([keras_gan.data.load(n, limit=3)[0].shape for n in keras_gan.data.OFFLINE])\n"
        "try:\n    keras_gan.data.load('mnist')\nexcept ImportError as e:\n    print(e)\n"
    )
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    result = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True,
                            env={**os.environ, "KERAS_BACKEND": backend}, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "[(3, 28, 28, 1), (3, 8, 8, 1), (3, 2), (3, 2), (3, 64, 64, 3)]" in result.stdout
    assert 'pip install "keras-gan[tfds]"' in result.stdout


@pytest.mark.backend_independent
def test_mnist_5k_is_parsed_once_and_each_load_is_its_own_copy():
    x, y = data.load("mnist_5k")
    x[:] = 0.0
    y[:] = -1
    again, labels = data.load("mnist_5k")
    assert again.min() == -1.0 and again.max() == 1.0 and labels.min() == 0
    assert data.offline._mnist_5k_parsed.cache_info().hits >= 1
