"""The papers' 2-D mode-collapse protocol: GAN, PacGAN2/4 and WGAN-GP on ring8 and grid25, several seeds.

Rows (one protocol each, as published):
- `gan`, `pacgan2`, `pacgan4`: PacGAN's setup (Lin et al. 2018): G 4 hidden layers of 400 (BatchNorm + ReLU,
  no biases), z of size 2, linear output; D 3 `LinearMaxout` layers (200 units, 5 pieces) and a linear logit,
  judging packs of m = 1, 2, 4; Adam(1e-4, β1 = 0.8); batch 100 packs (100·m points: PacGAN's code batches
  packs, each of m independent draws); 100,000 packs of training data (100,000·m points).
- `wgan_gp_toy`: WGAN-GP's `gan_toy` setup (Gulrajani et al. 2017): 3x512 ReLU MLPs, z of size 2, λ = 0.1 on
  data scaled to unit std, 5 critic steps each on a fresh real batch, Adam(1e-4, β = (0.5, 0.9)), batch 256.
- `wgan_gp_toy_reused`: the same with one real batch of 256 reused by the 5 critic steps (the library's default
  loop): what the fresh batches of Algorithm 1 change.
- `wgan_toy`: the same networks, data and fresh critic batches with WGAN's weight clipping instead of the penalty
  (Arjovsky et al. 2017: critic weights clipped to ±0.01 after each of 5 critic steps, RMSProp(5e-5)). No mode
  count is published for it (WGAN-GP's Fig. 1 shows clipped critics on these mixtures learning too simple a function).
- `gan_defaults`, `wgan_gp_defaults`: `keras_gan.GAN((2,))` / `WGANGP((2,))` with `compile()`, batch 100.

Every run is judged at each of `--steps` (generator steps) on 2,500 samples by the VEEGAN/PacGAN rule
(`keras_gan.metrics.mode_coverage`). Prints mean ± std over seeds beside the published rows, writes
`results.json` after every run and a scatter plot of the first seed at the last checkpoint; `--merge` joins the
results of runs split across processes into one table and plot.

    KERAS_BACKEND=jax python bench/mode_collapse_2d.py --steps 2000 5000 10000 --seeds 0 1 2 --out out/mc2d
"""

import argparse
import json
import os
import time

import numpy as np

ROWS = ("gan", "pacgan2", "pacgan4", "wgan_gp_toy", "wgan_gp_toy_reused", "wgan_toy", "gan_defaults", "wgan_gp_defaults")
# Table 1 of PacGAN (Lin et al. 2018) and of VEEGAN (Srivastava et al. 2017): modes, high-quality share (%).
PUBLISHED = {
    "gan": {"ring8": (6.3, 98.2), "grid25": (17.3, 94.8), "source": "PacGAN Tab. 1 (GAN), 400 epochs"},
    "pacgan2": {"ring8": (7.9, 95.6), "grid25": (23.8, 91.3), "source": "PacGAN Tab. 1, 400 epochs"},
    "pacgan4": {"ring8": (7.8, 95.9), "grid25": (24.8, 93.6), "source": "PacGAN Tab. 1, 400 epochs"},
    "wgan_gp_toy": {"ring8": (8, None), "grid25": (25, None), "source": "WGAN-GP Fig. 1: all modes (no HQ figure), 100,000 G steps"},
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
        # 100 packs per step, as PacGAN's data stream batches them (not 100 points cut into 100/m packs).
        return model, 100 * pack, False
    if row in ("wgan_gp_toy", "wgan_gp_toy_reused"):
        fresh = row == "wgan_gp_toy"
        model = keras_gan.WGANGP((2,), latent_dim=2, generator=relu_mlp(2, 2, name="generator"),
                                 discriminator=relu_mlp(2, 1, name="discriminator"), gp_weight=0.1, d_steps=5,
                                 d_fresh_batches=fresh, seed=seed)
        model.compile(d_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9),
                      g_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9), steps_per_execution=steps)
        # Five fresh batches of 256 per generator step, or (reused) the one batch for all five critic steps.
        return model, 5 * 256 if fresh else 256, True
    if row == "wgan_toy":
        model = keras_gan.WGAN((2,), latent_dim=2, generator=relu_mlp(2, 2, name="generator"),
                               discriminator=relu_mlp(2, 1, name="discriminator"), clip_value=0.01, d_steps=5,
                               d_fresh_batches=True, seed=seed)
        model.compile(d_optimizer=keras.optimizers.RMSprop(5e-5), g_optimizer=keras.optimizers.RMSprop(5e-5),
                      steps_per_execution=steps)
        return model, 5 * 256, True
    if row == "gan_defaults":
        model = keras_gan.GAN((2,), seed=seed)
    elif row == "wgan_gp_defaults":
        model = keras_gan.WGANGP((2,), seed=seed)
    else:
        raise ValueError(f"Unknown row {row!r}; expected one of {ROWS}.")
    model.compile(steps_per_execution=steps)
    return model, 100, False


