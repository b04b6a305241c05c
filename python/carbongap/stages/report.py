"""Stage ``report``: REPORT.md and REPORT.html, a plain account of what this run did and
did not do, with Tables 1-8 and every figure the run drew.

It holds no timings or dates, so the same inputs give the same bytes. REPORT.html is the
same Markdown rendered as one self-contained page (:mod:`carbongap.io.html_report`), the
figures embedded, so it opens offline and alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import pandas as pd

from .. import attrition
from .._version import __version__
from ..config import Config
from ..crossval import summary_markdown, verdict
from ..io.html_report import anchor, markdown_to_html
from ..io.markdown import to_markdown
from ..stagekit.stage import RESULT_SECTIONS, Context, Stage, StageResult
from ..tables.published import scorecard_summary
from ..tables.slopes import slope_summary

if TYPE_CHECKING:
    from ..stagekit.writer import OutputWriter


def compute(ctx: Context) -> StageResult:
    """The text ``REPORT.md``."""
    return StageResult(tables={}, texts={"REPORT.md": render(ctx)})


def render(ctx: Context) -> str:
    """The Markdown text of the report."""
    cfg = ctx.config
    data = (Path(cfg.data.panel).name if cfg.data.panel
            else f"synthetic default panel (seed {cfg.data.synthetic_seed})")
    lines = [
        "# carbongap replication report",
        "",
        f"carbongap {__version__}; replication of Zhang & Liu (2024), "
        "中国城市碳排放差距及其技术成因.",
        "",
        f"Data: {data}. "
        f"Factor set: {cfg.accounting.factors}; DEA frontier: {cfg.productivity.frontier}, "
        f"years {cfg.productivity.years[0]}-{cfg.productivity.years[1]}; regression years "
        f"{cfg.analysis.years[0]}-{cfg.analysis.years[1]}. The full configuration is in "
        "`config.resolved.toml`; checksums of every input and output are in `manifest.json`.",
        "",
    ]
    if not cfg.data.panel:
        lines += ["> **The data are synthetic.** They come from `carbongap.synth`, a known data "
                  "generating process calibrated to published magnitudes, because the yearbook "
                  "data cannot be redistributed. The numbers below show that the pipeline works "
                  "and recovers the generator's truth; they are not the paper's findings.", ""]
    sections = [
        ("Carbon gaps", _gap_lines(ctx)),
        ("Productivity", _lp_lines(ctx)),
        ("Tables 1-8", _tables_lines(ctx)),
        ("Do the effects differ across quantiles?", _slopes_lines(ctx)),
        ("Published against reproduced", _scorecard_lines(ctx)),
        ("Robustness", _robustness_lines(ctx)),
        ("Inference with estimated productivity", _inference_lines(ctx)),
        ("Cross-validation: Python against R", _crossval_lines(ctx)),
        ("Stages", _stage_lines(ctx)),
        ("Input files", [*_input_lines(cfg, ctx.inputs), _r_line(ctx), ""]),
        ("Stata exports", _exports_lines(ctx)),
        ("Attrition", _attrition_lines(ctx)),
        (NOTES, _notes_lines(ctx)),
    ]
    present = [(heading, body) for heading, body in sections if body]
    lines += ["## Contents", ""]
    lines += [f"- [{heading}](#{anchor(heading)})" for heading, _ in present]
    lines += [_CONTENTS_END, ""]
    for heading, body in present:
        lines += [f"## {heading}", "", *body]
    return "\n".join(lines)


#: The report's last section, folded in REPORT.html.
NOTES = "Notes by stage"
#: The section that lists the figures no other section shows.
OTHER_FIGURES = "Other figures"
#: A line ``@@figures a b@@`` in the rendered text stands for the figures
#: ``figures/a.png`` and ``figures/b.png``; :func:`place_figures` replaces it.
_MARKER = re.compile(r"^@@figures ([^@]+)@@$")
#: The line after the last entry of the contents; :func:`place_figures` replaces it with
#: the entry of :data:`OTHER_FIGURES` when that section is written, else drops it.
_CONTENTS_END = "@@contents-end@@"


def _figures_marker(*stems: str) -> str:
    return f"@@figures {' '.join(stems)}@@"


def _stage_lines(ctx: Context) -> list[str]:
    """One row per stage of the run: its status and remark (timings: ``manifest.json``)."""
    cfg = ctx.config
    lines = ["Seconds per stage are in `manifest.json` and `carbongap.log`, not here, so "
             "that the same inputs give the same report.", "",
             "| stage | status | remark |", "|---|---|---|"]
    for stage in ctx.stages:
        if stage.name == "report" or (stage.name not in ctx.runs
                                      and not stage.in_full_run(cfg)):
            continue
        run = ctx.runs.get(stage.name)
        status = run.status if run else "not run"
        status = "done" if status == "cached" else status  # reuse is run metadata (manifest)
        lines.append(f"| {stage.name} | {status} | {_cell(run.reason if run else '')} |")
    return [*lines, ""]


def _attrition_lines(ctx: Context) -> list[str]:
    """City-years removed, by stage and reason."""
    detail = attrition.combine(r.attrition for r in ctx.upstream.values())
    lines = ["City-years removed, by stage and reason (details in `attrition_detail.csv`).",
             ""]
    if detail.empty:
        return [*lines, "None.", ""]
    return [*lines, to_markdown(attrition.summarise(detail).drop(columns="examples")), ""]


def _notes_lines(ctx: Context) -> list[str]:
    """Every stage's notes, stage by stage."""
    lines = []
    for name, result in ctx.upstream.items():
        if result.notes:
            lines += [f"### Notes from `{name}`", ""]
            lines += [f"- {note}" for note in result.notes]
            lines.append("")
    return lines


