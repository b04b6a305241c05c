"""The synthetic default panel, validated exactly like a file (docs/methods.md §12).

:func:`validated` generates the panel (:func:`carbongap.synth.generate`) and passes both of
its tables through the validation every file gets
(:func:`carbongap.ingest.load.validated_panel`), with the generator's latent values kept as
the panel's ``truth``.
"""

from __future__ import annotations

from ..ingest.load import Panel, in_memory, validated_panel
from .panel import generate


def validated(seed: int = 0, n_cities: int = 282, years: tuple[int, int] = (2006, 2019), *,
              window: tuple[int, int] = (2006, 2019),
              magnitude_warnings: bool = True) -> Panel:
    """The synthetic panel of ``seed``, ``n_cities`` and ``years`` (generated years),
    validated for the study ``window`` (rows outside it are excluded and counted)."""
    synthetic = generate(seed=seed, n_cities=n_cities, years=years)
    label = f"<synthetic seed={seed}>"
    return validated_panel(in_memory(synthetic.cities, f"{label} cities"),
                           in_memory(synthetic.provinces, f"{label} provinces"),
                           years=window, magnitude_warnings=magnitude_warnings,
                           source=label, truth=synthetic.truth)
