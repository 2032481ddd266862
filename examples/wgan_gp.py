"""Train a WGAN-GP (Gulrajani et al. 2017) and write sample grids and a plot of the losses,
the gradient penalty and the Wasserstein estimate.

    KERAS_BACKEND=jax python examples/wgan_gp.py --epochs 10 --out out/wgan_gp
"""

from _common import image_parser, load_data, train_and_draw


def main(argv=None):
    parser = image_parser("Train a WGAN-GP (Gulrajani et al. 2017).", epochs=10, batch_size=64, out="out/wgan_gp")
    parser.add_argument("--filters", type=int, default=64, help="width of the networks")
    parser.add_argument("--generator-filters", type=int, help="width of G alone (default: --filters)")
    parser.add_argument("--d-steps", type=int, default=5, help="critic steps per generator step")
    args = parser.parse_args(argv)

    import keras_gan

    x, _ = load_data(args)
    model = keras_gan.WGANGP(
        x.shape[1:], latent_dim=args.latent_dim, filters=args.filters,
        generator_filters=args.generator_filters, d_steps=args.d_steps, seed=args.seed
    )
    history, seconds = train_and_draw(model, args, "wgan_gp", x)
    print("w_distance per epoch:", ", ".join(f"{v:.3f}" for v in history.history["w_distance"]))
    return history, seconds


if __name__ == "__main__":
    main()
