"""A roofline of every default network: training FLOPs per image, images/s in fp32 and bf16, and the share of the
machine's matrix-multiply peak that makes.

For each model of `bench/default_networks.py` (the MLP GAN on 28x28x1, DCGAN at 28x28x1, 32x32x3 and 64x64x3,
the conditional GAN, WGAN-GP, the CPU-sized StyleGAN2 at 32x32x3), in one process per backend:

- **FLOPs per training image, counted from the layers.** The rule: a layer's forward pass costs 2 FLOPs per
  multiply-add of its matrix product or convolution (Dense: inputs x units per position; Conv2D: output pixels x
  kernel size; Conv2DTranspose: input pixels x kernel size; StyleGAN2's modulated convolution adds its style affine
  and its demodulation product); activations, normalisations, resampling filters, losses and optimizer updates
  are not counted. A backward pass costs twice its forward pass (input and weight gradients), except D's in the
  generator step, which needs input gradients only (1x). With G and D the forward costs of one image, a step
  costs per image of the batch `d_steps x (G + 6 D) + 3 G + 2 D`: each D step generates a fake (G), runs D forward
  and backward on the real and the fake (2 x 3 D); the G step runs G forward and backward (3 G) through D forward
  and its input gradient (2 D). A gradient penalty on interpolates (WGAN-GP, every D step) or R1 on the reals
  (StyleGAN2, every `r1_interval`-th D step) adds 6 D: D forward, its input gradient, and the backward pass of
  both (twice their 2 D).
- **XLA's count** of the same step (JAX only): the cost analysis (`jax.jit(...).lower(...).compile()
  .cost_analysis()`) of the hand-written JAX step of `default_networks.py`, which holds the same maths, per image.
  It counts elementwise work and the optimizer updates too, but only the taps of a convolution window that fall
  inside the image, not on its padding: on DCGAN's 4x4 stride-2 windows XLA's forward count is 0.83x the layer
  count, and the whole step 0.85x (DCGAN 32x32x3) and 0.87x (WGAN-GP).
- **Images/s of `model.fit`** in fp32 (`"float32"`) and, where the machine has bfloat16 units (or `--precisions`
  asks), in bf16 (`"mixed_bfloat16"`), as `default_networks.py` times it (median over the timed steps), and the
  FLOP/s that makes.
- **The matrix-multiply peak**, measured in the same process: a 2048x2048 `keras.ops.matmul` on the backend in
  float32 and in bfloat16 (the best of several), and each fit's FLOP/s as a fraction of its precision's peak.

Writes `bench/results/roofline_<backend>.json` per backend and prints the table of all the backends' files.

    python bench/roofline.py                          # each backend in its own process, then the table
    python bench/roofline.py --backends torch --models dcgan32c dcgan64
    python bench/roofline.py --table                  # the table of the JSON files already written
    python bench/roofline.py --quick                  # tiny networks and matrices: seconds, for the tests
"""

import argparse
import json
import math
import os
import platform
import sys
import time

import default_networks
from timing import HERE, run_child

BACKENDS = default_networks.BACKENDS
PRECISIONS = {"fp32": "float32", "bf16": "mixed_bfloat16"}
RESULTS = os.path.join(HERE, "results")
# --quick: the same model classes and code paths, narrow (seconds instead of minutes).
QUICK = {"GAN": {"hidden_units": (16, 16)}, "DCGAN": {"filters": 4}, "ConditionalGAN": {"filters": 4},
         "WGANGP": {"filters": 4, "d_steps": 2},
         "StyleGAN2": {"data_shape": (8, 8, 3), "latent_dim": 8, "w_dim": 8, "mapping_layers": 1, "channel_base": 32,
                       "channel_max": 8, "r1_interval": 2}}


# --- counting --------------------------------------------------------------------------------------------------


