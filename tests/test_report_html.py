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
from carbongap.pipeline.capabilities import NO_R_VARIABLE
from carbongap.pipeline.runner import run_pipeline

PNG = base64.b64decode(  # a 1 x 1 red PNG
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")
CHECK = """<script>
window.addEventListener('load', () => {
  const images = Array.from(document.images);
  const shown = images.filter(i => i.complete && i.naturalWidth > 0).length;
  const note = document.createElement('div');
  note.id = 'image-check';
  note.textContent = shown + '/' + images.length;
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
    assert "<h2>Tables 1-8</h2>" in page and page.count("<table>") >= 8
    assert "figure10" not in markdown.split("figure2.png")[0]  # natural order


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        reason = "headless Chromium not installed (Debian: apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must provide it (make test installs it)", pytrace=False)
        pytest.skip(reason)
    return found


def test_every_figure_loads_in_a_headless_browser(report, tmp_path):
    chromium = _chromium()
    page = (report / "REPORT.html").read_text(encoding="utf-8")
    checked = tmp_path / "checked.html"
    checked.write_text(page.replace("</body>", CHECK + "</body>"), encoding="utf-8")
    done = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                           f"--user-data-dir={tmp_path / 'profile'}",
                           "--virtual-time-budget=20000", "--dump-dom", checked.as_uri()],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<div id="image-check">(\d+)/(\d+)</div>', done.stdout)
    assert found, done.stdout[-2000:]
    shown, total = int(found.group(1)), int(found.group(2))
    assert total == page.count("<img ") > 0 and shown == total


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
