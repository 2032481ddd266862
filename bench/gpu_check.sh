#!/usr/bin/env bash
# The GPU check: one command for a lent GPU machine, at most BUDGET=450 seconds.
#
#   bash bench/gpu_check.sh                      # on the device: OUT=... WHEELS=<carried wheels, default .whl>
#   DRY_RUN=1 bash bench/gpu_check.sh            # here, on the CPU: the same steps, smaller
#
# Installs what the device image lacks (keras, namex, optree, mlxtend) from carried wheels, runs the
# GPU-relevant tests on JAX and PyTorch (the image has no TensorFlow), the training benchmark in float32
# and mixed_bfloat16, the default-networks benchmark (float32, and bf16 on both sides), the roofline of the colour
# networks per backend and the sampling benchmark, and merges every figure into $OUT/gpu_check.json (the parts
# it merged are removed: a run brings back at most 8 files).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/results/gpu_check}
WHEELS=${WHEELS:-.whl}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export XLA_PYTHON_CLIENT_PREALLOCATE=false  # JAX takes memory as it needs it: peak-memory figures stay comparable
# The device image has python3 (the interpreter that holds its jax and torch) and maybe no `python`.
if ! command -v python >/dev/null; then
  mkdir -p /tmp/gpu_check_bin && ln -sf "$(command -v python3)" /tmp/gpu_check_bin/python
  export PATH="/tmp/gpu_check_bin:$PATH"
fi
if [ -d "$WHEELS" ]; then  # beside the image's packages, not over them
  python -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/gpu_check_site \
    "$WHEELS"/*.whl && export PYTHONPATH="$PYTHONPATH:/tmp/gpu_check_site" || echo "wheel install failed"
fi
TESTS="tests/test_layers.py tests/test_mixed_precision.py tests/test_precision.py tests/test_keras_habits.py"
if [ "${DRY_RUN:-0}" = 1 ]; then STEPS=3; BATCH=32; SAMPLES=512; TEST_LIMIT=900; TESTS=tests/test_layers.py; BUDGET=${BUDGET:-3000}
  DN_ARGS="--models gan --step-scale 0.1"; DN_BF16_ARGS="--models gan --step-scale 0.1"
  RL_ARGS="--quick --models gan dcgan28"
else STEPS=20; BATCH=256; SAMPLES=8192; TEST_LIMIT=150; DN_ARGS="--models dcgan64 wgan_gp"
  DN_BF16_ARGS="--models dcgan32c dcgan64"; RL_ARGS="--models dcgan32c dcgan64 stylegan2_32 --step-scale 0.5"; fi

python - > "$OUT/devices.json" <<'PY'
import json, platform, subprocess
info = {"python": platform.python_version(), "machine": platform.machine()}
try:
    info["nvidia_smi"] = subprocess.run(["nvidia-smi", "--query-gpu=name,memory.total,driver_version",
                                         "--format=csv,noheader"], capture_output=True, text=True).stdout.strip()
except OSError:
    info["nvidia_smi"] = None
try:
    import jax; info["jax"] = jax.__version__; info["jax_devices"] = [str(d) for d in jax.devices()]
except Exception as e:  # noqa: BLE001 - a report, not a check
    info["jax"] = f"unavailable: {e}"
try:
    import torch; info["torch"] = torch.__version__; info["torch_cuda"] = torch.cuda.is_available()
    info["torch_device"] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu"
except Exception as e:  # noqa: BLE001
    info["torch"] = f"unavailable: {e}"
import keras; info["keras"] = keras.__version__
print(json.dumps(info, indent=1))
PY
cat "$OUT/devices.json"

# Every step gets at most its cap and what is left of BUDGET seconds (the device's command limit is 10
# minutes): the benchmarks first, the tests last, and whatever finished is merged at the end.
DEADLINE=$((SECONDS + ${BUDGET:-450}))
status=0
step() {  # step CAP NAME COMMAND...: run under a timeout, note a failure or a timeout, go on
  local cap=$1 name=$2 left=$((DEADLINE - SECONDS)); shift 2
  if [ "$left" -lt 20 ]; then echo "$name: skipped, out of time"; status=1; return; fi
  [ "$cap" -gt "$left" ] && cap=$left
  local t0=$SECONDS; timeout "$cap" "$@"; local rc=$?
  echo "$name: rc=$rc in $((SECONDS - t0)) s (cap $cap s)"; [ "$rc" = 0 ] || status=1
}
for policy in float32 mixed_bfloat16; do
  step 150 "training benchmark ($policy)" python bench/benchmark.py --backends jax,torch --steps "$STEPS" \
    --warmup 3 --rounds 1 --batch-size "$BATCH" --dtype-policy "$policy" --json "$OUT/train_$policy.json"
done
step 90 "sampling benchmark" python bench/sampling.py --backends jax,torch --samples "$SAMPLES" --rounds 3 \
  --json "$OUT/sampling.json"
# The default networks beside hand-written loops: the two largest (the others are CPU-sized).
# shellcheck disable=SC2086
step 150 "default-networks benchmark" python bench/default_networks.py --backends jax torch --rounds 1 $DN_ARGS \
  --json "$OUT/default_networks.json"
# The DCGAN rows again with both sides in bf16, and the roofline (FLOPs per image, img/s in fp32 and bf16, the
# share of the GEMM peak measured in the same process) of the colour networks; XLA's count is the CPU run's.
# shellcheck disable=SC2086
step 90 "default-networks benchmark (bf16)" python bench/default_networks.py --backends jax torch --rounds 1 \
  --precision bf16 $DN_BF16_ARGS --json "$OUT/default_networks_bf16.json"
for backend in jax torch; do
  # shellcheck disable=SC2086
  step 90 "roofline ($backend)" env KERAS_BACKEND=$backend python bench/roofline.py --child --no-xla $RL_ARGS \
    --out-dir "$OUT"
done
for backend in jax torch; do
  # shellcheck disable=SC2086
  step "$TEST_LIMIT" "tests on $backend" env KERAS_BACKEND=$backend python -m pytest -q -x -p no:cacheprovider \
    $TESTS > "$OUT/tests_$backend.txt" 2>&1
  [ -f "$OUT/tests_$backend.txt" ] && tail -1 "$OUT/tests_$backend.txt"
done

python - "$OUT" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
merged = {os.path.basename(p)[:-5]: json.load(open(p)) for p in sorted(glob.glob(os.path.join(out, "*.json")))
          if not p.endswith("gpu_check.json")}
merged["tests"] = {b: open(os.path.join(out, f"tests_{b}.txt")).read().strip().splitlines()[-1:]
                   for b in ("jax", "torch") if os.path.exists(os.path.join(out, f"tests_{b}.txt"))}
json.dump(merged, open(os.path.join(out, "gpu_check.json"), "w"), indent=1)
for name in merged:  # each part is in gpu_check.json: the run brings back at most 8 files
    if name != "tests":
        os.remove(os.path.join(out, f"{name}.json"))
print("wrote", os.path.join(out, "gpu_check.json"))
PY
exit $status
