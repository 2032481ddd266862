"""Training throughput of every model's default networks: `fit` against a hand-written loop, per backend.

For `GAN((28, 28, 1))` (MLPs), `DCGAN` at 28x28x1 and in colour at 32x32x3 and 64x64x3, `ConditionalGAN`
(concatenated labels), `WGANGP` (5 critic steps, second-order penalty) and a CPU-sized `StyleGAN2` at 32x32x3
(lazy R1 every 16 D steps, style mixing off so that both sides do the same maths), all with their default
networks and optimizers, each backend runs two sides in separate processes, interleaved over rounds so machine
noise hits both alike:

- `keras-gan`: `model.fit` (the library's step, Keras's loop, progress off);
- `reference`: the same Keras networks and optimizer settings in a loop written by hand for that backend — a
  `tf.function` step with `GradientTape`, an eager PyTorch loop with `torch.optim.Adam`, a `jax.jit` step of
  `stateless_call` / `stateless_apply` with donated state. The same maths as the library's step: D on the real and
  a detached generated batch, then G through D on fresh latents (WGAN-GP: 5 critic steps on the step's batch,
  penalty on per-sample interpolates, then one G step; StyleGAN2: R1 on the reals added on every 16th D step, the
  hand-written loops switching on a Python flag as keras-gan's host-side phases do).

The reference measures what keras-gan's training machinery costs on top of the networks; `benchmark.py` compares
Keras layers with raw TensorFlow and PyTorch on one network. Prints images/s (median over timed steps), time to the
first step (tracing and compiling included) and the peak resident memory of each process, and the ratios.
`--precision bf16` runs both sides under the `"mixed_bfloat16"` dtype policy (the networks compute in bfloat16,
the variables and the optimizers stay float32); the default is float32.

    python bench/default_networks.py --rounds 2 --json bench/results/default_networks.json
    python bench/default_networks.py --models dcgan28 dcgan32c dcgan64 --precision bf16 --rounds 2 \
        --json bench/results/default_networks_bf16.json
"""

import argparse
import json
import resource
import statistics
import sys
import time

from timing import run_child, time_fit

BACKENDS = ("tensorflow", "torch", "jax")
# name: (model class, constructor arguments, timed steps, warmup steps)
MODELS = {
    "gan": ("GAN", {"data_shape": (28, 28, 1)}, 30, 3),
    "dcgan28": ("DCGAN", {"data_shape": (28, 28, 1)}, 20, 3),
    "dcgan64": ("DCGAN", {"data_shape": (64, 64, 3)}, 6, 2),
    "cgan": ("ConditionalGAN", {"data_shape": (28, 28, 1), "num_classes": 10}, 20, 3),
    "wgan_gp": ("WGANGP", {"data_shape": (28, 28, 1)}, 6, 2),
    "dcgan32c": ("DCGAN", {"data_shape": (32, 32, 3)}, 12, 2),
    "stylegan2_32": ("StyleGAN2", {"data_shape": (32, 32, 3), "latent_dim": 128, "w_dim": 128, "mapping_layers": 2,
                                   "channel_base": 1024, "channel_max": 64, "r1_gamma": 0.01, "r1_interval": 16,
                                   "style_mixing": 0.0}, 16, 2),
}
TARGET, FIRST_STEP_TARGET = 0.95, 1.5
PRECISIONS = ("fp32", "bf16")


def _build(name, seed=0, precision="fp32"):
    """Model `name` with its default networks, built under the dtype policy of `precision` ("fp32", "bf16")."""
    import keras

    import keras_gan
    from keras_gan.mixed_precision import resolve_precision

    keras.utils.set_random_seed(seed)
    cls, kwargs, _, _ = MODELS[name]
    keras.mixed_precision.set_global_policy(resolve_precision(precision))
    try:  # the layers keep the policy they were built with
        return getattr(keras_gan, cls)(seed=seed, **kwargs)
    finally:
        keras.mixed_precision.set_global_policy("float32")


def _data(model, batches, batch_size):
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (batches * batch_size, *model.data_shape)).astype("float32")
    y = rng.integers(0, model.num_classes, len(x)).astype("int32") if getattr(model, "num_classes", None) else None
    return x, y


