"""The ``carbongap`` command line (typer).

``carbongap replicate`` runs everything; ``carbongap run STAGE`` one stage and what it
needs; ``carbongap crossval`` compares the Python and R backends; ``carbongap dea`` runs
the Luenberger engine on any panel file; ``carbongap export stata`` rewrites the Stata
exports of a finished run; ``carbongap synth`` writes the synthetic default data;
``carbongap bench dea|qreg`` measures the engines; ``carbongap stages`` lists the stages.
Results and paths go to stdout; progress, stage tables, warnings and errors to stderr.
Exit status: 0 when every stage run succeeded, 1 when one failed, 2 on a usage
or configuration error.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import click
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .choices import Backend, DeaSolver, Design, Disposability, Frontier, MeasureName
from .config import Config, default_config_path, load_config
from .errors import CarbongapError, DataError, StrictError
from .pipeline.provenance import ConfigOrigin
from .progress import null_progress, rich_progress

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Replication toolkit for Zhang & Liu (2024), China's urban carbon gap.")
bench_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None,
                        help="Benchmarks (speed and memory).")
app.add_typer(bench_app, name="bench")
console = Console(stderr=True)


def _print_version(value: bool) -> None:
    if value:
        from ._version import __version__

        typer.echo(f"carbongap {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="Print the version and exit.")] = False) -> None:
    """Replication toolkit for Zhang & Liu (2024), China's urban carbon gap."""

#: Exit codes of every command: a problem in the data (or a warning under --strict),
#: and a problem in how the command was called (options, configuration, files, a busy
#: output folder).
EXIT_DATA, EXIT_USAGE = 1, 2


def _refuse_path(param: click.Parameter, path: Path, problem: str) -> NoReturn:
    """One line naming the option (or argument) and the path, and the usage exit code."""
    name = param.opts[0] if param.opts[0].startswith("-") else (param.metavar or
                                                                param.opts[0].upper())
    console.print(f"[red]error[/red] {escape(name)} {escape(str(path))} {problem}",
                  soft_wrap=True)
    raise typer.Exit(EXIT_USAGE)


def _file_to_read(param: click.Parameter, value: Path) -> None:
    """A path option naming a file to read: it must exist and not be a folder."""
    if not value.exists():
        _refuse_path(param, value, "does not exist; name a file")
    if value.is_dir():
        _refuse_path(param, value, "is a folder; name a file")


def _folder_to_write(param: click.Parameter, value: Path) -> None:
    """A path option naming a folder to write into: new, or an existing folder."""
    if value.exists() and not value.is_dir():
        _refuse_path(param, value, "is a file; name a folder (new or existing)")


def _run_folder(param: click.Parameter, value: Path) -> None:
    """A path naming the output folder of a finished run, to read."""
    if not value.exists():
        _refuse_path(param, value, "does not exist; name the output folder of a finished run")
    if not value.is_dir():
        _refuse_path(param, value, "is a file; name the output folder of a finished run")


def _path_check(check: Callable[[click.Parameter, Path], None]
                ) -> Callable[[click.Context, click.Parameter, Path | None], Path | None]:
    """``check`` as a typer callback (run while the command line is parsed, before the
    command does anything); an option left out (None) is not checked."""
    def callback(ctx: click.Context, param: click.Parameter, value: Path | None
                 ) -> Path | None:
        if value is not None:
            check(param, value)
        return value
    return callback


FILE_TO_READ = _path_check(_file_to_read)
FOLDER_TO_WRITE = _path_check(_folder_to_write)
RUN_FOLDER = _path_check(_run_folder)

ConfigOpt = Annotated[Path | None, typer.Option(
    "--config", callback=FILE_TO_READ,
    help="TOML configuration (default: replication/config/paper.toml when present, else "
    "the built-in paper defaults).")]
DataOpt = Annotated[Path | None, typer.Option(
    "--data", callback=FILE_TO_READ,
    help="City panel (CSV/XLSX/DTA) or CEADs workbook; default: synthetic panel.")]
ProvincesOpt = Annotated[Path | None, typer.Option(
    "--provinces", callback=FILE_TO_READ,
    help="Provincial table (deflators, FAI, base-year capital).")]
