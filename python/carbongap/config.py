"""The run configuration: every choice of docs/methods.md, with the paper's values as defaults.

``replication/config/paper.toml`` spells out the same defaults with a comment per key
(a test keeps the two identical). A configuration is built from those defaults, an
optional TOML file and ``section.key=value`` overrides, in that order, and checked
here: an unknown key or a value outside its choices raises :class:`ConfigError`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tomllib
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import tomli_w

from .choices import (
    Backend,
    DeaSolver,
    Design,
    Disposability,
    Frontier,
    GapPolicy,
    GroupingName,
    IndexForm,
    MeasureName,
    NanPolicy,
    SampleRule,
    SeMethod,
)
from .errors import ConfigError


@dataclass(frozen=True)
class RunConfig:
    """How to run (never changes a number, so never part of a cache key)."""

    jobs: int = 1  #: worker processes for the DEA and bootstraps (joblib); 1 = in-process
    dask: str = ""  #: "" = no Dask; "local" = a local cluster; else a scheduler address
    progress: bool = True  #: progress bars on long stages
    require_r: bool = False  #: a stage that needs R fails, instead of being skipped, without it
    strict: bool = False  #: a stage with warnings fails (replication checks; ``--strict``)


@dataclass(frozen=True)
class DataConfig:
    """Where the raw data come from."""

    panel: str = ""  #: city panel (CSV, XLSX, DTA, or CEADs workbook); "" = synthetic default
    provinces: str = ""  #: provincial table; needed with a user panel that has GDP/FAI columns
    sheet: str = ""  #: Excel sheet of the city panel; "" = the first sheet
    provinces_sheet: str = ""  #: Excel sheet of the provincial table; "" = the first sheet
    synthetic_seed: int = 0  #: seed of the synthetic default panel
    synthetic_cities: int = 282  #: cities in the synthetic panel (paper: 282)
    synthetic_years: tuple[int, int] = (2006, 2019)  #: first and last year (paper: 2006-2019)


@dataclass(frozen=True)
class ValidateConfig:
    """Validation of the raw panel (docs/methods.md §10)."""

    years: tuple[int, int] = (2006, 2019)  #: study window; rows outside are excluded, counted
    magnitude_warnings: bool = True  #: warn when a column's median suggests a unit mistake


@dataclass(frozen=True)
class AccountingConfig:
    """Emission, real-GDP and capital accounting (docs/methods.md §4)."""

    factors: str = "paper"  #: "paper", "ipcc2006", or a path to a factor CSV
    electricity: bool = False  #: add scope-2 electricity emissions (off in the paper)
    grid_factors: str = ""  #: CSV of grid emission factors (grid, year, tco2_per_mwh)
    base_year: int = 2006  #: price base year of real GDP and capital
    delta: float = 0.05  #: depreciation rate of the perpetual inventory (eq. 7)
    gaps: GapPolicy = "interpolate"  #: a missing investment year inside a city's series


@dataclass(frozen=True)
class InequalityConfig:
    """Gini coefficients and their decomposition (docs/methods.md §5)."""

    correction: bool = False  #: multiply by n/(n-1) (the paper does not)
    nan_policy: NanPolicy = "drop"  #: "drop" missing values (counted, logged) or "error"
    grouping: GroupingName = "paper"  #: groups of the Dagum decomposition
    bootstrap_draws: int = 999  #: city-bootstrap draws per yearly Gini
    bootstrap_seed: int = 20240301  #: seed of the bootstrap
    ci_level: float = 0.95  #: coverage of the percentile intervals


@dataclass(frozen=True)
class ProductivityConfig:
    """SBI Luenberger productivity (docs/methods.md §6)."""

    years: tuple[int, int] = (2006, 2016)  #: first and last year of the DEA
    frontier: Frontier = "contemporaneous"  #: reference technology of each period
    index_form: IndexForm = "increment"  #: 1 + indicator (paper) or cumulative (2006 = 1)
    prune: bool = True  #: exact reduction of reference sets to efficient units
    inputs: tuple[str, ...] = ("capital", "employment")  #: DEA inputs
    good: tuple[str, ...] = ("gdp_real",)  #: good outputs
    bad: tuple[str, ...] = ("co2",)  #: bad output(s) of the green model
    backend: Backend = "python"  #: "r": the SBI LPs solved in R (docs/methods.md §9)
    #: the Python backend's LP solver: "kernel" (the compiled small-LP simplex, HiGHS
    #: where an answer is not certified) or "highs" (warm-started HiGHS alone)
    solver: DeaSolver = "kernel"
    #: productivity measure: "sbi" (the paper's SBI Luenberger), "ddf-luenberger", "ml"
    #: (Malmquist-Luenberger) or "gml" (global ML, with frontier = "global");
    #: docs/methods.md §15
    measure: MeasureName = "sbi"
    #: bad outputs in the directional distance measures: "weak" or "strong"
    disposability: Disposability = "weak"


@dataclass(frozen=True)
class AnalysisConfig:
    """The regression panel (docs/methods.md §7)."""

    years: tuple[int, int] = (2007, 2016)  #: regression sample years
    #: "common": city-years complete in every variable (paper); "per_table": each table
    #: part uses the city-years complete in its own variables
    sample: SampleRule = "common"


@dataclass(frozen=True)
class RegressionsConfig:
    """Quantile regressions of Tables 1-8 (docs/methods.md §7)."""

    specs: str = ""  #: table specifications (CSV); "" = the paper's Tables 1-8
    tables: tuple[int, ...] = ()  #: tables to run; () = every table of the specifications
    published: str = ""  #: published coefficients (CSV); "" = the paper's
    taus: tuple[float, ...] = (0.2, 0.4, 0.6, 0.8)  #: quantiles
    #: quantiles of the quantile-process figures (nid bands)
    process_taus: tuple[float, ...] = tuple(round(0.05 * k, 2) for k in range(1, 20))
    se: SeMethod = "nid"  #: standard errors (quantreg's names)
    cluster: str = ""  #: with se = "boot": resample clusters of this column (e.g. city_code)
    boot_reps: int = 500  #: bootstrap replications for se = "boot"
    seed: int = 0  #: bootstrap seed
    backend: Backend = "python"  #: "r": every cell estimated by R quantreg (docs/methods.md §9)


@dataclass(frozen=True)
class CrossvalConfig:
    """Cross-validation of both backends on the same data (docs/methods.md §9)."""

    rtol: float = 1e-9  #: relative tolerance: coefficients (unique fits), nid/iid/ker SEs
    objective_rtol: float = 1e-9  #: relative tolerance of the check-function objective
    dea_atol: float = 1e-8  #: absolute tolerance of every S term and DEA component
    boot_z: float = 4.0  #: bootstrap SEs: allowed |log ratio| in Monte Carlo SDs
    dea: bool = True  #: also solve every SBI LP in R (about a minute at the paper's size)


@dataclass(frozen=True)
class ExportsConfig:
    """Stata and R exports (docs/methods.md §8)."""

    stata_version: int = 14  #: pyreadstat version (14 = format 118, UTF-8)
    rds: bool = True  #: also write .rds files (needs R)


@dataclass(frozen=True)
class RobustnessConfig:
    """Tables 1-8 under every method choice of a grid (docs/methods.md §13)."""

    enabled: bool = False  #: ``carbongap replicate`` runs the grid too (``carbongap
    #: robustness`` always does)
    grid: str = ""  #: grid file (TOML); "" = the default grid (robustness.toml here)
    design: Design = "one-at-a-time"  #: each axis alone from the baseline, or "factorial"


@dataclass(frozen=True)
class InferenceConfig:
    """Intervals that account for the DEA estimation: the pipeline bootstrap and m-out-of-n
    subsampling of cities (docs/methods.md §14)."""

    enabled: bool = False  #: ``carbongap replicate`` runs it too (``carbongap inference``
    #: always does)
    reps: int = 999  #: replications of each scheme
    seed: int = 20240301  #: seed of the city draws
    power: float = 0.8  #: subsamples of m = ⌈n^power⌉ of the n cities
    rate: float = 0.5  #: a in the convergence rate n^a that subsampling rescales by
    level: float = 0.95  #: interval coverage
    coverage: str = ""  #: coverage study result (CSV) naming the recommended interval; ""
    #: = the committed one (replication/studies/inference/coverage.csv)


@dataclass(frozen=True)
class Config:
    """A complete, checked configuration."""

    run: RunConfig = field(default_factory=RunConfig)
    data: DataConfig = field(default_factory=DataConfig)
    validate: ValidateConfig = field(default_factory=ValidateConfig)
    accounting: AccountingConfig = field(default_factory=AccountingConfig)
    inequality: InequalityConfig = field(default_factory=InequalityConfig)
    productivity: ProductivityConfig = field(default_factory=ProductivityConfig)
    analysis: AnalysisConfig = field(default_factory=AnalysisConfig)
    regressions: RegressionsConfig = field(default_factory=RegressionsConfig)
    exports: ExportsConfig = field(default_factory=ExportsConfig)
    crossval: CrossvalConfig = field(default_factory=CrossvalConfig)
    robustness: RobustnessConfig = field(default_factory=RobustnessConfig)
    inference: InferenceConfig = field(default_factory=InferenceConfig)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Plain nested dict (tuples as lists), as written to TOML."""
        return {
            f.name: {k: list(v) if isinstance(v, tuple) else v
                     for k, v in dataclasses.asdict(getattr(self, f.name)).items()}
            for f in dataclasses.fields(self)
        }

    def to_toml(self, results_only: bool = False) -> str:
        """The configuration as TOML text.

        ``results_only`` leaves out ``[run]`` (workers, progress bars), which changes no
        number; the copy saved with every run is written that way so that its bytes
        depend only on what determines the results (``[run]`` is in the manifest).
        """
        data = self.to_dict()
        if results_only:
            del data["run"]
        return tomli_w.dumps(data)

    def results_sha256(self) -> str:
        """sha256 of the results-relevant TOML (``config.resolved.toml``: every section but
        ``[run]``), the configuration hash printed in the manifest and the exports."""
        return hashlib.sha256(self.to_toml(results_only=True).encode()).hexdigest()

    def section_hash(self, sections: Iterable[str]) -> str:
        """sha256 of the named sections, canonical JSON; used in stage cache keys."""
        subset = {s: self.to_dict()[s] for s in sorted(sections)}
        blob = json.dumps(subset, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()


def _coerce(section: str, key: str, hint: Any, value: Any) -> Any:
    """Check ``value`` against the annotation ``hint`` and convert lists to tuples."""
    where = f"[{section}] {key}"
    origin = typing.get_origin(hint)
    if origin is Literal:
        choices = typing.get_args(hint)
        if value not in choices:
            raise ConfigError(f"{where} = {value!r} is not one of: {', '.join(map(str, choices))}")
        return value
    if origin is tuple:
        args = typing.get_args(hint)
        if not isinstance(value, list | tuple):
            raise ConfigError(f"{where} must be a list, got {value!r}")
        item_type = args[0]
        if args[-1] is not Ellipsis and len(value) != len(args):
            raise ConfigError(f"{where} must have {len(args)} items, got {list(value)!r}")
        return tuple(_coerce(section, key, item_type, v) for v in value)
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where} must be an integer, got {value!r}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where} must be a number, got {value!r}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where} must be a string, got {value!r}")
        return value
    raise TypeError(f"unsupported annotation {hint!r} for {where}")


