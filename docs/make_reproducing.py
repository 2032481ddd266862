"""Writes docs/reproducing.md from zoo/manifest.json and each entry's metadata.json.

    python docs/make_reproducing.py
"""

import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ZOO = os.path.join(os.path.dirname(HERE), "zoo")
HEAD = """# Reproducing the zoo

Every entry is one recipe in `tools/train_zoo.py` (the emoji judge: `tools/train_emoji_classifier.py`) and one
command, run from a source checkout. The figures are the zoo's protocol: the digit entries' 1,000 samples against
the 1,000 held-out digits of `keras_gan.metrics.mnist_split()` on `mnist_classifier` features (real-data floor: FD
{fd:.2f}, recall {recall:.3f}, label accuracy {acc:.3f}); the emoji entries' 585 samples against the 585 held-out
emoji on `emoji_classifier` features (floor: FD {efd:.2f}, recall {erecall:.3f}).
`python tools/train_zoo.py --figures NAME` recomputes them; `--out DIR` trains a local copy instead of replacing
the bundled one.
"""


def _figures(meta):
    f = meta["figures"]
    if "frechet_distance" not in f:
        return json.dumps(f)
    parts = [f"FD {f['frechet_distance']:.2f}", f"KID {f['kid']:.2f}", f"IS {f['inception_score']:.2f}",
             f"precision {f['precision']:.3f}", f"recall {f['recall']:.3f}"]
    if "label_accuracy" in f:
        parts.append(f"label accuracy {f['label_accuracy']:.3f}")
    if "class_share" in f:
        share = f["class_share"]
        parts.append(f"class share {100 * min(share):.1f}–{100 * max(share):.1f}%")
    return ", ".join(parts)


def main():
    manifest = json.load(open(os.path.join(ZOO, "manifest.json")))
    base = manifest["baselines"]["mnist_5k"]
    emoji = manifest["baselines"]["noto_emoji"]
    lines = [HEAD.format(fd=base["frechet_distance"], recall=base["recall"], acc=base["label_accuracy"],
                         efd=emoji["frechet_distance"], erecall=emoji["recall"])]
    for name, entry in sorted(manifest["entries"].items()):
        meta = json.load(open(os.path.join(ZOO, entry["path"], "metadata.json")))
        versions = meta["trained_with"]
        lines += [f"## `{name}`", "", meta["description"], "", "```bash", meta["command"], "```", "",
                  f"- trained: {meta['train_seconds']:,} s on {versions['backend']} (Keras {versions['keras']}), "
                  f"{meta['date']}, {meta['params']:,} parameters, dataset `{meta['dataset']}`"]
        recipe = meta.get("recipe")
        if recipe:
            ema = f"; EMA {recipe['ema']} from step {recipe.get('ema_start', 0)}" if recipe.get("ema") else ""
            lines.append(f"- recipe: model `{json.dumps(recipe['model'], sort_keys=True)}`; compile "
                         f"`{json.dumps(recipe['compile'], sort_keys=True)}`; fit `{json.dumps(recipe['fit'], sort_keys=True)}`{ema}")
        lines.append(f"- figures: {_figures(meta)}")
        if meta.get("curve"):
            lines.append("- FD along the run: " + ", ".join(f"{c['frechet_distance']:.1f} (epoch {c['epoch']})"
                                                            for c in meta["curve"]))
        lines.append("")
    with open(os.path.join(HERE, "reproducing.md"), "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
