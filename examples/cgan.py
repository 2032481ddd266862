"""Train a conditional GAN (Mirza & Osindero 2014) on labelled digits and write a grid
with one row per class, a grid per epoch (also one row per class) and a loss plot.

    KERAS_BACKEND=jax python examples/cgan.py --epochs 10 --out out/cgan
"""

from _common import image_parser, load_data, train_and_draw


def main(argv=None):
    parser = image_parser("Train a conditional GAN (Mirza & Osindero 2014).", epochs=10, batch_size=64,
                          out="out/cgan")
    parser.add_argument("--filters", type=int, default=64, help="width of the networks")
    parser.add_argument("--generator-filters", type=int, help="width of G alone (default: --filters)")
    parser.add_argument("--per-class", type=int, default=10, help="samples per row of samples.png")
    args = parser.parse_args(argv)

    import keras_gan

    x, y = load_data(args)
    num_classes = int(y.max()) + 1
    model = keras_gan.ConditionalGAN(
        x.shape[1:], num_classes, latent_dim=args.latent_dim, filters=args.filters,
        generator_filters=args.generator_filters, seed=args.seed
    )

    def rows_per_class():
        return model.generate_grid(num_classes * args.per_class, seed=args.seed)

    return train_and_draw(model, args, "cgan", x, y, final_grid=rows_per_class)


if __name__ == "__main__":
    main()