def layer_macs(layer, input_shape, output_shape):
    """Multiply-adds per sample of `layer`'s forward pass: its matrix product or convolution (0 without one).

    Args:
        layer: a Keras layer; a wrapper (`SpectralNormalization`) counts as the layer it wraps.
        input_shape, output_shape: its shapes with the batch axis first (a list of shapes for several inputs).
    """
    import keras

    from keras_gan.stylegan2_layers import ModulatedConv2D

    inner = layer.layer if isinstance(layer, keras.layers.Wrapper) else layer
    kernel = getattr(inner, "kernel", None)
    if kernel is None:
        return 0
    shape = tuple(kernel.shape)
    if isinstance(inner, ModulatedConv2D):  # conv on the scaled input; the style affine; the demodulation product
        macs = math.prod(output_shape[1:3]) * math.prod(shape) + math.prod(inner.affine_kernel.shape)
        return macs + (shape[2] * shape[3] if inner.demodulate else 0)
    if len(shape) == 2:  # Dense, EqualizedDense: per position of the input
        return math.prod(input_shape[1:-1]) * math.prod(shape)
    if len(shape) == 4:  # a transposed convolution scatters a kernel per input pixel, a convolution gathers one
        pixels = input_shape[1:3] if isinstance(inner, keras.layers.Conv2DTranspose) else output_shape[1:3]
        return math.prod(pixels) * math.prod(shape)
    raise ValueError(f"no FLOP rule for {type(inner).__name__} with a kernel of shape {shape}")


def forward_flops(network):
    """FLOPs of one sample's forward pass through a functional Keras model: 2 x the multiply-adds of its layers."""
    import keras

    total = 0
    for layer in network.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        if isinstance(layer, keras.Model):
            total += forward_flops(layer)
            continue
        inputs, output = layer.input, layer.output
        input_shape = [tuple(t.shape) for t in inputs] if isinstance(inputs, (list, tuple)) else tuple(inputs.shape)
        total += 2 * layer_macs(layer, input_shape, tuple(output.shape))
    return total


def step_flops(model):
    """`{"g_forward", "d_forward", "per_image"}`: the counting rule of the module docstring applied to `model`."""
    g, d = forward_flops(model.generator), forward_flops(model.discriminator)
    d_step = g + 6 * d
    if getattr(model, "gp_weight", None) is not None:
        d_step += 6 * d
    r1 = default_networks._r1(model)
    if r1:
        d_step += 6 * d / r1[1]
    return {"g_forward": g, "d_forward": d, "per_image": model.d_steps * d_step + 3 * g + 2 * d}


def xla_flops(model, batch_size):
    """XLA's FLOPs per image of the hand-written JAX training step (averaged over an R1 interval), or None."""
    import keras

    if keras.backend.backend() != "jax":
        return None
    x, y = default_networks._data(model, 1, batch_size)
    step = default_networks._reference_jax(model, batch_size)
    r1 = default_networks._r1(model)
    flops = float(step.cost_analysis(x, y, due=False)["flops"])
    if r1:
        flops = (flops * (r1[1] - 1) + float(step.cost_analysis(x, y, due=True)["flops"])) / r1[1]
    return flops / batch_size


# --- measuring -------------------------------------------------------------------------------------------------


def gemm_gflops(dtype, n=2048, repeats=5, seconds=5.0):
    """The best GFLOP/s of an `n`x`n` matrix product on the backend in `dtype` (`2 n^3` FLOPs each): of `repeats`
    products after a first one, fewer where they take more than `seconds` (bfloat16 emulated without a unit)."""
    import numpy as np
    from keras import ops

    rng = np.random.default_rng(0)
    a, b = (ops.convert_to_tensor(rng.standard_normal((n, n)).astype("float32"), dtype) for _ in range(2))

    def product():
        c = ops.matmul(a, b)
        ops.convert_to_numpy(c[:1, :1])  # waits for the product (JAX dispatches asynchronously)

    times, start = [], time.perf_counter()
    while len(times) <= repeats and (len(times) < 2 or time.perf_counter() - start < seconds):
        begin = time.perf_counter()
        product()
        times.append(time.perf_counter() - begin)
    best = min(times[1:] or times)  # the first product warms up, unless it is the only one
    return 2 * n**3 / best / 1e9