def _tables_lines(ctx: Context) -> list[str]:
    """Tables 1-8 as the regressions stage rendered them, and where the rest is."""
    result = ctx.upstream.get("regressions")
    if result is None:
        return []
    names = sorted((k for k in result.texts if k.endswith(".md")),
                   key=lambda k: int(k.removeprefix("table").removesuffix(".md")))
    lines = []
    if not ctx.config.data.panel:
        lines += ["Estimated on the synthetic panel: compare the layout and the method with "
                  "the paper, not the numbers.", ""]
    for name in names:
        number = name.removeprefix("table").removesuffix(".md")
        lines += [result.texts[name], "", _figures_marker(f"quantile_process_table{number}"),
                  ""]
    lines += ["Every cell: `tables/qreg_estimates.csv`; the paper's layout as CSV, Markdown "
              "and LaTeX: `tables/table<N>.*`; published vs reproduced: "
              "`tables/scorecard.csv`; the audit of the published stars: "
              "`tables/stars_audit.csv`; quantile processes: "
              "`figures/quantile_process_table<N>.png`"
              + ("; the known-truth check: `tables/known_truth.csv`."
                 if "known_truth" in result.tables else "."), ""]
    return lines


def _slopes_lines(ctx: Context) -> list[str]:
    """Where the paper's reading of technology effects rising or falling across τ is
    supported by the equal-slopes tests (:mod:`carbongap.tables.slopes`)."""
    slopes = _upstream_table(ctx, "regressions", "equal_slopes")
    estimates = _upstream_table(ctx, "regressions", "estimates")
    if slopes is None or slopes.empty or estimates is None:
        return []
    summary = slope_summary(slopes, estimates)
    moved = summary.loc[summary["verdict"] != "no significant change"]
    first, last = (c.removeprefix("coef_") for c in summary.columns[4:6])
    return [f"The paper reads Tables 1-8 by how the technology coefficients change from "
            f"τ = {first} to τ = {last}. Tested (Wald test of equal slopes, Koenker & Bassett "
            f"1982, as quantreg's anova.rq; `{slopes['se'].iloc[0]}` covariance): "
            f"{len(moved)} of {len(summary)} technology effects differ between τ = {first} "
            f"and τ = {last} at the 5 % level; for the others the data do not distinguish "
            "the effect at the two quantiles, so a reading of a rising or falling effect "
            "is not supported there. `p_all` tests equality at every τ of the table; every "
            "test: `tables/qreg_equal_slopes.csv`.", "", to_markdown(summary, 3), ""]


