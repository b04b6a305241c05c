"""Legal Stata variable names (Stata 14+, [U] 11.3): at most 32 characters, letters, digits
and underscores, not starting with a digit, not a reserved word, unique.

:func:`stata_names` keeps every legal name and changes only the others (spaces and
punctuation to ``_``, a leading digit prefixed with ``v``, cut to 32 characters, made
unique with a numeric suffix); the caller writes the mapping of every changed name, so no
rename is silent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

MAX_NAME = 32
#: Names Stata reserves ([U] 11.3).
RESERVED: frozenset[str] = frozenset({
    "_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int", "long",
    "_n", "_N", "_pi", "_pred", "_rc", "_skip", "strL", "using", "with"})
_LEGAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,31}$")


def is_legal(name: str) -> bool:
    """Whether ``name`` can be a Stata variable name as it is."""
    return bool(_LEGAL.match(name)) and name not in RESERVED and not re.match(
        r"^str\d+$", name)


def _candidate(name: str) -> str:
    text = re.sub(r"[^A-Za-z0-9_]", "_", name.strip()) or "v"
    if text[0].isdigit():
        text = "v" + text
    if text in RESERVED or re.match(r"^str\d+$", text):
        text = text + "_"
    return text[:MAX_NAME]


def stata_names(columns: Sequence[str]) -> dict[str, str]:
    """Column -> its Stata name, in column order (legal names unchanged)."""
    taken = {c for c in columns if is_legal(c)}
    out: dict[str, str] = {}
    for column in columns:
        if is_legal(column):
            out[column] = column
            continue
        base = _candidate(column)
        name, k = base, 1
        while name in taken:
            k += 1
            suffix = f"_{k}"
            name = base[: MAX_NAME - len(suffix)] + suffix
        taken.add(name)
        out[column] = name
    return out
