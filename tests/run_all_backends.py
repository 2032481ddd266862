"""Runs the test suite once per Keras backend, each in its own process.

    python tests/run_all_backends.py [pytest args...]

Exits non-zero if any backend fails. `KERAS_GAN_TEST_BACKENDS=jax,torch` runs those alone (default: all three).
The first run also runs the tests marked `backend_independent` (see `tests/conftest.py`), which the others skip.

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


def _backends():
    """The backends to run, in order: KERAS_GAN_TEST_BACKENDS (comma-separated) or all of BACKENDS."""
    chosen = [b.strip() for b in os.environ.get("KERAS_GAN_TEST_BACKENDS", "").split(",") if b.strip()]
    unknown = [b for b in chosen if b not in BACKENDS]
    if unknown:
        raise SystemExit(f"KERAS_GAN_TEST_BACKENDS: unknown backend(s) {', '.join(unknown)}; expected names from "
                         f"{', '.join(BACKENDS)}, comma-separated.")
    return tuple(chosen) or BACKENDS


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
    failed, backends = [], _backends()
    for backend in backends:
        print(f"\n=== KERAS_BACKEND={backend} ===", flush=True)
        command = [sys.executable, "-m", "pytest", here, "-q", "-p", "no:cacheprovider", *_workers(argv), *argv]
        # The runs, in order: conftest runs the backend-independent tests in the first one.
        env = {**os.environ, "KERAS_BACKEND": backend, "KERAS_GAN_TEST_RUNS": ",".join(backends)}
        if subprocess.run(command, env=env).returncode:
            failed.append(backend)
    print(f"\nFailed on: {', '.join(failed)}" if failed else f"\nPassed on {', '.join(backends)}.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
