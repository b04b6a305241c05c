"""The coverage study: which intervals for Table 1 and the yearly Luenberger means hold
their nominal level on this design (docs/methods.md §14; ``carbongap study inference``).

On the synthetic generator (docs/methods.md §12): the *pseudo-true* value of each cell is
the estimator's probability limit, approximated by the same estimator (replication 0 of
the inference pipeline) on one panel of ``truth_factor`` times the cities. Then
``panels`` Monte Carlo panels of ``cities`` cities (seeds ``seed`` + 1, ...), each with
its intervals for every cell of the chosen tables:

* ``nid``: coef ± z·SE with quantreg's nid SE (the paper's);
* ``regression bootstrap``: coef ± z·SE with the cluster bootstrap by city of the
  regressions alone (the DEA indices taken as data; ``[regressions] se = "boot"``);
* ``pipeline bootstrap``: the percentile interval of the pipeline bootstrap;
* ``subsampling``: the rescaled m-out-of-n subsampling interval;

and, for the yearly means of T, PC, EC, GT, GPC, GEC (all cities and each group), the
last two. Each Monte Carlo panel is one task on the workers (its replications run in
that worker), with its own seeds, so the result does not depend on the workers.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from scipy.special import ndtri

from ..config import Config, load_config
from ..inference.coverage import coverage_rows, coverage_table, recommended_interval
from ..inference.intervals import summarise
from ..inference.replication import Pipeline, replicate
from ..inference.resampling import design_of, resample_pipeline
from ..parallel import SERIAL, Execution, run_tasks
from ..qreg import QregOptions, QuantRegWarning
from ..tables.compare import CELL_KEYS
from ..tables.estimate import estimate_tables

COEF_KEYS: list[str] = list(CELL_KEYS)
MEAN_KEYS: list[str] = ["sample", "variable", "year"]
#: Interval columns of the resampling summaries, by method
#: (:data:`carbongap.inference.coverage.RESAMPLING_METHODS`).
RESAMPLED: dict[str, tuple[str, str]] = {"pipeline bootstrap": ("boot_lo", "boot_hi"),
                                         "subsampling": ("sub_lo", "sub_hi")}


@dataclass(frozen=True)
class StudyDesign:
    """The Monte Carlo design (module docstring); ``power``, ``rate`` and ``level`` as in
    ``[inference]``."""

    cities: int = 60
    panels: int = 40
    reps: int = 99
    truth_factor: int = 20
    seed: int = 1000
    tables: tuple[int, ...] = (1,)
    power: float = 0.8
    rate: float = 0.5
    level: float = 0.95

    def config(self, seed: int, cities: int) -> Config:
        """The run configuration of one panel: the paper's, on the synthetic generator."""
        return load_config(updates={
            "data": {"synthetic_seed": seed, "synthetic_cities": cities},
            "regressions": {"tables": list(self.tables)},
            "inference": {"reps": self.reps, "seed": seed, "power": self.power,
                          "rate": self.rate, "level": self.level}})


#: The sizes of ``carbongap study inference --size``: the default fits within 30
#: minutes on 2 cores; "paper" is the paper's panel (hours).
SIZES: dict[str, StudyDesign] = {
    "default": StudyDesign(),
    "paper": StudyDesign(cities=282, panels=200, reps=199),
}


def panel_pipeline(config: Config) -> tuple[Pipeline, pd.DataFrame]:
    """The inference pipeline of ``config``'s panel and its regression panel."""
    from ..pipeline.registry import STAGES
    from ..stagekit.evaluate import Evaluator
    from ..stagekit.stage import Context, find_stage
    from ..stages.inference import pipeline_of

    evaluator = Evaluator(Context(config=config, upstream={}, stages=STAGES), {}, config)
    results = evaluator.results(config, "analysis_panel")
    pipeline = pipeline_of(find_stage("inference", STAGES).context(config, results))
    return pipeline, results["analysis_panel"].tables["analysis"]


