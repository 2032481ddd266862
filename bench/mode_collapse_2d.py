"""The papers' 2-D mode-collapse protocol: GAN, PacGAN2/4 and WGAN-GP on ring8 and grid25, several seeds.

Rows (one protocol each, as published):
- `gan`, `pacgan2`, `pacgan4`: PacGAN's setup (Lin et al. 2018): G 4 hidden layers of 400 (BatchNorm + ReLU,
  no biases), z of size 2, linear output; D 3 `LinearMaxout` layers (200 units, 5 pieces) and a linear logit,
  judging packs of m = 1, 2, 4; Adam(1e-4, β1 = 0.8); batch 100; 100,000 training points.
- `wgan_gp_toy`: WGAN-GP's `gan_toy` setup (Gulrajani et al. 2017): 3x512 ReLU MLPs, z of size 2, λ = 0.1 on
  data scaled to unit std, 5 critic steps each on a fresh real batch, Adam(1e-4, β = (0.5, 0.9)), batch 256.
- `gan_defaults`, `wgan_gp_defaults`: `keras_gan.GAN((2,))` / `WGANGP((2,))` with `compile()`, batch 100.

Every run is judged at each of `--steps` (generator steps) on 2,500 samples by the VEEGAN/PacGAN rule
(`keras_gan.metrics.mode_coverage`). Prints mean ± std over seeds beside the published rows, writes
`results.json` and a scatter plot of the first seed at the last checkpoint.

    KERAS_BACKEND=jax python bench/mode_collapse_2d.py --steps 2000 5000 10000 --seeds 0 1 2 --out out/mc2d
"""

import argparse
import json
import os
import time

import numpy as np

ROWS = ("gan", "pacgan2", "pacgan4", "wgan_gp_toy", "gan_defaults", "wgan_gp_defaults")
# Table 1 of PacGAN (Lin et al. 2018) and of VEEGAN (Srivastava et al. 2017): modes, high-quality share (%).
PUBLISHED = {
    "gan": {"ring8": (6.3, 98.2), "grid25": (17.3, 94.8), "source": "PacGAN Tab. 1 (GAN)"},
    "pacgan2": {"ring8": (7.9, 95.6), "grid25": (23.8, 91.3), "source": "PacGAN Tab. 1"},
    "pacgan4": {"ring8": (7.8, 95.9), "grid25": (24.8, 93.6), "source": "PacGAN Tab. 1"},
    "wgan_gp_toy": {"ring8": (8, None), "grid25": (25, None), "source": "WGAN-GP Fig. 1 (all modes, no HQ figure)"},
}


def pacgan_networks(pack, width=400, maxout_units=200, pieces=5):
    """PacGAN's G and D for 2-D points (D judges `pack` points joined along the features)."""
    import keras

    from keras_gan.layers import LinearMaxout

    init = keras.initializers.RandomNormal(stddev=0.02)
    z = keras.Input((2,))
    h = z
    for _ in range(4):
        h = keras.layers.Dense(width, use_bias=False, kernel_initializer=init)(h)
        h = keras.layers.BatchNormalization(momentum=0.95)(h)
        h = keras.layers.ReLU()(h)
    generator = keras.Model(z, keras.layers.Dense(2, kernel_initializer=init)(h), name="generator")
    x = keras.Input((2 * pack,))
    h = x
    for _ in range(3):
        h = LinearMaxout(maxout_units, pieces, kernel_initializer=init)(h)
    discriminator = keras.Model(x, keras.layers.Dense(1, kernel_initializer=init)(h), name="discriminator")
    return generator, discriminator


def relu_mlp(inputs, outputs, width=512, depth=3, name=None):
    import keras

    x = keras.Input((inputs,))
    h = x
    for _ in range(depth):
        h = keras.layers.Dense(width, activation="relu")(h)
    return keras.Model(x, keras.layers.Dense(outputs)(h), name=name)


def build(row, seed):
    """`(model, batch_size, data_scale)` for a row of the protocol, compiled."""
    import keras

    import keras_gan

    keras.utils.set_random_seed(seed)
    # Many small steps per call where the backend can (Keras's torch trainer runs one step per call).
    steps = 1 if keras.backend.backend() == "torch" else 50
    if row in ("gan", "pacgan2", "pacgan4"):
        pack = {"gan": 1, "pacgan2": 2, "pacgan4": 4}[row]
        generator, discriminator = pacgan_networks(pack)
        model = keras_gan.GAN((2,), latent_dim=2, generator=generator, discriminator=discriminator,
                              pack=pack, seed=seed)
        model.compile(d_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.8),
                      g_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.8), steps_per_execution=steps)
        return model, 100, False
    if row == "wgan_gp_toy":
        model = keras_gan.WGANGP((2,), latent_dim=2, generator=relu_mlp(2, 2, name="generator"),
                                 discriminator=relu_mlp(2, 1, name="discriminator"), gp_weight=0.1, d_steps=5,
                                 d_fresh_batches=True, seed=seed)
        model.compile(d_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9),
                      g_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9), steps_per_execution=steps)
        return model, 5 * 256, True  # five fresh batches of 256 per generator step
    if row == "gan_defaults":
        model = keras_gan.GAN((2,), seed=seed)
    elif row == "wgan_gp_defaults":
        model = keras_gan.WGANGP((2,), seed=seed)
    else:
        raise ValueError(f"Unknown row {row!r}; expected one of {ROWS}.")
    model.compile(steps_per_execution=steps)
    return model, 100, False


