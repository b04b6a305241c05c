"""``carbongap bench qreg``'s exactness check and report (the timings are not asserted)."""

from __future__ import annotations

from carbongap.bench.qreg import (
    FORMULA,
    TAUS,
    QregBenchmark,
    _design,
    _exactness,
    fit_overhead,
    format_qreg_benchmark,
    simulate,
)
from carbongap.qreg import fit


def test_the_exactness_check_confirms_each_quantile_with_highs():
    frame = simulate(6000, seed=3)  # above BR_MAX: the certified interior-point path
    X, y = _design(frame)
    lines = _exactness(X, y, fit(frame, FORMULA, taus=TAUS))
    assert len(lines) == len(TAUS)
    for tau, line in zip(TAUS, lines, strict=True):
        assert line.startswith(f"tau = {tau:g}: objective") and "(relative difference" in line
        gap = float(line.split("relative difference ")[1].split(":")[0])
        assert gap <= 1e-12 and line.endswith("vertex certificate: unique")


def test_the_report_shows_memory_exactness_and_the_scaling_note():
    result = QregBenchmark({"million": 1_000_000},
                           fit={"million": {"carbongap": 1.5, "R pfn": 9.0}},
                           boot={"million": {"carbongap cluster boot, 2 workers": 10.0}},
                           memory={"million": 524.0},
                           exactness=["tau = 0.2: objective 1, HiGHS simplex 1 (...)"],
                           notes=["million: statsmodels timed on 100,000 rows"])
    text = format_qreg_benchmark(result)
    assert "carbongap                    1500.0 ms" in text
    assert "R pfn                        9000.0 ms      6.0x carbongap's time" in text
    assert "carbongap cluster boot, 2 workers    10000.0 ms" in text
    assert "peak resident memory of the process while fitting (data included): 524 MB" in text
    assert "  tau = 0.2: objective 1, HiGHS simplex 1 (...)" in text
    assert text.count("note: million") == 1


def test_the_overhead_is_timed_on_the_fit_it_describes():
    # fit_overhead rebuilds the results of a real fit from its parts: the table it times
    # is the fit's own table (the work timed is the work a fit does), and the report
    # prints the time with its goal.
    import pandas as pd

    frame = simulate(500, seed=1)
    seconds, table_seconds, table = fit_overhead(frame, 2)
    assert seconds > 0.0 and table_seconds > 0.0
    pd.testing.assert_frame_equal(table, fit(frame, FORMULA, taus=TAUS).to_frame(),
                                  check_exact=True)
    result = QregBenchmark({"paper": 2350}, overhead={"paper": (0.00042, 0.0003)})
    assert ("N = 2,350: per-fit overhead (formula, design, results; goal < 1 ms): 0.42 ms; "
            "their long table (to_frame): 0.30 ms") in format_qreg_benchmark(result)