def fit_steps(model, x, batch_size, steps):
    """Trains `steps` generator steps on `x`, in fit calls of at most one pass each.

    Keras stops an epoch when an array runs out of batches ("Your input ran out of data"), so
    `steps_per_epoch` larger than one pass would silently train less. Exact when `steps` is a
    multiple of the model's `steps_per_execution` and of the steps in a pass.
    """
    per_execution = getattr(model, "steps_per_execution", 1) or 1
    per_pass = max(1, len(x) // batch_size)
    if per_pass >= per_execution:
        per_pass = per_pass // per_execution * per_execution
    while steps > 0:
        chunk = min(per_pass, steps)
        model.fit(x, batch_size=batch_size, epochs=1, steps_per_epoch=chunk, verbose=0)
        steps -= chunk


def run(row, mixture, seed, checkpoints, num_points, eval_samples):
    """Trains one row on one mixture; returns its figures at each checkpoint and the last samples."""
    import keras_gan

    model, batch_size, scaled = build(row, seed)
    # PacGAN's data set is `num_points` packs of m points each.
    x, _ = keras_gan.data.load(mixture, num_samples=num_points * model.pack, seed=seed)
    scale = float(x.std()) if scaled else 1.0
    x = x / scale
    results, done, start = [], 0, time.perf_counter()
    for target in checkpoints:
        fit_steps(model, x, batch_size, target - done)
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
        judged_steps = sorted({c["steps"] for m in mixtures for r in results.get((row, m), {}).values() for c in r})
        for steps in [s for s in checkpoints if s in judged_steps]:
            cells = []
            for mixture in mixtures:
                judged = [c for r in results.get((row, mixture), {}).values() for c in r if c["steps"] == steps]
                if not judged:
                    cells += ["–", "–"]
                    continue
                modes = np.array([c["modes"] for c in judged])
                hq = 100 * np.array([c["high_quality"] for c in judged])
                cells += [f"{modes.mean():.1f} ± {modes.std():.1f} (n={len(judged)})",
                          f"{hq.mean():.1f} ± {hq.std():.1f}"]
            published = PUBLISHED.get(row)
            note = "–"
            if published and steps == judged_steps[-1]:
                parts = []
                for mixture in mixtures:
                    modes, hq = published[mixture]
                    parts.append(f"{mixture} {modes}" + (f" / {hq}%" if hq is not None else ""))
                note = ", ".join(parts) + f" ({published['source']})"
            lines.append(f"| {row} | {steps:,} | " + " | ".join(cells) + f" | {note} |")
    lines.append(f"\nSeeds {list(seeds)} (n = runs judged per cell); 2,500 samples judged per run; "
                 "steps = generator steps.")
    return "\n".join(lines)


def scatter(samples, mixtures, rows, path, steps=None):
    """Scatter plots of the first seed's samples, one panel per row and mixture; `steps[row, mixture]`
    (the checkpoint they were drawn at) goes in the title."""
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
            when = (steps or {}).get((row, mixture))
            ax.set_title(f"{row} / {mixture}" + (f", {when:,} steps" if when else ""), fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=80)


def main(argv=None):
    parser = argparse.ArgumentParser(description="The 2-D mode-collapse protocol of VEEGAN, PacGAN and WGAN-GP.")
    parser.add_argument("--rows", nargs="+", default=list(ROWS), choices=ROWS)
    parser.add_argument("--mixtures", nargs="+", default=["ring8", "grid25"], choices=["ring8", "grid25"])
    parser.add_argument("--steps", type=int, nargs="+", default=[2000, 5000, 10000],
                        help="generator steps at which every run is judged (increasing)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--num-points", type=int, default=100_000, help="training points; for packed rows, packs (PacGAN: 100,000)")
    parser.add_argument("--eval-samples", type=int, default=2500)
    parser.add_argument("--out", default="out/mode_collapse_2d")
    parser.add_argument("--merge", nargs="+", metavar="RESULTS_JSON",
                        help="only join these results.json files into one table and plot under --out")
    args = parser.parse_args(argv)
    if args.merge:
        results, text = merge(args.merge, args.out)
        print(text)
        return results, text
    if sorted(set(args.steps)) != args.steps:
        raise ValueError(f"--steps must be increasing, got {args.steps}.")

    import keras

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "results.json")
    results, samples, start = {}, {}, time.perf_counter()
    for row in args.rows:
        for mixture in args.mixtures:
            for seed in args.seeds:
                runs, points = run(row, mixture, seed, args.steps, args.num_points, args.eval_samples)
                results.setdefault((row, mixture), {})[seed] = runs
                if seed == args.seeds[0]:
                    samples[row, mixture] = points
                    np.save(os.path.join(args.out, f"samples_{row}_{mixture}.npy"), points)
                last = runs[-1]
                print(f"{row:<17} {mixture:<7} seed {seed}: {last['modes']:>2} modes, "
                      f"{100 * last['high_quality']:5.1f}% HQ at {last['steps']:,} steps ({last['seconds']:.0f} s)",
                      flush=True)
                _write(path, results, args.steps)  # after every run: a cut-short run keeps what it measured
    text = table(results, args.mixtures, args.steps, args.seeds)
    print(text)
    print(f"Backend {keras.backend.backend()}, {time.perf_counter() - start:.0f} s in all.")
    scatter(samples, args.mixtures, args.rows, os.path.join(args.out, "mode_collapse_2d.png"),
            {key: args.steps[-1] for key in samples})
    return results, text


