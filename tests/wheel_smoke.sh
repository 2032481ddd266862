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
x, y = keras_gan.data.load("noto_emoji_test", image_size=32)  # the colour data set ships as package data
assert x.shape == (585, 32, 32, 3) and y.max() == 8, (x.shape, y.max())
print(keras_gan.zoo.load("cgan_emoji").generate(4, labels=[3, 3, 3, 3], seed=0).shape, "food emoji")
PY
python -m keras_gan sample cgan_mnist -n 10 -o "$work/grid.png"
"$work/site/bin/keras-gan" zoo > "$work/zoo.txt"  # not piped into head: a closed pipe fails the script
head -4 "$work/zoo.txt"
test -s "$work/grid.png"
echo "wheel smoke test passed"
