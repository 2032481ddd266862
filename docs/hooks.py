"""MkDocs hook: the pictures the pages show live beside the code (`examples/images/`, `zoo/<entry>/`).

They are added to the site under `assets/` so the pages link them as files of the build, and a missing
picture is a broken link that fails `mkdocs build --strict`.
"""

import glob
import os

from mkdocs.structure.files import File


def on_files(files, config):
    root = os.path.dirname(config["config_file_path"])
    for pattern in ("examples/images/*.png", "zoo/*/samples.png"):
        for path in sorted(glob.glob(os.path.join(root, pattern))):
            uri = "assets/" + os.path.relpath(path, root).replace(os.sep, "/")
            files.append(File.generated(config, uri, abs_src_path=path))
    return files
