"""Tables 1-8 in the paper's layout: coefficient with stars, SE in parentheses, controls, N.

From the long estimates (:mod:`carbongap.tables.estimate`) and the specifications, one
table becomes a grid: a column per (part, τ), under the part's heading; per shown
regressor (the technology terms first, then the controls, as the paper orders them) a
coefficient row ("5.693***") and an SE row ("(0.369)"); a "Controls" row
("YES") where the part has regressors it does not show, as the paper prints Tables 3-8;
and an "N" row. Rendered as a long machine-readable CSV, Markdown and LaTeX (booktabs).
Numbers are rounded to :data:`DIGITS` decimals as the paper prints them; stars are those
of the unrounded estimates (docs/methods.md §7).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..codebook import BY_NAME
from ..io.markdown import latex_escape
from .specs import TableSpec

#: Decimals printed (the paper prints three).
DIGITS = 3
def _coef_cell(coef: float, stars: int) -> str:
    return f"{coef:.{DIGITS}f}{'*' * int(stars)}"


def _se_cell(se: float) -> str:
    return f"({se:.{DIGITS}f})"


def table_long(estimates: pd.DataFrame, specs: Sequence[TableSpec], table: int
               ) -> pd.DataFrame:
    """The shown cells of one table, long: part, header, sample, dependent, term, tau,
    coef, se, stars, n, and the printed ``coef_cell`` and ``se_cell``."""
    parts = [s for s in specs if s.table == table]
    rows = []
    for spec in parts:
        mine = estimates.loc[(estimates["table"] == table) & (estimates["part"] == spec.part)]
        for term in spec.shown:
            for row in mine.loc[mine["term"] == term].itertuples():
                rows.append({"part": spec.part, "header": spec.header, "sample": spec.sample,
                             "dependent": spec.dependent, "term": term, "tau": row.tau,
                             "coef": row.coef, "se": row.se, "stars": row.stars, "n": row.n,
                             "coef_cell": _coef_cell(row.coef, row.stars),
                             "se_cell": _se_cell(row.se)})
    return pd.DataFrame(rows)


def _slope_rows(slopes: pd.DataFrame, terms: Sequence[str],
                columns: Sequence[tuple[TableSpec, float]]) -> list[list[str]]:
    """One row per technology term: the p-value of equal slopes at every τ of a part under
    its first τ, and of its first against its last τ under the last (module
    :mod:`carbongap.tables.slopes`)."""
    by_part: dict[int, list[float]] = {}
    for spec, tau in columns:
        by_part.setdefault(spec.part, []).append(tau)
    keys = []  # the test shown in each column: every τ under the first, the ends under the last
    for spec, tau in columns:
        taus = sorted(by_part[spec.part])
        every = " ".join(f"{t:g}" for t in taus)
        ends = f"{taus[0]:g} {taus[-1]:g}"
        keys.append((spec.part, every) if tau == taus[0] and len(taus) > 2 else
                    (spec.part, ends) if tau == taus[-1] else None)
    rows = []
    for term in terms:
        mine = slopes.loc[slopes["term"] == term]
        if mine.empty:
            continue
        p = {(r.part, r.taus): r.p for r in mine.itertuples()}
        rows.append([f"{term}: equal slopes, p",
                     *(f"{p[key]:.3f}" if key in p else "" for key in keys)])
    return rows


def table_grid(estimates: pd.DataFrame, specs: Sequence[TableSpec], table: int,
               slopes: pd.DataFrame | None = None
               ) -> tuple[list[tuple[str, list[float]]], list[list[str]]]:
    """The grid of one table: the column groups [(heading, taus)] and the body rows
    [label, cell, cell, ...] in the paper's order; with ``slopes`` (the equal-slopes tests,
    :func:`carbongap.tables.slopes.equal_slope_tests`) a p-value row per technology term."""
    parts = [s for s in specs if s.table == table]
    long = table_long(estimates, specs, table)
    groups = []
    cells: dict[tuple[int, str, float], tuple[str, str]] = {}
    for spec in parts:
        taus = sorted(long.loc[long["part"] == spec.part, "tau"].unique().tolist())
        groups.append((spec.header, taus))
    for row in long.itertuples():
        cells[(row.part, row.term, row.tau)] = (row.coef_cell, row.se_cell)
    shown = list(dict.fromkeys(t for spec in parts for t in spec.shown))
    terms = ([t for t in shown if BY_NAME[t].role == "technology"]
             + [t for t in shown if BY_NAME[t].role != "technology"])
    columns = [(spec, tau) for spec, (_, taus) in zip(parts, groups, strict=True)
               for tau in taus]
    body: list[list[str]] = []
    for term in terms:
        coef_row, se_row = [term], [""]
        for spec, tau in columns:
            coef, se = cells.get((spec.part, term, tau), ("", ""))
            coef_row.append(coef)
            se_row.append(se)
        body += [coef_row, se_row]
    if slopes is not None:
        body += _slope_rows(slopes.loc[slopes["table"] == table],
                            [t for t in terms if BY_NAME[t].role == "technology"], columns)
    if any(spec.controls for spec in parts):
        body.append(["Controls", *("YES" if spec.controls else "NO" for spec, _ in columns)])
    sizes = {(r.part, r.tau): int(r.n) for r in long.itertuples()}
    body.append(["N", *(str(sizes.get((spec.part, tau), "")) for spec, tau in columns)])
    return groups, body


def _title(specs: Sequence[TableSpec], table: int) -> tuple[str, str]:
    first = next(s for s in specs if s.table == table)
    dependents = " / ".join(dict.fromkeys(s.dependent for s in specs if s.table == table))
    return f"Table {table}. {first.title}", f"{first.title_zh}; dependent: {dependents}"


#: The note under a table with the equal-slopes rows.
SLOPES_NOTE = ("Equal slopes, p: the Wald test that the coefficient is the same at every τ "
               "of the column group (under its first τ) and at its first and last τ (under "
               "the last), Koenker & Bassett (1982), as quantreg's anova.rq "
               "(tables/qreg_equal_slopes.csv).")


def table_markdown(estimates: pd.DataFrame, specs: Sequence[TableSpec], table: int,
                   slopes: pd.DataFrame | None = None) -> str:
    """One table as a Markdown grid, with its title and the notes of the paper (and the
    equal-slopes rows and their note with ``slopes``)."""
    groups, body = table_grid(estimates, specs, table, slopes)
    title, subtitle = _title(specs, table)
    header = ["variable", *(f"{heading}, τ = {tau:g}" for heading, taus in groups
                            for tau in taus)]
    lines = [f"**{title}** ({subtitle})", "", "| " + " | ".join(header) + " |",
             "|" + "|".join(["---"] + [":---:"] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(cell.replace("*", "\\*") for cell in row) + " |"
              for row in body]
    lines += ["", "Standard errors in parentheses; *** p < 0.01, ** p < 0.05, * p < 0.1."
              + (f" {SLOPES_NOTE}" if slopes is not None else ""), ""]
    return "\n".join(lines)


def table_latex(estimates: pd.DataFrame, specs: Sequence[TableSpec], table: int,
                slopes: pd.DataFrame | None = None) -> str:
    """One table as a LaTeX ``table`` with a booktabs ``tabular`` (and the equal-slopes
    rows with ``slopes``)."""
    groups, body = table_grid(estimates, specs, table, slopes)
    title, _ = _title(specs, table)
    ncol = sum(len(taus) for _, taus in groups)
    lines = [r"\begin{table}[htbp]", r"\centering", rf"\caption{{{latex_escape(title)}}}",
             rf"\begin{{tabular}}{{l*{{{ncol}}}{{c}}}}", r"\toprule"]
    spans, rules, start = [], [], 2
    for heading, taus in groups:
        spans.append(rf"\multicolumn{{{len(taus)}}}{{c}}{{{latex_escape(heading)}}}")
        rules.append(rf"\cmidrule(lr){{{start}-{start + len(taus) - 1}}}")
        start += len(taus)
    lines.append(" & " + " & ".join(spans) + r" \\")
    lines.append(" ".join(rules))
    lines.append(r"$\tau$ & " + " & ".join(f"{tau:g}" for _, taus in groups for tau in taus)
                 + r" \\")
    lines.append(r"\midrule")
    for row in body:
        if row[0] == "Controls":
            lines.append(r"\midrule")
        lines.append(" & ".join(latex_escape(cell) for cell in row) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}",
              r"\par\footnotesize Standard errors in parentheses; *** $p<0.01$, "
              r"** $p<0.05$, * $p<0.1$."
              + (f" {latex_escape(SLOPES_NOTE)}" if slopes is not None else ""),
              r"\end{table}", ""]
    return "\n".join(lines)
