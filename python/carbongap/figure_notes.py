"""What every figure says about its data: the synthetic-data note and the caption line.

A figure drawn from the synthetic default panel (``[data] panel`` empty) carries a visible
note at its top saying so; every figure ends with a caption naming its data source (the
synthetic panel's seed and size, or the input file's name, never its folder) and its
sample size as drawn (cities per year, years and city-year observations, or N per
regression). Line figures put their legend outside the axes, to the right, so it never
covers a data point.

The figure functions (``inequality.figures``, ``dea.figures``, ``tables.figures``) take a
:class:`DataSource` from their stage and call :func:`finish` last. Note and caption are
``matplotlib.text.Text`` artists in ``figure.texts``; the layout is computed from fixed
sizes only, so a rerun draws the same pixels.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .config import DataConfig

#: The note on every figure of the synthetic default panel.
SYNTHETIC_NOTE = "SYNTHETIC DATA: a simulated panel, not the paper's data"
#: Font size of the caption and the note (points).
CAPTION_POINTS = 8.0
#: Characters per inch of figure width at :data:`CAPTION_POINTS` (wrapping the caption).
_CHARS_PER_INCH = 15.0


@dataclass(frozen=True)
class DataSource:
    """Where a figure's numbers come from.

    ``synthetic`` is True for the synthetic default panel; ``description`` is the caption's
    source phrase, e.g. "synthetic panel (carbongap.synth, seed 0, 282 cities x
    2006-2019)" or "file cities.xlsx".
    """

    synthetic: bool
    description: str


def data_source(data: DataConfig) -> DataSource:
    """The source of a run's figures from its ``[data]`` section (``panel`` empty =
    the synthetic default panel of ``synthetic_seed``, ``synthetic_cities`` and
    ``synthetic_years``)."""
    if data.panel:
        return DataSource(False, f"file {PurePath(data.panel).name}")
    first, last = data.synthetic_years
    return DataSource(True, f"synthetic panel (carbongap.synth, seed {data.synthetic_seed}, "
                            f"{data.synthetic_cities} cities x {first}-{last})")


def count_range(values: Iterable[int]) -> str:
    """"282" when every value is 282, else "270-282" (with thousands separators)."""
    numbers = [int(v) for v in values]
    low, high = min(numbers), max(numbers)
    return f"{low:,}" if low == high else f"{low:,}-{high:,}"


def yearly_sample(drawn: pd.DataFrame, *, time: str = "year", count: str = "n",
                  series: str = "variable") -> str:
    """The sample of a figure of yearly statistics, from the rows it draws.

    ``drawn`` has one row per ``series`` and ``time`` with ``count`` = cities behind the
    statistic. Returns e.g. "270-282 cities per year, 10 years 2007-2016, N = 2,781
    city-years per line" (N is the sum of ``count`` over the years of a line; a range
    when the lines differ).
    """
    periods = sorted(drawn[time].unique().tolist())
    totals = drawn.groupby(series, sort=False)[count].sum()
    return (f"{count_range(drawn[count])} cities per {time}, {len(periods)} {time}s "
            f"{periods[0]}-{periods[-1]}, N = {count_range(totals)} city-{time}s per line")


def legend_outside(axes: Axes) -> None:
    """The legend of ``axes`` to the right of the axes, top-aligned (never over the data).

    :func:`finish` then shrinks the axes so that the legend fits inside the figure.
    """
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1.0),
                borderaxespad=0.0)


def finish(figure: Figure, source: DataSource, sample: str, remark: str = "", *,
           title: str = "") -> None:
    """Add the synthetic-data note (synthetic sources only) and the caption, then lay out.

    The caption has the lines "Data: <source>.", "Sample: <sample>." and ``remark``, each
    wrapped to the figure's width, at the bottom left; the note is bold and red at the
    top, above ``title`` (a figure title over all panels, when given, placed after the
    layout so that no empty band opens under it). The axes, their titles and legends are
    fitted in between (``tight_layout`` with the rectangle the texts leave free; sizes in
    inches from the figure size, so deterministic).
    """
    width, height = figure.get_size_inches()
    lines = [wrapped for part in (f"Data: {source.description}.", f"Sample: {sample}.", remark)
             if part for wrapped in textwrap.wrap(part, width=int(width * _CHARS_PER_INCH))]
    line_inches = 1.35 * CAPTION_POINTS / 72.0
    figure.text(0.01, 0.01, "\n".join(lines), fontsize=CAPTION_POINTS, ha="left",
                va="bottom", gid="caption")
    bottom = (len(lines) * line_inches + 0.08) / height
    top = 1.0 - 0.04 / height
    if source.synthetic:
        figure.text(0.5, top, SYNTHETIC_NOTE, fontsize=CAPTION_POINTS + 1,
                    fontweight="bold", color="#b00000", ha="center", va="top",
                    gid="synthetic-note")
        top -= (line_inches + 0.06) / height
    title_top = top
    if title:
        top -= 0.3 / height
    figure.tight_layout(rect=(0.0, bottom, 1.0, top))
    if title:  # after the layout: tight_layout would reserve a second band for a suptitle
        figure.suptitle(title, y=title_top, va="top")
