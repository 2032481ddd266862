import os

import keras
import numpy as np
import pytest

import keras_gan

BACKEND = keras.backend.backend()
# The run that executes the tests marked `backend_independent` (`tests/run_all_backends.py` runs TensorFlow first;
# a bare `pytest` uses Keras's default backend, TensorFlow). KERAS_GAN_TEST_EVERYWHERE=1 runs them on any backend.
ONCE_BACKEND = "tensorflow"


def pytest_collection_modifyitems(config, items):
    """Skips the `backend_independent` tests outside the TensorFlow run: they compute nothing with Keras's backend
    (numpy figures, argument parsing, files, subprocesses that pick their own backend), so one run says it all."""
    if BACKEND == ONCE_BACKEND or os.environ.get("KERAS_GAN_TEST_EVERYWHERE") == "1":
        return
    skip = pytest.mark.skip(reason=f"backend-independent: runs once, in the {ONCE_BACKEND} run")
    for item in items:
        if item.get_closest_marker("backend_independent"):
            item.add_marker(skip)


def tiny_gan(data_shape=(2,), **kwargs):
    kwargs.setdefault("hidden_units", (16, 16))
    return keras_gan.GAN(data_shape, latent_dim=4, **kwargs)


def tiny_dcgan(data_shape=(28, 28, 1), **kwargs):
    return keras_gan.DCGAN(data_shape, latent_dim=8, filters=4, **kwargs)


MODELS = {
    "gan_vector": (tiny_gan, (2,)),
    "gan_image": (lambda: tiny_gan((8, 8, 1)), (8, 8, 1)),
    "dcgan": (tiny_dcgan, (28, 28, 1)),
}


LEARNING_RATES = ("d_learning_rate", "g_learning_rate")  # logged by every fit (keras_gan.callbacks.LearningRates)


def fake_data(data_shape, n=64, seed=0):
    """Float32 samples in [-1, 1] of the given shape."""
    return np.random.default_rng(seed).uniform(-1, 1, (n, *data_shape)).astype("float32")


def weights_of(variables):
    return [np.array(keras.ops.convert_to_numpy(v.value)) for v in variables]


@pytest.fixture(params=sorted(MODELS))
def model_and_data(request):
    build, shape = MODELS[request.param]
    model = build()
    model.compile()
    return model, fake_data(shape)


def load_bench(name):
    """Imports `bench/NAME.py` (the benchmarks are scripts, not a package)."""
    import importlib.util
    import os
    import sys

    bench = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bench")
    if bench not in sys.path:  # as when the script runs: its siblings (timing, references) import
        sys.path.insert(0, bench)
    path = os.path.join(bench, f"{name}.py")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
