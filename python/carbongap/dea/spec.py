"""What the productivity models are given: one Luenberger specification (docs/methods.md §6).

:class:`LuenbergerSpec` names the variables of the production model (inputs, good
outputs) and the bad outputs the green model adds, the frontier rule
(:class:`carbongap.dea.frontiers.FrontierRule`, looked up once here), the index form and
whether the reference sets are pruned; :func:`carbongap.dea.models.productivity_models`
runs both models with it. The stages build it from the ``[productivity]`` section
(:meth:`LuenbergerSpec.from_config`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..choices import INDEX_FORMS, IndexForm, check
from .frontiers import FrontierRule, frontier_rule

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

    def __post_init__(self) -> None:
        if not self.inputs or not self.good:
            raise ValueError("the SBI needs at least one input and one good output")
        check("index_form", self.index_form, INDEX_FORMS)

    @classmethod
    def of(cls, inputs: Sequence[str], good: Sequence[str], bad: Sequence[str],
           frontier: str | FrontierRule, index_form: IndexForm = "increment", *,
           prune: bool = True) -> LuenbergerSpec:
        """The specification from the public spelling (``frontier`` a name)."""
        return cls(tuple(inputs), tuple(good), tuple(bad), frontier_rule(frontier),
                   index_form, prune)

    @classmethod
    def from_config(cls, section: ProductivityConfig) -> LuenbergerSpec:
        """The specification of the ``[productivity]`` section."""
        return cls.of(section.inputs, section.good, section.bad, section.frontier,
                      section.index_form, prune=section.prune)
