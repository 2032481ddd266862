"""Train a DCGAN (Radford et al. 2015), write sample grids and a loss plot, and print its figures.

    KERAS_BACKEND=jax python examples/dcgan.py --out out/dcgan

The defaults fit the Quick start's budget (about 3 minutes on a 2-core CPU): a narrow network
(`--filters 32`), a 64-dimensional z, 45 epochs, the hinge loss, Adam(β1 = 0.5) at 1e-3 for D and 2e-3 for G (two
timescales, G the faster) and a generator EMA (0.995). The zoo's `dcgan_mnist` is the long recipe (`python -m keras_gan.zoo.train dcgan_mnist`).
"""

from _common import (augment_policy, d_normalization, image_parser, load_data, recipe_compile, recipe_flags,
                     train_and_draw)


def main(argv=None):
    parser = image_parser("Train a DCGAN (Radford et al. 2015).", epochs=45, batch_size=64, out="out/dcgan",
                          latent_dim=64)
    parser.add_argument("--filters", type=int, default=32, help="width of the networks")
    parser.add_argument("--generator-filters", type=int, help="width of G alone (default: --filters)")
    parser.add_argument("--d-normalization", default="batch",
                        help="normalization in D: batch (DCGAN), spectral (SN-GAN), layer or none")
    recipe_flags(parser, augment="none", ema=0.995, lr=1e-3, g_lr=2e-3, loss="hinge")
    args = parser.parse_args(argv)

    import keras_gan

    x, _ = load_data(args)
    model = keras_gan.DCGAN(x.shape[1:], latent_dim=args.latent_dim, filters=args.filters,
                            generator_filters=args.generator_filters, seed=args.seed,
                            augment=augment_policy(args), d_normalization=d_normalization(args))
    recipe_compile(model, args, len(x))
    return train_and_draw(model, args, "dcgan", x)


if __name__ == "__main__":
    main()
