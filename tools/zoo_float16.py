"""Stores zoo entries' weights as float16 (half the bytes) and updates their checksums.

    python tools/zoo_float16.py dcgan_mnist gan_mnist ...     # in the repository's zoo
    python tools/zoo_float16.py --zoo /other/zoo NAME

Keras casts the arrays back to float32 on loading. The generated pixels move by about 1e-3, so an
entry's figures are recomputed afterwards (`python tools/train_zoo.py --figures NAME`) and the
cross-backend reference images remade (`tests/data/make_zoo_reference.py`).
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def convert(zoo_dir, name):
    from keras_gan import zoo

    manifest_path = os.path.join(zoo_dir, "manifest.json")
    with open(manifest_path) as f:
        manifest = json.load(f)
    record = manifest["entries"][name]
    directory = os.path.join(zoo_dir, record["path"])
    weights = os.path.join(directory, zoo.WEIGHTS_FILE)
    before = os.path.getsize(weights)
    zoo.store_float16(weights)
    meta_path = os.path.join(directory, zoo.METADATA_FILE)
    with open(meta_path) as f:
        meta = json.load(f)
    meta["weights_dtype"] = "float16"
    for file in (zoo.CONFIG_FILE, zoo.WEIGHTS_FILE):
        entry = {"sha256": zoo.sha256_of(os.path.join(directory, file)), "size": os.path.getsize(os.path.join(directory, file))}
        meta.setdefault("files", {})[file] = entry
        record["files"][file] = entry
    with open(meta_path, "w") as f:
        json.dump(meta, f, indent=1)
    record["files"][zoo.METADATA_FILE] = {"sha256": zoo.sha256_of(meta_path), "size": os.path.getsize(meta_path)}
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    print(f"{name}: {before:,} -> {os.path.getsize(weights):,} B")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="+")
    parser.add_argument("--zoo", help="zoo directory (default: the repository's)")
    args = parser.parse_args(argv)
    from keras_gan import zoo

    for name in args.names:
        convert(args.zoo or zoo.zoo_dir(), name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