def pseudo_truth(design: StudyDesign) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cells' pseudo-true values (``truth``): coefficients (:data:`COEF_KEYS`) and
    yearly means (:data:`MEAN_KEYS`) on one panel of ``truth_factor`` × ``cities``
    cities (seed ``seed``, which no Monte Carlo panel uses)."""
    pipeline, _ = panel_pipeline(design.config(design.seed,
                                               design.cities * design.truth_factor))
    zero = replicate(pipeline, None)
    return (zero.coefficients.loc[:, [*COEF_KEYS, "coef"]].rename(columns={"coef": "truth"}),
            zero.means.loc[:, [*MEAN_KEYS, "mean"]].rename(columns={"mean": "truth"}))


def _normal(frame: pd.DataFrame, method: str, z: float) -> pd.DataFrame:
    return frame.loc[:, COEF_KEYS].assign(
        method=method, lo=frame["coef"] - z * frame["se"], hi=frame["coef"] + z * frame["se"])


def _resampled(summary: pd.DataFrame, keys: list[str]) -> list[pd.DataFrame]:
    return [summary.loc[:, keys].assign(method=method, lo=summary[lo], hi=summary[hi])
            for method, (lo, hi) in RESAMPLED.items()]


def panel_intervals(task: tuple[StudyDesign, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every interval of Monte Carlo panel ``k`` (seed ``seed`` + k): of the coefficients
    (:data:`COEF_KEYS`, method, lo, hi, panel) and of the yearly means
    (:data:`MEAN_KEYS`, method, lo, hi, panel)."""
    design, k = task
    seed = design.seed + k
    pipeline, analysis = panel_pipeline(design.config(seed, design.cities))
    z = float(ndtri(0.5 + design.level / 2.0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QuantRegWarning)
        nid = estimate_tables(analysis, pipeline.specs,
                              QregOptions.of(pipeline.taus, "nid")).frame
        boot = estimate_tables(analysis, pipeline.specs, QregOptions.of(
            pipeline.taus, "boot", "city_code", boot_reps=design.reps, seed=seed)).frame
    resampling = design_of(pipeline, design.reps, seed, design.power)
    done = resample_pipeline(pipeline, resampling)
    options = {"level": design.level, "ratio": resampling.ratio, "rate": design.rate}
    coefs = summarise(done.coefficients, COEF_KEYS, "coef", **options)
    means = summarise(done.means, MEAN_KEYS, "mean", **options)
    coef_rows = pd.concat([_normal(nid, "nid", z), _normal(boot, "regression bootstrap", z),
                           *_resampled(coefs, COEF_KEYS)], ignore_index=True)
    mean_rows = pd.concat(_resampled(means, MEAN_KEYS), ignore_index=True)
    return coef_rows.assign(panel=k), mean_rows.assign(panel=k)


@dataclass(frozen=True)
class StudyResult:
    """Every interval with its truth and whether it covers (``rows``), the coverage by
    target and method (``table``) and, for the coefficients, by term (``by_term``)."""

    design: StudyDesign
    rows: pd.DataFrame
    table: pd.DataFrame
    by_term: pd.DataFrame

    def recommended(self) -> str:
        """The resampling interval whose coefficient coverage is nearest the nominal
        level (:func:`carbongap.inference.coverage.recommended_interval`)."""
        return recommended_interval(self.table, self.design.level)


def run_study(design: StudyDesign, *, execution: Execution = SERIAL) -> StudyResult:
    """The study of the module docstring."""
    coef_truth, mean_truth = pseudo_truth(design)
    found = run_tasks(panel_intervals, [(design, k) for k in range(1, design.panels + 1)],
                      execution=execution, description="coverage study panels")
    coefs = coverage_rows(pd.concat([f[0] for f in found], ignore_index=True),
                          coef_truth, COEF_KEYS).assign(target="coefficient")
    means = coverage_rows(pd.concat([f[1] for f in found], ignore_index=True),
                          mean_truth, MEAN_KEYS).assign(target="yearly mean")
    rows = pd.concat([coefs, means], ignore_index=True)
    by_term = pd.concat(
        [coverage_table(part).assign(term=term).drop(columns="target")
         for term, part in coefs.groupby("term", sort=True)], ignore_index=True)
    return StudyResult(design, rows, coverage_table(rows), by_term)


def study_markdown(result: StudyResult) -> str:
    """COVERAGE.md: the design, the coverage by target and method, by term, the verdict."""
    from ..io.markdown import to_markdown

    d = result.design
    return "\n".join([
        "# Coverage study: inference with estimated productivity", "",
        f"Synthetic generator (docs/methods.md §12), {d.panels} Monte Carlo panels of "
        f"{d.cities} cities (seeds {d.seed + 1}-{d.seed + d.panels}), Table(s) "
        f"{', '.join(map(str, d.tables))} at the paper's quantiles and the yearly means of "
        f"the six indices; {d.reps} replications per resampling scheme and for the "
        f"regression bootstrap; subsamples m = ceil(n^{d.power:g}), rate n^{d.rate:g}. "
        f"Pseudo-true values: the same estimators on one panel of "
        f"{d.truth_factor * d.cities} cities (seed {d.seed}). Nominal level "
        f"{d.level:g} (docs/methods.md §14).", "",
        "## Coverage by target and method", "", to_markdown(result.table, 3), "",
        "## Coefficients, by term", "", to_markdown(result.by_term, 3), "",
        "## Verdict", "",
        f"Of the two resampling intervals, the {result.recommended()} interval's coverage "
        "of the coefficients is nearer the nominal level on this design; REPORT.md can "
        "cite it. Monte Carlo standard errors (`mc_se`) treat intervals as independent; "
        "those of one panel are not, so read them as lower bounds.", ""])


def write_study(result: StudyResult, folder: Path) -> list[Path]:
    """``coverage.csv``, ``coverage_by_term.csv``, ``intervals.csv`` (every interval with
    its truth) and ``COVERAGE.md`` in ``folder``, each written atomically."""
    from ..io import atomic

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in (("coverage.csv", result.table),
                        ("coverage_by_term.csv", result.by_term),
                        ("intervals.csv", result.rows)):
        written.append(atomic.write_text(folder / name,
                                         frame.to_csv(index=False, lineterminator="\n")))
    written.append(atomic.write_text(folder / "COVERAGE.md", study_markdown(result)))
    return written
