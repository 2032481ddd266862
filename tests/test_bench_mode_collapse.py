"""The 2-D mode-collapse protocol runs in a tiny configuration and prints its table beside the published rows."""

import pytest
from conftest import load_bench


def test_protocol_prints_a_table_with_published_rows(tmp_path, capsys):
    bench = load_bench("mode_collapse_2d")
    results, text = bench.main(["--rows", "pacgan2", "wgan_gp_toy", "wgan_toy", "--mixtures", "ring8",
                                "--steps", "50", "100", "--seeds", "0", "1", "--num-points", "2000",
                                "--eval-samples", "200", "--out", str(tmp_path)])
    for row in ("pacgan2", "wgan_gp_toy", "wgan_toy"):
        runs = results[row, "ring8"]
        assert sorted(runs) == [0, 1] and [r["steps"] for r in runs[0]] == [50, 100]
        assert all(0 <= r["modes"] <= 8 and 0 <= r["high_quality"] <= 1 for r in runs[0])
    printed = capsys.readouterr().out
    assert "| pacgan2 | 100 |" in printed and "PacGAN Tab. 1" in printed and "7.9" in printed
    assert (tmp_path / "results.json").stat().st_size > 0
    assert (tmp_path / "mode_collapse_2d.png").stat().st_size > 0
    with pytest.raises(ValueError, match="increasing"):
        bench.main(["--steps", "10", "5", "--out", str(tmp_path)])


def test_pacgan_rows_batch_100_packs_as_the_papers_code():
    bench = load_bench("mode_collapse_2d")
    for row, pack in (("gan", 1), ("pacgan2", 2), ("pacgan4", 4)):
        model, batch_size, scaled = bench.build(row, 0)
        assert model.pack == pack and batch_size == 100 * pack and not scaled
        assert model.discriminator.input_shape == (None, 2 * pack)
