"""Without KERAS_BACKEND and without TensorFlow, `import keras_gan` picks an installed backend before Keras loads."""

import json
import os
import subprocess
import sys

import pytest

from keras_gan import _backend_choice

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Run first in a child: makes the named packages look uninstalled (imports fail as for a missing package).
HIDE = """
import sys
class Hide:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {hidden!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
sys.meta_path.insert(0, Hide())
"""


def _child(code, hidden, tmp_path, **env):
    """Runs `code` in a fresh Python with `hidden` packages missing, KERAS_BACKEND unset and an empty Keras home."""
    environment = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}
    environment.update(KERAS_HOME=str(tmp_path / "keras_home"), PYTHONPATH=ROOT, **env)
    return subprocess.run([sys.executable, "-c", HIDE.format(hidden=set(hidden)) + code], cwd=str(tmp_path),
                          env=environment, capture_output=True, text=True, timeout=300)


@pytest.mark.backend_independent
def test_the_readme_colour_command_runs_without_tensorflow(tmp_path):
    # The harness reproduces the bug: Keras alone defaults to TensorFlow and fails.
    bare = _child("import keras", {"tensorflow"}, tmp_path)
    assert bare.returncode != 0 and "No module named 'tensorflow'" in bare.stderr
    # examples/emoji.py's imports and the CLI then run on JAX (torch when JAX is missing too).
    code = (f"import runpy; runpy.run_path({os.path.join(ROOT, 'examples', 'emoji.py')!r})\n"
            "import keras, os; from keras_gan import cli\n"
            "assert cli.main(['zoo']) == 0\n"
            "print('backend', keras.backend.backend(), os.environ['KERAS_BACKEND'])")
    result = _child(code, {"tensorflow"}, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "backend jax jax" in result.stdout and "dcgan_mnist" in result.stdout


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """`_backend_choice` as before Keras's import: no KERAS_BACKEND, an empty Keras home; `installed(*names)`."""
    monkeypatch.delitem(sys.modules, "keras")
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))

    def installed(*names):
        monkeypatch.setattr(_backend_choice, "_installed", lambda name: name in names)

    return installed


@pytest.mark.backend_independent
def test_the_pick_is_jax_then_torch_and_only_when_the_configured_backend_is_missing(fresh, tmp_path):
    fresh("jax", "torch")
    assert _backend_choice.choose_backend() == "jax" and os.environ["KERAS_BACKEND"] == "jax"
    del os.environ["KERAS_BACKEND"]
    fresh("torch")
    assert _backend_choice.choose_backend() == "torch" and os.environ["KERAS_BACKEND"] == "torch"
    del os.environ["KERAS_BACKEND"]
    fresh("tensorflow", "jax")  # Keras's default is installed: nothing changes
    assert _backend_choice.choose_backend() is None and "KERAS_BACKEND" not in os.environ
    (tmp_path / "keras.json").write_text(json.dumps({"backend": "torch"}))
    fresh("jax", "torch")  # keras.json's choice is installed: kept
    assert _backend_choice.configured_backend() == "torch" and _backend_choice.choose_backend() is None
    (tmp_path / "keras.json").write_text(json.dumps({"backend": "tensorflow"}))  # as Keras writes it on first use
    assert _backend_choice.choose_backend() == "jax"
    os.environ["KERAS_BACKEND"] = "torch"  # the user's own setting is never changed
    assert _backend_choice.choose_backend() is None and os.environ["KERAS_BACKEND"] == "torch"


@pytest.mark.backend_independent
def test_no_backend_at_all_says_what_to_install(fresh):
    fresh()
    with pytest.raises(ImportError, match=r"none of jax, torch, tensorflow is installed.*pip install "
                                          r"\"keras-gan\[jax\]\""):
        _backend_choice.choose_backend()
    assert "KERAS_BACKEND" not in os.environ


@pytest.mark.backend_independent
def test_every_example_imports_keras_gan_before_keras():
    """Each scope of each example that imports Keras has imported keras_gan first (or the module has)."""
    import ast

    folder = os.path.join(ROOT, "examples")
    late = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".py"):
            continue
        tree = ast.parse(open(os.path.join(folder, name), encoding="utf-8").read())
        scopes = [tree] + [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        at_top = False
        for scope in scopes:
            seen = at_top
            for node in scope.body:
                modules = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                           [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
                for module in modules:
                    root = module.split(".")[0]
                    seen = seen or root == "keras_gan"
                    if root == "keras" and not seen:
                        late.append(f"{name}:{node.lineno}")
            if scope is tree:
                at_top = seen
    assert not late, f"import keras before keras_gan (no backend pick): {late}"
