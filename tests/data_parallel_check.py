"""Trains each model a few steps on 1 device and on N devices (same seed, same global batch).

Run by `test_data_parallel.py` in a fresh process, because simulated devices must be
configured before JAX or TensorFlow starts:

    KERAS_BACKEND=jax python tests/data_parallel_check.py --out weights.npz
    KERAS_BACKEND=jax python tests/data_parallel_check.py --out w.npz --models gan \\
        --num-processes 2 --process-id 0 --coordinator localhost:12345   # and process 1

One group of torch ranks runs every torch check but the resumption (`--single-first --control
--whole-backup DIR --crash-backup DIR --crash-at-epoch 3`): process 0 first trains each model
alone (the "single" run), then the ranks train them together ("distributed"), then GAN without
the gradient average ("control"), WGAN-GP under BackupAndRestore ("whole"), write the weights,
and die in epoch 3 of a second WGAN-GP run under another backup (exit status 3), which a second
group resumes (`--models wgan_gp --backup DIR`).

JAX: `keras.distribution.DataParallel` over N simulated CPU devices (one process), or
over one device in each of N processes (`jax.distributed.initialize`, each process
feeding its own half of every global batch). TensorFlow: `MirroredStrategy` over N
logical CPU devices, or `MultiWorkerMirroredStrategy` over N worker processes
(`TF_CONFIG`, one CPU each; `--coordinator` lists every worker's host:port). PyTorch: N processes in a gloo `torch.distributed` group (the
`torchrun` setup), each feeding `keras_gan.data.shard`'s rows. Saves every model's
weights, per run, to `--out` (process 0 writes).
"""

import argparse
import os
import sys


def _configure(args):
    backend = os.environ.get("KERAS_BACKEND")
    if backend == "torch" and args.num_processes > 1:
        import torch.distributed

        torch.distributed.init_process_group("gloo", init_method=f"tcp://{args.coordinator}",
                                             rank=args.process_id, world_size=args.num_processes)
    if backend == "jax" and args.num_processes == 1:  # added to the flags the tests compile with (tests/conftest.py)
        devices = f"--xla_force_host_platform_device_count={args.devices}"
        os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {devices}".strip()
    if backend == "jax" and args.num_processes > 1:
        import jax

        jax.distributed.initialize(args.coordinator, args.num_processes, args.process_id)
    if backend == "tensorflow" and args.num_processes > 1:  # MultiWorkerMirroredStrategy, one CPU per worker
        import json

        workers = args.coordinator.split(",")  # one host:port per worker
        os.environ["TF_CONFIG"] = json.dumps({"cluster": {"worker": workers},
                                              "task": {"type": "worker", "index": args.process_id}})
        import tensorflow as tf

        _STRATEGIES["workers"] = tf.distribute.MultiWorkerMirroredStrategy()
        return
    if backend == "tensorflow":
        import tensorflow as tf

        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * args.devices
        )


def _average_gradients(on):
    """Torch ranks: `on=False` is the control run, averaging the loss and figures but not the gradients."""
    from keras_gan.backend import torch_trainer

    if "average" not in _PATCHED:
        _PATCHED["average"] = torch_trainer._average_over_ranks
    average = _PATCHED["average"]
    torch_trainer._average_over_ranks = average if on else (
        lambda grads, loss, aux: (grads, *average(grads, loss, aux)[1:]))


_PATCHED = {}


def _models():
    import keras_gan

    return {
        "gan": (lambda: keras_gan.GAN((2,), latent_dim=4, hidden_units=(16, 16), seed=1), (2,)),
        "conditional_gan": (
            lambda: keras_gan.ConditionalGAN((2,), num_classes=3, latent_dim=4, hidden_units=(16, 16), seed=1),
            (2,),
        ),
        # Vectors: MLPs without BatchNorm (an image WGANGP's generator has BatchNorm).
        "wgan_gp": (lambda: keras_gan.WGANGP((2,), latent_dim=4, hidden_units=(16, 16), d_steps=2, seed=1), (2,)),
        "dcgan": (lambda: keras_gan.DCGAN((16, 16, 1), latent_dim=8, filters=4, seed=1), (16, 16, 1)),
        "dcgan_sync_bn": (lambda: _sync_batch_norm(keras_gan.DCGAN((16, 16, 1), latent_dim=8, filters=4, seed=1)),
                          (16, 16, 1)),
    }


def _sync_batch_norm(model):
    """`model` with every BatchNormalization synchronized across replicas (TensorFlow only)."""
    import keras

    def clone(layer):
        config = layer.get_config()
        if isinstance(layer, keras.layers.BatchNormalization):
            config["synchronized"] = True
        return type(layer).from_config(config)

    return type(model)(
        model.data_shape, model.latent_dim, filters=model.filters, seed=model.seed,
        generator=keras.models.clone_model(model.generator, clone_function=clone),
        discriminator=keras.models.clone_model(model.discriminator, clone_function=clone),
    )


_STRATEGIES = {}


def _mirrored_strategy(devices):
    # One per process: a second MirroredStrategy's collectives can clash with the first's.
    if devices not in _STRATEGIES:
        import tensorflow as tf

        _STRATEGIES[devices] = tf.distribute.MirroredStrategy([f"/cpu:{i}" for i in range(devices)])
    return _STRATEGIES[devices]


