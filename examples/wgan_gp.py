"""WGAN-GP on MNIST digits (Gulrajani et al. 2017): train, draw the losses, the gradient penalty and the Wasserstein
estimate, evaluate.

    KERAS_BACKEND=jax python examples/wgan_gp.py --epochs 10 --out out/wgan_gp
"""

import argparse
import os
import time

import keras_gan  # first: with KERAS_BACKEND unset and no TensorFlow, it picks an installed backend
import keras


def main(argv=None):
    parser = argparse.ArgumentParser(description="Train a WGAN-GP (Gulrajani et al. 2017).")
    parser.add_argument("--dataset", default="mnist_5k_train",
                        help="keras_gan.data name (offline: mnist_5k_train, the 4,000 digits the figures do "
                             "not compare against; mnist_5k; digits)")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--latent-dim", type=int, default=100)
    parser.add_argument("--limit", type=int, default=None, help="train on N samples drawn at random (quick runs)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--precision", choices=("auto", "bf16", "fp32"), default="auto",
                        help="float32 (fp32) or mixed bfloat16 (bf16); auto: bf16 where it was measured faster on "
                             "this machine's kind and backend (keras_gan.use_precision)")
    parser.add_argument("--out", default="out/wgan_gp", help="folder for the PNGs and the saved model")
    parser.add_argument("--figures", type=int, default=1000,
                        help="samples scored at the end against the 1,000 held-out digits (0: none)")
    parser.add_argument("--filters", type=int, default=64, help="width of the networks")
    parser.add_argument("--generator-filters", type=int, help="width of G alone (default: --filters)")
    parser.add_argument("--d-steps", type=int, default=5, help="critic steps per generator step")
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(args.seed)
    keras_gan.use_precision(args.precision)  # before the model: its layers take Keras's global dtype policy

    # The data: real MNIST digits as float32 in [-1, 1], shape (N, 28, 28, 1); no download.
    x, _ = keras_gan.data.load(args.dataset, limit=args.limit)
    os.makedirs(args.out, exist_ok=True)

    # The model: a DCGAN-like generator and a layer-normalized critic, `d_steps` critic steps per generator step,
    # the gradient penalty at weight 10 on random interpolates of real and generated digits.
    model = keras_gan.WGANGP(x.shape[1:], latent_dim=args.latent_dim, filters=args.filters,
                             generator_filters=args.generator_filters, d_steps=args.d_steps, seed=args.seed)

    # One optimizer per network, the paper's Adam(1e-4, β1 0, β2 0.9); the objective is the model's own.
    model.compile(
        d_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9),
        g_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9),
    )

    # Training: the progress bar shows d_loss, g_loss, the gradient penalty `gp` and `w_distance`, the critic's
    # estimate of the Wasserstein distance; `SampleGrid` writes a grid of fixed latents after every epoch.
    callbacks = [keras_gan.callbacks.SampleGrid(os.path.join(args.out, "epochs"), seed=args.seed)]
    start = time.perf_counter()
    history = model.fit(x, batch_size=args.batch_size, epochs=args.epochs, callbacks=callbacks)
    seconds = time.perf_counter() - start

    # Pictures and the saved model (`keras.saving.load_model` restores it, both optimizers included).
    keras_gan.save_image_grid(model.generate(64, seed=args.seed), os.path.join(args.out, "samples.png"))
    keras_gan.plot_history(history, os.path.join(args.out, "losses.png"))
    model.save(os.path.join(args.out, "wgan_gp.keras"))
    print(f"Trained {args.epochs} epochs on {len(x)} samples with {keras.backend.backend()} in {seconds:.0f} s. "
          f"Samples: {os.path.join(args.out, 'samples.png')}")
    print("w_distance per epoch:", ", ".join(f"{v:.3f}" for v in history.history["w_distance"]))

    # Evaluation: samples against the 1,000 held-out digits, on the features of the zoo's MNIST classifier,
    # beside the floor real training digits reach at that N.
    if args.figures and x.shape[1:] == (28, 28, 1):
        keras_gan.training.report_digit_figures(model, args.figures, args.out)
    return history, seconds


if __name__ == "__main__":
    main()