OutOpt = Annotated[Path, typer.Option("--out", callback=FOLDER_TO_WRITE,
                                      help="Output folder.")]
RunOpt = Annotated[Path, typer.Option("--out", callback=RUN_FOLDER,
                                      help="Output folder of a finished run.")]
JobsOpt = Annotated[int | None, typer.Option("--jobs", help="Worker processes for the DEA.")]
DaskOpt = Annotated[str | None, typer.Option(
    "--dask", help="Run the DEA on Dask: 'local' or a scheduler address.")]
SetOpt = Annotated[list[str] | None, typer.Option(
    "--set", metavar="SECTION.KEY=VALUE",
    help="Override a configuration value: section.key=value (repeatable).")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Recompute every stage.")]
QuietOpt = Annotated[bool, typer.Option(
    "--quiet", "-q", help="Print errors only (no progress, stage table, warning summary or "
    "paths).")]
BackendOpt = Annotated[str | None, typer.Option(
    "--backend", metavar="python|r",
    help="Compute the regressions and the DEA in Python (default) or in R (sets "
    "[regressions] backend and [productivity] backend).")]
StrictOpt = Annotated[bool, typer.Option(
    "--strict", help="Treat warnings as errors: a stage with a warning fails (exit 1); for "
    "replication checks.")]
RequireROpt = Annotated[bool, typer.Option(
    "--require-r", help="Fail a stage that needs R when R is unavailable, instead of "
    "skipping it.")]


def _config(config: Path | None, data: Path | None, provinces: Path | None, jobs: int | None,
            dask: str | None, overrides: list[str] | None, quiet: bool,
            require_r: bool = False, strict: bool = False,
            backend: Backend | None = None) -> tuple[Config, ConfigOrigin]:
    """The configuration, and where it came from (file, then every override as typed)."""
    updates: dict[str, dict[str, object]] = {"run": {}, "data": {}, "regressions": {},
                                             "productivity": {}}
    typed = [f"--set {text}" for text in overrides or ()]
    for flag, section, key, value in (("--data", "data", "panel", data),
                                      ("--provinces", "data", "provinces", provinces),
                                      ("--jobs", "run", "jobs", jobs),
                                      ("--dask", "run", "dask", dask)):
        if value is not None:
            updates[section][key] = str(value) if isinstance(value, Path) else value
            typed.append(f"{flag} {value}")
    if quiet:
        updates["run"]["progress"] = False
        typed.append("--quiet")
    for flag, key, value in (("--require-r", "require_r", require_r),
                             ("--strict", "strict", strict)):
        if value:
            updates["run"][key] = True
            typed.append(flag)
    if backend is not None:
        updates["regressions"]["backend"] = updates["productivity"]["backend"] = backend
        typed.append(f"--backend {backend}")
    path = config if config is not None else default_config_path()
    loaded = load_config(path, overrides or (), {k: v for k, v in updates.items() if v})
    return loaded, ConfigOrigin(path, tuple(typed))


@contextmanager
def _log_level(level: int) -> Iterator[None]:
    """The package logger at ``level`` for the block (a command that prints the notes it
    gets back keeps the same warnings from also reaching stderr through the logger)."""
    logger = logging.getLogger("carbongap")
    before = logger.level
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.setLevel(before)


def _execute(targets: list[str] | None, configured: tuple[Config, ConfigOrigin], out: Path,
             no_cache: bool, quiet: bool) -> int:
    from .pipeline.runner import run_pipeline

    config, origin = configured
    logging.getLogger("carbongap").setLevel(logging.INFO)
    summary = run_pipeline(config, targets=targets, out=out, use_cache=not no_cache,
                           progress=rich_progress if config.run.progress and not quiet
                           else null_progress, origin=origin)
    folder = summary.folder or out
    if not quiet:
        table = Table(title=f"carbongap run -> {out}")
        for column in ("stage", "status", "seconds", "remark"):
            table.add_column(column)
        for run in summary.stages:
            style = {"failed": "red", "skipped": "yellow"}.get(
                run.status, "green")
            table.add_row(run.name, f"[{style}]{run.status}[/{style}]",
                          f"{run.seconds:.2f}" if run.seconds else "", escape(run.reason))
        console.print(table)
        _print_warnings(summary.warnings, folder)
    for run in summary.stages:
        if run.status == "failed":
            console.print(f"[red]error[/red] stage {run.name}: {escape(run.reason)}",
                          soft_wrap=True)
    if not summary.ok:
        console.print(f"the run failed: the outputs in {escape(str(out))} are untouched; this "
                      f"run's log and partial outputs are in {escape(str(folder))}",
                      soft_wrap=True)
    if not quiet:
        for name in ("REPORT.md", "manifest.json", "carbongap.log"):
            if (folder / name).is_file():
                typer.echo(str(folder / name))
    return 0 if summary.ok else EXIT_DATA


#: Warnings printed in full at the end of a run; the rest are counted.
SHOWN_WARNINGS = 3


def _print_warnings(warnings: list[str], out: Path) -> None:
    """The run's warnings on stderr: the count, the first few, where all of them are."""
    if not warnings:
        return
    where = " and ".join(escape(str(out / name)) for name in ("carbongap.log", "REPORT.md")
                         if (out / name).is_file())
    console.print(f"[yellow]{len(warnings)} warning(s)[/yellow] (all in {where}; --strict "
                  "makes them errors):", soft_wrap=True)
    for text in warnings[:SHOWN_WARNINGS]:
        console.print(f"  [yellow]warning[/yellow] {escape(text)}", soft_wrap=True)
    if len(warnings) > SHOWN_WARNINGS:
        console.print(f"  ... and {len(warnings) - SHOWN_WARNINGS} more")


def _guard(action: Callable[[], int]) -> int:
    try:
        return action()
    except CarbongapError as exc:
        console.print(f"[red]error[/red] {escape(str(exc))}", soft_wrap=True)
        return EXIT_DATA if isinstance(exc, DataError | StrictError) else EXIT_USAGE


@app.command()
def replicate(config: ConfigOpt = None, data: DataOpt = None, provinces: ProvincesOpt = None,
              out: OutOpt = Path("replication/output"), jobs: JobsOpt = None,
              dask: DaskOpt = None, set_: SetOpt = None, no_cache: NoCacheOpt = False,
              quiet: QuietOpt = False, require_r: RequireROpt = False,
              strict: StrictOpt = False, backend: BackendOpt = None) -> None:
    """Run every stage and write all outputs to --out."""
    code = _guard(lambda: _execute(None, _config(config, data, provinces, jobs, dask, set_,
                                                 quiet, require_r, strict, backend),
                                   out, no_cache, quiet))
    raise typer.Exit(code)


@app.command()
def run(stage: Annotated[str, typer.Argument(
            help="Stage name (`carbongap stages` lists them).")],
        config: ConfigOpt = None, data: DataOpt = None, provinces: ProvincesOpt = None,
        out: OutOpt = Path("replication/output"), jobs: JobsOpt = None, dask: DaskOpt = None,
        set_: SetOpt = None, no_cache: NoCacheOpt = False, quiet: QuietOpt = False,
        require_r: RequireROpt = False, strict: StrictOpt = False,
        backend: BackendOpt = None) -> None:
    """Run one stage and the stages it needs."""
    from .pipeline.registry import STAGE_NAMES  # imports every stage module: not at startup

    if stage not in STAGE_NAMES:
        console.print(f"[red]error[/red] unknown stage {stage!r}; choose one of: "
                      f"{', '.join(STAGE_NAMES)}")
        raise typer.Exit(2)
    code = _guard(lambda: _execute([stage], _config(config, data, provinces, jobs, dask, set_,
                                                    quiet, require_r, strict, backend),
                                   out, no_cache, quiet))
    raise typer.Exit(code)


@app.command()
def crossval(config: ConfigOpt = None, data: DataOpt = None, provinces: ProvincesOpt = None,
             out: OutOpt = Path("replication/output"), jobs: JobsOpt = None,
             set_: SetOpt = None, no_cache: NoCacheOpt = False, quiet: QuietOpt = False,
             require_r: RequireROpt = False, backend: BackendOpt = None) -> None:
    """Both backends on the same data, compared cell by cell (crossval.md,
    tables/crossval.csv); needs R."""
    code = _guard(lambda: _execute(["crossval", "report"],
                                   _config(config, data, provinces, jobs, None, set_, quiet,
                                           require_r, False, backend),
                                   out, no_cache, quiet))
    raise typer.Exit(code)


def _full_run_with(section: str, options: dict[str, object],
                   common: tuple[Path | None, Path | None, Path | None, int | None,
                                 str | None, list[str] | None, bool, bool],
                   out: Path, no_cache: bool) -> NoReturn:
    """A full run with the off-by-default stage of ``section`` switched on and the
    command's own ``options`` (None: the configuration's) set in that section;
    ``common``: config, data, provinces, jobs, dask, --set, quiet, strict."""
    config, data, provinces, jobs, dask, set_, quiet, strict = common
    extra = [f"{section}.enabled=true", *(f"{section}.{key}={json.dumps(value)}"
                                          for key, value in options.items()
                                          if value is not None)]
    code = _guard(lambda: _execute(None, _config(config, data, provinces, jobs, dask,
                                                 [*(set_ or ()), *extra], quiet, False,
                                                 strict),
                                   out, no_cache, quiet))
    raise typer.Exit(code)


@app.command()
def robustness(
    grid: Annotated[Path | None, typer.Option(
        "--grid", callback=FILE_TO_READ,
        help="Grid file (TOML; default replication/config/robustness.toml).")] = None,
    design: Annotated[Design | None, typer.Option(
        "--design", help="one-at-a-time (each axis alone from the baseline; default) or "
        "factorial (every combination).")] = None,
    config: ConfigOpt = None, data: DataOpt = None, provinces: ProvincesOpt = None,
    out: OutOpt = Path("replication/output"), jobs: JobsOpt = None, dask: DaskOpt = None,
    set_: SetOpt = None, no_cache: NoCacheOpt = False, quiet: QuietOpt = False,
    strict: StrictOpt = False) -> None:
    """Every stage, then Tables 1-8 under every method choice of a grid
    (tables/robustness*.csv, figures/specification_curve_*.png, a REPORT.md section)."""
    _full_run_with("robustness", {"grid": None if grid is None else str(grid),
                                  "design": design},
                   (config, data, provinces, jobs, dask, set_, quiet, strict),
                   out, no_cache)


@app.command()
def inference(
    reps: Annotated[int | None, typer.Option(
        "--reps", help="Replications of each scheme (pipeline bootstrap, subsampling; "
        "default [inference] reps = 999).")] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", help="Seed of the city draws (default [inference] seed).")] = None,
    config: ConfigOpt = None, data: DataOpt = None, provinces: ProvincesOpt = None,
    out: OutOpt = Path("replication/output"), jobs: JobsOpt = None, dask: DaskOpt = None,
    set_: SetOpt = None, no_cache: NoCacheOpt = False, quiet: QuietOpt = False,
    strict: StrictOpt = False) -> None:
    """Every stage, then Tables 1-8 and the yearly Luenberger means with intervals that
    account for the DEA estimation: the pipeline bootstrap and m-out-of-n subsampling of
    cities (tables/inference_*.csv, data/inference_replicates.*, a REPORT.md section)."""
    _full_run_with("inference", {"reps": reps, "seed": seed},
                   (config, data, provinces, jobs, dask, set_, quiet, strict),
                   out, no_cache)


@app.command()
def validate(
    data: Annotated[Path, typer.Option("--data", callback=FILE_TO_READ,
                                       help="City panel to check (CSV/XLSX/DTA, or "
                                       "a CEADs workbook).")],
    provinces: ProvincesOpt = None,
    config: ConfigOpt = None,
    set_: SetOpt = None,
) -> None:
    """Check a city panel (and provincial table) as the validate stage does, without running
    anything else or writing files: every problem named with file, column and rows (exit
    1), or a summary and the warnings (exit 0)."""
    from .ingest.load import load_panel
    from .ingest.schema import describe_city_panel

    def action() -> int:
        cfg, _ = _config(config, data, provinces, None, None, set_, True)
        with _log_level(logging.ERROR):  # the warnings are in the notes printed below
            loaded = load_panel(data, provinces, sheet=cfg.data.sheet or None,
                                provinces_sheet=cfg.data.provinces_sheet or None,
                                years=cfg.validate.years,
                                magnitude_warnings=cfg.validate.magnitude_warnings)
        for note in loaded.notes:
            console.print(("[yellow]warning[/yellow] " + escape(note.removeprefix("warning: "))
                           if note.startswith("warning: ") else escape(note)), soft_wrap=True)
        typer.echo(f"{data}: valid; {describe_city_panel(loaded.cities)}"
                   + (f", {len(loaded.attrition)} city-years outside the study window"
                      if len(loaded.attrition) else "")
                   + (f"; {provinces}: {len(loaded.provinces)} province-years" if provinces
                      else ""))
        return 0

    raise typer.Exit(_guard(action))


@app.command()
def template(
    out: Annotated[Path, typer.Option("--out", callback=FOLDER_TO_WRITE,
                                      help="Folder for the templates.")] = Path(
        "templates"),
) -> None:
    """Write the input templates (city panel and provincial table: CSV with every accepted
    column and one example row, and a Markdown guide to each column)."""
    from .io import atomic
    from .tools.template import template_frame, template_guide

    for table in ("city_panel", "provinces"):
        csv = template_frame(table).to_csv(index=False, lineterminator="\n")
        typer.echo(str(atomic.write_text(out / f"{table}_template.csv", csv)))
        typer.echo(str(atomic.write_text(out / f"{table}_template.md", template_guide(table))))


@app.command()
def verify(
    out: Annotated[Path, typer.Argument(callback=RUN_FOLDER,
                                        help="Output folder of a finished run.")] = Path(
        "replication/output"),
    rerun: Annotated[bool, typer.Option(
        "--rerun", help="Also rerun the recorded configuration on the recorded inputs into a "
        "temporary folder and compare every output byte for byte (the journal's "
        "replication check).")] = False,
    quiet: QuietOpt = False,
) -> None:
    """Check every output of a run against its manifest.json (size and sha256): each
    changed, missing or unlisted file is named; exit 0 only when all match."""
    from .pipeline.verify import rerun_folder, verify_folder

    def action() -> int:
        progress = null_progress if quiet else rich_progress
        result = rerun_folder(out, progress) if rerun else verify_folder(out)
        *files, verdict = result.lines()
        for line in files:
            typer.echo(line)
        console.print(("[green]ok[/green] " if result.ok else "[red]mismatch[/red] ")
                      + escape(verdict), soft_wrap=True)
        return 0 if result.ok else EXIT_DATA

    raise typer.Exit(_guard(action))


@app.command()
def stages() -> None:
    """List the stages, what each needs and the configuration sections it reads."""
    from .pipeline.registry import STAGES

    for s in STAGES:
        needs = ", ".join(s.needs) or ("every earlier stage" if s.sees_all else "-")
        switch = f" (in a full run only with [{s.switch[0]}] {s.switch[1]} = true)" \
            if s.switch else ""
        typer.echo(f"{s.name:<15} needs {needs:<40} config [{', '.join(s.sections) or '-'}]"
                   + switch)


@app.command()
def synth(out: Annotated[Path, typer.Option("--out", callback=FOLDER_TO_WRITE,
                                           help="Folder for the CSV files.")],
          seed: Annotated[int, typer.Option(help="Generator seed.")] = 0,
          cities: Annotated[int, typer.Option(help="Number of cities.")] = 282,
          first_year: Annotated[int, typer.Option(help="First year.")] = 2006,
          last_year: Annotated[int, typer.Option(help="Last year.")] = 2019) -> None:
    """Write the synthetic default panel (cities.csv, provinces.csv, truth.csv, ...)."""
    from .synth import write_csv

    paths = write_csv(out, seed=seed, n_cities=cities, years=(first_year, last_year))
    for path in paths:
        typer.echo(str(path))


@app.command()
def dea(
    data: Annotated[Path, typer.Option("--data", callback=FILE_TO_READ,
                                       help="Panel file (CSV/XLSX/DTA), one row per unit "
                                       "and period.")],
    unit: Annotated[str, typer.Option("--unit", help="Column of the unit ids (numbers or "
                                      "text, kept as written).")],
    time: Annotated[str, typer.Option("--time", help="Column of the periods (whole numbers, "
                                      "e.g. years).")],
    inputs: Annotated[str, typer.Option("--inputs", help="Input columns, comma-separated.")],
    good: Annotated[str, typer.Option("--good", help="Good output columns, comma-separated.")],
    bad: Annotated[str, typer.Option("--bad", help="Bad output columns, comma-separated "
                                     "(none: the production model).")] = "",
    frontier: Annotated[Frontier | None, typer.Option(
        "--frontier", help="Reference technology (docs/methods.md §6; default "
        "contemporaneous, global for --measure gml).")] = None,
    out: Annotated[Path, typer.Option("--out", callback=FOLDER_TO_WRITE,
                                      help="Output folder.")] = Path("dea_output"),
    sheet: Annotated[str | None, typer.Option("--sheet", help="Excel sheet (default: the "
                                              "first).")] = None,
    rts_decomposition: Annotated[bool, typer.Option(
        "--rts-decomposition/--no-rts-decomposition", help="CRS and VRS terms with the "
        "four-way decomposition, or CRS only (LTFP, EC, PC; half the LPs).")] = True,
    prune: Annotated[bool, typer.Option("--prune/--no-prune", help="Exact reference-set "
                                        "pruning (same numbers, faster).")] = True,
    jobs: Annotated[int, typer.Option("--jobs", help="Worker processes.")] = 1,
    dask: Annotated[str, typer.Option("--dask", help="Run on Dask: 'local' or a scheduler "
                                      "address (needs pip install 'carbongap\\[dist]').")] = "",
    quiet: QuietOpt = False,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Treat an excluded unit-period (a missing or non-positive value) as "
        "an error (exit 1, nothing written).")] = False,
    solver: Annotated[DeaSolver, typer.Option(
        "--solver", help="kernel (compiled simplex, HiGHS where an answer is not "
        "certified) or highs.")] = "kernel",
    measure: Annotated[MeasureName, typer.Option(
        "--measure", help="sbi (the paper's SBI Luenberger), ddf-luenberger, ml "
        "(Malmquist-Luenberger) or gml (global ML); docs/methods.md §15.")] = "sbi",
    disposability: Annotated[Disposability, typer.Option(
        "--disposability", help="Bad outputs in the directional distance measures: weak "
        "or strong.")] = "weak",
) -> None:
    """Luenberger productivity (or another measure, --measure) of any panel: writes
    luenberger.csv, lp_status.csv and excluded.csv into --out and prints their paths; the
    excluded unit-periods are counted by reason on stderr."""
    from .parallel import Execution
    from .tools.dea_file import column_list, run_dea_file

    def action() -> int:
        run = run_dea_file(
            data, out, unit=unit, time=time, inputs=column_list(inputs, "--inputs"),
            good=column_list(good, "--good"),
            bad=column_list(bad, "--bad") if bad.strip() else (), frontier=frontier,
            rts_decomposition=rts_decomposition, prune=prune,
            execution=Execution(jobs, dask, null_progress if quiet else rich_progress),
            sheet=sheet, strict=strict, solver=solver, measure=measure,
            disposability=disposability)
        if run.excluded:  # counted even with --quiet: rows left out change the results
            console.print(f"[yellow]warning[/yellow] {escape(run.exclusion_summary())} "
                          "(--strict makes this an error)", soft_wrap=True)
        for path in run.paths:
            typer.echo(str(path))
        return 0

    raise typer.Exit(_guard(action))


