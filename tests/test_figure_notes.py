"""Figures say what they show: a synthetic-data note on synthetic runs only, a caption with
the data source and N, Figure 3's legend off the data, Figure 1's bands apart.

Checked on matplotlib's artists (``figure.texts``, legends, collections) and their
rendered extents, never on pixels.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from carbongap.config import Config, load_config
from carbongap.figure_notes import SYNTHETIC_NOTE, DataSource, data_source
from carbongap.stagekit.stage import Context, StageResult
from carbongap.stagekit.writer import OutputWriter
from carbongap.stages import inequality, productivity
from carbongap.tables.figures import process_figure
from dea_panels import dea_panel

SYNTHETIC = load_config(overrides=["inequality.bootstrap_draws=19",
                                   "productivity.years=[2006, 2009]"])
REAL = load_config(overrides=['data.panel="/data/private/cities.xlsx"',
                              "inequality.bootstrap_draws=19", "productivity.years=[2006, 2009]"])


def _texts(figure: Figure) -> dict[str, str]:
    """The figure-level texts by gid (caption, synthetic-note)."""
    return {t.get_gid(): t.get_text() for t in figure.texts if t.get_gid()}


def _accounting() -> pd.DataFrame:
    panel = dea_panel(1, 12, range(2006, 2010), codes=110100 + 100 * np.arange(12))
    panel["province_code"] = np.where(panel["city_code"] < 110700, 11, 51)
    panel["co2pgdp"] = panel["co2"] / panel["gdp_real"]
    return panel


class _Recorder(OutputWriter):
    """An OutputWriter that keeps every figure it writes (for the artists)."""

    def __init__(self, out: Path) -> None:
        super().__init__(out)
        self.figures: dict[str, Figure] = {}

    def figure(self, relpath: str, figure: object, data: pd.DataFrame) -> Path:
        assert isinstance(figure, Figure)
        self.figures[relpath] = figure
        return super().figure(relpath, figure, data)


def _stage_figures(config: Config, out: Path) -> dict[str, Figure]:
    accounting = _accounting()
    upstream = {"accounting": StageResult({"accounting": accounting}),
                "validate": StageResult({"panel": accounting.loc[
                    :, ["city_code", "year", "province_code", "employment"]]})}
    writer = _Recorder(out)
    for stage in (inequality, productivity):
        result = stage.compute(Context(config=config, upstream=upstream))
        stage.write(result, writer, config)
    return writer.figures


@pytest.fixture(scope="module")
def synthetic_figures(tmp_path_factory) -> dict[str, Figure]:
    return _stage_figures(SYNTHETIC, tmp_path_factory.mktemp("synthetic"))


@pytest.fixture(scope="module")
def real_figures(tmp_path_factory) -> dict[str, Figure]:
    return _stage_figures(REAL, tmp_path_factory.mktemp("real"))


def test_every_synthetic_figure_says_synthetic(synthetic_figures):
    assert {f"figures/figure{k}.png" for k in range(1, 7)} <= set(synthetic_figures)
    for name, figure in synthetic_figures.items():
        texts = _texts(figure)
        assert texts.get("synthetic-note") == SYNTHETIC_NOTE, name
        assert texts["caption"].startswith(
            "Data: synthetic panel (carbongap.synth, seed 0, 282 cities x 2006-2019)."), name
        assert "N = " in texts["caption"], name


def test_real_data_figures_name_the_file_and_carry_no_note(real_figures):
    for name, figure in real_figures.items():
        texts = _texts(figure)
        assert "synthetic-note" not in texts, name
        assert not any("SYNTHETIC" in t.get_text() for t in figure.texts), name
        # the file's name, not its folder (no absolute paths in outputs)
        assert texts["caption"].startswith("Data: file cities.xlsx."), name
        assert "/data/private" not in texts["caption"], name


def test_caption_counts_the_cities_years_and_observations_drawn(synthetic_figures):
    # 12 cities in 2006-2009: Figure 1 draws every year, Figures 2-3 the pairs from 2007.
    assert ("Sample: 12 cities per year, 4 years 2006-2009, N = 48 city-years per line."
            in _texts(synthetic_figures["figures/figure1.png"])["caption"])
    caption = _texts(synthetic_figures["figures/figure3.png"])["caption"]
    assert "3 years 2007-2009" in caption and "city-years per line" in caption


def test_data_source_comes_from_the_data_section():
    assert data_source(SYNTHETIC.data) == DataSource(
        True, "synthetic panel (carbongap.synth, seed 0, 282 cities x 2006-2019)")
    seeded = load_config(overrides=["data.synthetic_seed=7", "data.synthetic_cities=50"])
    assert data_source(seeded.data).description.startswith(
        "synthetic panel (carbongap.synth, seed 7, 50 cities")
    assert data_source(REAL.data) == DataSource(False, "file cities.xlsx")


def test_figure3_legend_is_outside_the_axes_and_the_texts_clear_them(synthetic_figures):
    figure = synthetic_figures["figures/figure3.png"]
    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw(renderer)
    (axes,) = figure.axes
    legend = axes.get_legend()
    assert legend.get_texts()[0].get_text().startswith("PC:")
    box, plot, page = (legend.get_window_extent(renderer), axes.get_window_extent(renderer),
                       figure.bbox)
    assert not box.overlaps(plot)  # so it covers no data point
    assert box.x0 >= plot.x1 and page.x0 <= box.x0 and box.x1 <= page.x1
    assert box.y0 >= page.y0 and box.y1 <= page.y1
    # caption below everything the axes draw (tick labels, axis label), note above
    whole = axes.get_tightbbox(renderer)
    texts = {t.get_gid(): t.get_window_extent(renderer) for t in figure.texts}
    assert texts["caption"].y1 <= whole.y0
    assert texts["synthetic-note"].y0 >= whole.y1


def test_figure1_intervals_are_bars_side_by_side_in_their_line_colour(synthetic_figures):
    axes = synthetic_figures["figures/figure1.png"].axes[0]
    bars = [c for c in axes.collections if len(c.get_segments())]
    lines = [line for line in axes.lines if line.get_marker() == "o"]
    assert len(bars) == len(lines) == 2
    xs = []
    for bar, line in zip(bars, lines, strict=True):
        segments = bar.get_segments()
        # vertical bars, one per year, at the x of their own line's points ...
        x = np.array([seg[0][0] for seg in segments])
        assert all(seg[0][0] == seg[1][0] for seg in segments)
        np.testing.assert_array_equal(x, line.get_xdata())
        # ... in the colour of that line
        np.testing.assert_allclose(bar.get_color()[0][:3], to_rgb(line.get_color()))
        xs.append(x)
    np.testing.assert_allclose(xs[1] - xs[0], 0.16)  # dodged apart, so no bar covers another
    np.testing.assert_allclose((xs[0] + xs[1]) / 2, np.round(xs[0]))  # centred on the year
    labels = [t.get_text() for t in axes.get_legend().get_texts()]
    assert labels[2:] == ["95% interval, CO2 emissions", "95% interval, CO2 intensity"]


def test_figures_are_byte_identical_on_rerun(tmp_path):
    _stage_figures(SYNTHETIC, tmp_path / "a")
    _stage_figures(SYNTHETIC, tmp_path / "b")
    pngs = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.png"))
    assert len(pngs) == 6 + 2  # Figures 1-6 and Figure 1 per group
    for png in pngs:
        assert (tmp_path / "a" / png).read_bytes() == (tmp_path / "b" / png).read_bytes()


def test_quantile_process_figure_caption_and_note():
    rows = pd.DataFrame({"table": 1, "part": 1, "header": "Production technology",
                         "dependent": "lnCO2", "term": "lnT", "tau": [0.25, 0.5, 0.75],
                         "coef": [1.0, 1.2, 1.1], "lower": [0.8, 1.0, 0.9],
                         "upper": [1.2, 1.4, 1.3], "ols": 1.1, "ols_lower": 1.0,
                         "ols_upper": 1.2, "n": 2350})
    synthetic, _ = process_figure(rows, 1, "Quantile process, Table 1",
                                  source=data_source(SYNTHETIC.data))
    texts = _texts(synthetic)
    assert texts["synthetic-note"] == SYNTHETIC_NOTE
    assert "Sample: N = 2,350 city-years per regression." in texts["caption"]
    assert synthetic.get_suptitle() == "Quantile process, Table 1"
    real, _ = process_figure(rows, 1, "Quantile process, Table 1",
                             source=data_source(REAL.data))
    assert set(_texts(real)) == {"caption"}
