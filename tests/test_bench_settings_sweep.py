"""The settings sweep (GAN, WGAN, WGAN-GP across learning rates and widths) runs tiny and prints its tables."""

import json

import pytest
from conftest import load_bench


@pytest.mark.tool_once
def test_sweep_prints_converged_counts_per_model(tmp_path, capsys):
    sweep = load_bench("settings_sweep")
    results, text = sweep.main(["--datasets", "ring8", "mnist", "--lr-factors", "1", "--widths", "16",
                                "--steps", "50", "--seeds", "0", "--num-points", "1000", "--eval-samples", "200",
                                "--out", str(tmp_path)])
    for dataset in ("ring8", "mnist"):
        for kind in ("gan", "wgan", "wgan_gp"):
            (run,) = results[f"{dataset}/{kind}/1/16"]
            assert isinstance(run["converged"], bool)
            assert run["steps"] == 50  # more than one pass of ring8's 1,000 points (10 batches): every step trained
    # 50 steps cannot cover the ring: every run is judged, none converges.
    assert not any(r["converged"] for key, runs in results.items() if key.startswith("ring8") for r in runs)
    assert all(0 <= r["modes"] <= 8 for key, runs in results.items() if key.startswith("ring8") for r in runs)
    assert all(r["frechet_distance"] > 0 for key, runs in results.items() if key.startswith("mnist") for r in runs)
    printed = capsys.readouterr().out
    assert "| wgan_gp | **0/1** |" in printed and "**mnist**" in printed
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["steps"] == 50 and len(saved["results"]) == 6
    # The same runs judged again under looser thresholds, without training: every ring8 run covers >= 0 modes.
    again, text = sweep.main(["--rejudge", str(tmp_path / "results.json"), "--min-modes", "0", "--min-hq", "0",
                              "--max-fd", "1e9"])
    assert all(r["converged"] for runs in again.values() for r in runs)
    assert "| wgan_gp | **1/1** |" in text and "≥ 0 modes" in text
    same, _ = sweep.main(["--rejudge", str(tmp_path / "results.json")])  # the run's own thresholds: its verdicts
    assert {k: [r["converged"] for r in v] for k, v in same.items()} == {
        k: [r["converged"] for r in v] for k, v in results.items()}
