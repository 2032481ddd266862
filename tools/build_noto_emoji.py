"""Builds `keras_gan/datasets/noto_emoji.npz.xz`, the offline colour data set, from the npm package of Noto Emoji.

    npm pack emoji-datasource-google@16.0.0            # 74 MB tarball from the npm registry
    tar xzf emoji-datasource-google-16.0.0.tgz         # -> package/
    python tools/build_noto_emoji.py package/

What it writes (one xz-compressed `.npz`, read by `keras_gan.data.load("noto_emoji")`):
    images       uint8 (n, 64, 64, 3): each 64×64 RGBA PNG of `img/google/64/` alpha-composited on white
    category     int32 (n,): index into `category_names` (the 9 categories besides "Component")
    subcategory  int32 (n,): index into `subcategory_names`
    test         bool (n,): the held-out split (about 15%, fixed, see `held_out`)
    short_names  str (n,): the emoji's short name (skin-tone variants: name + ":skin-tone-k:")
    category_names, subcategory_names: str arrays

The 5 "Component" images (skin-tone swatches, hair fragments) are left out: they are not emoji on their own.
"""

import argparse
import io
import json
import lzma
import os
import sys

import numpy as np
from PIL import Image

CATEGORIES = ("Smileys & Emotion", "People & Body", "Animals & Nature", "Food & Drink", "Travel & Places",
              "Activities", "Objects", "Symbols", "Flags")
TEST_FRACTION = 0.15
SEED = 0


def rows(package):
    """`(png file, category, subcategory, short name, group)` for every image, in emoji.json's order."""
    with open(os.path.join(package, "emoji.json")) as f:
        emoji = sorted(json.load(f), key=lambda e: e["sort_order"])
    out = []
    for group, e in enumerate(emoji):
        if e["category"] not in CATEGORIES or not e.get("has_img_google"):
            continue
        out.append((e["image"], e["category"], e["subcategory"], e["short_name"], group))
        for tone, variant in sorted((e.get("skin_variations") or {}).items()):
            if variant.get("has_img_google", True):
                out.append((variant["image"], e["category"], e["subcategory"], f"{e['short_name']}:{tone.lower()}", group))
    return out


def composite(path, background=(255, 255, 255)):
    """An RGBA PNG alpha-composited on `background`, as uint8 RGB."""
    with Image.open(path) as image:
        image = image.convert("RGBA")
        canvas = Image.new("RGBA", image.size, (*background, 255))
        return np.asarray(Image.alpha_composite(canvas, image).convert("RGB"))


def held_out(subcategory, group, fraction=TEST_FRACTION, seed=SEED):
    """A fixed split stratified by subcategory; an emoji and its skin-tone variants stay on one side.

    In each subcategory, whole emoji (with their variants) go to the test side in a seeded random order
    until it holds `round(fraction · images)` images; subcategories of one emoji stay in training.
    """
    rng = np.random.default_rng(seed)
    test = np.zeros(len(group), dtype=bool)
    for sub in np.unique(subcategory):
        members = np.flatnonzero(subcategory == sub)
        groups = np.unique(group[members])
        want = round(fraction * len(members))
        if len(groups) < 2 or want == 0:
            continue
        taken = 0
        for g in rng.permutation(groups):
            size = int(np.sum(group[members] == g))
            if taken + size > want + size // 2 or taken >= want:
                continue
            test[members[group[members] == g]] = True
            taken += size
    return test


def build(package):
    table = rows(package)
    images = np.stack([composite(os.path.join(package, "img", "google", "64", r[0])) for r in table])
    if images.shape[1:] != (64, 64, 3):
        raise ValueError(f"expected 64x64 images, got {images.shape[1:]}")
    subcategory_names = sorted({r[2] for r in table})
    category = np.array([CATEGORIES.index(r[1]) for r in table], dtype="int32")
    subcategory = np.array([subcategory_names.index(r[2]) for r in table], dtype="int32")
    group = np.array([r[4] for r in table])
    return {
        "images": images, "category": category, "subcategory": subcategory,
        "test": held_out(subcategory, group), "short_names": np.array([r[3] for r in table]),
        "category_names": np.array(CATEGORIES), "subcategory_names": np.array(subcategory_names),
    }


def write(arrays, path):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    # The delta filter (one pixel = 3 bytes) then LZMA2 with a dictionary holding the whole set: 47 MB -> ~7 MB.
    filters = [{"id": lzma.FILTER_DELTA, "dist": 3},
               {"id": lzma.FILTER_LZMA2, "preset": 9 | lzma.PRESET_EXTREME, "dict_size": 64 << 20}]
    with open(path, "wb") as f:
        f.write(lzma.compress(buffer.getvalue(), format=lzma.FORMAT_XZ, filters=filters))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", help="the unpacked npm package (the folder holding emoji.json and img/)")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "keras_gan", "datasets",
                                                       "noto_emoji.npz.xz"))
    args = parser.parse_args(argv)
    arrays = build(args.package)
    write(arrays, args.out)
    test = arrays["test"]
    print(f"{len(test)} images ({test.sum()} held out, {test.mean():.1%}), {len(arrays['subcategory_names'])} "
          f"subcategories; wrote {args.out}: {os.path.getsize(args.out):,} B")
    for i, name in enumerate(CATEGORIES):
        mask = arrays["category"] == i
        print(f"  {i} {name:<18} {mask.sum():5d} images, {test[mask].sum():4d} held out")
    return 0


if __name__ == "__main__":
    sys.exit(main())
