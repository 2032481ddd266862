"""The 2-D mode-collapse protocol runs in a tiny configuration and prints its table beside the published rows."""

import json

import numpy as np
import pytest
from conftest import load_bench


@pytest.mark.tool_once
def test_protocol_prints_a_table_with_published_rows(tmp_path, capsys):
    bench = load_bench("mode_collapse_2d")
    # The papers' full-size networks: a few steps each (the rows' training is not what this checks).
    results, text = bench.main(["--rows", "pacgan2", "wgan_gp_toy", "--mixtures", "ring8",
                                "--steps", "5", "10", "--seeds", "0", "1", "--num-points", "1000",
                                "--eval-samples", "200", "--out", str(tmp_path)])
    for row in ("pacgan2", "wgan_gp_toy"):
        runs = results[row, "ring8"]
        assert sorted(runs) == [0, 1] and [r["steps"] for r in runs[0]] == [5, 10]
        assert all(0 <= r["modes"] <= 8 and 0 <= r["high_quality"] <= 1 for r in runs[0])
    printed = capsys.readouterr().out
    assert "| pacgan2 | 10 |" in printed and "PacGAN Tab. 1" in printed and "7.9" in printed
    assert (tmp_path / "results.json").stat().st_size > 0
    assert (tmp_path / "mode_collapse_2d.png").stat().st_size > 0
    with pytest.raises(ValueError, match="increasing"):
        bench.main(["--steps", "10", "5", "--out", str(tmp_path)])


@pytest.mark.tool_once
def test_pacgan_rows_batch_100_packs_as_the_papers_code():
    bench = load_bench("mode_collapse_2d")
    for row, pack in (("gan", 1), ("pacgan2", 2), ("pacgan4", 4)):
        model, batch_size, scaled = bench.build(row, 0)
        assert model.pack == pack and batch_size == 100 * pack and not scaled
        assert model.discriminator.input_shape == (None, 2 * pack)


@pytest.mark.backend_independent
def test_merge_draws_the_smallest_seed_whatever_the_order(tmp_path, monkeypatch):
    bench = load_bench("mode_collapse_2d")
    paths = []
    for seed in (3, 0, 5):
        run_dir = tmp_path / f"s{seed}"
        run_dir.mkdir()
        figures = [{"steps": 10, "modes": seed, "high_quality": 0.5, "seconds": 1.0}]
        (run_dir / "results.json").write_text(json.dumps({"steps": [10], "runs": {"gan/ring8": {str(seed): figures}}}))
        np.save(run_dir / "samples_gan_ring8.npy", np.full((4, 2), float(seed), "float32"))
        paths.append(str(run_dir / "results.json"))
    drawn = {}
    monkeypatch.setattr(bench, "scatter", lambda samples, *args: drawn.update(samples))
    results, _ = bench.merge(paths, str(tmp_path / "merged"))
    assert sorted(results["gan", "ring8"]) == [0, 3, 5]
    np.testing.assert_array_equal(drawn["gan", "ring8"], np.zeros((4, 2), "float32"))
