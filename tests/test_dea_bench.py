"""carbongap.bench: the comparisons use the configuration that was timed; one size table."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from carbongap.bench import dea as bench
from carbongap.cli import app


@pytest.mark.parametrize("prune", [True, False])
def test_comparison_values_come_from_the_timed_configuration(monkeypatch, prune):
    # The naive loop is compared with carbongap's answers to the very jobs it timed
    # (pruned when the run is pruned), and they agree on every sampled LP.
    seen = []
    original = bench.solve_job

    def spy(job):
        seen.append(job.prune)
        return original(job)

    monkeypatch.setattr(bench, "solve_job", spy)
    result = bench.run_dea_benchmark(units=12, years=(2006, 2008), jobs=1, repeats=1,
                                     prune=prune, naive_sample=25, benchmarking_sample=0)
    assert result.prune is prune
    assert seen and set(seen) == {prune}
    (naive,) = result.comparisons
    assert naive.sample == 25
    assert naive.status_mismatches == naive.solver_failures == 0
    assert naive.max_abs_difference < 1e-9


def test_sizes_are_one_table():
    with pytest.raises(ValueError, match="size 'city' is not one of: paper, county"):
        bench.run_dea_benchmark("city")
    assert bench.SIZES["county"]["units"] == 2800
    assert bench.SIZES["paper"]["years"] == (2006, 2016)


def test_cli_county_option_uses_the_county_size():
    result = CliRunner().invoke(app, ["bench", "dea", "--county", "--units", "6", "--jobs",
                                      "1", "--repeats", "1", "--naive-sample", "5",
                                      "--quiet"])
    assert result.exit_code == 0, result.output
    assert "6 units x 2000-2019" in result.output
    assert "prune=True" in result.output and "sample of 5 " in result.output
