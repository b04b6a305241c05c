"""Stata ``.dta`` files with reproducible bytes.

pyreadstat (ReadStat) stamps the time of writing into the header of every ``.dta`` file
(``<timestamp>`` followed by a length byte and "dd Mon yyyy hh:mm"), so two runs a minute
apart would give different bytes and different checksums. :func:`write_dta` writes
through pyreadstat and then overwrites that field, in place and with the same length (the
file's offset map stays valid), with :data:`FIXED_TIMESTAMP`, the Unix epoch: the same
inputs give the same bytes. Stata shows it as the dataset's "last saved" date.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

#: The timestamp every exported file carries (17 characters, Stata's format).
FIXED_TIMESTAMP: bytes = b"01 Jan 1970 00:00"
_TAG = b"<timestamp>"
#: Header bytes searched for the timestamp (it follows the release, byte order, K, N
#: and the dataset label of at most 80 characters, 320 bytes in UTF-8).
_HEADER_BYTES = 1024


def fix_timestamp(path: str | Path) -> None:
    """Replace the header timestamp of a format 117-119 ``.dta`` file with
    :data:`FIXED_TIMESTAMP` (ValueError when the header has no 17-character timestamp)."""
    with Path(path).open("r+b") as handle:
        head = handle.read(_HEADER_BYTES)
        at = head.find(_TAG)
        if at < 0 or not head.startswith(b"<stata_dta>"):
            raise ValueError(f"{path}: not a Stata format 117-119 file (no <timestamp> in "
                             "its header)")
        length = head[at + len(_TAG)]
        if length == 0:
            return
        if length != len(FIXED_TIMESTAMP):
            raise ValueError(f"{path}: unexpected timestamp length {length} in the header")
        handle.seek(at + len(_TAG) + 1)
        handle.write(FIXED_TIMESTAMP)


def write_dta(frame: pd.DataFrame, path: str | Path, *, version: int = 14,
              file_label: str | None = None,
              column_labels: Mapping[str, str] | None = None,
              value_labels: Mapping[str, Mapping[Any, str]] | None = None) -> Path:
    """Write ``frame`` as a ``.dta`` file (pyreadstat; ``version=14`` is format 118, UTF-8)
    with a fixed header timestamp (module docstring); returns the path."""
    import pyreadstat

    labels = None if column_labels is None else [column_labels.get(c) for c in frame.columns]
    pyreadstat.write_dta(frame, str(path), version=version, file_label=file_label,
                         column_labels=labels,
                         variable_value_labels=dict(value_labels) if value_labels else None)
    fix_timestamp(path)
    return Path(path)
