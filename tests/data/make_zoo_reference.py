"""Stores each zoo entry's images for fixed latents: `python tests/data/make_zoo_reference.py`."""

import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    import keras_gan

    arrays = {}
    for name in keras_gan.zoo.names():
        model = keras_gan.zoo.load(name, compile=False)
        if not isinstance(model, keras_gan.AdversarialModel):  # the metrics' classifier
            continue
        z = np.random.default_rng(0).standard_normal((16, model.latent_dim)).astype("float32")
        kwargs = {}
        if isinstance(model, keras_gan.ConditionalGAN):
            kwargs["labels"] = arrays[f"{name}/labels"] = np.arange(16) % model.num_classes
        arrays[f"{name}/z"] = z
        arrays[f"{name}/images"] = model.generate(z=z, **kwargs)
    np.savez_compressed(os.path.join(HERE, "zoo_reference.npz"), **arrays)


if __name__ == "__main__":
    main()
