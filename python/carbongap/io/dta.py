"""Stata ``.dta`` files (format 118) with reproducible bytes and dataset notes.

pyreadstat (ReadStat) stamps the time of writing into the header of every ``.dta`` file
(``<timestamp>`` followed by a length byte and "dd Mon yyyy hh:mm"), so two runs a minute
apart would give different bytes and different checksums. :func:`write_dta` writes
through pyreadstat and then overwrites that field, in place and with the same length (the
file's offset map stays valid), with :data:`FIXED_TIMESTAMP`, the Unix epoch: the same
inputs give the same bytes. Stata shows it as the dataset's "last saved" date.

Dataset notes (what Stata's ``notes`` command lists) are characteristics of ``_dta``:
``note0`` holds their number and ``note1``, ``note2``, ... the texts. ReadStat writes an
empty ``<characteristics>`` section; :func:`add_notes` inserts the entries, each
``<ch>``, a 4-byte length, the variable name and the characteristic name in 129-byte
fields, the text with a terminating 0 and ``</ch>`` (the format 118 layout), and moves the
offsets the file's ``<map>`` holds for the sections after it.
"""

from __future__ import annotations

import struct
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


_NAME_FIELD = 129  #: bytes of a variable or characteristic name in format 118
#: Sections of the map moved by inserted characteristics: data, strls, value_labels,
#: </stata_dta> and the end of the file (entries 10-14 of the 14).
_MOVED = range(9, 14)


def _characteristic(name: str, text: str) -> bytes:
    body = (b"_dta".ljust(_NAME_FIELD, b"\0") + name.encode().ljust(_NAME_FIELD, b"\0")
            + text.encode("utf-8") + b"\0")
    return b"<ch>" + struct.pack("<I", len(body)) + body + b"</ch>"


def add_notes(path: str | Path, notes: tuple[str, ...]) -> None:
    """Add dataset notes to a little-endian format 118 file written by ReadStat (module
    docstring); ValueError for another layout."""
    target = Path(path)
    data = target.read_bytes()
    if b"<release>118</release><byteorder>LSF</byteorder>" not in data[:128]:
        raise ValueError(f"{target}: notes are written into little-endian format 118 only")
    where = data.find(b"<characteristics>") + len(b"<characteristics>")
    at_map = data.find(b"<map>") + len(b"<map>")
    if where < len(b"<characteristics>") or at_map < len(b"<map>"):
        raise ValueError(f"{target}: no <map> or <characteristics> section")
    entries = [_characteristic("note0", str(len(notes)))]
    entries += [_characteristic(f"note{k}", note) for k, note in enumerate(notes, start=1)]
    inserted = b"".join(entries)
    offsets = list(struct.unpack("<14Q", data[at_map: at_map + 14 * 8]))
    for k in _MOVED:
        offsets[k] += len(inserted)
    out = (data[:at_map] + struct.pack("<14Q", *offsets) + data[at_map + 14 * 8: where]
           + inserted + data[where:])
    target.write_bytes(out)


def read_notes(path: str | Path) -> tuple[str, ...]:
    """The dataset notes of a format 118 file (the texts of ``_dta[note1]``, ...)."""
    data = Path(path).read_bytes()
    start = data.find(b"<characteristics>") + len(b"<characteristics>")
    end = data.find(b"</characteristics>")
    found: dict[str, str] = {}
    at = start
    while at < end and data.startswith(b"<ch>", at):
        (length,) = struct.unpack("<I", data[at + 4: at + 8])
        body = data[at + 8: at + 8 + length]
        if body[:_NAME_FIELD].rstrip(b"\0") == b"_dta":
            name = body[_NAME_FIELD: 2 * _NAME_FIELD].rstrip(b"\0").decode()
            found[name] = body[2 * _NAME_FIELD: -1].decode("utf-8")
        at += 8 + length + len(b"</ch>")
    count = int(found.get("note0", "0"))
    return tuple(found[f"note{k}"] for k in range(1, count + 1))


def write_dta(frame: pd.DataFrame, path: str | Path, *, version: int = 14,
              file_label: str | None = None,
              column_labels: Mapping[str, str] | None = None,
              value_labels: Mapping[str, Mapping[Any, str]] | None = None,
              notes: tuple[str, ...] = ()) -> Path:
    """Write ``frame`` as a ``.dta`` file (pyreadstat; ``version=14`` is format 118, UTF-8)
    with a fixed header timestamp and the dataset ``notes`` (module docstring); returns
    the path."""
    import pyreadstat

    labels = None if column_labels is None else [column_labels.get(c) for c in frame.columns]
    pyreadstat.write_dta(frame, str(path), version=version, file_label=file_label or "",
                         column_labels=labels,
                         variable_value_labels=dict(value_labels) if value_labels else None)
    fix_timestamp(path)
    if notes:
        add_notes(path, notes)
    return Path(path)
