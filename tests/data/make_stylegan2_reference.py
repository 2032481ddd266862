"""Regenerates StyleGAN2's cross-backend reference: `python tests/data/make_stylegan2_reference.py` (any backend).

The weights come from numpy (`set_reference_weights`), not from a backend's initialisers, so every
backend builds the same model; sampling uses the layers' fixed noise images (also set from numpy).
"""

import os
import re

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = os.path.join(HERE, "stylegan2_reference.npz")


def reference_model():
    import keras_gan

    return keras_gan.StyleGAN2((8, 8, 3), latent_dim=8, w_dim=8, mapping_layers=2, channel_base=64,
                               channel_max=8, num_classes=3, seed=0)


def set_reference_weights(model):
    """Every float weight of G, D and `w_avg` from `numpy.random.default_rng(0)`, by sorted path."""
    rng = np.random.default_rng(0)
    variables = [v for v in model.weights if "float" in str(v.dtype)]
    for v in sorted(variables, key=lambda v: v.path):
        value = rng.standard_normal(v.shape)
        if v.path.endswith(("bias", "strength", "w_avg")):
            value = 0.2 * value + (1.0 if v.path.endswith("affine_bias") else 0.0)
        elif re.match(r"fc\d+/kernel", v.path):  # the mapping network's: stored as N(0, 1 / lr_multiplier)
            value = value / model.mapping_lr_multiplier
        elif v.path.startswith("torgb"):  # images mostly inside [-1, 1] (generate clips)
            value = 0.3 * value
        v.assign(value.astype("float32"))


def reference_inputs(model):
    rng = np.random.default_rng(1)
    z_a, z_b = (rng.standard_normal((4, model.latent_dim)).astype("float32") for _ in range(2))
    labels = np.array([0, 1, 2, 1], "int32")
    images = rng.uniform(-1, 1, (4, *model.data_shape)).astype("float32")
    return z_a, z_b, labels, images


def reference_outputs(model):
    """The figures compared across backends: samples, truncated samples, a mix, D's logits."""
    import keras

    z_a, z_b, labels, images = reference_inputs(model)
    return {
        "samples": model.generate(z=z_a, labels=labels, ema=False),
        "truncated": model.generate(z=z_a, labels=labels, truncation=0.5, ema=False),
        "mixed": model.mix(z_a, z_b, 3, labels=labels, ema=False),
        "logits": keras.ops.convert_to_numpy(model.discriminator([images, labels])),
    }


def main():
    import keras

    model = reference_model()
    set_reference_weights(model)
    np.savez(PATH, backend=keras.backend.backend(), **reference_outputs(model))


if __name__ == "__main__":
    main()
