"""Validation of the raw provincial table (docs/methods.md §3, §10): the same cell and
column checks as the city panel (:mod:`carbongap.ingest.cells`), keyed by province and year.
"""

from __future__ import annotations

import pandas as pd

from .. import attrition
from ..errors import Problems
from ..io.readers import RawTable
from .cells import (
    Validated,
    cell_notes,
    checked_quantities,
    described_keys,
    magnitude_notes,
    map_headers,
    province_cells,
    whole_number_cells,
)
from .checks import (
    PROVINCE_KEYS,
    require_columns,
    require_known_provinces,
    require_unique,
)
from .schema import (
    PROVINCE_COLUMNS,
)


def validate_provinces(raw: RawTable, magnitude_warnings: bool = True) -> Validated:
    """Check a raw provincial table and return the canonical one (docs/methods.md §3)."""
    source = raw.source
    frame, headers, factors, ignored = map_headers(raw, PROVINCE_COLUMNS)
    require_columns(frame, PROVINCE_KEYS, source, "every provincial table", PROVINCE_COLUMNS)
    problems = Problems(source)  # every problem class in one error, as for the city panel
    province, error = province_cells(frame["province_code"], source, headers)
    problems.add(error)
    year, error = whole_number_cells(frame["year"], "year", source, headers)
    problems.add(error)
    sound = province.notna() & year.notna()
    keys = pd.DataFrame({"province_code": province[sound].astype("int64"),
                         "year": year[sound].astype("int64")})
    with problems.check():
        require_known_provinces(keys, source, PROVINCE_KEYS, spreadsheet=True)
    out = described_keys(frame, keys, PROVINCE_KEYS)
    numeric = [c for c in PROVINCE_COLUMNS if c.kind == "quantity" and c.name in frame]
    checked_quantities(out, frame, numeric, factors, PROVINCE_KEYS, source, headers,
                        problems)
    with problems.check():
        require_unique(keys, PROVINCE_KEYS, source, spreadsheet=True)
    problems.raise_any()
    out[list(PROVINCE_KEYS)] = keys
    notes = cell_notes(frame, [c.name for c in numeric], source, headers)
    if ignored:
        notes.append(f"{source}: ignored columns: {', '.join(ignored)}")
    if magnitude_warnings:
        notes += magnitude_notes(out, numeric, source, headers)
    out = out.sort_values(list(PROVINCE_KEYS), kind="mergesort").reset_index(drop=True)
    return Validated(out, attrition.empty(), tuple(notes))