def _peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_fit(name, steps, warmup, batch_size, precision="fp32"):
    """Times `fit` of model `name` in `precision`: `{img_per_s, first_step_s, peak_mb}`."""
    model = _build(name, precision=precision)
    model.compile()
    x, y = _data(model, steps + warmup, batch_size)
    return {**time_fit(model, x, y, batch_size=batch_size, warmup=warmup), "peak_mb": _peak_mb()}


def _optimizer_settings(model):
    """`(learning_rate, beta_1, beta_2, epsilon)` of the model's default D and G optimizers."""
    d_opt, g_opt = model.default_optimizers()
    return [(float(o.learning_rate), float(o.beta_1), float(o.beta_2), float(o.epsilon)) for o in (d_opt, g_opt)]


def _parts(model):
    """What a hand-written step needs: `(G, D, latent_dim, d_steps, gp_weight or None, conditional)`."""
    return (model.generator, model.discriminator, model.latent_dim, model.d_steps,
            getattr(model, "gp_weight", None), bool(getattr(model, "num_classes", None)))


def _r1(model):
    """`(gamma, interval)` of a lazily R1-regularised model (StyleGAN2), else None."""
    gamma = getattr(model, "r1_gamma", None)
    return (float(gamma), int(model.r1_interval)) if gamma else None


def _keras_adams(model):
    """Keras Adams with the settings of the model's default D and G optimizers, built: `(d_opt, g_opt)`."""
    import keras

    optimizers = []
    for (lr, beta_1, beta_2, eps), net in zip(_optimizer_settings(model), (model.discriminator, model.generator)):
        optimizer = keras.optimizers.Adam(lr, beta_1=beta_1, beta_2=beta_2, epsilon=eps)
        optimizer.build(net.trainable_variables)
        optimizers.append(optimizer)
    return tuple(optimizers)


def _callers(gen, disc, conditional):
    """`G(z, labels)` and `D(x, labels)` in training mode (the labels are ignored by unconditional networks)."""
    if conditional:
        return (lambda z, y: gen([z, y], training=True)), (lambda x, y: disc([x, y], training=True))
    return (lambda z, y: gen(z, training=True)), (lambda x, y: disc(x, training=True))


def _reference_tf(model, batch_size):
    import tensorflow as tf

    gen, disc, latent, d_steps, gp_weight, conditional = _parts(model)
    r1 = _r1(model)
    d_opt, g_opt = _keras_adams(model)
    G, D = _callers(gen, disc, conditional)

    @tf.function
    def step(real, labels, due=False):  # `due`, a Python bool: one trace per value
        for _ in range(d_steps):
            # float32 like the reals (a bfloat16 G's output, under --precision bf16): TF does not promote
            fake = tf.stop_gradient(tf.cast(G(tf.random.normal((batch_size, latent)), labels), real.dtype))
            with tf.GradientTape() as tape:
                real_out, fake_out = D(real, labels), D(fake, labels)
                if gp_weight is None:
                    loss = tf.reduce_mean(tf.nn.softplus(-real_out)) + tf.reduce_mean(tf.nn.softplus(fake_out))
                    if r1 and due:
                        with tf.GradientTape() as inner:
                            inner.watch(real)
                            score = tf.reduce_sum(D(real, labels))
                        grad = inner.gradient(score, real)
                        loss += 0.5 * r1[0] * r1[1] * tf.reduce_mean(tf.reduce_sum(tf.square(grad), axis=[1, 2, 3]))
                else:
                    eps = tf.random.uniform((batch_size, 1, 1, 1))
                    mixed = eps * real + (1 - eps) * fake
                    with tf.GradientTape() as inner:
                        inner.watch(mixed)
                        score = tf.reduce_sum(D(mixed, labels))
                    norms = tf.norm(tf.reshape(inner.gradient(score, mixed), (batch_size, -1)), axis=1)
                    loss = (tf.reduce_mean(fake_out) - tf.reduce_mean(real_out)
                            + gp_weight * tf.reduce_mean((norms - 1) ** 2))
            d_opt.apply_gradients(zip(tape.gradient(loss, disc.trainable_variables), disc.trainable_variables))
        with tf.GradientTape() as tape:
            out = D(G(tf.random.normal((batch_size, latent)), labels), labels)
            g_loss = -tf.reduce_mean(out) if gp_weight is not None else tf.reduce_mean(tf.nn.softplus(-out))
        g_opt.apply_gradients(zip(tape.gradient(g_loss, gen.trainable_variables), gen.trainable_variables))
        return loss, g_loss

    return lambda real, labels, due=False: [float(v) for v in step(real, labels, due)]


