"""The default-networks benchmark: both sides run on this backend in a tiny configuration, and its table."""

import numpy as np
import pytest
from conftest import load_bench


@pytest.fixture
def bench(monkeypatch):
    module = load_bench("default_networks")
    # Narrow stand-ins for the default networks: same classes and code paths, seconds instead of minutes.
    monkeypatch.setitem(module.MODELS, "tiny_dcgan", ("DCGAN", {"data_shape": (28, 28, 1), "filters": 4}, 2, 1))
    monkeypatch.setitem(module.MODELS, "tiny_cgan",
                        ("ConditionalGAN", {"data_shape": (28, 28, 1), "num_classes": 10, "filters": 4}, 2, 1))
    monkeypatch.setitem(module.MODELS, "tiny_wgan_gp", ("WGANGP", {"data_shape": (28, 28, 1), "filters": 4}, 2, 1))
    monkeypatch.setitem(module.MODELS, "tiny_stylegan2", ("StyleGAN2", {
        "data_shape": (8, 8, 3), "latent_dim": 8, "w_dim": 8, "mapping_layers": 1, "channel_base": 32,
        "channel_max": 8, "r1_gamma": 1.0, "r1_interval": 1, "style_mixing": 0.0}, 2, 1))  # R1 each step: one compile
    return module


@pytest.mark.parametrize("name", ["gan", "tiny_dcgan", "tiny_cgan", "tiny_wgan_gp", "tiny_stylegan2"])
def test_both_sides_train_and_report(bench, name):
    model = bench._build(name)
    before = [np.array(v) for v in model.generator.trainable_variables]
    critic_before = [np.array(v) for v in model.discriminator.trainable_variables]
    reference = bench.run_reference(name, steps=2, warmup=1, batch_size=16, model=model)
    ours = bench.run_fit(name, steps=2, warmup=1, batch_size=16)
    for figures in (reference, ours):
        assert figures["img_per_s"] > 0 and figures["first_step_s"] > 0 and figures["peak_mb"] > 0
    # The hand-written loop really trained both networks.
    assert any(not np.allclose(a, np.array(b)) for a, b in zip(before, model.generator.trainable_variables))
    assert any(not np.allclose(a, np.array(b))
               for a, b in zip(critic_before, model.discriminator.trainable_variables))


@pytest.mark.parametrize("name", ["tiny_dcgan", "tiny_wgan_gp"])
def test_both_sides_train_in_bf16(bench, name):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # bf16 on a machine without bfloat16 units
        model = bench._build(name, precision="bf16")
        reference = bench.run_reference(name, steps=1, warmup=1, batch_size=16, model=model)
        ours = bench.run_fit(name, steps=1, warmup=1, batch_size=16, precision="bf16")
    assert model.generator.layers[-1].compute_dtype == "bfloat16"
    assert reference["img_per_s"] > 0 and ours["img_per_s"] > 0


@pytest.mark.backend_independent
def test_table_reports_ratios_and_misses(bench):
    def side(rate, first):
        return [{"img_per_s": rate, "first_step_s": first, "peak_mb": 900.0}]

    results = {("gan", "jax", "fit"): side(90.0, 3.0), ("gan", "jax", "reference"): side(100.0, 1.0),
               ("cgan", "jax", "fit"): side(120.0, 1.0), ("cgan", "jax", "reference"): side(100.0, 1.0)}
    text = bench.table(results, ["gan", "cgan"], ["jax"])
    assert "| gan | jax | 90.0 | 100.0 | 0.90 (miss) | 3.0 / 1.0 | 3.00 (miss) |" in text
    assert "| cgan | jax | 120.0 | 100.0 | 1.20 | 1.0 / 1.0 | 1.00 |" in text

