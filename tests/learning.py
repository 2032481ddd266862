"""Learning checks shared by the tests and `tests/learning_seeds.py`: one seed in, a verdict out.

Each check trains a small model from `seed` and returns `(passed, details)`. Each check runs on
all of `SEEDS` on one backend (`SEVERAL_SEEDS_ON`) and on the first seed on the others, and every
seed run must pass: a pass means the recipe converges, not that one trajectory happened to.
`tests/learning_seeds.py` runs more seeds on demand.
"""

import keras
import numpy as np

import keras_gan

SEEDS = (0, 1, 2)
MEAN, STD = np.array([2.0, -1.0]), 0.5


def _gaussian(seed):
    rng = np.random.default_rng(seed)
    return (MEAN + STD * rng.standard_normal((2048, 2))).astype("float32")


def _moved_to_gaussian(model, x, seed, **fit_kwargs):
    """Fits `model` on `x`; passes when G's mean lands near the data's and its spread is right.

    G is judged by its moving average (`GeneratorEMA(0.99)`, ~the last 100 steps): a GAN's
    generator circles the equilibrium, and where one step's weights stop on that circle is
    the seed's luck; the average sits near its centre.
    """
    start_error = float(np.linalg.norm(model.generate(2000, seed=seed + 100).mean(0) - MEAN))
    history = model.fit(x, verbose=0, callbacks=[keras_gan.callbacks.GeneratorEMA(0.99)], **fit_kwargs)
    end = model.generate(2000, seed=seed + 100)
    end_error = float(np.linalg.norm(end.mean(0) - MEAN))
    spread = float(end.std(0).mean())
    passed = end_error < 0.3 * start_error and end_error < 0.6 and 0.4 * STD < spread < 2.0 * STD
    details = {"start_error": round(start_error, 3), "end_error": round(end_error, 3), "spread": round(spread, 3)}
    return passed, details, history


def gan_gaussian(seed, loss="non_saturating", epochs=25, pack=1):
    """GAN (either loss, optionally packed) moves from N(0-ish, small) toward N((2, -1), 0.5²)."""
    keras.utils.set_random_seed(seed)
    model = keras_gan.GAN((2,), latent_dim=4, hidden_units=(32, 32), seed=seed, pack=pack)
    model.compile(
        d_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5),
        loss=loss,
    )
    passed, details, _ = _moved_to_gaussian(model, _gaussian(seed), seed, batch_size=128, epochs=epochs)
    return passed, details


def wgan_gp_gaussian(seed):
    """WGAN-GP moves toward the Gaussian and its critic's W-distance estimate shrinks.

    λ = 0.1, the WGAN-GP paper's own toy setting (`gan_toy.py`): with the image default
    λ = 10 this 64x64 critic diverges on 3 of 5 seeds (the estimate flips sign and G
    walks away); with λ ≤ 1 it converged on 5 of 5 (docs/training.md: WGAN-GP on vector data).
    """
    keras.utils.set_random_seed(seed)
    model = keras_gan.WGANGP((2,), latent_dim=4, hidden_units=(64, 64), gp_weight=0.1, seed=seed)
    model.compile(
        d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5, beta_2=0.9),
        g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5, beta_2=0.9),
    )
    passed, details, history = _moved_to_gaussian(model, _gaussian(seed), seed, batch_size=128, epochs=30)
    w = history.history["w_distance"]
    details["w_distance"] = (round(w[0], 3), round(w[-1], 3))
    return passed and w[-1] < w[0], details


def conditional_gan_classes(seed):
    """Two separated classes: `generate(labels=c)` lands nearest centre c, within 1.0 of it."""
    keras.utils.set_random_seed(seed)
    centres = np.array([[-2.0, 0.0], [2.0, 1.0]])
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 2048).astype("int32")
    x = (centres[y] + 0.3 * rng.standard_normal((2048, 2))).astype("float32")
    model = keras_gan.ConditionalGAN((2,), num_classes=2, latent_dim=4, hidden_units=(32, 32), seed=seed)
    model.compile(
        d_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5),
    )
    model.fit(x, y, batch_size=128, epochs=20, verbose=0)
    passed, details = True, {}
    for c in (0, 1):
        mean = model.generate(1000, labels=c, seed=seed + 100).mean(0)
        distances = np.linalg.norm(centres - mean, axis=1)
        passed = passed and distances.argmin() == c and distances[c] < 1.0
        details[f"class_{c}_distance"] = round(float(distances[c]), 3)
    return passed, details