def _reference_torch(model, batch_size):
    import torch

    gen, disc, latent, d_steps, gp_weight, conditional = _parts(model)
    r1 = _r1(model)
    (d_lr, d_b1, d_b2, d_eps), (g_lr, g_b1, g_b2, g_eps) = _optimizer_settings(model)
    d_opt = torch.optim.Adam(list(disc.parameters()), lr=d_lr, betas=(d_b1, d_b2), eps=d_eps)
    g_opt = torch.optim.Adam(list(gen.parameters()), lr=g_lr, betas=(g_b1, g_b2), eps=g_eps)
    G, D = _callers(gen, disc, conditional)
    softplus = torch.nn.functional.softplus
    device = next(iter(gen.parameters())).device  # where Keras put the weights (a GPU if there is one)

    def step(real, labels, due=False):
        real = torch.as_tensor(real, device=device)
        labels = None if labels is None else torch.as_tensor(labels, device=device)
        for _ in range(d_steps):
            with torch.no_grad():
                fake = G(torch.randn(batch_size, latent, device=device), labels)
            real.requires_grad_(bool(r1 and due))
            real_out, fake_out = D(real, labels), D(fake, labels)
            if gp_weight is None:
                loss = softplus(-real_out).mean() + softplus(fake_out).mean()
                if r1 and due:
                    (grad,) = torch.autograd.grad(real_out.sum(), real, create_graph=True)
                    loss = loss + 0.5 * r1[0] * r1[1] * grad.square().sum(dim=(1, 2, 3)).mean()
            else:
                eps = torch.rand(batch_size, 1, 1, 1, device=device)
                mixed = (eps * real + (1 - eps) * fake).requires_grad_(True)
                (grad,) = torch.autograd.grad(D(mixed, labels).sum(), mixed, create_graph=True)
                norms = grad.reshape(batch_size, -1).norm(dim=1)
                loss = fake_out.mean() - real_out.mean() + gp_weight * ((norms - 1) ** 2).mean()
            d_opt.zero_grad(set_to_none=True)
            loss.backward()
            d_opt.step()
        out = D(G(torch.randn(batch_size, latent, device=device), labels), labels)
        g_loss = -out.mean() if gp_weight is not None else softplus(-out).mean()
        g_opt.zero_grad(set_to_none=True)
        g_loss.backward()  # also fills D's gradients, which the next D step clears
        g_opt.step()
        return [float(loss), float(g_loss)]

    return step


