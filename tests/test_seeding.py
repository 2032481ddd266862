"""`keras.utils.set_random_seed` called after `import keras_gan` fixes every default network's initial weights."""

import json
import os
import subprocess
import sys

import keras
import numpy as np
from keras_gan import networks

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SCRIPT = """
import json, sys
import keras_gan, keras  # imported first: seeding afterwards must still fix everything
sums = {}
for seed in json.loads(sys.argv[1]):
    for name, config in json.loads(sys.argv[2]):
        keras.utils.set_random_seed(seed)
        model = getattr(keras_gan, name)(**config)
        sums[f"{seed}/{name}"] = [float(keras.ops.sum(v.value))
                                  for v in model.generator.weights + model.discriminator.weights]
print(json.dumps(sums))
"""

MODELS = [
    ("DCGAN", {"data_shape": [16, 16, 1], "filters": 8, "latent_dim": 8}),
    ("ConditionalGAN", {"data_shape": [16, 16, 1], "num_classes": 3, "filters": 8, "latent_dim": 8,
                        "conditioning": "projection"}),
    ("GAN", {"data_shape": [4], "hidden_units": [8], "dropout": 0.3, "latent_dim": 2}),
]


def _weights(*seeds):
    """Per seed and model (`"SEED/NAME"`), the sum of each initial weight, built in one new process that seeds
    itself with each of `seeds` in turn before building each model."""
    env = {**os.environ, "KERAS_BACKEND": keras.backend.backend()}
    out = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(seeds), json.dumps(MODELS)], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return {k: np.array(v) for k, v in json.loads(out.stdout.strip().splitlines()[-1]).items()}


def test_seed_after_import_fixes_initial_weights_across_processes():
    # Seed 0 after seed 1 in one process gives what seed 0 gives first in another: nothing carries over.
    first, later = _weights(0), _weights(1, 0)
    for name, _ in MODELS:
        np.testing.assert_array_equal(first[f"0/{name}"], later[f"0/{name}"], err_msg=name)
        assert not np.allclose(first[f"0/{name}"], later[f"1/{name}"]), name


def test_each_layer_draws_its_own_initial_weights():
    a = keras.ops.convert_to_numpy(networks._init()((4, 4)))
    b = keras.ops.convert_to_numpy(networks._init()((4, 4)))
    assert not np.allclose(a, b)
    assert abs(a.std() - 0.02) < 0.015
