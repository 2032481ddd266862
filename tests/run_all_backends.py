"""Runs the test suite once per Keras backend, each in its own process.

    python tests/run_all_backends.py [pytest args...]

Exits non-zero if any backend fails. TensorFlow runs first: it also runs the tests marked
`backend_independent` (see `tests/conftest.py`), which the JAX and torch runs skip.

`KERAS_GAN_TEST_WORKERS=N` (N >= 2, pytest-xdist installed) spreads each backend's test files over
N processes, files kept whole (`--dist loadfile`) so that a module's shared fixtures (the
data-parallel runs, the MNIST classifier) are built once; passing `-n` yourself overrides it. It is
off by default: each worker imports TensorFlow, JAX and torch again, which doubled the CPU time of a
45-test sample on a loaded 2-core Xeon and did not shorten its wall time there.
"""

import importlib.util
import os
import subprocess
import sys

BACKENDS = ("tensorflow", "jax", "torch")


def _workers(argv):
    if "no:xdist" in argv or any(arg.startswith(("-n", "--numprocesses")) for arg in argv):
        return []
    if importlib.util.find_spec("xdist") is None or (os.cpu_count() or 1) < 2:
        return []
    workers = int(os.environ.get("KERAS_GAN_TEST_WORKERS", "0"))
    return ["-n", str(workers), "--dist", "loadfile"] if workers > 1 else []


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
