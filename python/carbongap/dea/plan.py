"""Which SBI LPs a Luenberger panel needs, grouped into one job per reference technology.

For every year pair (t, t+1) and every S term of the frontier rule
(:meth:`carbongap.dea.frontiers.FrontierRule.terms`), the units present in both periods
are evaluated at the term's data period against the term's technology
(:meth:`carbongap.dea.frontiers.FrontierRule.technology_periods`). Requests for the same (rts,
technology periods) form one :class:`~carbongap.dea.technology.TechnologyJob`; an
observation needed by several pairs (S^t(t) serves the pairs ending and starting at t) is
solved once. :meth:`LuenbergerPlan.assemble` turns the job results into the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..choices import Disposability
from .frontiers import FrontierRule, Term, year_pairs
from .measures import MEASURE_RULES, Measure, ratio_components
from .status import status_words
from .technology import SBI, JobResult, Program, TechnologyJob

TechKey = tuple[str, tuple[int, ...]]


@dataclass(frozen=True)
class LuenbergerPlan:
    """The jobs of one Luenberger computation and how to read their results back.

    Attributes
    ----------
    jobs
        One job per (rts, technology periods), in sorted key order.
    pairs
        The year pairs (t, t+1).
    members
        Units present in both periods of each pair (sorted).
    ids
        The unit column of the screened panel (row i = observation i), the source of the
        ids in the table, so they keep their values and dtype.
    """

    frontier: FrontierRule
    measure: Measure
    rts_decomposition: bool
    unit: str
    time: str
    periods: tuple[int, ...]
    pairs: tuple[tuple[int, int], ...]
    members: dict[tuple[int, int], list[Any]]
    ids: pd.Series
    term_list: tuple[Term, ...]
    jobs: tuple[TechnologyJob, ...]
    job_index: dict[TechKey, int]
    point_index: tuple[dict[int, int], ...]  # per job: observation row -> point position
    row_of: dict[tuple[Any, int], int]

    @property
    def n_lps(self) -> int:
        """Distinct LPs of the computation (evaluations, before pruning)."""
        return sum(job.n_points for job in self.jobs)

    def _where(self, term: Term, pair: tuple[int, int]) -> tuple[int, int]:
        tech = self.frontier.technology_periods(term.technology, pair, self.periods)
        when = pair[0] if term.data == "t" else pair[1]
        return self.job_index[(term.rts, tech)], when

    def assemble(self, results: Sequence[JobResult]) -> pd.DataFrame:
        """The Luenberger table from the results of :attr:`jobs` (same order)."""
        unit, time = self.unit, self.time
        blocks = []
        for pair in self.pairs:
            who = self.members[pair]
            if not who:
                continue
            rows = [self.row_of[(u, pair[1])] for u in who]
            block: dict[str, Any] = {
                unit: self.ids.iloc[rows].reset_index(drop=True),
                time: np.full(len(who), pair[1], dtype=np.int64),
                f"{time}_from": np.full(len(who), pair[0], dtype=np.int64)}
            S: dict[str, np.ndarray] = {}
            status: dict[str, np.ndarray] = {}
            for term in self.term_list:
                job, when = self._where(term, pair)
                index = self.point_index[job]
                at = np.array([index[self.row_of[(u, when)]] for u in who], dtype=np.int64)
                S[term.name] = results[job].values[at]
                status[term.name] = results[job].status[at]
            block.update(self._components(S))
            prefix = self.measure.term_prefix()
            block.update({prefix + name[1:]: values for name, values in S.items()})
            block.update({f"{prefix}{name[1:]}_status": status_words(codes)
                          for name, codes in status.items()})
            blocks.append(pd.DataFrame(block))
        if not blocks:
            blocks.append(self._empty())
        table = pd.concat(blocks, ignore_index=True)
        return table.sort_values([unit, time], kind="mergesort").reset_index(drop=True)

    def _components(self, S: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The measure's components from the terms of one pair (docs/methods.md §6, §15)."""
        if self.measure.ratio:
            return ratio_components(S, self.frontier.pooled)
        return self.frontier.components(S, self.rts_decomposition)

    def _empty(self) -> pd.DataFrame:
        prefix = self.measure.term_prefix()
        names = [prefix + t.name[1:] for t in self.term_list]
        columns: dict[str, Any] = {self.unit: self.ids.iloc[:0]}
        columns.update({c: np.empty(0, dtype=np.int64) for c in (self.time, f"{self.time}_from")})
        parts = self.measure.component_names(self.rts_decomposition)
        columns.update({c: np.empty(0) for c in (*parts, *names)})
        columns.update({f"{n}_status": np.empty(0, dtype=object) for n in names})
        return pd.DataFrame(columns)


def plan_luenberger(data: pd.DataFrame, variables: Sequence[str], dims: tuple[int, int, int],
                    frontier: FrontierRule, *, unit: str, time: str, rts_decomposition: bool,
                    prune: bool, measure: Measure = MEASURE_RULES["sbi"],
                    disposability: Disposability = "weak") -> LuenbergerPlan:
    """Plan the LPs of a screened panel (:func:`carbongap.dea.panel.screen` output).

    ``variables`` are the columns [x..., y..., b...] with ``dims`` = (N, M, J). Each
    technology is spanned by every observation of its periods. A ratio measure (ML) needs
    the CRS terms only; a DDF measure's jobs solve the DDF with ``disposability`` and are
    not pruned (docs/methods.md §15).
    """
    if measure.ratio:
        rts_decomposition = False
    program = SBI if measure.program == "sbi" else Program("ddf", disposability)
    prune = prune and program.kind == "sbi"
    units = data[unit].to_numpy()
    times = data[time].to_numpy()
    values = data.loc[:, list(variables)].to_numpy(dtype=np.float64)
    periods = tuple(sorted(set(times.tolist())))
    pairs = tuple(year_pairs(periods))
    term_list = frontier.terms(rts_decomposition)
    row_of = {(u, t): i for i, (u, t) in enumerate(zip(units.tolist(), times.tolist(),
                                                         strict=True))}
    members = {p: sorted(set(units[times == p[0]].tolist()) & set(units[times == p[1]].tolist()))
               for p in pairs}
    wanted: dict[TechKey, set[int]] = {}
    for pair in pairs:
        for term in term_list:
            tech = frontier.technology_periods(term.technology, pair, periods)
            when = pair[0] if term.data == "t" else pair[1]
            wanted.setdefault((term.rts, tech), set()).update(
                row_of[(u, when)] for u in members[pair])
    keys = sorted(wanted)
    jobs, point_index = [], []
    for rts, tech in keys:
        ref = np.flatnonzero(np.isin(times, tech))
        points = np.array(sorted(wanted[(rts, tech)]), dtype=np.int64)
        position = np.full(len(times), -1)
        position[ref] = np.arange(len(ref))
        jobs.append(TechnologyJob(key=(rts, tech), rts=rts, reference=values[ref], dims=dims,
                                  points=values[points], same_as=position[points],
                                  blocks=times[ref], prune=prune, program=program))
        point_index.append({int(obs): i for i, obs in enumerate(points)})
    return LuenbergerPlan(frontier=frontier, measure=measure,
                          rts_decomposition=rts_decomposition, unit=unit,
                          time=time, periods=periods, pairs=pairs, members=members,
                          ids=data[unit].reset_index(drop=True),
                          term_list=term_list, jobs=tuple(jobs),
                          job_index={k: i for i, k in enumerate(keys)},
                          point_index=tuple(point_index), row_of=row_of)