def _upstream_table(ctx: Context, stage: str, name: str) -> pd.DataFrame | None:
    result = ctx.upstream.get(stage)
    return None if result is None else result.tables.get(name)


def _scorecard_lines(ctx: Context) -> list[str]:
    """Published against reproduced, the audit of the published stars, the known truth."""
    scorecard = _upstream_table(ctx, "regressions", "scorecard")
    if scorecard is None or scorecard.empty:
        return []
    audit = _upstream_table(ctx, "regressions", "stars_audit")
    counts = scorecard_summary(scorecard)
    lines = [f"Of the {counts['published']} published cells of Tables 1-8, "
             f"{counts['same_sign']} have the published sign and "
             f"{counts['same_stars']} the published stars here; the median "
             f"|reproduced - published| / published SE is "
             f"{scorecard['diff_over_se'].abs().median():.2f} (every cell: "
             "`tables/scorecard.csv`)."]
    if audit is not None and not audit.empty:
        wrong = audit.loc[~audit["agrees"].astype(bool)]
        lines += ["", f"The published stars against the published coefficients and SEs "
                  f"(two-sided normal p): {len(wrong)} of {len(audit)} cells disagree"
                  + (f", {int(audit['rounding_sensitive'].sum())} are sensitive to the "
                     "rounding of the printed numbers" if "rounding_sensitive" in audit
                     else "") + " (`tables/stars_audit.csv`)."]
        if not wrong.empty:
            lines += ["", to_markdown(wrong.loc[:, ["table", "sample", "term", "tau", "coef",
                                                    "se", "stars", "implied_stars"]])]
    truth = _upstream_table(ctx, "regressions", "known_truth")
    if truth is not None and not truth.empty:
        coverage = (truth.groupby("se_method", sort=True)["covered"]
                    .agg(["size", "mean"]).reset_index()
                    .rename(columns={"size": "intervals", "mean": "coverage"}))
        lines += ["", "Known truth (synthetic data): share of the intervals (`lower`, "
                  "`upper`) covering the generator's true coefficient, by SE method "
                  "(`tables/known_truth.csv`):", "",
                  to_markdown(coverage, 3)]
    return [*lines, ""]


def _robustness_lines(ctx: Context) -> list[str]:
    """The robustness grid: what was varied and the summary per key coefficient."""
    summary = _upstream_table(ctx, "robustness", "summary")
    if summary is None:
        return []
    specs = ctx.upstream["robustness"].tables["specifications"]
    axes = [c for c in specs.columns if c not in ("spec", "changed", "baseline")]
    return [f"Tables 1-8 under {len(specs)} specifications ({ctx.config.robustness.design} "
            f"over the axes {', '.join(axes)}; the baseline is this run's configuration). "
            "Per key coefficient, dependent variable and sample: the share of estimates "
            "with the baseline's sign in the same cell (table part, τ), the share "
            "significant at 5%, and the range (every estimate: `tables/robustness.csv`; the "
            "specifications: `tables/robustness_specs.csv`; specification curves: "
            "`figures/specification_curve_<term>.png`).", "",
            to_markdown(summary, 3), "",
            *_option_lines(ctx.upstream["robustness"].tables.get("options")),
            _figures_marker(*(f"specification_curve_{t}" for t in
                              sorted(set(summary["term"])))) if "term" in summary else "",
            ""]


