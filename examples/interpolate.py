"""Walk the latent space of a zoo model: one row per pair of samples, one column per step.

Interpolates spherically (White 2016, arXiv:1609.04468: the path stays where Gaussian latents
have their mass) or linearly. For a conditional model (`cgan_mnist`) each row keeps one label,
so the row shows one digit changing style.

    KERAS_BACKEND=jax python examples/interpolate.py --name dcgan_mnist --out out/interpolate
"""

import argparse
import os

import numpy as np


def interpolate(z0, z1, t, method="slerp"):
    """Points between latents along a line or a great circle.

    Args:
        z0, z1: `(n, d)` start and end latents.
        t: `(steps,)` fractions in [0, 1].
        method: `"slerp"` (spherical) or `"linear"`.

    Returns:
        `(n, steps, d)` latents; `t = 0` gives `z0`, `t = 1` gives `z1`.
    """
    t = np.asarray(t, dtype="float64")[None, :, None]
    z0, z1 = np.asarray(z0, dtype="float64")[:, None], np.asarray(z1, dtype="float64")[:, None]
    if method == "linear":
        return (1 - t) * z0 + t * z1
    if method != "slerp":
        raise ValueError(f"method must be 'slerp' or 'linear', got {method!r}.")
    cos = np.sum(z0 * z1, axis=-1, keepdims=True) / (np.linalg.norm(z0, axis=-1, keepdims=True)
                                                     * np.linalg.norm(z1, axis=-1, keepdims=True))
    omega = np.arccos(np.clip(cos, -1.0, 1.0))
    sin = np.sin(omega)
    # Parallel latents have no great circle through them; the line is the limit there.
    parallel = sin < 1e-6
    safe = np.where(parallel, 1.0, sin)
    spherical = (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / safe
    return np.where(parallel, (1 - t) * z0 + t * z1, spherical)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Latent interpolation between samples of a zoo model.")
    parser.add_argument("--name", default="dcgan_mnist", help="zoo entry or preset directory (keras_gan.zoo.load)")
    parser.add_argument("--pairs", type=int, default=8, help="rows: pairs of endpoints")
    parser.add_argument("--steps", type=int, default=10, help="columns: points from one end to the other")
    parser.add_argument("--method", default="slerp", choices=["slerp", "linear"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="out/interpolate", help="folder for NAME_METHOD.png")
    args = parser.parse_args(argv)
    if args.pairs < 1 or args.steps < 2:
        raise ValueError(f"Need --pairs >= 1 and --steps >= 2, got {args.pairs} and {args.steps}.")

    import keras_gan

    model = keras_gan.zoo.load(args.name, compile=False)
    rng = np.random.default_rng(args.seed)
    z0, z1 = rng.standard_normal((2, args.pairs, model.latent_dim))
    z = interpolate(z0, z1, np.linspace(0.0, 1.0, args.steps), args.method).reshape(-1, model.latent_dim)
    if isinstance(model, keras_gan.ConditionalGAN):
        labels = np.repeat(np.arange(args.pairs) % model.num_classes, args.steps)
        images = model.generate(z=z, labels=labels)
    else:
        images = model.generate(z=z)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, f"{os.path.basename(os.path.normpath(args.name))}_{args.method}.png")
    keras_gan.save_image_grid(images, path, columns=args.steps)
    print(f"{args.pairs} interpolations of {args.steps} steps ({args.method}) from {args.name}: {path}")
    return path


if __name__ == "__main__":
    main()