@bench_app.command("dea")
def bench_dea(
    county: Annotated[bool, typer.Option(
        "--county", help="County size instead: 2,800 units x 2000-2019.")] = False,
    units: Annotated[int | None, typer.Option(help="Units (default 282, or 2800).")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the simulated panel.")] = 0,
    jobs: Annotated[int, typer.Option(
        help="Worker processes of the parallel timing (1: single process only).")] = 2,
    dask: Annotated[str, typer.Option(help="'' (none), 'local' or a scheduler address.")] = "",
    frontier: Annotated[str, typer.Option(help="DEA frontier.")] = "contemporaneous",
    prune: Annotated[bool, typer.Option(help="Exact reference-set pruning.")] = True,
    repeats: Annotated[int | None, typer.Option(help="Engine runs (default 2, county 1).")] = None,
    naive_sample: Annotated[int | None, typer.Option(
        help="LPs timed for the naive linprog loop (default 1000, county 200; 0 skips).")] = None,
    benchmarking_sample: Annotated[int | None, typer.Option(
        help="LPs timed for R Benchmarking's dea.add loop where it is installed (default "
        "300, county 50; 0 skips).")] = None,
    backend: Annotated[Backend, typer.Option(
        "--backend", help="'r' also times the R backend of the DEA ([productivity] backend "
        "= \"r\") on a sample of the same LPs, beside the Python engine.")] = "python",
    r_sample: Annotated[int | None, typer.Option(
        help="With --backend r: LPs timed for the R backend (default 2000, county 500).")
    ] = None,
    measure: Annotated[MeasureName, typer.Option(
        "--measure", help="The LPs of another productivity measure (docs/methods.md §15): "
        "ddf-luenberger, ml or gml (directional distance function).")] = "sbi",
    disposability: Annotated[Disposability, typer.Option(
        "--disposability", help="Of the bads in the DDF measures; strong by default here, "
        "the LPs R Benchmarking's dea.direct solves.")] = "strong",
    scale: Annotated[bool, typer.Option(
        "--scale", help="Instead, the scaling series: time and memory at 282, 1,000, 2,800 "
        "and 10,000 units (the years of the size).")] = False,
    scale_units: Annotated[list[int] | None, typer.Option(
        "--scale-units", help="Units of the scaling series instead of the default "
        "(repeatable); implies --scale.")] = None,
    quiet: QuietOpt = False,
) -> None:
    """Speed and memory of the DEA engine on the paper-size (or county-size) job: one
    process against the peers, the parallel wall time separately; or a scaling series."""
    progress = null_progress if quiet else rich_progress
    size = "county" if county else "paper"
    if (scale or scale_units) and measure != "sbi":
        raise typer.BadParameter("the scaling series times the SBI only", param_hint="--measure")
    if scale or scale_units:
        from .bench.dea import SIZES
        from .bench.dea_scale import SCALE_UNITS, format_scale_series, run_scale_series

        series = run_scale_series(scale_units or SCALE_UNITS, years=SIZES[size]["years"],
                                  seed=seed, jobs=jobs, dask=dask, frontier=frontier,
                                  prune=prune, progress=progress)
        typer.echo(format_scale_series(series))
        return
    from .bench.dea import format_benchmark, run_dea_benchmark

    result = run_dea_benchmark(size, units=units, seed=seed, jobs=jobs, dask=dask,
                               frontier=frontier, prune=prune, repeats=repeats,
                               naive_sample=naive_sample,
                               benchmarking_sample=benchmarking_sample,
                               backend=backend, r_sample=r_sample,
                               progress=progress, measure=measure,
                               disposability=disposability)
    typer.echo(format_benchmark(result))


@bench_app.command("qreg")
def bench_qreg(
    size: Annotated[list[str] | None, typer.Option(
        "--size", metavar="paper|county|million",
        help="'paper' (N = 2,350), 'county' (N = 56,000) or 'million' (N = 1,000,000: "
             "memory, exactness, R pfn/fn, the cluster bootstrap; minutes), repeatable; "
             "default paper and county.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the simulated data.")] = 0,
    repeats: Annotated[int, typer.Option(help="Runs per timing (the best is reported).")] = 3,
    jobs: Annotated[int, typer.Option(help="Workers of the parallel bootstrap timing.")] = 2,
    r: Annotated[bool, typer.Option("--r/--no-r", help="Also time R quantreg.")] = True,
    boot: Annotated[bool, typer.Option("--boot/--no-boot",
                                       help="Also time the bootstrap.")] = True,
) -> None:
    """Speed of the quantile regressions against statsmodels and R quantreg (br, fn)."""
    from .bench.qreg import DEFAULT_SIZES, SIZES, format_qreg_benchmark, run_qreg_benchmark

    chosen = tuple(size or DEFAULT_SIZES)
    unknown = [s for s in chosen if s not in SIZES]
    if unknown:
        console.print(f"[red]error[/red] size {unknown[0]!r} is not one of: {', '.join(SIZES)}")
        raise typer.Exit(2)
    result = run_qreg_benchmark(chosen, seed=seed, repeats=repeats, jobs=jobs, with_r=r,
                                boot=boot)
    typer.echo(format_qreg_benchmark(result))


@bench_app.command("inference")
def bench_inference(
    reps: Annotated[int, typer.Option(help="Replications on the workers.")] = 999,
    jobs: Annotated[int, typer.Option(help="Worker processes.")] = 2,
    serial: Annotated[int, typer.Option(help="Replications timed in one process.")] = 20,
) -> None:
    """Pipeline-bootstrap replications at the paper's size: where the time goes, one
    process, and --jobs workers against the goal of 999 in 5 minutes on 2."""
    from .bench.inference import format_inference_benchmark, run_inference_benchmark

    typer.echo(format_inference_benchmark(run_inference_benchmark(reps=reps, jobs=jobs,
                                                                  serial=serial)))


study_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None,
                        help="Monte Carlo studies on the synthetic generator.")