def _write(path, results, steps):
    import keras

    with open(path, "w") as f:
        json.dump({"backend": keras.backend.backend(), "steps": steps,
                   "runs": {f"{row}/{mixture}": {str(seed): r for seed, r in runs.items()}
                            for (row, mixture), runs in results.items()}}, f, indent=1)


def merge(paths, out):
    """Joins the `results.json` (and sample files) of several runs into one table and one scatter plot."""
    results, samples, steps, drawn_seed = {}, {}, None, {}
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        steps = sorted(set(steps or []) | set(data["steps"]))
        for key, runs in data["runs"].items():
            row, mixture = key.split("/")
            results.setdefault((row, mixture), {}).update({int(seed): r for seed, r in runs.items()})
            # A run's sample file holds its first seed: the plot shows the smallest seed of all the files.
            first = min(int(seed) for seed in runs)
            sample_path = os.path.join(os.path.dirname(path), f"samples_{row}_{mixture}.npy")
            if os.path.exists(sample_path) and first < drawn_seed.get((row, mixture), first + 1):
                samples[row, mixture] = np.load(sample_path)
                drawn_seed[row, mixture] = first
    mixtures = [m for m in ("ring8", "grid25") if any(k[1] == m for k in results)]
    rows = [r for r in ROWS if any(k[0] == r for k in results)]
    seeds = sorted({seed for runs in results.values() for seed in runs})
    text = table(results, mixtures, steps, seeds)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump({"steps": steps, "runs": {f"{r}/{m}": {str(s): v for s, v in runs.items()}
                                            for (r, m), runs in results.items()}}, f, indent=1)
    with open(os.path.join(out, "table.md"), "w") as f:
        f.write(text + "\n")
    drawn_at = {key: runs[min(runs)][-1]["steps"] for key, runs in results.items()}
    scatter(samples, mixtures, rows, os.path.join(out, "mode_collapse_2d.png"), drawn_at)
    return results, text


if __name__ == "__main__":
    main()
