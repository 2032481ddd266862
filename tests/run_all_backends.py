"""Runs the test suite once per Keras backend, each in its own process.

    python tests/run_all_backends.py [pytest args...]

Exits non-zero if any backend fails.
"""

import os
import subprocess
import sys

BACKENDS = ("tensorflow", "jax", "torch")


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    failed = []
    for backend in BACKENDS:
        print(f"\n=== KERAS_BACKEND={backend} ===", flush=True)
        command = [sys.executable, "-m", "pytest", here, "-q", "-p", "no:cacheprovider", *argv]
        if subprocess.run(command, env={**os.environ, "KERAS_BACKEND": backend}).returncode:
            failed.append(backend)
    print(f"\nFailed on: {', '.join(failed)}" if failed else "\nPassed on tensorflow, jax and torch.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