def _option_lines(options: pd.DataFrame | None) -> list[str]:
    """Per axis option, the share of each key coefficient's cells that keep the
    baseline's sign and stars, as "sign / stars" (the productivity measures first)."""
    if options is None or options.empty:
        return []
    shown = options.assign(
        option=options["axis"] + "=" + options["option"].astype(str),
        kept=[f"{a:.2f} / {b:.2f}" for a, b in zip(options["same_sign"],
                                                   options["same_stars"], strict=True)])
    wide = shown.pivot(index="option", columns="term", values="kept")
    order = list(dict.fromkeys(shown["option"]))
    wide = wide.reindex(sorted(order, key=lambda o: (not o.startswith("measure="),
                                                     order.index(o))))
    wide = wide.loc[:, list(dict.fromkeys(shown["term"]))].reset_index()
    return ["Against the baseline, cell by cell (table part, τ): the share of each key "
            "coefficient's estimates that keep its sign / its stars under each option "
            "(`tables/robustness_options.csv`). The `measure` rows replace the paper's SBI "
            "Luenberger indices by the Luenberger indicator on the directional distance "
            "function, the Malmquist-Luenberger index and the global ML index "
            "(docs/methods.md §15).", "", to_markdown(wide), ""]


def _inference_lines(ctx: Context) -> list[str]:
    """The resampling SEs beside the conventional ones: per table the median ratio and
    the stars that change; the productivity coefficients of Tables 1-2 cell by cell."""
    table = _upstream_table(ctx, "inference", "coefficients")
    if table is None:
        return []
    from ..robustness.summary import KEY_TERMS

    notes = ctx.upstream["inference"].notes
    verdict = next((n for n in notes if n.startswith(("coverage study", "no coverage"))), "")
    verdict = verdict[:1].upper() + verdict[1:]
    ratios = (table.assign(boot=table["boot_se"] / table["se"], sub=table["sub_se"] / table["se"])
              .groupby("table", sort=True)[["boot", "sub"]].median().reset_index()
              .rename(columns={"boot": "median boot_se / se", "sub": "median sub_se / se"}))
    changes = ctx.upstream["inference"].tables["star_changes"].pivot(
        index="table", columns="scheme", values="stars_changed").reset_index()
    changes.columns = ["table", *(f"stars changed ({c})" for c in changes.columns[1:])]
    cells = table.loc[table["table"].isin([1, 2]) & table["term"].isin(KEY_TERMS),
                      ["table", "term", "tau", "coef", "se", "stars", "boot_se", "boot_stars",
                       "sub_se", "sub_stars"]]
    return [f"{notes[0]}. {notes[1][:1].upper()}{notes[1][1:]}. Both schemes resample "
            "cities and recompute every DEA frontier, the indices and the regressions, so "
            "their SEs include the estimation of lnT ... lnGEC, which the conventional `"
            f"{ctx.config.regressions.se}` SE treats as data (docs/methods.md §14); "
            "resampling whole cities also accounts for the dependence of a city's years, "
            f"which that SE ignores, so a ratio above 1 mixes the two. {verdict}. "
            "Per table, the median ratio of each "
            "resampling SE to the conventional one and the cells whose stars change (every "
            "cell: `tables/inference_coefficients.csv`; yearly means of the indices with "
            "both intervals: `tables/inference_means.csv`):", "",
            to_markdown(ratios.merge(changes, on="table"), 2), "",
            "The productivity coefficients of Tables 1-2 (SEs and stars: conventional, "
            "pipeline bootstrap, subsampling):", "", to_markdown(cells, 4), "",
            "Figures 2-3 with the intervals of each scheme as bands:", "",
            _figures_marker(*(f"inference_figure{n}_{s}" for n in (2, 3)
                              for s in ("boot", "sub"))), ""]