def _train(name, distributed, args, processes=None, backup=None, crash_at_epoch=0):
    """Trains `name` for `args.steps` steps of global batch `args.batch_size` on `processes` processes (default
    `args.num_processes`), under BackupAndRestore in `backup` if given; returns its weights."""
    import contextlib

    import keras
    import numpy as np

    processes = args.num_processes if processes is None else processes
    build, shape = _models()[name]
    # With a backup each epoch is one step on one global batch (a resumed epoch restarts its data).
    n = args.batch_size if backup else args.steps * args.batch_size
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (n, *shape)).astype("float32")
    y = (np.arange(n) % 3).astype("int32") if name == "conditional_gan" else None
    batch_size = args.batch_size
    multi_worker = keras.backend.backend() == "tensorflow" and processes > 1
    if processes > 1 and not multi_worker:  # each process feeds its own rows of every global batch
        import keras_gan

        batch_size //= processes
        x, y = keras_gan.data.shard(x, np.zeros(n) if y is None else y, batch_size=batch_size)
        y = None if name != "conditional_gan" else y
    scope = contextlib.nullcontext()
    if keras.backend.backend() == "jax":
        import jax

        # Several processes: each feeds its own rows (sharded here), so no auto-sharding.
        distribution = keras.distribution.DataParallel(
            devices=jax.devices(), auto_shard_dataset=processes == 1
        )
        keras.distribution.set_distribution(distribution if distributed else None)
    elif multi_worker:  # every worker passes the whole data and the global batch; Keras shards it
        scope = _STRATEGIES["workers"].scope()
    elif distributed and keras.backend.backend() == "tensorflow":
        scope = _mirrored_strategy(args.devices).scope()
    # Torch ranks start from different weights and seeds: the first fit broadcasts rank 0's.
    keras.utils.set_random_seed(args.process_id if keras.backend.backend() == "torch" else 0)
    with scope:
        model = build()
        # SGD, not Adam: Adam's update hardly depends on the gradient's scale, so it
        # would hide gradients summed instead of averaged over replicas.
        model.compile(d_optimizer=keras.optimizers.SGD(0.05), g_optimizer=keras.optimizers.SGD(0.05))
    before = [np.array(keras.ops.convert_to_numpy(v.value)) for v in model.weights]
    callbacks = []
    if backup:  # epochs of one step; the run dies in epoch `crash_at_epoch`, a rerun resumes it
        callbacks.append(keras.callbacks.BackupAndRestore(backup))
        if crash_at_epoch:
            callbacks.append(_crash_at(crash_at_epoch))
    model.fit(x, y, batch_size=batch_size, epochs=args.steps if backup else 1, shuffle=False, verbose=0,
              callbacks=callbacks)
    after = [np.array(keras.ops.convert_to_numpy(v.value)) for v in model.weights]
    iterations = [int(keras.ops.convert_to_numpy(o.iterations.value)) for o in (model.d_optimizer, model.g_optimizer)]
    return before, after, iterations


def _crash_at(epoch):
    """A callback that ends the process at the start of epoch `epoch` (1-based), as a kill would."""
    import keras

    class Crash(keras.callbacks.Callback):
        def on_epoch_begin(self, index, logs=None):
            if index + 1 == epoch:
                raise SystemExit(3)

    return Crash()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="npz file for the weights")
    parser.add_argument("--devices", type=int, default=2)
    parser.add_argument("--models", default="gan,conditional_gan,wgan_gp,dcgan")
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--num-processes", type=int, default=1)
    parser.add_argument("--process-id", type=int, default=0)
    parser.add_argument("--coordinator", default=None)
    parser.add_argument("--backup", help="BackupAndRestore directory; each step is an epoch of one batch")
    parser.add_argument("--crash-at-epoch", type=int, default=0)
    parser.add_argument("--single-first", action="store_true",
                        help="torch ranks: process 0 first trains every model alone on the global batch ('single')")
    parser.add_argument("--control", action="store_true",
                        help="torch ranks: then GAN without the gradient average ('control')")
    parser.add_argument("--whole-backup", help="then WGAN-GP under BackupAndRestore here, uninterrupted ('whole')")
    parser.add_argument("--crash-backup", help="last, WGAN-GP under BackupAndRestore here, dying in --crash-at-epoch")
    args = parser.parse_args(argv)
    arrays = {}
    if args.single_first and args.process_id == 0:  # before joining the group: one process, the whole batch
        for name in args.models.split(","):
            _record(arrays, name, "single", _train(name, False, args, processes=1))
    _configure(args)
    try:
        return _run(args, arrays)
    finally:  # torch: leave the gloo group before exit (a live group's threads can abort the exit)
        if "torch.distributed" in sys.modules and sys.modules["torch.distributed"].is_initialized():
            sys.modules["torch.distributed"].destroy_process_group()


def _record(arrays, name, run, result):
    import numpy as np

    before, after, iterations = result
    arrays[f"{name}/{run}/iterations"] = np.array(iterations)
    for i, (b, a) in enumerate(zip(before, after)):
        arrays[f"{name}/{run}/before/{i:03d}"] = b
        arrays[f"{name}/{run}/after/{i:03d}"] = a


def _run(args, arrays):
    import numpy as np

    runs = ("distributed",) if args.num_processes > 1 else ("single", "distributed")
    for name in args.models.split(","):
        for run in runs:
            _record(arrays, name, run, _train(name, run == "distributed", args, backup=args.backup,
                                              crash_at_epoch=args.crash_at_epoch if not args.crash_backup else 0))
    if args.control:
        _average_gradients(False)
        _record(arrays, "gan", "control", _train("gan", True, args))
        _average_gradients(True)
    if args.whole_backup:
        _record(arrays, "wgan_gp", "whole", _train("wgan_gp", True, args, backup=args.whole_backup))
    if args.process_id == 0:
        np.savez(args.out, **arrays)
    if args.crash_backup:
        _train("wgan_gp", True, args, backup=args.crash_backup, crash_at_epoch=args.crash_at_epoch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
