"""A DCGAN on colour emoji (Google's Noto Emoji, 32×32×3, offline): train, draw, evaluate.

    KERAS_BACKEND=jax python examples/emoji.py --out out/emoji                  # unconditional
    KERAS_BACKEND=jax python examples/emoji.py --conditional --out out/emoji    # one row per category
"""

import argparse
import json
import os
import time

import keras_gan  # first: with KERAS_BACKEND unset and no TensorFlow, it picks an installed backend
import keras
import numpy as np


def main(argv=None):
    parser = argparse.ArgumentParser(description="Train a DCGAN (or a conditional one) on colour emoji.")
    parser.add_argument("--conditional", action="store_true", help="condition on the 9 emoji categories")
    parser.add_argument("--image-size", type=int, default=32, help="32 (the judge's size) or 64")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--filters", type=int, default=48, help="width of the networks")
    parser.add_argument("--limit", type=int, default=None, help="train on N images drawn at random (quick runs)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--precision", choices=("auto", "bf16", "fp32"), default="auto",
                        help="float32 (fp32) or mixed bfloat16 (bf16); auto: bf16 where it was measured faster on "
                             "this machine's kind and backend (keras_gan.use_precision)")
    parser.add_argument("--out", default="out/emoji", help="folder for the PNGs and the saved model")
    parser.add_argument("--figures", action=argparse.BooleanOptionalAction, default=True,
                        help="score the samples against the 585 held-out emoji at the end")
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(args.seed)
    keras_gan.use_precision(args.precision)  # before the model: its layers take Keras's global dtype policy
    os.makedirs(args.out, exist_ok=True)

    # The data: 3,196 emoji as float32 in [-1, 1], (N, 32, 32, 3), composited on white, with their category
    # (0-8: Smileys & Emotion, People & Body, ...). The other 585 are held out for the figures.
    x, y = keras_gan.data.load("noto_emoji_train", image_size=args.image_size, limit=args.limit)
    names = keras_gan.datasets.noto_emoji_info()["category_names"]

    # The model: DCGAN's networks with a spectrally normalized D (SN-GAN); conditional: labels into G, projection D.
    options = dict(latent_dim=128, filters=args.filters, d_normalization="spectral", seed=args.seed)
    if args.conditional:
        model = keras_gan.ConditionalGAN(x.shape[1:], len(names), conditioning="projection", **options)
    else:
        model = keras_gan.DCGAN(x.shape[1:], **options)

    # One optimizer per network (G at twice D's rate, as the zoo's recipes) and the hinge loss.
    model.compile(
        d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5),
        loss="hinge",
    )

    # Training: the progress bar shows the losses; `SampleGrid` writes a grid of fixed latents after every epoch;
    # `GeneratorEMA` keeps the moving average of G's weights that the samples come from.
    callbacks = [keras_gan.callbacks.SampleGrid(os.path.join(args.out, "epochs"), seed=args.seed),
                 keras_gan.callbacks.GeneratorEMA(0.995)]
    start = time.perf_counter()
    history = model.fit(x, y if args.conditional else None, batch_size=args.batch_size, epochs=args.epochs,
                        callbacks=callbacks)
    seconds = time.perf_counter() - start

    # Pictures and the saved model.
    if args.conditional:
        labels = np.repeat(np.arange(len(names)), 10)  # one row per category
        images, columns = model.generate(labels=labels, seed=args.seed), 10
    else:
        images, columns = model.generate(64, seed=args.seed), 8
    keras_gan.save_image_grid(images, os.path.join(args.out, "samples.png"), columns=columns)
    keras_gan.plot_history(history, os.path.join(args.out, "losses.png"))
    model.save(os.path.join(args.out, "emoji.keras"))
    print(f"Trained {args.epochs} epochs on {len(x)} emoji with {keras.backend.backend()} in {seconds:.0f} s. "
          f"Samples: {os.path.join(args.out, 'samples.png')}")

    # Evaluation: as many samples as held-out emoji (585), on the features of the zoo's emoji classifier, beside
    # the floor real training emoji reach at that N; conditional samples take the held-out set's label mix.
    if args.figures and args.image_size in (32, 64):
        x_test, y_test = keras_gan.data.load("noto_emoji_test", image_size=args.image_size)
        report = keras_gan.metrics.evaluate(model, x_test, y_test, num_samples=len(x_test),
                                            features="emoji_classifier", kid_subset_size=len(x_test) // 2,
                                            verbose=0)
        floor = keras_gan.zoo.manifest()["baselines"]["noto_emoji"]["frechet_distance"]
        share = np.asarray(report["class_share"])
        data_share = np.bincount(y_test, minlength=len(names)) / len(y_test)
        line = (f"Figures (585 samples vs the 585 held-out emoji, emoji_classifier features): FD "
                f"{report['frechet_distance']:.1f} (real data: {floor:.1f}), precision {report['precision']:.3f}, "
                f"recall {report['recall']:.3f}, category share off the data's by "
                f"{0.5 * np.abs(share - data_share).sum():.3f} (total variation)")
        if args.conditional:
            line += f", label accuracy {report['label_accuracy']:.3f}"
        print(line)
        with open(os.path.join(args.out, "figures.json"), "w") as f:
            json.dump(report, f, indent=1)
    return history, seconds


if __name__ == "__main__":
    main()
