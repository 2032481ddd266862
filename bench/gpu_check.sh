#!/usr/bin/env bash
# The GPU check: one command for a lent GPU machine, about 6 minutes on an H200.
#
#   bash bench/gpu_check.sh                      # on the device: OUT=... WHEELS=wheels (carried)
#   DRY_RUN=1 bash bench/gpu_check.sh            # here, on the CPU: the same steps, smaller
#
# Installs what the device image lacks (keras, namex, optree, mlxtend) from carried wheels, runs the
# GPU-relevant tests on JAX and PyTorch (the image has no TensorFlow), the training benchmark in float32
# and mixed_bfloat16, the default-networks benchmark and the sampling benchmark, and writes every figure under $OUT (gpu_check.json merges them).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/results/gpu_check}
WHEELS=${WHEELS:-wheels}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
if [ -d "$WHEELS" ]; then
  pip install -q --no-index --no-deps "$WHEELS"/*.whl || echo "wheel install failed"
fi
TESTS="tests/test_layers.py tests/test_mixed_precision.py tests/test_keras_habits.py"
if [ "${DRY_RUN:-0}" = 1 ]; then STEPS=3; BATCH=32; SAMPLES=512; TEST_LIMIT=900; TESTS=tests/test_layers.py
  DN_ARGS="--models gan --step-scale 0.1"
else STEPS=20; BATCH=256; SAMPLES=8192; TEST_LIMIT=150; DN_ARGS="--models dcgan64 wgan_gp"; fi

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

status=0
for backend in jax torch; do
  # shellcheck disable=SC2086
  KERAS_BACKEND=$backend timeout "$TEST_LIMIT" python -m pytest -q -x -p no:cacheprovider $TESTS \
    > "$OUT/tests_$backend.txt" 2>&1
  rc=$?; status=$((status || rc)); echo "tests on $backend: rc=$rc, $(tail -1 "$OUT/tests_$backend.txt")"
done
for policy in float32 mixed_bfloat16; do
  timeout 200 python bench/benchmark.py --backends jax,torch --steps "$STEPS" --warmup 3 --rounds 1 \
    --batch-size "$BATCH" --dtype-policy "$policy" --json "$OUT/train_$policy.json" \
    || { status=1; echo "training benchmark ($policy) failed or ran out of time"; }
done
# The default networks beside hand-written loops: the two largest (the others are CPU-sized).
# shellcheck disable=SC2086
timeout 180 python bench/default_networks.py --backends jax torch --rounds 1 $DN_ARGS \
  --json "$OUT/default_networks.json" || { status=1; echo "default-networks benchmark failed or ran out of time"; }
timeout 120 python bench/sampling.py --backends jax,torch --samples "$SAMPLES" --rounds 3 \
  --json "$OUT/sampling.json" || status=1

python - "$OUT" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
merged = {os.path.basename(p)[:-5]: json.load(open(p)) for p in sorted(glob.glob(os.path.join(out, "*.json")))
          if not p.endswith("gpu_check.json")}
merged["tests"] = {b: open(os.path.join(out, f"tests_{b}.txt")).read().strip().splitlines()[-1:]
                   for b in ("jax", "torch") if os.path.exists(os.path.join(out, f"tests_{b}.txt"))}
json.dump(merged, open(os.path.join(out, "gpu_check.json"), "w"), indent=1)
print("wrote", os.path.join(out, "gpu_check.json"))
PY
exit $status
