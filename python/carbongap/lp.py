"""A silent HiGHS instance with given options: the one place the project creates one.

Used by the DEA engine (:mod:`carbongap.dea.highs`, :mod:`carbongap.dea.status`) and the
quantile regression fallback (:mod:`carbongap.qreg.simplex`).

HiGHS writes a banner ("Running HiGHS ...") to stdout the first time an instance of a
process logs while its option ``output_flag`` is on, which it is by default. Up to
highspy 1.15 the public ``highspy.Highs()`` logs nothing when it is constructed, so
turning ``output_flag`` off right after construction keeps it silent. From highspy 1.16
its constructor installs its callback handler (``setCallback``), which already writes the
banner, and it takes no options, so no public call can turn the flag off in time. There,
and only there, the instance is made from ``highspy._core._Highs``, the class
``highspy.Highs`` extends: it has every method the project calls and logs nothing until
an option allows it. Both kinds are instances of :data:`Model`.

Every instance runs on one thread (``threads = 1``; the DEA parallelises across
technologies, in processes). HiGHS starts one thread scheduler per process, sized by the
first model that runs: a later model asking for another thread count does not solve
(status "Not Set"). So the count is set here, for all, not by each caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeAlias

import highspy
from highspy import _core

#: The type of what :func:`new_highs` returns: the class common to both constructions.
Model: TypeAlias = _core._Highs

#: The first highspy release whose ``highspy.Highs()`` prints the banner when constructed.
BANNER_ON_CONSTRUCTION: tuple[int, int] = (1, 16)


def new_highs(options: Mapping[str, object]) -> Model:
    """A HiGHS instance with ``output_flag`` off and ``options`` set (module docstring)."""
    release = (highspy.HIGHS_VERSION_MAJOR, highspy.HIGHS_VERSION_MINOR)
    model = _core._Highs() if release >= BANNER_ON_CONSTRUCTION else highspy.Highs()
    model.setOptionValue("output_flag", False)
    model.setOptionValue("threads", 1)
    for key, value in options.items():
        model.setOptionValue(key, value)
    return model