SOLID_COLOUR = np.array([0.6, -0.5, 0.2], "float32")


def stylegan2_colour_run(seed, steps=128):
    """StyleGAN2 through its two-step lazy path: `(passed, details, model)`.

    An 8×8 StyleGAN2 with R1 (γ = 1) every 2nd D step, so both compiled steps (with and without the penalty)
    train, and style mixing 0.9, fits `steps` batches of 8 images all of `SOLID_COLOUR` with
    `GeneratorEMA(0.9)`. Passes when R1 was taken and the mean colour of 32 samples (G's own weights)
    closes at least half its distance to the colour. Measured (`tests/learning_seeds.py`), the distance after 128
    steps over the start's, seeds 0-4: JAX 0.10, 0.04, 0.36, 0.08, 0.03; TensorFlow 0.14, 0.08, 0.10, 0.06, 0.03;
    PyTorch (seeds 0-2) 0.08, 0.13, 0.04. With γ = 10 (the paper's 1024² value) JAX's seed 2 stayed at 0.69.
    """
    keras.utils.set_random_seed(seed)
    model = keras_gan.StyleGAN2((8, 8, 3), latent_dim=8, w_dim=8, mapping_layers=2, channel_base=64, channel_max=8,
                                r1_gamma=1.0, r1_interval=2, seed=seed)
    model.compile()
    x = np.broadcast_to(SOLID_COLOUR, (8 * steps, 8, 8, 3)).astype("float32")
    before = model.generate(32, seed=0, ema=False).mean(axis=(0, 1, 2))
    history = model.fit(x, batch_size=8, epochs=1, verbose=0, callbacks=[keras_gan.callbacks.GeneratorEMA(0.9)])
    after = model.generate(32, seed=0, ema=False).mean(axis=(0, 1, 2))
    ratio = float(np.linalg.norm(after - SOLID_COLOUR) / np.linalg.norm(before - SOLID_COLOUR))
    r1 = float(history.history["r1"][-1])
    details = {"distance_ratio": round(ratio, 3), "r1": round(r1, 5), "after": [round(float(v), 3) for v in after]}
    return ratio < 0.5 and r1 > 0, details, model


def stylegan2_colour(seed):
    """`stylegan2_colour_run`'s verdict: StyleGAN2 with lazy R1 learns the colour of solid-colour images."""
    return stylegan2_colour_run(seed)[:2]


CHECKS = {
    "gan_non_saturating": lambda seed: gan_gaussian(seed, "non_saturating", 40),
    "gan_minimax": lambda seed: gan_gaussian(seed, "minimax", 70),  # saturating: slower (torch: 40 epochs passed 3/5)
    "gan_packed": lambda seed: gan_gaussian(seed, "non_saturating", 40, pack=2),
    "wgan_gp": wgan_gp_gaussian,
    "conditional_gan": conditional_gan_classes,
    "stylegan2_colour": stylegan2_colour,
}


# The backend that runs each check on all of SEEDS; the others run SEEDS[0]. JAX: every seed of a check is the
# same program, compiled once (tests/conftest.py's compilation cache), so its extra seeds cost seconds where the
# other backends spend tens of seconds (PyTorch: WGAN-GP's three seeds 47 s, one core of a 2-core Xeon).
SEVERAL_SEEDS_ON = {name: "jax" for name in CHECKS}


def seeds_for(name, backend=None):
    """The seeds check `name` runs on in this backend's test run."""
    backend = backend or keras.backend.backend()
    return SEEDS if SEVERAL_SEEDS_ON[name] == backend else SEEDS[:1]


def assert_learns(name, seeds=None):
    """Runs check `name` on each seed (default: `seeds_for(name)`); fails with each seed's figures unless all pass."""
    seeds = seeds_for(name) if seeds is None else seeds
    results = {seed: CHECKS[name](seed) for seed in seeds}
    failed = {seed: details for seed, (passed, details) in results.items() if not passed}
    assert not failed, f"{name} failed on seeds {sorted(failed)} of {list(seeds)}: {results}"
