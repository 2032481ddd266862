"""Regenerates the cross-backend reference: `python tests/data/make_reference.py` (any backend)."""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from conftest import tiny_dcgan  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    import keras

    model = tiny_dcgan()
    rng = np.random.default_rng(0)
    for v in model.weights:  # weights of realistic scale, so outputs span [-1, 1]
        if "variance" in v.path or "gamma" in v.path:
            value = rng.uniform(0.5, 1.5, v.shape)
        elif len(v.shape) > 1:
            value = rng.standard_normal(v.shape) * np.sqrt(2.0 * v.shape[-1] / np.prod(v.shape))
        else:
            value = 0.1 * rng.standard_normal(v.shape)
        v.assign(value.astype("float32"))
    model.save_weights(os.path.join(HERE, "dcgan_tiny.weights.h5"))
    z = np.random.default_rng(0).standard_normal((8, model.latent_dim)).astype("float32")
    np.savez(os.path.join(HERE, "dcgan_tiny_reference.npz"), z=z, images=model.generate(z=z),
             backend=keras.backend.backend())


if __name__ == "__main__":
    main()
