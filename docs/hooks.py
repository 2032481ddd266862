"""MkDocs hooks: the pictures the pages show, and the README as the home page.

The pictures live beside the code (`examples/images/`, `zoo/<entry>/`, `bench/results/emoji_equal_time/`). They are added to the site under
`assets/` so the pages link them as files of the build, and a missing picture is a broken link that fails
`mkdocs build --strict`.

`docs/index.md` holds one line, `--8<-- "README.md"`: the README goes in its place, its links pointed into the
site (`docs/zoo.md` -> `zoo.md`, `examples/images/x.png` -> `assets/examples/images/x.png`), so the front page
is written once and its links work both on GitHub and in the site. Any other link to a repository file stays
as it is and fails the strict build: the README links only pages and pictures.
"""

import glob
import os
import re

from mkdocs.structure.files import File

PICTURES = (
    "examples/images/*.png", "zoo/*/samples.png", "bench/results/emoji_equal_time/*.png",
    "bench/results/emoji_recipes/*.png", "bench/results/emoji_recipes/*/*.png",
)
INCLUDE = re.compile(r'^--8<-- "([^"]+)"[ \t]*$', re.MULTILINE)
# A Markdown link or image target relative to the repository root: `](path` not starting with a scheme or `#`.
RELATIVE_TARGET = re.compile(r"\]\((?![a-z][a-z0-9+.-]*:|#|/)([^)\s]+)")


def on_files(files, config):
    root = os.path.dirname(config["config_file_path"])
    for pattern in PICTURES:
        for path in sorted(glob.glob(os.path.join(root, pattern))):
            uri = "assets/" + os.path.relpath(path, root).replace(os.sep, "/")
            files.append(File.generated(config, uri, abs_src_path=path))
    return files


def site_target(target):
    """Where a repository-relative link of the README points in the site."""
    if target.startswith("docs/"):
        return target[len("docs/"):]
    if target.startswith(("examples/images/", "zoo/")):
        return "assets/" + target
    return target


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri != "index.md":
        return markdown
    root = os.path.dirname(config["config_file_path"])

    def include(match):
        with open(os.path.join(root, match.group(1)), encoding="utf-8") as f:
            text = f.read()
        return RELATIVE_TARGET.sub(lambda m: "](" + site_target(m.group(1)), text)

    return INCLUDE.sub(include, markdown)
