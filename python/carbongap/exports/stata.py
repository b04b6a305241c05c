"""Every Stata export of a run, from its tables: the ``.dta`` files, the do-file, the
codebook and the table of names and labels (docs/methods.md §8).

:func:`stata_exports` is pure apart from a temporary folder pyreadstat writes through; it
returns the file contents, which the ``exports`` stage (and ``carbongap export stata``)
write into the Stata folder and the run folder.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..choices import IndexForm
from ..io.dta import write_dta
from ..qreg.options import QregOptions
from ..tables.estimate import too_small
from ..tables.specs import TableSpec
from .codebook import codebook_markdown
from .datasets import StataDataset, stata_dataset
from .dofile import replicate_do
from .labels import index_variant

#: Exported datasets: file stem -> (table of the run, what it holds, label variant). The
#: description fits the dataset label beside the version and configuration hash (at most
#: 42 characters, :func:`carbongap.exports.labels.file_label`).
DATASETS: dict[str, tuple[str, str, str]] = {
    "panel_validated": ("panel", "Validated city panel (yearbook units)", ""),
    "accounting": ("accounting", "CO2 (eq. 3), real GDP, capital (eq. 7)", ""),
    "luenberger": ("luenberger", "Productivity indicators, LP terms, statuses", ""),
    "productivity_indices": ("indices", "Indices T, PC, EC, GT, GPC, GEC",
                             "indices"),
    "gini": ("gini", "Yearly Ginis of CO2, intensity, with CIs", ""),
    "dagum": ("dagum", "Dagum decomposition of the Gini by year", ""),
    "analysis_panel": ("analysis", "Panel of Tables 1-8 (eq. 2, in logs)",
                       "indices"),
}

#: Table of the run -> (the stage that makes it, its file in the output folder).
SOURCES: dict[str, tuple[str, str]] = {
    "panel": ("validate", "data/panel_validated.csv"),
    "accounting": ("accounting", "tables/accounting_city_year.csv"),
    "luenberger": ("productivity", "tables/luenberger.csv"),
    "indices": ("productivity", "tables/productivity_indices.csv"),
    "gini": ("inequality", "tables/gini.csv"),
    "dagum": ("inequality", "tables/dagum.csv"),
    "analysis": ("analysis_panel", "tables/analysis_panel.csv"),
}


@dataclass(frozen=True)
class StataExport:
    """The export's file contents by name, and the datasets they were made from."""

    files: dict[str, bytes]
    datasets: tuple[StataDataset, ...]


def _dta_bytes(data: StataDataset, version: int) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{data.name}.dta"
        write_dta(data.frame, path, version=version, file_label=data.file_label,
                  column_labels=data.labels, value_labels=data.value_labels,
                  notes=data.notes)
        return path.read_bytes()


def stata_exports(tables: Mapping[str, pd.DataFrame], specs: Sequence[TableSpec],
                  options: QregOptions, *, config_sha256: str, version: int = 14,
                  index_form: IndexForm = "increment", ratio: bool = False) -> StataExport:
    """The ``.dta`` file of every table of :data:`DATASETS` present in ``tables``,
    ``replicate_tables.do``, ``CODEBOOK.md`` and ``variable_names.csv``; the do-file leaves
    out the table parts whose sample in the regression panel (``tables["analysis"]``) is
    too small to fit (:func:`carbongap.tables.estimate.too_small`), as the run does;
    ``index_form`` (``[productivity] index_form``) and ``ratio`` (a Malmquist-Luenberger
    measure, ``[productivity] measure``) choose the labels of the indices."""
    forms = {"indices": index_variant(index_form, ratio), "": ""}
    datasets = tuple(stata_dataset(tables[table], name, description,
                                   config_sha256=config_sha256, table=forms[variant])
                     for name, (table, description, variant) in DATASETS.items()
                     if table in tables)
    files = {f"{d.name}.dta": _dta_bytes(d, version) for d in datasets}
    skipped = {}
    if "analysis" in tables:
        reasons = {(s.table, s.part): too_small(tables["analysis"], s) for s in specs}
        skipped = {key: reason for key, reason in reasons.items() if reason is not None}
    files["replicate_tables.do"] = replicate_do(
        specs, options, config_sha256=config_sha256, skipped=skipped).encode("utf-8")
    files["CODEBOOK.md"] = codebook_markdown(datasets, config_sha256).encode("utf-8")
    names = pd.concat([d.names.assign(file=f"{d.name}.dta") for d in datasets],
                      ignore_index=True)
    names = names.loc[:, ["file", "column", "stata_name", "renamed", "label", "shortened",
                          "full_label"]]
    files["variable_names.csv"] = names.to_csv(index=False, lineterminator="\n").encode()
    return StataExport(files, datasets)
