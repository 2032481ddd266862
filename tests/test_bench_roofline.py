"""The roofline tool: its FLOP count against hand counts and XLA's, a tiny run on this backend, and its table."""

import json

import keras
import pytest
from conftest import BACKEND, load_bench

import keras_gan


@pytest.fixture(scope="module")
def roofline():
    return load_bench("roofline")


def test_dense_network_flops_match_a_hand_count(roofline):
    inputs = keras.Input((5, 6))
    x = keras.layers.Dense(4)(inputs)  # per position: 5 x 6 x 4 = 120 multiply-adds
    x = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(3, activation="relu")(x)  # 20 x 3 = 60
    assert roofline.forward_flops(keras.Model(inputs, outputs)) == 2 * (120 + 60)


def test_conv_network_flops_match_a_hand_count(roofline):
    inputs = keras.Input((8, 8, 3))
    x = keras.layers.Conv2D(4, 3, strides=2, padding="same")(inputs)  # 4x4 outputs x 3x3x3x4 = 1,728
    x = keras_gan.layers.Conv2DTranspose(2, 4, strides=2, padding="same")(x)  # 4x4 inputs x 4x4x4x2 = 2,048
    x = keras_gan.layers.BatchNormalization()(x)  # not counted
    x = keras_gan.layers.SpectralNormalization(keras.layers.Conv2D(5, 1))(x)  # 8x8 x 1x1x2x5 = 640
    head = keras.Sequential([keras.Input((8, 8, 5)), keras.layers.Flatten(), keras.layers.Dense(1)])  # 320 x 1
    assert roofline.forward_flops(keras.Model(inputs, head(x))) == 2 * (1728 + 2048 + 640 + 320)


def test_a_training_step_counts_as_the_rule_says(roofline):
    def parts(model):
        return roofline.forward_flops(model.generator), roofline.forward_flops(model.discriminator)

    gan = keras_gan.GAN((2,), latent_dim=4, hidden_units=(16, 16))
    g, d = parts(gan)
    assert g > 0 and d > 0 and roofline.step_flops(gan)["per_image"] == (g + 6 * d) + 3 * g + 2 * d
    wgan = keras_gan.WGANGP((16, 16, 1), latent_dim=8, filters=4, d_steps=3)  # + a penalty on every D step
    g, d = parts(wgan)
    assert roofline.step_flops(wgan)["per_image"] == 3 * (g + 12 * d) + 3 * g + 2 * d
    style = keras_gan.StyleGAN2((8, 8, 3), latent_dim=8, w_dim=8, mapping_layers=1, channel_base=32, channel_max=8,
                                r1_interval=4)  # R1 on every 4th D step
    g, d = parts(style)
    assert roofline.step_flops(style)["per_image"] == (g + 6 * d + 6 * d / 4) + 3 * g + 2 * d


@pytest.mark.skipif(BACKEND != "jax", reason="XLA's cost analysis: JAX")
def test_the_count_is_near_xla_cost_analysis(roofline):
    model = keras_gan.DCGAN((16, 16, 1), latent_dim=8, filters=4)
    counted, xla = roofline.step_flops(model)["per_image"], roofline.xla_flops(model, batch_size=8)
    assert 0.6 < xla / counted < 1.5, (xla, counted)  # XLA skips padding taps, adds elementwise work


@pytest.mark.tool_once
def test_a_quick_run_writes_its_record_and_table(roofline, tmp_path):
    record = roofline.main(["--child", "--quick", "--models", "gan", "dcgan28", "--out-dir", str(tmp_path)])
    with open(tmp_path / f"roofline_{BACKEND}.json") as f:
        assert json.load(f) == json.loads(json.dumps(record))
    assert record["backend"] == BACKEND and set(record["gemm_gflops"]) == {"fp32", "bf16"}
    assert all(v > 0 for v in record["gemm_gflops"].values())
    for name in ("gan", "dcgan28"):
        entry = record["models"][name]
        assert entry["flops_per_image"] > 0
        for precision in ("fp32", "bf16"):
            figures = entry[precision]
            assert figures["img_per_s"] > 0 and figures["gflops"] > 0
            assert figures["fraction_of_peak"] == pytest.approx(
                figures["gflops"] / record["gemm_gflops"][precision])
    text = roofline.main(["--table", "--backends", BACKEND, "--out-dir", str(tmp_path)])
    assert text.count(f"| {BACKEND} |") == 2 and "Matrix-multiply peak (256²" in text


@pytest.mark.backend_independent
def test_table_rows_ratios_and_the_growth_to_64_pixels(roofline):
    def entry(flops, fp32, bf16, xla=None):
        return {"flops_per_image": flops, "xla_flops_per_image": xla,
                "fp32": {"img_per_s": fp32, "gflops": flops * fp32 / 1e9, "fraction_of_peak": flops * fp32 / 1e11},
                "bf16": {"img_per_s": bf16, "gflops": flops * bf16 / 1e9, "fraction_of_peak": flops * bf16 / 4e11}}

    machine = {"cpu": "Xeon", "cores": 2, "bf16_unit": "amx"}
    records = [
        {"backend": "jax", "machine": machine, "gemm_gflops": {"fp32": 100.0, "bf16": 400.0},
         "models": {"dcgan32c": entry(0.4e9, 200.0, 180.0, xla=0.34e9), "dcgan64": entry(2.4e9, 40.0, 30.0)}},
        {"backend": "torch", "machine": machine, "gemm_gflops": {"fp32": 100.0, "bf16": 400.0},
         "models": {"dcgan32c": entry(0.4e9, 100.0, 150.0)}},
    ]
    text = roofline.table(records)
    assert "| dcgan32c | 0.4 G | 0.85 | jax | 200.0 | 80.0 | 80% | 180.0 | 0.90 | 18% |" in text
    assert "| dcgan32c | 0.4 G | 0.85 | torch | 100.0 | 40.0 | 40% | 150.0 | 1.50 | 15% |" in text
    assert "| dcgan64 | 2.4 G | – | jax |" in text
    assert "DCGAN 32x32x3 to 64x64x3 on jax: 6.0x the FLOPs per image; fp32 5.0x fewer img/s, bf16 6.0x" in text
    assert "jax fp32 100, bf16 400; torch fp32 100, bf16 400" in text
