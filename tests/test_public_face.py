"""The public face is what `keras_gan/__init__.py` names: the API page documents and the examples use no other name."""

import ast
import os
import re

import pytest

import keras_gan

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.backend_independent
def test_the_api_page_documents_only_names_that_init_exports():
    page = open(os.path.join(ROOT, "docs", "api.md"), encoding="utf-8").read()
    documented = re.findall(r"^::: keras_gan\.(\w+)", page, flags=re.M)
    assert len(documented) > 20
    missing = sorted(set(documented) - set(keras_gan.__all__))
    assert not missing, f"docs/api.md documents keras_gan.{missing}, which keras_gan/__init__.py does not name"
    assert all(hasattr(keras_gan, name) for name in keras_gan.__all__)


@pytest.mark.backend_independent
def test_the_examples_use_only_names_that_init_exports():
    folder = os.path.join(ROOT, "examples")
    used = set()
    for name in sorted(os.listdir(folder)):
        if name.endswith(".py"):
            tree = ast.parse(open(os.path.join(folder, name), encoding="utf-8").read())
            used |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
                     and isinstance(node.value, ast.Name) and node.value.id == "keras_gan"}
    assert {"DCGAN", "data", "training"} <= used
    assert not used - set(keras_gan.__all__), sorted(used - set(keras_gan.__all__))
