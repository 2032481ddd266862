"""Hand-written reference training loops of the TensorFlow-tutorial DCGAN.

Same network (Keras-default BN, LeakyReLU 0.3), non-saturating logit loss and
Adam(lr=1e-4, eps=1e-7) for G and D in all three. One step: z ~ N(0, 1) ->
D update on real and (non-differentiated) fake -> fresh z -> G update.

* ``run_tf``: raw TensorFlow (``tf.Variable``, ``tf.nn`` ops, fused
  ``ResourceApplyAdam``) in one ``tf.function`` step, no XLA.
* ``run_torch``: eager PyTorch, ``torch.optim.Adam``, NCHW, default threads.
* ``run_jax``: Keras 3 models on JAX under a hand-written ``jax.jit`` step
  (``stateless_call``/``stateless_apply``) threading weights, BN statistics,
  dropout seeds, Adam slots and a PRNG key, with state donation.

Frameworks are imported lazily. CLI: ``python bench/references.py
{tf,torch,jax} --steps N --warmup W [--batch-size B]`` prints one JSON line.
"""

import argparse
import itertools
import json
import os
import statistics
import time

LATENT_DIM = 100
SLOPE = 0.3
LR = 1e-4
EPS = 1e-7


def _real_data(batch_size, channels_first=False):
    """Fixed random "images" in [-1, 1].

    Args:
        batch_size: Images per batch.
        channels_first: Whether to lay the images out as NCHW.

    Returns:
        A list of 8 float32 numpy batches, (B, 28, 28, 1) or (B, 1, 28, 28).
    """
    import numpy as np

    shape = (8, batch_size, 1, 28, 28) if channels_first else (8, batch_size, 28, 28, 1)
    return list(np.random.default_rng(0).uniform(-1.0, 1.0, shape).astype("float32"))