def _merge(config: Config, updates: Mapping[str, Mapping[str, Any]], origin: str) -> Config:
    sections = {f.name: f for f in dataclasses.fields(Config)}
    replaced: dict[str, Any] = {}
    for section, values in updates.items():
        if section not in sections:
            raise ConfigError(f"{origin}: unknown section [{section}]; "
                              f"known: {', '.join(sections)}")
        if not isinstance(values, Mapping):
            raise ConfigError(f"{origin}: [{section}] must be a table")
        current = replaced.get(section, getattr(config, section))
        hints = typing.get_type_hints(type(current))
        changes = {}
        for key, value in values.items():
            if key not in hints:
                raise ConfigError(f"{origin}: unknown key [{section}] {key}; "
                                  f"known: {', '.join(hints)}")
            changes[key] = _coerce(section, key, hints[key], value)
        replaced[section] = dataclasses.replace(current, **changes)
    out = dataclasses.replace(config, **replaced)
    _check_ranges(out)
    return out


def _check_ranges(config: Config) -> None:
    """Cross-field and range checks that a type alone cannot express."""
    from .qreg.se import se_rule  # the SE methods' registry (importing it loads the estimator)

    problems = []
    if config.run.jobs < 1:
        problems.append("[run] jobs must be >= 1")
    if not 0.0 <= config.accounting.delta < 1.0:
        problems.append("[accounting] delta must be in [0, 1)")
    if not 0.0 < config.inequality.ci_level < 1.0:
        problems.append("[inequality] ci_level must be in (0, 1)")
    if config.inequality.bootstrap_draws < 0:
        problems.append("[inequality] bootstrap_draws must be >= 0")
    for key in ("taus", "process_taus"):
        values = getattr(config.regressions, key)
        if not values or any(not 0.0 < t < 1.0 for t in values):
            problems.append(f"[regressions] {key} must be non-empty and lie in (0, 1)")
    if any(t < 1 for t in config.regressions.tables):
        problems.append("[regressions] tables must be table numbers >= 1")
    if config.regressions.cluster and not se_rule(config.regressions.se).takes_cluster:
        problems.append(f"[regressions] cluster = {config.regressions.cluster!r} needs se = "
                        f"\"boot\" (a cluster bootstrap), not se = {config.regressions.se!r}")
    if config.regressions.boot_reps < 1:
        problems.append("[regressions] boot_reps must be >= 1")
    for name in ("validate", "productivity", "analysis"):
        first, last = getattr(config, name).years
        if first > last:
            problems.append(f"[{name}] years must be [first, last] with first <= last")
    first, last = config.data.synthetic_years
    if first > last:
        problems.append("[data] synthetic_years must be [first, last] with first <= last")
    productivity = config.productivity
    if productivity.years[1] - productivity.years[0] < 1:
        problems.append("[productivity] years must span at least two years")
    if productivity.measure == "gml" and productivity.frontier != "global":
        problems.append("[productivity] measure = \"gml\" is the Malmquist-Luenberger index "
                        "on the global frontier: set frontier = \"global\" too (or measure "
                        f"= \"ml\" on the {productivity.frontier} frontier)")
    inference = config.inference
    if inference.reps < 1:
        problems.append("[inference] reps must be >= 1")
    if not 0.0 < inference.power < 1.0:
        problems.append("[inference] power must be in (0, 1): a subsample is m = n^power "
                        "of the n cities, fewer than all")
    if not 0.0 < inference.rate <= 1.0:
        problems.append("[inference] rate must be in (0, 1]")
    if not 0.0 < inference.level < 1.0:
        problems.append("[inference] level must be in (0, 1)")
    if config.data.synthetic_cities < 1:
        problems.append("[data] synthetic_cities must be >= 1")
    if problems:
        raise ConfigError("; ".join(problems))


