"""What the productivity models are given: one Luenberger specification (docs/methods.md §6).

:class:`LuenbergerSpec` names the variables of the production model (inputs, good
outputs) and the bad outputs the green model adds, the frontier rule
(:class:`carbongap.dea.frontiers.FrontierRule`, looked up once here), the productivity
measure (:class:`carbongap.dea.measures.Measure`, §15) and its bad-output disposability,
the index form and whether the reference sets are pruned;
:func:`carbongap.dea.models.productivity_models` runs both models with it. The stages
build it from the ``[productivity]`` section (:meth:`LuenbergerSpec.from_config`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..choices import DISPOSABILITIES, INDEX_FORMS, Disposability, IndexForm, MeasureName, check
from .frontiers import FrontierRule, frontier_rule
from .measures import MEASURE_RULES, Measure, measure_frontier, measure_rule

if TYPE_CHECKING:
    from ..config import ProductivityConfig


@dataclass(frozen=True)
class LuenbergerSpec:
    """The two DEA models and their options (module docstring). ValueError on an empty
    input or good-output list or an unknown index form."""

    inputs: tuple[str, ...]
    good: tuple[str, ...]
    bad: tuple[str, ...]
    frontier: FrontierRule
    index_form: IndexForm = "increment"
    prune: bool = True
    measure: Measure = MEASURE_RULES["sbi"]
    disposability: Disposability = "weak"

    def __post_init__(self) -> None:
        if not self.inputs or not self.good:
            raise ValueError("the SBI needs at least one input and one good output")
        check("index_form", self.index_form, INDEX_FORMS)
        check("disposability", self.disposability, DISPOSABILITIES)
        measure_frontier(self.measure, self.frontier)  # gml: the global frontier only

    @classmethod
    def of(cls, inputs: Sequence[str], good: Sequence[str], bad: Sequence[str],
           frontier: str | FrontierRule, index_form: IndexForm = "increment", *,
           prune: bool = True, measure: MeasureName | Measure = "sbi",
           disposability: Disposability = "weak") -> LuenbergerSpec:
        """The specification from the public spelling (``frontier``, ``measure`` names)."""
        return cls(tuple(inputs), tuple(good), tuple(bad), frontier_rule(frontier),
                   index_form, prune, measure_rule(measure), disposability)

    @classmethod
    def from_config(cls, section: ProductivityConfig) -> LuenbergerSpec:
        """The specification of the ``[productivity]`` section."""
        return cls.of(section.inputs, section.good, section.bad, section.frontier,
                      section.index_form, prune=section.prune, measure=section.measure,
                      disposability=section.disposability)