def _reference_jax(model, batch_size):
    import jax
    import jax.numpy as jnp

    gen, disc, latent, d_steps, gp_weight, conditional = _parts(model)
    r1 = _r1(model)
    d_opt, g_opt = _keras_adams(model)

    def call(net, tv, ntv, x, y):
        return net.stateless_call(tv, ntv, [x, y] if conditional else x, training=True)

    def d_loss_fn(d_tv, d_ntv, real, fake, labels, key, due):
        real_out, d_ntv = call(disc, d_tv, d_ntv, real, labels)
        fake_out, d_ntv = call(disc, d_tv, d_ntv, fake, labels)
        if gp_weight is None:
            loss = jnp.mean(jax.nn.softplus(-real_out)) + jnp.mean(jax.nn.softplus(fake_out))
            if r1 and due:
                grad = jax.grad(lambda x: jnp.sum(call(disc, d_tv, d_ntv, x, labels)[0]))(real)
                loss = loss + 0.5 * r1[0] * r1[1] * jnp.mean(jnp.sum(jnp.square(grad), axis=(1, 2, 3)))
            return loss, d_ntv
        eps = jax.random.uniform(key, (batch_size, 1, 1, 1))
        mixed = eps * real + (1 - eps) * fake
        grad = jax.grad(lambda m: jnp.sum(call(disc, d_tv, d_ntv, m, labels)[0]))(mixed)
        norms = jnp.sqrt(jnp.sum(jnp.square(grad.reshape(batch_size, -1)), axis=1))
        return jnp.mean(fake_out) - jnp.mean(real_out) + gp_weight * jnp.mean((norms - 1) ** 2), d_ntv

    def g_loss_fn(g_tv, g_ntv, d_tv, d_ntv, z, labels):
        fake, g_ntv = call(gen, g_tv, g_ntv, z, labels)
        out, d_ntv = call(disc, d_tv, d_ntv, fake, labels)
        loss = -jnp.mean(out) if gp_weight is not None else jnp.mean(jax.nn.softplus(-out))
        return loss, (g_ntv, d_ntv)

    def step(state, real, labels, due):
        g_tv, g_ntv, d_tv, d_ntv, g_ov, d_ov, key = state
        for _ in range(d_steps):
            key, z_key, eps_key = jax.random.split(key, 3)
            fake, g_ntv = call(gen, g_tv, g_ntv, jax.random.normal(z_key, (batch_size, latent)), labels)
            (d_loss, d_ntv), grads = jax.value_and_grad(d_loss_fn, has_aux=True)(
                d_tv, d_ntv, real, jax.lax.stop_gradient(fake), labels, eps_key, due)
            d_tv, d_ov = d_opt.stateless_apply(d_ov, grads, d_tv)
        key, z_key = jax.random.split(key)
        (g_loss, (g_ntv, d_ntv)), grads = jax.value_and_grad(g_loss_fn, has_aux=True)(
            g_tv, g_ntv, d_tv, d_ntv, jax.random.normal(z_key, (batch_size, latent)), labels)
        g_tv, g_ov = g_opt.stateless_apply(g_ov, grads, g_tv)
        return (g_tv, g_ntv, d_tv, d_ntv, g_ov, d_ov, key), (d_loss, g_loss)

    def values(variables):
        return [v.value for v in variables]

    state = [(values(gen.trainable_variables), values(gen.non_trainable_variables),
              values(disc.trainable_variables), values(disc.non_trainable_variables),
              values(g_opt.variables), values(d_opt.variables), jax.random.key(0))]
    jitted = jax.jit(step, donate_argnums=0, static_argnums=3)  # one compile per value of `due`

    def run(real, labels, due=False):
        state[0], losses = jitted(state[0], real, labels, bool(due))
        return [float(v) for v in losses]

    def cost_analysis(real, labels, due=False):  # XLA's count of the compiled step (`bench/roofline.py`)
        cost = jitted.lower(state[0], real, labels, bool(due)).compile().cost_analysis()
        return cost[0] if isinstance(cost, (list, tuple)) else cost

    def finish():  # the donated buffers are gone: put the trained values back into the variables
        g_tv, g_ntv, d_tv, d_ntv = state[0][:4]
        for variables, new in ((gen.trainable_variables, g_tv), (gen.non_trainable_variables, g_ntv),
                               (disc.trainable_variables, d_tv), (disc.non_trainable_variables, d_ntv)):
            for variable, value in zip(variables, new):
                variable.assign(value)

    run.finish, run.cost_analysis = finish, cost_analysis
    return run