def parse_override(text: str) -> tuple[str, str, Any]:
    """Parse ``section.key=value``; the value is read as TOML, else taken as a string."""
    name, sep, raw = text.partition("=")
    section, dot, key = name.strip().partition(".")
    if not sep or not dot or not key:
        raise ConfigError(f"override {text!r} must look like section.key=value")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return section, key, value


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """The parsed TOML file at ``path``; ConfigError "<what> <path> does not exist" or
    "<path>: not valid TOML: ..." otherwise."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{what} {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


def load_config(
    path: str | Path | None = None,
    overrides: Iterable[str] = (),
    updates: Mapping[str, Mapping[str, Any]] | None = None,
) -> Config:
    """Build a configuration: defaults, then the TOML file at ``path``, then overrides.

    Parameters
    ----------
    path
        A TOML file; keys it leaves out keep their defaults.
    overrides
        ``section.key=value`` strings (the CLI's ``--set``).
    updates
        A nested mapping applied last (the CLI's named flags such as ``--jobs``).
    """
    config = Config()
    if path is not None:
        path = Path(path)
        config = _merge(config, read_toml(path, "configuration file"), str(path))
    parsed: dict[str, dict[str, Any]] = {}
    for text in overrides:
        section, key, value = parse_override(text)
        parsed.setdefault(section, {})[key] = value
    if parsed:
        config = _merge(config, parsed, "--set")
    if updates:
        config = _merge(config, updates, "command line")
    return config


def default_config_path(root: str | Path | None = None) -> Path | None:
    """``replication/config/paper.toml`` under ``root`` (default: the working directory).

    Returns None when there is no such file; the built-in defaults are the same values.
    """
    candidate = Path(root if root is not None else Path.cwd()) / "replication/config/paper.toml"
    return candidate if candidate.is_file() else None