app.add_typer(study_app, name="study")


@study_app.command("inference")
def study_inference(
    size: Annotated[str, typer.Option(
        "--size", metavar="default|paper",
        help="'default' (60 cities, 40 panels, 99 replications; about 20 minutes on 2 "
        "cores) or 'paper' (282 cities, 200 panels, 199 replications; hours).")] = "default",
    panels: Annotated[int | None, typer.Option(help="Monte Carlo panels.")] = None,
    reps: Annotated[int | None, typer.Option(help="Replications per scheme.")] = None,
    jobs: Annotated[int, typer.Option(help="Worker processes (one panel each).")] = 2,
    out: Annotated[Path, typer.Option("--out", callback=FOLDER_TO_WRITE,
                                      help="Folder for the study's files.")] = Path(
        "replication/studies/inference"),
) -> None:
    """Coverage of nominal 95% intervals (nid, the regression bootstrap, the pipeline
    bootstrap, subsampling) for Table 1 and the yearly index means, against pseudo-true
    values (docs/methods.md §14)."""
    import dataclasses

    from .parallel import Execution
    from .studies.inference import SIZES, run_study, write_study

    if size not in SIZES:
        console.print(f"[red]error[/red] size {size!r} is not one of: {', '.join(SIZES)}")
        raise typer.Exit(2)
    design = SIZES[size]
    design = dataclasses.replace(design, panels=panels or design.panels,
                                 reps=reps or design.reps)
    result = run_study(design, execution=Execution(jobs, progress=rich_progress))
    for path in write_study(result, out):
        typer.echo(str(path))


export_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None,
                         help="Exports of a finished run.")
app.add_typer(export_app, name="export")


@export_app.command("stata")
def export_stata(out: RunOpt = Path("replication/output")) -> None:
    """Rewrite the labelled .dta files, replicate_tables.do and CODEBOOK.md of the run in
    --out into its stata/ folder."""
    from .pipeline.stata_export import export_run_folder

    def action() -> int:
        for path in export_run_folder(out):
            typer.echo(str(path))
        return 0

    raise typer.Exit(_guard(action))


@export_app.command("copy-stata")
def export_copy_stata(
    out: RunOpt = Path("replication/output"),
    to: Annotated[Path, typer.Option("--to", callback=FOLDER_TO_WRITE,
                                     help="Folder to copy the exports into (its "
                                     "earlier exports are replaced in one step).")] = Path(
        "stata_exports"),
) -> None:
    """Copy the Stata exports of the finished run in --out (checked against its manifest)
    into --to; make replicate fills the repository's stata_exports/ this way."""
    from .pipeline.stata_export import copy_stata

    def action() -> int:
        for path in copy_stata(out, to):
            typer.echo(str(path))
        return 0

    raise typer.Exit(_guard(action))