def run(row, mixture, seed, checkpoints, num_points, eval_samples):
    """Trains one row on one mixture; returns its figures at each checkpoint and the last samples."""
    import keras_gan

    x, _ = keras_gan.data.load(mixture, num_samples=num_points, seed=seed)
    model, batch_size, scaled = build(row, seed)
    scale = float(x.std()) if scaled else 1.0
    x = x / scale
    results, done, start = [], 0, time.perf_counter()
    for target in checkpoints:
        model.fit(x, batch_size=batch_size, epochs=1, steps_per_epoch=target - done, verbose=0)
        done = target
        points = model.generate(eval_samples, seed=seed) * scale
        figures = keras_gan.metrics.mode_coverage(points, mixture=mixture)
        results.append({"steps": target, "modes": figures["modes"], "high_quality": figures["high_quality"],
                        "seconds": round(time.perf_counter() - start, 1)})
    return results, points


def table(results, mixtures, checkpoints, seeds):
    """Markdown: one row per protocol and checkpoint, mean ± std over seeds, published figures beside."""
    lines = ["| row | steps | " + " | ".join(f"{m} modes | {m} HQ %" for m in mixtures) + " | published |",
             "|---|---|" + "---|---|" * len(mixtures) + "---|"]
    for row in ROWS:
        if not any((row, m) in results for m in mixtures):
            continue
        for i, steps in enumerate(checkpoints):
            cells = []
            for mixture in mixtures:
                runs = results.get((row, mixture))
                if not runs:
                    cells += ["–", "–"]
                    continue
                modes = np.array([r[i]["modes"] for r in runs.values()])
                hq = 100 * np.array([r[i]["high_quality"] for r in runs.values()])
                cells += [f"{modes.mean():.1f} ± {modes.std():.1f}", f"{hq.mean():.1f} ± {hq.std():.1f}"]
            published = PUBLISHED.get(row)
            note = "–"
            if published and i == len(checkpoints) - 1:
                parts = []
                for mixture in mixtures:
                    modes, hq = published[mixture]
                    parts.append(f"{mixture} {modes}" + (f" / {hq}%" if hq is not None else ""))
                note = ", ".join(parts) + f" ({published['source']}, 400 epochs)"
            lines.append(f"| {row} | {steps:,} | " + " | ".join(cells) + f" | {note} |")
    lines.append(f"\nSeeds {list(seeds)}; 2,500 samples judged per run; steps = generator steps.")
    return "\n".join(lines)


def scatter(samples, mixtures, rows, path):
    import keras_gan
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3 * len(rows), 3 * len(mixtures)))
    axes = fig.subplots(len(mixtures), len(rows), squeeze=False)
    for i, mixture in enumerate(mixtures):
        centers = keras_gan.data.MIXTURES[mixture][0]()
        span = np.abs(centers).max() * 1.5
        for j, row in enumerate(rows):
            ax = axes[i, j]
            points = samples.get((row, mixture))
            if points is not None:
                ax.scatter(points[:, 0], points[:, 1], s=1, alpha=0.4)
            ax.scatter(centers[:, 0], centers[:, 1], marker="x", s=20, color="red")
            ax.set(xlim=(-span, span), ylim=(-span, span), aspect="equal", xticks=[], yticks=[])
            ax.set_title(f"{row} / {mixture}", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=80)


def main(argv=None):
    parser = argparse.ArgumentParser(description="The 2-D mode-collapse protocol of VEEGAN, PacGAN and WGAN-GP.")
    parser.add_argument("--rows", nargs="+", default=list(ROWS), choices=ROWS)
    parser.add_argument("--mixtures", nargs="+", default=["ring8", "grid25"], choices=["ring8", "grid25"])
    parser.add_argument("--steps", type=int, nargs="+", default=[2000, 5000, 10000],
                        help="generator steps at which every run is judged (increasing)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--num-points", type=int, default=100_000, help="training points (PacGAN: 100,000)")
    parser.add_argument("--eval-samples", type=int, default=2500)
    parser.add_argument("--out", default="out/mode_collapse_2d")
    args = parser.parse_args(argv)
    if sorted(set(args.steps)) != args.steps:
        raise ValueError(f"--steps must be increasing, got {args.steps}.")

    import keras

    os.makedirs(args.out, exist_ok=True)
    results, samples, start = {}, {}, time.perf_counter()
    for row in args.rows:
        for mixture in args.mixtures:
            for seed in args.seeds:
                runs, points = run(row, mixture, seed, args.steps, args.num_points, args.eval_samples)
                results.setdefault((row, mixture), {})[seed] = runs
                if seed == args.seeds[0]:
                    samples[row, mixture] = points
                last = runs[-1]
                print(f"{row:<17} {mixture:<7} seed {seed}: {last['modes']:>2} modes, "
                      f"{100 * last['high_quality']:5.1f}% HQ at {last['steps']:,} steps ({last['seconds']:.0f} s)",
                      flush=True)
    text = table(results, args.mixtures, args.steps, args.seeds)
    print(text)
    print(f"Backend {keras.backend.backend()}, {time.perf_counter() - start:.0f} s in all.")
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump({"backend": keras.backend.backend(), "steps": args.steps, "seeds": args.seeds,
                   "runs": {f"{row}/{mixture}": runs for (row, mixture), runs in results.items()}}, f, indent=1)
    scatter(samples, args.mixtures, args.rows, os.path.join(args.out, "mode_collapse_2d.png"))
    return results, text


if __name__ == "__main__":
    main()
