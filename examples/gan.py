"""Train an MLP GAN (Goodfellow et al. 2014) and write sample grids and a loss plot.

    KERAS_BACKEND=jax python examples/gan.py --epochs 20 --out out/gan
"""

from _common import image_parser, load_data, train_and_draw


def main(argv=None):
    parser = image_parser("Train an MLP GAN (Goodfellow et al. 2014).", epochs=20, batch_size=64, out="out/gan")
    parser.add_argument("--hidden-units", type=int, nargs="+", default=[512, 512], help="widths of G's and D's layers")
    parser.add_argument("--dropout", type=float, default=0.3, help="dropout in D, as in the paper")
    args = parser.parse_args(argv)

    import keras_gan

    x, _ = load_data(args)
    model = keras_gan.GAN(
        x.shape[1:], latent_dim=args.latent_dim, hidden_units=args.hidden_units, dropout=args.dropout, seed=args.seed
    )
    return train_and_draw(model, args, "gan", x)


if __name__ == "__main__":
    main()
