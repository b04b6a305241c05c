"""What a quantile regression estimator is given: the options record.

docs/methods.md §7. :class:`QregOptions` holds every option of a fit but the data and the
variables (τ, the SE method as a :class:`carbongap.qreg.se.SeRule`, the cluster, the
bootstrap replicates and seed, the bandwidth rule), checked when it is made; an
:class:`carbongap.qreg.estimator.Estimator` fits with it. The stages build the record
from the ``[regressions]`` section (:func:`carbongap.tables.estimate.regression_options`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .se import SeRule, se_rule

#: Bootstrap replicates when the caller gives none (quantreg's boot.rq default R = 200).
DEFAULT_REPS = 200


@dataclass(frozen=True)
class QregOptions:
    """Options of a quantile regression fit (docs/methods.md §7).

    ``taus``: quantiles in (0, 1); ``se``: the SE method; ``cluster``: with a method that
    takes one (the bootstrap), the column whose values define clusters, else None;
    ``boot_reps``, ``seed``: bootstrap replicates (at least 2) and seed; ``hs``: the
    Hall-Sheather bandwidth (True, quantreg's default) or Bofinger. ValueError on a bad
    combination.
    """

    taus: tuple[float, ...]
    se: SeRule
    cluster: str | None = None
    boot_reps: int = DEFAULT_REPS
    seed: int = 0
    hs: bool = True

    def __post_init__(self) -> None:
        taus = tuple(float(t) for t in self.taus)
        object.__setattr__(self, "taus", taus)
        if not taus or any(not 0.0 < t < 1.0 for t in taus):
            raise ValueError(f"taus must be non-empty and lie in (0, 1), got {taus}")
        if self.cluster and not self.se.takes_cluster:
            raise ValueError(f"cluster={self.cluster!r} needs se='boot' (a cluster "
                             f"bootstrap), not se={self.se.name!r}")
        if self.se.refits and self.boot_reps < 2:
            raise ValueError("boot_reps must be at least 2")

    @classmethod
    def of(cls, taus: Sequence[float], se: str, cluster: str | None = None, *,
           boot_reps: int = DEFAULT_REPS, seed: int = 0, hs: bool = True) -> QregOptions:
        """The record from the public spelling (``se`` a method name)."""
        return cls(tuple(taus), se_rule(se), cluster or None, boot_reps, seed, hs)
