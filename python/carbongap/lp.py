"""A silent HiGHS instance with given options: the one place the project creates one.

Used by the DEA engine (:mod:`carbongap.dea.highs`) and the quantile regression fallback
(:mod:`carbongap.qreg.simplex`). ``highspy.Highs`` prints a banner when the first instance
of a process is constructed, before any option can be set; its base class does not.
"""

from __future__ import annotations

from collections.abc import Mapping

from highspy import _core


def new_highs(options: Mapping[str, object]) -> _core._Highs:
    """A HiGHS instance with ``output_flag`` off and ``options`` set."""
    model = _core._Highs()
    model.setOptionValue("output_flag", False)
    for key, value in options.items():
        model.setOptionValue(key, value)
    return model