def _cpu():
    """The CPU's model name and bfloat16 unit, as the precision choice sees them."""
    from keras_gan import mixed_precision

    name = platform.processor()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            name = next((line.partition(":")[2].strip() for line in f if line.startswith("model name")), name)
    except OSError:
        pass
    return {"cpu": name, "cores": os.cpu_count(), "bf16_unit": mixed_precision.bf16_unit(),
            "auto_picks": mixed_precision.resolve_precision("auto")}


def measure(models, *, precisions=None, batch_size=64, step_scale=1.0, quick=False, xla=True):
    """Counts, times and sets against the peak every model in `models`, on this process's backend.

    `precisions` default: fp32 and bf16 where the machine has bfloat16 units (`mixed_precision.bf16_units`) and in
    `quick` runs, fp32 alone elsewhere: without units bfloat16 is emulated, far slower, and says nothing about the
    targets.

    Returns:
        The JSON record: `{"backend", "machine", "batch_size", "precisions", "gemm_size", "gemm_gflops": {precision:
        GFLOP/s},
        "models": {name: {"flops_per_image", "g_forward_flops", "d_forward_flops", "xla_flops_per_image",
        precision: {"img_per_s", "first_step_s", "gflops", "fraction_of_peak"}}}}`.
    """
    import warnings

    import keras

    from keras_gan.mixed_precision import bf16_units

    if precisions is None:
        precisions = list(PRECISIONS) if bf16_units() or quick else ["fp32"]
    entries = {name: _quick(entry) if quick else entry for name, entry in default_networks.MODELS.items()}
    saved, default_networks.MODELS = default_networks.MODELS, entries  # run_fit and _build read MODELS
    try:
        size = 256 if quick else 2048
        record = {"backend": keras.backend.backend(), "machine": _cpu(), "batch_size": batch_size, "quick": quick,
                  "precisions": list(precisions), "gemm_size": size, "gemm_gflops": {}, "models": {}}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # bf16 asked for on a machine without bfloat16 units: measured anyway
            for precision in precisions:
                dtype = PRECISIONS[precision].removeprefix("mixed_")
                record["gemm_gflops"][precision] = gemm_gflops(dtype, n=size)
            for name in models:
                model = default_networks._build(name)
                flops = step_flops(model)
                entry = {"flops_per_image": flops["per_image"], "g_forward_flops": flops["g_forward"],
                         "d_forward_flops": flops["d_forward"],
                         "xla_flops_per_image": xla_flops(model, batch_size) if xla else None}
                steps, warmup = entries[name][2:]
                for precision in precisions:
                    timed = default_networks.run_fit(name, max(1, round(steps * step_scale)), warmup, batch_size,
                                                     precision=precision)
                    gflops = flops["per_image"] * timed["img_per_s"] / 1e9
                    entry[precision] = {"img_per_s": timed["img_per_s"], "first_step_s": timed["first_step_s"],
                                        "gflops": gflops,
                                        "fraction_of_peak": gflops / record["gemm_gflops"][precision]}
                record["models"][name] = entry
                print(f"{name}: {json.dumps(entry)}", file=sys.stderr)
        return record
    finally:
        default_networks.MODELS = saved


def _quick(entry):
    cls, kwargs, _, _ = entry
    return cls, {**kwargs, **QUICK[cls]}, 2, 1


# --- the table -------------------------------------------------------------------------------------------------