def _gap_lines(ctx: Context) -> list[str]:
    """The national Ginis by year (Figure 1's numbers) and the Dagum decomposition."""
    gini = _upstream_table(ctx, "inequality", "gini")
    if gini is None or gini.empty:
        return []
    national = gini.loc[gini["group"] == "national"]
    wide = pd.DataFrame({"year": sorted(set(national["year"]))})
    for variable, part in national.groupby("variable", sort=False):
        part = part.set_index("year").reindex(wide["year"])
        wide[f"gini_{variable}"] = part["gini"].to_numpy()
        if part["ci_low"].notna().any():
            wide[f"interval_{variable}"] = [
                f"[{low:.4f}, {high:.4f}]" if pd.notna(low) else ""
                for low, high in zip(part["ci_low"], part["ci_high"], strict=True)]
    lines = ["Gini coefficients of the cities' CO2 totals and intensities by year (eq. 4-5; "
             "Figure 1), with their city-bootstrap percentile intervals (`[inequality]` "
             "settings; every group: `tables/gini.csv`):", "", to_markdown(wide), "",
             _figures_marker("figure1", *(f"figure1_{g}" for g in
                                          sorted(set(gini["group"]) - {"national"}))), ""]
    dagum = _upstream_table(ctx, "inequality", "dagum")
    if dagum is not None and not dagum.empty:
        lines += ["Dagum decomposition by region group (`tables/dagum.csv`):", "",
                  to_markdown(dagum), ""]
    return lines


def _lp_lines(ctx: Context) -> list[str]:
    """How many LPs were solved and how many were infeasible, by model and RTS."""
    infeasible = _upstream_table(ctx, "productivity", "infeasible")
    if infeasible is None or infeasible.empty:
        return []
    summary = (infeasible.groupby(["model", "rts"], sort=True)[["lps", "infeasible"]].sum()
               .reset_index())
    measure = ctx.config.productivity.measure
    lp = "SBI" if measure == "sbi" else "directional distance function (DDF)"
    which = ("" if measure == "sbi" else
             f" Productivity measure `{measure}` instead of the paper's SBI Luenberger "
             "indicator (docs/methods.md §15).")
    return ["Figures 2-6: the yearly means and Ginis of the productivity indices (eq. 6; "
            "every city-year: `tables/productivity_indices.csv`, `tables/luenberger.csv`)."
            + which, "",
            _figures_marker("figure2", "figure3", "figure4", "figure5", "figure6"), "",
            "### DEA linear programs", "", f"{lp} LPs by model and returns to scale; an "
            "infeasible LP (a cross-period term outside the other period's technology) has no "
            "number, and the components that need it are missing (by year pair and term: "
            "`tables/lp_infeasible.csv`; every LP without a number: `tables/lp_status.csv`):",
            "", to_markdown(summary), ""]


def _crossval_lines(ctx: Context) -> list[str]:
    """The cross-validation verdict and its summary table, or why it did not run."""
    lines: list[str] = []
    result = ctx.upstream.get("crossval")
    if result is None:
        run = ctx.runs.get("crossval")
        why = f"{run.status}: {run.reason}" if run else "not part of this run"
        return [*lines, f"Not run ({_cell(why)}).", ""]
    summary = result.tables["summary"]
    return [*lines, verdict(summary), "", summary_markdown(summary), "",
            "Every cell: `tables/crossval.csv`; the report: `crossval.md`.", ""]


def _exports_lines(ctx: Context) -> list[str]:
    """The Stata exports of the run, by file, and where they are."""
    result = ctx.upstream.get("exports")
    if result is None:
        return []
    lines = ["Written to `stata/` of this folder (checksums in `manifest.json`). "
             "`replicate_tables.do` reruns Tables 1-8 with `qreg`; how its "
             "`vce()` differs from quantreg's standard errors is stated at its top.", "",
             "| file | bytes |", "|---|---|"]
    lines += [f"| `{name}` | {len(content)} |" for name, content in sorted(result.files.items())]
    lines.append("")
    return lines


