"""Plain Markdown (GitHub pipe) and LaTeX (booktabs) tables from data frames,
deterministic to the byte."""

from __future__ import annotations

import math

import pandas as pd


def _cell(value: object, digits: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value).replace("|", "\\|")


def to_markdown(frame: pd.DataFrame, digits: int = 4) -> str:
    """Render ``frame`` (its columns, no index) as a pipe table; floats to ``digits`` places."""
    header = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "|" + "|".join(
        "---:" if pd.api.types.is_numeric_dtype(frame[c]) else "---" for c in frame.columns
    ) + "|"
    rows = [
        "| " + " | ".join(_cell(v, digits) for v in row) + " |"
        for row in frame.itertuples(index=False, name=None)
    ]
    return "\n".join([header, rule, *rows]) + "\n"


#: Characters LaTeX treats as commands, escaped in table text.
LATEX_SPECIAL = {"&": r"\&", "%": r"\%", "_": r"\_", "#": r"\#", "$": r"\$"}


def latex_escape(text: str) -> str:
    """``text`` with LaTeX's special characters escaped."""
    return "".join(LATEX_SPECIAL.get(ch, ch) for ch in text)


def to_latex(frame: pd.DataFrame, digits: int = 4, caption: str = "") -> str:
    """Render ``frame`` (its columns, no index) as a LaTeX ``table`` with a booktabs
    ``tabular``; floats to ``digits`` places, numeric columns right-aligned."""
    align = "".join("r" if pd.api.types.is_numeric_dtype(frame[c]) else "l"
                    for c in frame.columns)
    lines = [r"\begin{table}[htbp]", r"\centering"]
    if caption:
        lines.append(rf"\caption{{{latex_escape(caption)}}}")
    lines += [rf"\begin{{tabular}}{{{align}}}", r"\toprule",
              " & ".join(latex_escape(str(c)) for c in frame.columns) + r" \\", r"\midrule"]
    lines += [" & ".join(latex_escape(_cell(v, digits).replace("\\|", "|")) for v in row)
              + r" \\" for row in frame.itertuples(index=False, name=None)]
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}", ""]
    return "\n".join(lines)
