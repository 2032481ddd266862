"""Which Keras backend to load when the user set none: run by `keras_gan/__init__.py` before Keras is imported.

Keras takes `KERAS_BACKEND`, else the `"backend"` of `$KERAS_HOME/keras.json` (`~/.keras/keras.json`), else
TensorFlow. After `pip install "keras-gan[jax]"` that default is not installed and `import keras` fails; so when
`KERAS_BACKEND` is unset and the backend Keras would take is missing, keras-gan sets `KERAS_BACKEND` to an installed
one: jax, then torch, then tensorflow. Imports nothing heavy: only `importlib.util.find_spec`.
"""

import importlib.util
import json
import os
import sys

__all__ = ["BACKENDS", "choose_backend", "configured_backend"]

# In the order they are picked when the configured backend is missing.
BACKENDS = ("jax", "torch", "tensorflow")


def configured_backend():
    """The backend Keras takes without `KERAS_BACKEND`: `keras.json`'s `"backend"`, else `"tensorflow"`."""
    home = os.environ.get("KERAS_HOME")
    if not home:
        base = os.path.expanduser("~")
        home = os.path.join(base if os.access(base, os.W_OK) else "/tmp", ".keras")  # as Keras chooses it
    try:
        with open(os.path.join(os.path.expanduser(home), "keras.json")) as f:
            backend = json.load(f).get("backend")
    except (OSError, ValueError, AttributeError):
        backend = None
    return backend or "tensorflow"


def _installed(name):
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def choose_backend():
    """Sets `KERAS_BACKEND` to an installed backend when it is unset and the configured one is not installed.

    Does nothing once Keras is imported (it has read its backend) or when `KERAS_BACKEND` is set.

    Returns:
        the backend set, or None when nothing was changed.

    Raises:
        ImportError: when none of jax, torch and tensorflow is installed.
    """
    if "keras" in sys.modules or os.environ.get("KERAS_BACKEND"):
        return None
    configured = configured_backend()
    if _installed(configured):
        return None
    for name in BACKENDS:
        if _installed(name):
            os.environ["KERAS_BACKEND"] = name
            return name
    raise ImportError(
        f"keras-gan needs a Keras backend, but none of {', '.join(BACKENDS)} is installed (Keras would load "
        f"{configured}). Install one, e.g. pip install \"keras-gan[jax]\" (or [torch], [tensorflow]), or set "
        f"KERAS_BACKEND to an installed backend."
    )