def _input_lines(cfg: Config, inputs: Mapping[str, Mapping[str, str | int]]) -> list[str]:
    """The input files with their sizes and sha256 (paths in ``manifest.json``)."""
    lines = []
    if cfg.data.panel and "data.panel" not in inputs:
        lines += [f"The configured panel {Path(cfg.data.panel).name} was not found or could "
                  "not be read (see the validate stage below).", ""]
    elif not cfg.data.panel:
        lines += [f"The panel is generated by carbongap {__version__} from seed "
                  f"{cfg.data.synthetic_seed} (`carbongap synth`).", ""]
    if inputs:
        rows = [f"| {option} | {Path(str(info['path'])).name} | {info['bytes']} | "
                f"{info['sha256']} |" for option, info in inputs.items()]
        lines += ["| option | file | bytes | sha256 |", "|---|---|---|---|", *rows, ""]
    return lines


def _cell(text: str) -> str:
    """``text`` fit for one Markdown table cell (one line, pipes escaped)."""
    return " ".join(text.split()).replace("|", "\\|")


def _r_line(ctx: Context) -> str:
    """Whether the R parts ran: the probe of the stages that need R, if any did."""
    state = ctx.capabilities.get("R")
    if state is None:
        return "R parts: none in the stages of this run (R was not started)."
    if not state.available:
        return f"R parts: **skipped** ({state.reason}; install: {state.install})."
    return "R parts: available (versions in `manifest.json`)."


def figure_block(relpath: str, title: str) -> list[str]:
    """One figure: a heading with its title, the image (the title as alt text, the
    caption of REPORT.html) and where its numbers are."""
    heading = title or PurePosixPath(relpath).stem
    return [f"#### {heading}", "", f"![{heading}]({relpath})", "",
            f"`{relpath}`; numbers: `{PurePosixPath(relpath).with_suffix('.csv')}`", ""]


def place_figures(text: str, figures: Mapping[str, str]) -> str:
    """``text`` with each figures marker replaced by the blocks of the figures it names
    that were drawn (``figures``: relpath -> title), and every other figure drawn listed
    in a last section, :data:`OTHER_FIGURES`."""
    named = {f"figures/{stem}.png" for line in text.split("\n")
             if (found := _MARKER.match(line)) for stem in found.group(1).split()}
    rest = [relpath for relpath in figures if relpath not in named]
    lines = []
    for line in text.split("\n"):
        if line == _CONTENTS_END:
            if rest:
                lines.append(f"- [{OTHER_FIGURES}](#{anchor(OTHER_FIGURES)})")
            continue
        marker = _MARKER.match(line)
        if marker is None:
            lines.append(line)
            continue
        for stem in marker.group(1).split():
            relpath = f"figures/{stem}.png"
            if relpath in figures:
                lines += figure_block(relpath, figures[relpath])
    if rest:
        lines += [f"## {OTHER_FIGURES}", "", "The figures of this run that no section above "
                  "shows; the numbers each draws are in the CSV file of the same name.", ""]
        for relpath in rest:
            lines += figure_block(relpath, figures[relpath])
    return "\n".join(lines)


def _natural(relpath: str) -> tuple[object, ...]:
    """Sort key: figure2 before figure10, table2 before table10."""
    return tuple(int(part) if part.isdigit() else part
                 for part in re.split(r"(\d+)", relpath))


def write(result: StageResult, out: OutputWriter, config: Config) -> None:
    """``REPORT.md`` with every figure written before it in the section it belongs to, and
    ``REPORT.html``, the same page with the figures embedded and the notes folded."""
    figures = {relpath: out.titles.get(relpath, "") for relpath in
               sorted({o.relpath for o in out.written if o.relpath.endswith(".png")},
                      key=_natural)}
    text = place_figures(result.texts["REPORT.md"], figures).rstrip("\n") + "\n"
    out.text("REPORT.md", text)
    out.text("REPORT.html", markdown_to_html(text, lambda rel: (out.root / rel).read_bytes(),
                                             collapsed=(NOTES,)))


#: Declares every results section: the report states the configuration (not cached).
STAGE = Stage("report", (), RESULT_SECTIONS, compute, write, cache=False, sees_all=True)