def _measure(name, step, steps, warmup, batch_size):
    """Times a blocking step callable.

    Args:
        name: Name reported in the result.
        step: Zero-argument callable running one training step to completion.
        steps: Number of timed steps (at least 1), run after the warmup.
        warmup: Number of untimed steps; the first one is reported separately.
        batch_size: Images per step.

    Returns:
        The result dict (``img_per_s``, ``first_step_s``, ``name``).
    """
    if steps < 1 or warmup < 0:
        raise ValueError("need steps >= 1 and warmup >= 0")
    times = []
    for _ in range(warmup + steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    rates = [batch_size / t for t in times[warmup:]]
    return {"img_per_s": statistics.median(rates), "first_step_s": times[0], "name": name}


def _tf_adam(tf, variables):
    """Keras-equivalent Adam on the fused ResourceApplyAdam kernel.

    Args:
        tf: The tensorflow module.
        variables: The list of tf.Variables to optimize.

    Returns:
        ``apply(grads)``, which updates ``variables`` in place by one step.
    """
    slots = [(tf.Variable(tf.zeros_like(v), trainable=False),
              tf.Variable(tf.zeros_like(v), trainable=False)) for v in variables]
    step = tf.Variable(0.0, trainable=False)

    def apply(grads):
        t = step.assign_add(1.0)
        for var, (m, v), g in zip(variables, slots, grads):
            tf.raw_ops.ResourceApplyAdam(
                var=var.handle, m=m.handle, v=v.handle, beta1_power=tf.pow(0.9, t),
                beta2_power=tf.pow(0.999, t), lr=LR, beta1=0.9, beta2=0.999,
                epsilon=EPS, grad=g)

    return apply


def _tf_params(tf):
    """Creates G's and D's variables (Glorot-uniform kernels, zero biases).

    Args:
        tf: The tensorflow module.

    Returns:
        (g, d): dicts of tf.Variables; BN entries are dicts of trainable
        gamma/beta and non-trainable moving mean/var.
    """
    def glorot(*shape):
        receptive = shape[0] * shape[1] if len(shape) == 4 else 1
        limit = (6.0 / (receptive * (shape[-2] + shape[-1]))) ** 0.5
        return tf.Variable(tf.random.uniform(shape, -limit, limit))

    def bn(n):
        return {"gamma": tf.Variable(tf.ones([n])), "beta": tf.Variable(tf.zeros([n])),
                "mean": tf.Variable(tf.zeros([n]), trainable=False),
                "var": tf.Variable(tf.ones([n]), trainable=False)}

    g = {"w0": glorot(LATENT_DIM, 7 * 7 * 256), "bn0": bn(7 * 7 * 256),
         "t1": glorot(5, 5, 128, 256), "bn1": bn(128),
         "t2": glorot(5, 5, 64, 128), "bn2": bn(64), "t3": glorot(5, 5, 1, 64)}
    d = {"c1": glorot(5, 5, 1, 64), "b1": tf.Variable(tf.zeros([64])),
         "c2": glorot(5, 5, 64, 128), "b2": tf.Variable(tf.zeros([128])),
         "w": glorot(7 * 7 * 128, 1), "b": tf.Variable(tf.zeros([1]))}
    return g, d


def _tf_bn_lrelu(tf, x, bn):
    """Training-mode batch norm (Keras momentum/eps) followed by LeakyReLU."""
    mean, var = tf.nn.moments(x, list(range(len(x.shape) - 1)))
    bn["mean"].assign(bn["mean"] * 0.99 + mean * 0.01)
    bn["var"].assign(bn["var"] * 0.99 + var * 0.01)
    x = tf.nn.batch_normalization(x, mean, var, bn["beta"], bn["gamma"], 1e-3)
    return tf.nn.leaky_relu(x, SLOPE)


def _tf_generator(tf, g, z):
    """Generator forward pass: (B, 100) latents -> (B, 28, 28, 1) images."""
    x = tf.reshape(_tf_bn_lrelu(tf, tf.matmul(z, g["w0"]), g["bn0"]), [-1, 7, 7, 256])
    batch = tf.shape(z)[0]
    for name, stride, size in (("t1", 1, 7), ("t2", 2, 14), ("t3", 2, 28)):
        shape = tf.stack([batch, size, size, g[name].shape[2]])
        x = tf.nn.conv2d_transpose(x, g[name], shape, stride, padding="SAME")
        x = _tf_bn_lrelu(tf, x, g["bn" + name[1]]) if name != "t3" else tf.tanh(x)
    return x


def _tf_discriminator(tf, d, x):
    """Discriminator forward pass: (B, 28, 28, 1) images -> (B, 1) logits."""
    for conv, bias in (("c1", "b1"), ("c2", "b2")):
        x = tf.nn.leaky_relu(tf.nn.conv2d(x, d[conv], 2, "SAME") + d[bias], SLOPE)
        x = tf.nn.dropout(x, rate=0.3)
    return tf.matmul(tf.reshape(x, [-1, 7 * 7 * 128]), d["w"]) + d["b"]


def run_tf(steps, warmup, batch_size=256):
    """Benchmarks the raw-TensorFlow reference.

    Args and Returns: as for ``_measure``, which this passes them to.
    """
    import tensorflow as tf

    g, d = _tf_params(tf)
    g_vars = [v for v in tf.nest.flatten(g) if v.trainable]
    d_vars = [v for v in tf.nest.flatten(d) if v.trainable]
    g_adam, d_adam = _tf_adam(tf, g_vars), _tf_adam(tf, d_vars)

    @tf.function(jit_compile=False)
    def train_step(real):
        fake = _tf_generator(tf, g, tf.random.normal([batch_size, LATENT_DIM]))
        with tf.GradientTape(watch_accessed_variables=False) as tape:
            tape.watch(d_vars)
            d_loss = (tf.reduce_mean(tf.nn.softplus(-_tf_discriminator(tf, d, real)))
                      + tf.reduce_mean(tf.nn.softplus(_tf_discriminator(tf, d, fake))))
        d_adam(tape.gradient(d_loss, d_vars))
        with tf.GradientTape(watch_accessed_variables=False) as tape:
            tape.watch(g_vars)
            fake = _tf_generator(tf, g, tf.random.normal([batch_size, LATENT_DIM]))
            g_loss = tf.reduce_mean(tf.nn.softplus(-_tf_discriminator(tf, d, fake)))
        g_adam(tape.gradient(g_loss, g_vars))
        return d_loss, g_loss

    batches = itertools.cycle([tf.constant(b) for b in _real_data(batch_size)])
    return _measure("tf", lambda: [t.numpy() for t in train_step(next(batches))],
                    steps, warmup, batch_size)


def _torch_models(nn):
    """Builds the NCHW generator and discriminator.

    Args:
        nn: The torch.nn module.

    Returns:
        (generator, discriminator) nn.Sequential modules in training mode.
    """
    def bn(cls, n):
        return cls(n, eps=1e-3, momentum=0.01)

    def up(c_in, c_out, stride):
        return nn.ConvTranspose2d(c_in, c_out, 5, stride, padding=2,
                                  output_padding=stride - 1, bias=False)

    gen = nn.Sequential(
        nn.Linear(LATENT_DIM, 7 * 7 * 256, bias=False), bn(nn.BatchNorm1d, 7 * 7 * 256),
        nn.LeakyReLU(SLOPE), nn.Unflatten(1, (256, 7, 7)),
        up(256, 128, 1), bn(nn.BatchNorm2d, 128), nn.LeakyReLU(SLOPE),
        up(128, 64, 2), bn(nn.BatchNorm2d, 64), nn.LeakyReLU(SLOPE),
        up(64, 1, 2), nn.Tanh())
    disc = nn.Sequential(
        nn.Conv2d(1, 64, 5, 2, padding=2), nn.LeakyReLU(SLOPE), nn.Dropout(0.3),
        nn.Conv2d(64, 128, 5, 2, padding=2), nn.LeakyReLU(SLOPE), nn.Dropout(0.3),
        nn.Flatten(), nn.Linear(7 * 7 * 128, 1))
    return gen.train(), disc.train()


def run_torch(steps, warmup, batch_size=256):
    """Benchmarks the eager PyTorch reference.

    Args and Returns: as for ``_measure``, which this passes them to.
    """
    import torch
    import torch.nn.functional as F

    # The GPU when there is one, as Keras's torch backend does.
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    gen, disc = (net.to(device) for net in _torch_models(torch.nn))
    g_opt = torch.optim.Adam(gen.parameters(), lr=LR, eps=EPS)
    d_opt = torch.optim.Adam(disc.parameters(), lr=LR, eps=EPS)
    batches = itertools.cycle([torch.from_numpy(b).to(device) for b in _real_data(batch_size, True)])

    def train_step():
        real = next(batches)
        with torch.no_grad():
            fake = gen(torch.randn(batch_size, LATENT_DIM, device=device))
        d_opt.zero_grad(set_to_none=True)
        d_loss = F.softplus(-disc(real)).mean() + F.softplus(disc(fake)).mean()
        d_loss.backward()
        d_opt.step()
        disc.requires_grad_(False)
        g_opt.zero_grad(set_to_none=True)
        g_loss = F.softplus(-disc(gen(torch.randn(batch_size, LATENT_DIM, device=device)))).mean()
        g_loss.backward()
        g_opt.step()
        disc.requires_grad_(True)
        return d_loss.item(), g_loss.item()

    return _measure("torch", train_step, steps, warmup, batch_size)


def _keras_models(keras):
    """Builds the channels-last Keras generator and discriminator.

    Args:
        keras: The keras module.

    Returns:
        (generator, discriminator) keras.Sequential models.
    """
    L = keras.layers

    def up(filters, stride, **kwargs):
        return L.Conv2DTranspose(filters, 5, strides=stride, padding="same",
                                 use_bias=False, **kwargs)

    gen = keras.Sequential([
        keras.Input((LATENT_DIM,)), L.Dense(7 * 7 * 256, use_bias=False),
        L.BatchNormalization(), L.LeakyReLU(SLOPE), L.Reshape((7, 7, 256)),
        up(128, 1), L.BatchNormalization(), L.LeakyReLU(SLOPE),
        up(64, 2), L.BatchNormalization(), L.LeakyReLU(SLOPE),
        up(1, 2, activation="tanh")])
    disc = keras.Sequential([
        keras.Input((28, 28, 1)),
        L.Conv2D(64, 5, strides=2, padding="same"), L.LeakyReLU(SLOPE), L.Dropout(0.3),
        L.Conv2D(128, 5, strides=2, padding="same"), L.LeakyReLU(SLOPE), L.Dropout(0.3),
        L.Flatten(), L.Dense(1)])
    return gen, disc


def _make_jax_step(jax, gen, disc, g_opt, d_opt, batch_size):
    """Builds the jitted, state-donating train step.

    Args:
        jax: The jax module.
        gen, disc: The Keras generator and discriminator.
        g_opt, d_opt: Their built Keras Adam optimizers.
        batch_size: Images per step.

    Returns:
        ``step(state, real) -> (state, (d_loss, g_loss))``, state being
        ``(g_tv, g_ntv, d_tv, d_ntv, g_ov, d_ov, key)``.
    """
    softplus, mean = jax.nn.softplus, jax.numpy.mean

    def d_loss_fn(d_tv, d_ntv, real, fake):
        real_logits, d_ntv = disc.stateless_call(d_tv, d_ntv, real, training=True)
        fake_logits, d_ntv = disc.stateless_call(d_tv, d_ntv, fake, training=True)
        return mean(softplus(-real_logits)) + mean(softplus(fake_logits)), d_ntv

    def g_loss_fn(g_tv, g_ntv, d_tv, d_ntv, z):
        fake, g_ntv = gen.stateless_call(g_tv, g_ntv, z, training=True)
        logits, d_ntv = disc.stateless_call(d_tv, d_ntv, fake, training=True)
        return mean(softplus(-logits)), (g_ntv, d_ntv)

    def step(state, real):
        g_tv, g_ntv, d_tv, d_ntv, g_ov, d_ov, key = state
        key, z_d, z_g = jax.random.split(key, 3)
        z = jax.random.normal(z_d, (batch_size, LATENT_DIM))
        fake, g_ntv = gen.stateless_call(g_tv, g_ntv, z, training=True)
        fake = jax.lax.stop_gradient(fake)
        (d_loss, d_ntv), grads = jax.value_and_grad(d_loss_fn, has_aux=True)(
            d_tv, d_ntv, real, fake)
        d_tv, d_ov = d_opt.stateless_apply(d_ov, grads, d_tv)
        z = jax.random.normal(z_g, (batch_size, LATENT_DIM))
        (g_loss, (g_ntv, d_ntv)), grads = jax.value_and_grad(g_loss_fn, has_aux=True)(
            g_tv, g_ntv, d_tv, d_ntv, z)
        g_tv, g_ov = g_opt.stateless_apply(g_ov, grads, g_tv)
        return (g_tv, g_ntv, d_tv, d_ntv, g_ov, d_ov, key), (d_loss, g_loss)

    return jax.jit(step, donate_argnums=0)


def run_jax(steps, warmup, batch_size=256):
    """Benchmarks the Keras-on-JAX stateless reference.

    Requires KERAS_BACKEND=jax to be set before keras is first imported.

    Args and Returns: as for ``_measure``, which this passes them to.
    """
    import jax
    import keras

    # benchmark.py --dtype-policy: the Keras-on-JAX reference computes in the same dtype.
    keras.mixed_precision.set_global_policy(os.environ.get("KERAS_GAN_BENCH_DTYPE_POLICY", "float32"))

    if keras.backend.backend() != "jax":
        raise RuntimeError("run_jax needs KERAS_BACKEND=jax set before importing keras")
    gen, disc = _keras_models(keras)
    g_opt = keras.optimizers.Adam(learning_rate=LR, epsilon=EPS)
    d_opt = keras.optimizers.Adam(learning_rate=LR, epsilon=EPS)
    g_opt.build(gen.trainable_variables)
    d_opt.build(disc.trainable_variables)

    def values(variables):
        return [v.value for v in variables]

    state = [(values(gen.trainable_variables), values(gen.non_trainable_variables),
              values(disc.trainable_variables), values(disc.non_trainable_variables),
              values(g_opt.variables), values(d_opt.variables), jax.random.key(0))]
    step = _make_jax_step(jax, gen, disc, g_opt, d_opt, batch_size)
    batches = itertools.cycle([jax.device_put(b) for b in _real_data(batch_size)])

    def train_step():
        state[0], losses = step(state[0], next(batches))
        jax.block_until_ready((state[0], losses))

    return _measure("jax", train_step, steps, warmup, batch_size)


def main():
    """Parses the CLI, runs one reference and prints its result as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=["tf", "torch", "jax"])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=256)
    args = parser.parse_args()
    if args.name == "jax":
        os.environ["KERAS_BACKEND"] = "jax"
    run = {"tf": run_tf, "torch": run_torch, "jax": run_jax}[args.name]
    print(json.dumps(run(args.steps, args.warmup, args.batch_size)))


if __name__ == "__main__":
    main()
