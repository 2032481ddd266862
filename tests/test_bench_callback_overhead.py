"""The callback-overhead benchmark times every configuration in a tiny run and prints its table."""

import pytest
from conftest import load_bench


@pytest.mark.tool_once
def test_callback_overhead_times_every_configuration():
    bench = load_bench("callback_overhead")
    times = bench.measure(steps=2, rounds=1)
    assert set(times) == set(bench.CONFIGS)
    assert all(len(v) == 1 and v[0] > 0 for v in times.values())
    text = bench.table({"this": times})
    assert text.count("|") > 10 and "| this |" in text and "%)" in text