def run_reference(name, steps, warmup, batch_size, model=None, precision="fp32"):
    """Times the hand-written loop of this backend on model `name`'s default networks (or `model`'s) in `precision`."""
    import keras
    import numpy as np

    model = model if model is not None else _build(name, precision=precision)
    x, y = _data(model, 8, batch_size)
    step = {"tensorflow": _reference_tf, "torch": _reference_torch, "jax": _reference_jax}[
        keras.backend.backend()](model, batch_size)
    interval = _r1(model)[1] if _r1(model) else 0
    times = []
    for i in range(steps + warmup):
        j = i % 8
        real = x[j * batch_size:(j + 1) * batch_size]
        labels = None if y is None else y[j * batch_size:(j + 1) * batch_size]
        start = time.perf_counter()
        losses = step(real, labels, due=bool(interval) and i % interval == 0)  # floats: the step has finished
        times.append(time.perf_counter() - start)
        if not all(np.isfinite(losses)):
            raise FloatingPointError(f"reference {name} diverged at step {i}: {losses}")
    getattr(step, "finish", lambda: None)()
    return {"img_per_s": float(np.median(batch_size / np.array(times[warmup:]))), "first_step_s": times[0],
            "peak_mb": _peak_mb()}


def table(results, models, backends):
    """Markdown table of medians over rounds, with ratios against the targets."""
    lines = ["| model | backend | keras-gan img/s | reference img/s | ratio | 1st step keras-gan / ref (s) | "
             "1st-step ratio | peak MB keras-gan / ref |",
             "|---|---|---|---|---|---|---|---|"]
    for name in models:
        for backend in backends:
            ours, refs = results.get((name, backend, "fit")), results.get((name, backend, "reference"))
            if not ours or not refs:
                continue
            med = {key: [statistics.median(r[key] for r in side) for side in (ours, refs)]
                   for key in ("img_per_s", "first_step_s", "peak_mb")}
            ratio = med["img_per_s"][0] / med["img_per_s"][1]
            first = med["first_step_s"][0] / med["first_step_s"][1]
            lines.append(
                f"| {name} | {backend} | {med['img_per_s'][0]:.1f} | {med['img_per_s'][1]:.1f} | "
                f"{ratio:.2f}{'' if ratio >= TARGET else ' (miss)'} | "
                f"{med['first_step_s'][0]:.1f} / {med['first_step_s'][1]:.1f} | "
                f"{first:.2f}{'' if first <= FIRST_STEP_TARGET else ' (miss)'} | "
                f"{med['peak_mb'][0]:.0f} / {med['peak_mb'][1]:.0f} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=list(BACKENDS))
    parser.add_argument("--rounds", type=int, default=2, help="interleaved repetitions; medians reported")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--precision", choices=PRECISIONS, default="fp32",
                        help="both sides in float32 or under mixed_bfloat16 (default: %(default)s)")
    parser.add_argument("--step-scale", type=float, default=1.0,
                        help="multiplies each model's timed steps (e.g. 0.2 for a dry run)")
    parser.add_argument("--json", help="also write the figures here")
    parser.add_argument("--child", nargs=2, metavar=("SIDE", "MODEL"), help=argparse.SUPPRESS)
    parser.add_argument("--steps", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--warmup", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        side, name = args.child
        run = run_fit if side == "fit" else run_reference
        print(json.dumps(run(name, args.steps, args.warmup, args.batch_size, precision=args.precision)))
        return None
    results, start = {}, time.perf_counter()
    for _ in range(args.rounds):
        for name in args.models:
            steps, warmup = MODELS[name][2:]
            steps = max(1, round(steps * args.step_scale))
            for backend in args.backends:
                for side in ("reference", "fit"):
                    child = ["--child", side, name, "--steps", str(steps), "--warmup", str(warmup),
                             "--batch-size", str(args.batch_size), "--precision", args.precision]
                    figures = run_child([sys.executable, __file__, *child], {"KERAS_BACKEND": backend})
                    results.setdefault((name, backend, side), []).append(figures)
    text = table(results, args.models, args.backends)
    print(f"Default networks, {args.precision}, batch {args.batch_size}, {args.rounds} rounds (targets: ratio >= "
          f"{TARGET}, first step <= {FIRST_STEP_TARGET}x the reference's); {time.perf_counter() - start:.0f} s in all")
    print(text)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"batch_size": args.batch_size, "rounds": args.rounds, "precision": args.precision,
                       "raw": {"/".join(key): runs for key, runs in results.items()}}, f, indent=1)
    return results, text


if __name__ == "__main__":
    main()
