"""Train a DCGAN (Radford et al. 2015) and write sample grids and a loss plot.

    KERAS_BACKEND=jax python examples/dcgan.py --epochs 5 --out out/dcgan
"""

from _common import image_parser, load_data, train_and_draw


def main(argv=None):
    parser = image_parser("Train a DCGAN (Radford et al. 2015).", epochs=5, batch_size=128, out="out/dcgan")
    parser.add_argument("--filters", type=int, default=64, help="width of the networks")
    args = parser.parse_args(argv)

    import keras_gan

    x, _ = load_data(args)
    model = keras_gan.DCGAN(x.shape[1:], latent_dim=args.latent_dim, filters=args.filters, seed=args.seed)
    return train_and_draw(model, args, "dcgan", x)


if __name__ == "__main__":
    main()
