"""keras_gan's modules import one way: no circle at module level, and the backend layer knows nothing above it."""

import ast
import os

import keras_gan

ROOT = os.path.dirname(keras_gan.__file__)


def module_imports():
    """`{module: keras_gan modules it imports at module level}`, from the source."""
    paths = {}
    for folder, _, files in os.walk(ROOT):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                module = "keras_gan." + os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".")
                paths[module.removesuffix(".__init__")] = path
    graph = {}
    for module, path in paths.items():
        targets = set()
        for node in ast.parse(open(path, encoding="utf-8").read()).body:  # module level only
            if isinstance(node, ast.Import):
                targets |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                targets |= {f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in paths else node.module
                            for a in node.names}
        graph[module] = {t for t in targets if t in paths and t != module}
    return graph


def test_no_import_circle():
    graph, state, circles = module_imports(), {}, []

    def visit(module, stack):
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                circles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target, stack + [target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not circles, circles


def test_lower_floors_import_no_higher_one():
    graph = module_imports()
    lower = [m for m in graph if m.startswith("keras_gan.backend") or m in (
        "keras_gan._keras_internals", "keras_gan.checks", "keras_gan.losses", "keras_gan.mixed_precision",
        "keras_gan.augment", "keras_gan.packing", "keras_gan.splits")]
    higher = ("keras_gan.callbacks", "keras_gan.models", "keras_gan.metrics", "keras_gan.zoo", "keras_gan.data",
              "keras_gan.training", "keras_gan.cli", "keras_gan.visualization")
    upward = {m: sorted(t for t in graph[m] if t.startswith(higher)) for m in lower}
    assert not any(upward.values()), upward
