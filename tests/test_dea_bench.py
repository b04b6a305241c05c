"""carbongap.bench: like-with-like comparisons on the timed LPs, one size table, the report
lines and the scaling table (tiny sizes; no timing assertions)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from carbongap.bench import dea as bench
from carbongap.bench import dea_scale
from carbongap.cli import app


@pytest.mark.parametrize("prune", [True, False])
def test_comparison_values_come_from_the_timed_single_process(monkeypatch, prune):
    # The naive loop is compared with the engine's answers from the single-process run
    # it is timed against (pruned when the run is pruned), without solving them again,
    # and they agree on every sampled LP.
    runs = []
    original = bench.run_jobs  # the engine's runs; the peers never call it

    def spy(jobs, **kwargs):
        if kwargs["description"].endswith("model: SBI LPs"):  # not the LP-type timings
            runs.append((kwargs["execution"].workers, {job.prune for job in jobs}))
        return original(jobs, **kwargs)

    monkeypatch.setattr(bench, "run_jobs", spy)
    result = bench.run_dea_benchmark(units=12, years=(2006, 2008), jobs=1, repeats=1,
                                     prune=prune, naive_sample=25, benchmarking_sample=0)
    assert result.prune is prune
    assert runs == [(1, {prune})] * 2  # one single-process run of each model, no re-solve
    assert result.parallel is None and result.single.executor == "1 process"
    (naive,) = result.comparisons
    assert naive.sample == 25
    assert naive.status_mismatches == naive.solver_failures
    assert naive.max_abs_difference < 1e-9
    assert naive.ratio == pytest.approx(
        naive.seconds_per_lp / (result.single.best_seconds / result.lps))
    # the compiled kernel is timed on the same plans and gives the engine's answers
    assert result.kernel is not None and result.kernel.executor == "1 process"
    assert result.kernel_max_difference <= 1e-10 and result.kernel_status_mismatches == 0
    # the four LP types, each timed alone, partition the evaluations
    assert [(t.period, t.rts) for t in result.by_type] == list(bench.LP_TYPES)
    assert sum(t.lps for t in result.by_type) == result.lps
    assert all(t.lps > 0 for t in result.by_type)


@pytest.mark.parametrize("measure", ["sbi", "ddf-luenberger"])
def test_the_public_calls_answer_the_engines_lps(measure):
    # the bench times the public sbi() (ddf()) on the very LPs of each type: same answers
    import numpy as np

    from carbongap.dea.technology import run_jobs

    plans = bench.plan_models(bench.simulate_panel(15, (2006, 2009)), "contemporaneous", True,
                              measure)
    for period, rts in bench.LP_TYPES:
        jobs = bench.jobs_of_type(plans, period, rts)
        assert jobs and all(j.program.kind == ("sbi" if measure == "sbi" else "ddf")
                            for j in jobs)
        public = bench.public_calls(jobs)
        for mine, job, theirs in zip(public, jobs, run_jobs(jobs), strict=True):
            assert len(mine.values) == job.n_points
            np.testing.assert_array_equal(mine.status == "optimal", ~np.isnan(theirs.values))
            np.testing.assert_allclose(mine.values, theirs.values, rtol=0, atol=1e-10)


def test_the_ml_bench_times_the_ddf_kernel_against_the_sbi_kernel(monkeypatch):
    import carbongap.r.benchmarking as benchmarking

    monkeypatch.setattr(benchmarking, "available", lambda: False)
    result = CliRunner().invoke(app, ["bench", "dea", "--units", "8", "--jobs", "1",
                                      "--repeats", "1", "--naive-sample", "10", "--measure",
                                      "ml", "--quiet"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("ml (directional distance function, strong disposability")
    assert "CRS, contemporaneous frontier" in lines[0]
    assert any("x the SBI kernel's time per LP" in line for line in lines)
    by_type = [line for line in lines if "LPs alone" in line]
    assert len(by_type) == 2 and all("CRS" in line and "public ddf()" in line
                                     for line in by_type)
    naive = next(line for line in lines if line.startswith("  scipy linprog loop"))
    assert "0 status mismatches" in naive
    weak = CliRunner().invoke(app, ["bench", "dea", "--units", "6", "--jobs", "1",
                                    "--repeats", "1", "--naive-sample", "0", "--measure", "gml",
                                    "--disposability", "weak", "--quiet"])
    assert weak.exit_code == 0, weak.output
    assert "global frontier" in weak.output.splitlines()[0]
    assert "its dea.direct solves strong disposability only" in weak.output


def test_sizes_are_one_table():
    with pytest.raises(ValueError, match="size 'city' is not one of: paper, county"):
        bench.run_dea_benchmark("city")
    assert bench.SIZES["county"]["units"] == 2800
    assert bench.SIZES["paper"]["years"] == (2006, 2016)


def test_report_gives_single_process_ratios_and_parallel_time_apart(monkeypatch):
    import carbongap.r.benchmarking as benchmarking

    monkeypatch.setattr(benchmarking, "available", lambda: False)
    result = CliRunner().invoke(app, ["bench", "dea", "--units", "6", "--jobs", "2",
                                      "--repeats", "1", "--naive-sample", "5", "--quiet"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "6 units x 2006-2016" in lines[0] and "prune=True" in lines[0]
    assert any(line.startswith("LPs: ") and "distinct evaluations" in line
               and "LP solves" in line for line in lines)
    single = next(i for i, line in enumerate(lines) if line.startswith("Single process ("))
    parallel = next(i for i, line in enumerate(lines) if line.startswith("Parallel (2 worker "
                                                                          "processes;"))
    block = lines[single + 1:parallel]
    assert block[0].startswith("  carbongap: ") and " ms/LP" in block[0]
    (naive,) = [line for line in block if line.startswith("  scipy linprog loop")]
    assert "on a seeded sample of 5 of the same LPs" in naive
    assert "carbongap in one process is " in naive and "x faster per LP" in naive
    assert "timing the sample took " in naive
    assert "  " + bench.BENCHMARKING_SKIPPED in block
    by_type = [line for line in block if line.startswith("    ") and "LPs alone" in line]
    assert len(by_type) == 4
    assert all("public sbi() " in line and "x the kernel's time" in line for line in by_type)
    assert "x the single process" in lines[parallel + 1]


def test_cli_county_option_uses_the_county_size():
    result = CliRunner().invoke(app, ["bench", "dea", "--county", "--units", "6", "--jobs",
                                      "1", "--repeats", "1", "--naive-sample", "5",
                                      "--benchmarking-sample", "0", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "6 units x 2000-2019" in result.output
    assert "sample of 5 " in result.output
    assert "R Benchmarking: not timed (sample of 0 LPs)" in result.output
    assert "Parallel" not in result.output  # --jobs 1: the single process only


def test_scale_series_table():
    result = CliRunner().invoke(app, ["bench", "dea", "--scale-units", "8", "--scale-units",
                                      "5", "--jobs", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("DEA scaling series: 5 to 8 units x 2006-2016")
    header = [cell.strip() for cell in lines[1].split("|")]
    assert header == ["units", "LPs", "LP solves", "plan s", "1 process s", "ms/LP",
                      "CPU/wall", "peak MB", "growth MB", "kernel s", "kernel ms/LP",
                      "kernel peak MB"]
    assert [line.split("|")[0].strip() for line in lines[2:4]] == ["5", "8"]
    assert lines[4].startswith("from 5 to 8 units (x1.6): LPs x1.6")
    assert "kernel time per LP x" in lines[4]
    assert dea_scale.SCALE_UNITS == (282, 1000, 2800, 10000)
    with pytest.raises(ValueError, match="unit counts >= 2"):
        dea_scale.run_scale_series([1])


@pytest.mark.r
def test_r_backend_is_timed_beside_the_engine_on_the_same_lps():
    result = bench.run_dea_benchmark(units=12, years=(2006, 2008), jobs=1, repeats=1,
                                     naive_sample=0, benchmarking_sample=0, backend="r",
                                     r_sample=40)
    peer = next(c for c in result.comparisons if c.name.startswith("R backend of the DEA"))
    assert peer.sample == 40 and peer.status_mismatches == 0
    assert peer.max_abs_difference < 1e-8 and peer.seconds_per_lp > 0
    assert "R backend of the DEA" in bench.format_benchmark(result)


def test_r_backend_without_r_is_skipped_with_the_reason(monkeypatch):
    monkeypatch.setattr("carbongap.r.session.r_unavailable_reason",
                        lambda: "R disabled for this test")
    result = bench.run_dea_benchmark(units=8, years=(2006, 2007), jobs=1, repeats=1,
                                     naive_sample=0, benchmarking_sample=0, backend="r")
    assert "R backend: not timed (R disabled for this test)" in result.skipped
