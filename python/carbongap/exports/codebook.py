"""``CODEBOOK.md``: every exported file and variable with its type, label, value labels and
missing values, and the names and labels that had to change (docs/methods.md §8)."""

from __future__ import annotations

from collections.abc import Sequence

from .._version import __version__
from .datasets import StataDataset, missing_count, storage_type, value_label_text


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|")


def codebook_markdown(datasets: Sequence[StataDataset], config_sha256: str) -> str:
    """The codebook text."""
    lines = ["# Codebook of the Stata exports", "",
             f"Written by carbongap {__version__} (configuration sha256 {config_sha256}). "
             "Files are Stata format 118 (Stata 14 and later, UTF-8). Missing numbers are "
             "Stata missing (`.`); missing text is the empty string. `replicate_tables.do` "
             "reruns Tables 1-8 from `analysis_panel.dta`.", ""]
    for data in datasets:
        frame = data.frame
        lines += [f"## {data.name}.dta", "", f"{data.file_label}", "",
                  f"{len(frame)} observations, {frame.shape[1]} variables.", "",
                  "| variable | type | label | value labels | missing |",
                  "|---|---|---|---|---:|"]
        for column in frame.columns:
            values = frame[column]
            labels = value_label_text(data.value_labels.get(column, {}))
            lines.append(f"| {column} | {storage_type(values)} | {_cell(data.labels[column])} "
                         f"| {_cell(labels)} | {missing_count(values)} |")
        changed = data.names.loc[data.names["renamed"] | data.names["shortened"]]
        if len(changed):
            lines += ["", "Names or labels changed to fit Stata:", "",
                      "| column | Stata name | full label |", "|---|---|---|"]
            lines += [f"| {r.column} | {r.stata_name} | {_cell(r.full_label)} |"
                      for r in changed.itertuples()]
        lines.append("")
    return "\n".join(lines)