def table(records):
    """Markdown table of roofline records (one per backend), models in `default_networks.MODELS`' order."""
    lines = ["| model | FLOPs/img (layers) | XLA / layers | backend | fp32 img/s | fp32 GFLOP/s | of fp32 peak | "
             "bf16 img/s | bf16 / fp32 | of bf16 peak |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    names = [name for name in default_networks.MODELS if any(name in r["models"] for r in records)]
    xla = {name: r["models"][name]["xla_flops_per_image"] for r in records for name in r["models"]
           if r["models"][name].get("xla_flops_per_image")}

    def cell(figures, key, form):
        return form.format(figures[key]) if figures else "–"

    for name in names:
        for r in records:
            entry = r["models"].get(name)
            if not entry:
                continue
            fp32, bf16 = entry.get("fp32"), entry.get("bf16")
            ratio = f"{bf16['img_per_s'] / fp32['img_per_s']:.2f}" if fp32 and bf16 else "–"
            checked = f"{xla[name] / entry['flops_per_image']:.2f}" if name in xla else "–"
            lines.append(
                f"| {name} | {entry['flops_per_image'] / 1e9:.3g} G | {checked} | {r['backend']} | "
                f"{cell(fp32, 'img_per_s', '{:.1f}')} | {cell(fp32, 'gflops', '{:.1f}')} | "
                f"{cell(fp32, 'fraction_of_peak', '{:.0%}')} | {cell(bf16, 'img_per_s', '{:.1f}')} | {ratio} | "
                f"{cell(bf16, 'fraction_of_peak', '{:.0%}')} |")
    for r in records:  # how the cost grows from 32 to 64 pixels
        small, large = r["models"].get("dcgan32c"), r["models"].get("dcgan64")
        if small and large:
            rates = ", ".join(f"{p} {small[p]['img_per_s'] / large[p]['img_per_s']:.1f}x fewer img/s"
                              for p in PRECISIONS if p in small and p in large)
            lines.append(f"\nDCGAN 32x32x3 to 64x64x3 on {r['backend']}: "
                         f"{large['flops_per_image'] / small['flops_per_image']:.1f}x the FLOPs per image; {rates}.")
    peaks = "; ".join(f"{r['backend']} " + ", ".join(f"{p} {g:.0f}" for p, g in r["gemm_gflops"].items())
                      for r in records)
    machine = records[0]["machine"] if records else {}
    size = records[0].get("gemm_size", 2048) if records else 2048
    return (f"Matrix-multiply peak ({size}², GFLOP/s): {peaks}. Machine: {machine.get('cpu')}, "
            f"{machine.get('cores')} cores, bfloat16 unit: {machine.get('bf16_unit')}.\n\n" + "\n".join(lines))


def _path(out_dir, backend):
    return os.path.join(out_dir, f"roofline_{backend}.json")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=list(BACKENDS))
    parser.add_argument("--models", nargs="+", default=list(default_networks.MODELS),
                        choices=list(default_networks.MODELS))
    parser.add_argument("--precisions", nargs="+", choices=list(PRECISIONS),
                        help="default: fp32 and bf16 where the machine has bfloat16 units, else fp32 (--quick: both)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--step-scale", type=float, default=1.0,
                        help="multiplies each model's timed steps (default_networks.MODELS)")
    parser.add_argument("--quick", action="store_true", help="tiny networks, 2 steps, 256² matrices")
    parser.add_argument("--no-xla", dest="xla", action="store_false", help="skip XLA's cost analysis (JAX)")
    parser.add_argument("--out-dir", default=RESULTS, help="where roofline_<backend>.json go (default: %(default)s)")
    parser.add_argument("--table", action="store_true", help="only print the table of the files in --out-dir")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.makedirs(args.out_dir, exist_ok=True)
    if args.child:  # this process's backend (KERAS_BACKEND)
        record = measure(args.models, precisions=args.precisions, batch_size=args.batch_size,
                         step_scale=args.step_scale, quick=args.quick, xla=args.xla)
        with open(_path(args.out_dir, record["backend"]), "w") as f:
            json.dump(record, f, indent=1)
        print(json.dumps({"wrote": _path(args.out_dir, record["backend"])}))
        return record
    start = time.perf_counter()
    if not args.table:
        child = ["--child", "--models", *args.models, *(["--precisions", *args.precisions] if args.precisions else []),
                 "--batch-size",
                 str(args.batch_size), "--step-scale", str(args.step_scale), "--out-dir", os.path.abspath(args.out_dir),
                 *(["--quick"] if args.quick else []), *([] if args.xla else ["--no-xla"])]
        for backend in args.backends:
            run_child([sys.executable, os.path.abspath(__file__), *child], {"KERAS_BACKEND": backend})
    records = []
    for backend in args.backends:
        if os.path.exists(_path(args.out_dir, backend)):
            with open(_path(args.out_dir, backend)) as f:
                records.append(json.load(f))
    text = table(records)
    print(f"Roofline, batch {args.batch_size}; {time.perf_counter() - start:.0f} s")
    print(text)
    return text


if __name__ == "__main__":
    main()
