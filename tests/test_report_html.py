"""REPORT.html: one self-contained page, tables as tables, every figure embedded.

The rendering is checked on hand-made Markdown; a small run's report is opened in headless
Chromium (Debian's ``chromium``; ``make test`` installs it) and every image must decode
(naturalWidth > 0). Without Chromium that test skips with the reason, except when the
environment variable ``CI`` is set, where it fails.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess

import pytest

from carbongap.config import load_config
from carbongap.io.html_report import markdown_to_html
from carbongap.pipeline.runner import run_pipeline
from carbongap.stagekit.capabilities import NO_R_VARIABLE

PNG = base64.b64decode(  # a 1 x 1 red PNG
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")
CHECK = """<script>
window.addEventListener('load', () => {
  const images = Array.from(document.images);
  const shown = images.filter(i => i.complete && i.naturalWidth > 0).length;
  const captioned = images.filter(i => {
    const figure = i.closest('figure');
    const caption = figure && figure.querySelector('figcaption');
    return caption && caption.textContent.trim() === i.alt && i.alt.length > 0;
  }).length;
  const links = Array.from(document.querySelectorAll('a[href^="#"]'));
  const resolved = links.filter(a => document.getElementById(a.hash.slice(1))).length;
  const note = document.createElement('div');
  note.id = 'page-check';
  note.textContent = [shown, captioned, images.length, resolved, links.length].join('/');
  document.body.appendChild(note);
});
</script>
"""


def test_tables_are_tables_and_images_are_embedded():
    text = ("# Report\n\n| a | b |\n|---|---:|\n| 1 | 2 |\n\n![fig](figures/f.png)\n\n"
            "<script>alert(1)</script>\n")
    page = markdown_to_html(text, {"figures/f.png": PNG}.__getitem__)
    assert "<table>" in page and "<th>a</th>" in page and '<td style="text-align:right">2' in page
    sources = re.findall(r'<img src="([^"]+)"', page)
    assert sources == ["data:image/png;base64," + base64.b64encode(PNG).decode()]
    assert "<script>" not in page and "&lt;script&gt;" in page  # raw HTML is escaped
    assert page == markdown_to_html(text, {"figures/f.png": PNG}.__getitem__)


@pytest.fixture(scope="module")
def report(tmp_path_factory, request):
    out = tmp_path_factory.mktemp("html") / "out"
    before = os.environ.get(NO_R_VARIABLE)
    os.environ[NO_R_VARIABLE] = "1"
    try:
        summary = run_pipeline(load_config(overrides=[
            "data.synthetic_cities=30", "inequality.bootstrap_draws=19",
            "regressions.boot_reps=19"]), out=out)
    finally:
        if before is None:
            os.environ.pop(NO_R_VARIABLE)
        else:
            os.environ[NO_R_VARIABLE] = before
    assert summary.ok
    return out


def test_the_run_report_lists_and_embeds_every_figure(report):
    figures = sorted(p.relative_to(report).as_posix() for p in report.rglob("*.png"))
    assert len(figures) >= 8 + 8  # Figures 1-6 (+2 by group) and 8 quantile processes
    markdown = (report / "REPORT.md").read_text(encoding="utf-8")
    page = (report / "REPORT.html").read_text(encoding="utf-8")
    for relpath in figures:
        assert f"]({relpath})" in markdown
        encoded = base64.b64encode((report / relpath).read_bytes()).decode()
        assert f'src="data:image/png;base64,{encoded}"' in page, relpath
    assert page.count("<img ") == len(figures)
    assert '<h2 id="tables-1-8">Tables 1-8</h2>' in page and page.count("<table>") >= 8
    assert "figure10" not in markdown.split("figure2.png")[0]  # natural order


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        reason = "headless Chromium not installed (Debian: apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must provide it (make test installs it)", pytrace=False)
        pytest.skip(reason)
    return found


def test_every_figure_loads_with_a_caption_and_every_anchor_resolves_in_a_browser(report,
                                                                                  tmp_path):
    chromium = _chromium()
    page = (report / "REPORT.html").read_text(encoding="utf-8")
    checked = tmp_path / "checked.html"
    checked.write_text(page.replace("</body>", CHECK + "</body>"), encoding="utf-8")
    done = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                           "--disable-background-networking", "--disable-component-update",
                           "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
                           "--virtual-time-budget=20000", "--dump-dom", checked.as_uri()],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<div id="page-check">(\d+)/(\d+)/(\d+)/(\d+)/(\d+)</div>',
                      done.stdout)
    assert found, done.stdout[-2000:]
    shown, captioned, images, resolved, links = map(int, found.groups())
    assert images == page.count("<img ") >= 16 and shown == captioned == images
    assert links >= 9 and resolved == links


def test_the_report_opens_on_its_contents_with_figures_in_their_sections(report):
    markdown = (report / "REPORT.md").read_text(encoding="utf-8")
    headings = [line for line in markdown.splitlines() if line.startswith("## ")]
    assert headings[0] == "## Contents"
    order = ["## Carbon gaps", "## Productivity", "## Tables 1-8", "## Stages",
             "## Attrition", "## Notes by stage"]
    assert [h for h in headings if h in order] == order
    sections = {h: markdown.split(h + "\n", 1)[1].split("\n## ", 1)[0] for h in order}
    assert "](figures/figure1.png)" in sections["## Carbon gaps"]
    for number in range(2, 7):
        assert f"](figures/figure{number}.png)" in sections["## Productivity"]
    tables = sections["## Tables 1-8"]
    for number in range(1, 9):  # each table, then its quantile process
        table = tables.index(f"**Table {number}.")
        figure = tables.index(f"](figures/quantile_process_table{number}.png)")
        assert table < figure and (number == 8 or figure < tables.index(
            f"**Table {number + 1}."))
    assert "#### Figure 1. Gini coefficients of urban CO2 emissions (all cities)" in markdown
    assert "## Other figures" not in markdown and "@@" not in markdown
    page = (report / "REPORT.html").read_text(encoding="utf-8")
    assert '<details id="notes-by-stage">\n<summary>Notes by stage</summary>' in page
    assert page.index('id="carbon-gaps"') < page.index('id="notes-by-stage"')


def test_the_report_summarises_scorecard_gaps_and_lps(report):
    import pandas as pd

    markdown = (report / "REPORT.md").read_text(encoding="utf-8")
    scorecard = pd.read_csv(report / "tables" / "scorecard.csv")
    assert (f"Of the {len(scorecard)} published cells of Tables 1-8, "
            f"{int(scorecard['sign_agrees'].sum())} have the published sign") in markdown
    assert "cells disagree" in markdown and "## Carbon gaps" in markdown
    gini = pd.read_csv(report / "tables" / "gini.csv")
    first = gini[(gini["group"] == "national") & (gini["variable"] == "co2")].iloc[0]
    assert f"| {first['year']} | {first['gini']:.4f} |" in markdown
    infeasible = pd.read_csv(report / "tables" / "lp_infeasible.csv")
    green = infeasible[(infeasible["model"] == "green") & (infeasible["rts"] == "crs")]
    assert f"| green | crs | {green['lps'].sum()} | {green['infeasible'].sum()} |" in markdown


def test_headings_get_githubs_ids_figures_captions_and_notes_fold():
    from carbongap.io.html_report import anchor

    assert anchor("Cross-validation: Python against R") == "cross-validation-python-against-r"
    assert anchor("Tables 1-8") == "tables-1-8" and anchor("碳排放 gap") == "碳排放-gap"
    text = ("## A b\n\n[to](#a-b)\n\n![Figure 1. Gini](figures/f.png)\n\n## A b\n\n"
            "## Notes\n\n- one\n")
    page = markdown_to_html(text, {"figures/f.png": PNG}.__getitem__, collapsed=("Notes",))
    assert '<h2 id="a-b">A b</h2>' in page and '<h2 id="a-b-1">A b</h2>' in page
    assert ('<figure>\n<img src="data:image/png;base64,' in page
            and '<figcaption>Figure 1. Gini</figcaption>\n</figure>' in page)
    assert '<details id="notes">\n<summary>Notes</summary>\n<ul>\n<li>one</li>' in page
    assert "<h2 id=\"notes\">" not in page


def test_figures_go_to_their_markers_and_the_rest_to_other_figures():
    from carbongap.stages.report import place_figures

    text = "# R\n\n## Contents\n\n- [A](#a)\n@@contents-end@@\n\n## A\n\n@@figures f1 f9@@\n"
    placed = place_figures(text, {"figures/f1.png": "Figure 1", "figures/x.png": "X"})
    assert "- [Other figures](#other-figures)" in placed and "@@" not in placed
    section_a = placed.split("## A\n", 1)[1].split("## Other figures", 1)[0]
    assert "![Figure 1](figures/f1.png)" in section_a and "f9" not in placed
    assert placed.split("## Other figures", 1)[1].count("![X](figures/x.png)") == 1
    alone = place_figures(text, {"figures/f1.png": "Figure 1"})
    assert "Other figures" not in alone and "@@" not in alone
