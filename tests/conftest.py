"""Shared test helpers and the suite's settings.

Everything that must be in place before a backend starts is set here from the environment, without importing Keras:
under pytest-xdist this module also loads in the controlling process, which only hands out tests and needs no backend
(importing one there cost 3-6 s per run). Keras and keras_gan load on first use, in the workers.
"""

import os

import numpy as np
import pytest

_BACKEND_ENV = os.environ.get("KERAS_BACKEND")

# Under pytest-xdist (`tests/run_all_backends.py`) each worker gets its share of the cores for its thread pools:
# the tests' many small ops lose far more to workers fighting over threads than they gain from them (PyTorch's
# learning checks ran 2.9x slower with two workers of two threads each on 2 cores). PyTorch reads OMP_NUM_THREADS.
_WORKER_THREADS = None
if os.environ.get("PYTEST_XDIST_WORKER_COUNT"):
    _cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    _WORKER_THREADS = str(max(1, _cores // int(os.environ["PYTEST_XDIST_WORKER_COUNT"])))
    for _name in ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS"):
        os.environ.setdefault(_name, _WORKER_THREADS)

# JAX compiles every new model's training step; the tests run a few steps each, so XLA's CPU backend compiles
# at optimisation level 0 (about 28% less CPU time on tests/test_models.py + test_augment.py, JAX). A user's
# own XLA_FLAGS are left as they are.
if _BACKEND_ENV == "jax" and "XLA_FLAGS" not in os.environ:
    os.environ["XLA_FLAGS"] = "--xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true"
    if _WORKER_THREADS == "1":
        os.environ["XLA_FLAGS"] += " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"

# JAX's persistent compilation cache, shared by this run's processes (xdist workers and the tests' subprocesses
# inherit the variables) and removed when the process that made it exits: many tests build the same small model
# again (a reloaded `.keras` file, the same tiny DCGAN under another option, a learning check's other seeds), and an
# identical program compiles once. It keys on the program, not on the Python objects, so nothing a test checks can
# come from another test's model. KERAS_GAN_TEST_JAX_CACHE=DIR picks the folder; =0 turns it off.
if _BACKEND_ENV == "jax" and os.environ.get("KERAS_GAN_TEST_JAX_CACHE") != "0":
    if not os.environ.get("KERAS_GAN_TEST_JAX_CACHE"):
        import atexit
        import shutil
        import tempfile

        os.environ["KERAS_GAN_TEST_JAX_CACHE"] = tempfile.mkdtemp(prefix="keras_gan_jax_cache_")
        atexit.register(shutil.rmtree, os.environ["KERAS_GAN_TEST_JAX_CACHE"], ignore_errors=True)
    os.environ.setdefault("JAX_COMPILATION_CACHE_DIR", os.environ["KERAS_GAN_TEST_JAX_CACHE"])
    os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
    os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES", "0")


def _backend():
    import keras

    return keras.backend.backend()


def __getattr__(name):
    """`BACKEND`: Keras's backend, read (importing Keras) on first use."""
    if name == "BACKEND":
        return _backend()
    raise AttributeError(name)


# The run that executes the tests marked `tool_once`: the benchmark tools' own tests, whose models and training
# paths are tested on every backend elsewhere; PyTorch runs their many small models without compiling each.
TOOLS_BACKEND = "torch"


def backend_runs(current):
    """The backends this invocation runs, in order: `tests/run_all_backends.py` names them in KERAS_GAN_TEST_RUNS;
    a bare `pytest` is a run of its own, `[current]`."""
    runs = [name for name in os.environ.get("KERAS_GAN_TEST_RUNS", "").split(",") if name]
    return runs if current in runs else [current]


def run_for(backend, runs):
    """The run that executes a test meant for `backend`'s run (None: any one run): that run when it is among
    `runs`, else the first of them, so that no test is skipped by every run."""
    return backend if backend in runs else runs[0]


def pytest_collection_modifyitems(config, items):
    """Runs the `backend_independent` tests in the first backend run only: they compute nothing with Keras's
    backend (numpy figures, argument parsing, files, subprocesses that pick their own backend), so one run says it
    all. Runs the `tool_once` tests in the PyTorch run and `one_backend(NAME)` tests in NAME's run, or in the first
    run when that backend is not among the runs. KERAS_GAN_TEST_EVERYWHERE=1 runs them all in every run."""
    if os.environ.get("KERAS_GAN_TEST_EVERYWHERE") == "1":
        return
    current = _backend()
    runs = backend_runs(current)
    for item in items:
        one = item.get_closest_marker("one_backend")
        for marker, backend in (("backend_independent", None), ("tool_once", TOOLS_BACKEND),
                                ("one_backend", one.args[0] if one else None)):
            target = run_for(backend, runs)
            if item.get_closest_marker(marker) and current != target:
                item.add_marker(pytest.mark.skip(reason=f"{marker}: runs once, in the {target} run"))


@pytest.fixture(autouse=True)
def _float32_policy_after_each_test():
    """Keras's global dtype policy back to float32 after every test: `keras_gan.use_precision` (the examples,
    `keras-gan train`) sets it for the whole process, and "auto" picks bfloat16 on some machines."""
    yield
    import sys

    keras = sys.modules.get("keras")
    if keras is not None:
        keras.mixed_precision.set_global_policy("float32")


def tiny_gan(data_shape=(2,), **kwargs):
    import keras_gan

    kwargs.setdefault("hidden_units", (16, 16))
    return keras_gan.GAN(data_shape, latent_dim=4, **kwargs)


def tiny_dcgan(data_shape=(28, 28, 1), **kwargs):
    import keras_gan

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
    import keras

    return [np.array(keras.ops.convert_to_numpy(v.value)) for v in variables]


@pytest.fixture(params=sorted(MODELS))
def model_and_data(request):
    build, shape = MODELS[request.param]
    model = build()
    model.compile()
    return model, fake_data(shape)


def cli_error(capsys, argv, match):
    """Runs `keras-gan ARGV`, which must stop on a user's mistake as argparse does: status 2 and a last stderr line
    `keras-gan: error: MESSAGE` (no traceback), MESSAGE matching the regular expression `match`; returns it."""
    import re

    from keras_gan import cli

    capsys.readouterr()
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.rstrip().splitlines()[-1].startswith("keras-gan: error: "), err
    message = err.rstrip().splitlines()[-1].removeprefix("keras-gan: error: ")
    assert re.search(match, message), message
    return message


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
