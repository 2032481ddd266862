"""Runs the test suite once per Keras backend, each in its own process.

    python tests/run_all_backends.py [pytest args...]

Exits non-zero if any backend fails. TensorFlow runs first: it also runs the tests marked
`backend_independent` (see `tests/conftest.py`), which the JAX and torch runs skip.

Each backend's tests are spread over one pytest-xdist worker per CPU core (at most 4), a test file to a worker
(`--dist loadfile`), so that a module's shared fixtures (the data-parallel runs, the MNIST classifier, a trained
StyleGAN2) are built once; each worker gets its share of the cores' threads and, on JAX, all share one compilation
cache (`tests/conftest.py`). `KERAS_GAN_TEST_WORKERS=N` picks N (1: one process); passing `-n` yourself overrides it.
"""

import importlib.util
import os
import subprocess
import sys

BACKENDS = ("tensorflow", "jax", "torch")


def _workers(argv):
    if "no:xdist" in argv or any(arg.startswith(("-n", "--numprocesses", "--dist")) for arg in argv):
        return []
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    workers = int(os.environ.get("KERAS_GAN_TEST_WORKERS", min(cores, 4)))
    if workers < 2 or importlib.util.find_spec("xdist") is None:
        return []
    return ["-n", str(workers), "--dist", "loadfile"]


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    failed = []
    for backend in BACKENDS:
        print(f"\n=== KERAS_BACKEND={backend} ===", flush=True)
        command = [sys.executable, "-m", "pytest", here, "-q", "-p", "no:cacheprovider", *_workers(argv), *argv]
        if subprocess.run(command, env={**os.environ, "KERAS_BACKEND": backend}).returncode:
            failed.append(backend)
    print(f"\nFailed on: {', '.join(failed)}" if failed else "\nPassed on tensorflow, jax and torch.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
