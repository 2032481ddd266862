"""The suite's own routing: each test that runs once runs in a backend run that is present, never in none."""

import importlib.util
import os
import subprocess

import pytest

import conftest

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.mark.backend_independent
def test_run_once_tests_go_to_a_run_that_is_present(monkeypatch):
    full = ["tensorflow", "jax", "torch"]
    assert [conftest.run_for(b, full) for b in (None, "torch", "jax")] == ["tensorflow", "torch", "jax"]
    without_tf = ["jax", "torch"]
    assert [conftest.run_for(b, without_tf) for b in (None, "torch", "tensorflow")] == ["jax", "torch", "jax"]
    assert [conftest.run_for(b, ["torch"]) for b in (None, "jax", "tensorflow")] == ["torch"] * 3
    monkeypatch.setenv("KERAS_GAN_TEST_RUNS", "jax,torch")
    assert conftest.backend_runs("torch") == ["jax", "torch"]
    assert conftest.backend_runs("tensorflow") == ["tensorflow"]  # not one of the named runs: a run of its own
    monkeypatch.delenv("KERAS_GAN_TEST_RUNS")
    assert conftest.backend_runs("jax") == ["jax"]  # a bare pytest


@pytest.mark.backend_independent
def test_run_all_backends_names_the_runs_to_each_of_them(monkeypatch):
    spec = importlib.util.spec_from_file_location("run_all_backends", os.path.join(HERE, "run_all_backends.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda command, env: calls.append(env) or subprocess.CompletedProcess(
        command, 0))
    monkeypatch.setenv("KERAS_GAN_TEST_BACKENDS", "jax,torch")
    assert module.main(["-k", "nothing"]) == 0
    assert [(c["KERAS_BACKEND"], c["KERAS_GAN_TEST_RUNS"]) for c in calls] == [("jax", "jax,torch"),
                                                                                ("torch", "jax,torch")]
    monkeypatch.setenv("KERAS_GAN_TEST_BACKENDS", "jax,mxnet")
    with pytest.raises(SystemExit, match="unknown backend.*mxnet"):
        module.main([])
