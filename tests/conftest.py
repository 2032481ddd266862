import os

# JAX compiles every new model's training step; the tests run a few steps each, so XLA's CPU backend compiles
# at optimisation level 0 (about 28% less CPU time on tests/test_models.py + test_augment.py, JAX). A user's
# own XLA_FLAGS are left as they are.
if os.environ.get("KERAS_BACKEND") == "jax" and "XLA_FLAGS" not in os.environ:
    os.environ["XLA_FLAGS"] = "--xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true"

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import keras_gan  # noqa: E402

BACKEND = keras.backend.backend()
# The run that executes the tests marked `backend_independent` (`tests/run_all_backends.py` runs TensorFlow first;
# a bare `pytest` uses Keras's default backend, TensorFlow). KERAS_GAN_TEST_EVERYWHERE=1 runs them on any backend.
ONCE_BACKEND = "tensorflow"
# The run that executes the tests marked `tool_once`: the benchmark tools' own tests, whose models and training
# paths are tested on every backend elsewhere; PyTorch runs their many small models without compiling each.
TOOLS_BACKEND = "torch"


def pytest_collection_modifyitems(config, items):
    """Skips the `backend_independent` tests outside the TensorFlow run: they compute nothing with Keras's backend
    (numpy figures, argument parsing, files, subprocesses that pick their own backend), so one run says it all.
    Skips the `tool_once` tests outside the PyTorch run."""
    if os.environ.get("KERAS_GAN_TEST_EVERYWHERE") == "1":
        return
    for marker, backend in (("backend_independent", ONCE_BACKEND), ("tool_once", TOOLS_BACKEND)):
        if BACKEND == backend:
            continue
        skip = pytest.mark.skip(reason=f"{marker}: runs once, in the {backend} run")
        for item in items:
            if item.get_closest_marker(marker):
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
