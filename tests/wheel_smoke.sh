#!/usr/bin/env bash
# Builds a normal (non-editable) wheel, installs it into a separate folder and, from another
# directory, loads a zoo entry and runs the CLI from it: the zoo ships as package data.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
pip wheel -q --no-deps -w "$work/dist" "$root"
pip install -q --no-deps --target "$work/site" "$work/dist"/keras_gan-*.whl
cd "$work"
export PYTHONPATH="$work/site" KERAS_BACKEND=torch
python - <<'PY'
import keras_gan
assert "/site/keras_gan" in keras_gan.__file__, keras_gan.__file__
print(len(keras_gan.zoo.load("dcgan_mnist").generate(4, seed=0)), "samples from the installed wheel")
PY
python -m keras_gan sample cgan_mnist -n 10 -o "$work/grid.png"
"$work/site/bin/keras-gan" zoo | head -4
test -s "$work/grid.png"
echo "wheel smoke test passed"
