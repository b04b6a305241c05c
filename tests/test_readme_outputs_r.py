"""Every output file the README's list of tables, figures and programs names exists after a
run with every stage (R included: the cross-validation files), and is in its manifest."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from carbongap.config import load_config
from carbongap.pipeline.runner import run_pipeline

pytestmark = pytest.mark.r
REPO = Path(__file__).resolve().parents[1]


def listed_files() -> list[str]:
    """The run-folder paths in the file column of the README's list (a bare name after a
    path, as in `tables/table1.csv` ... `table8.csv`, is in the same folder)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## List of tables, figures and programs", 1)[1].split("\n#", 1)[0]
    found: list[str] = []
    for line in section.splitlines():
        if not line.startswith("| ") or line.startswith(("| output", "|---")):
            continue
        folder = ""
        for token in re.findall(r"`([^`]+)`", line.rstrip(" |").rsplit(" | ", 1)[-1]):
            if token.startswith(".") or " " in token or "." not in token:
                continue
            if "/" in token:
                folder = token.rsplit("/", 1)[0] + "/"
                found.append(token)
            else:
                found.append(folder + token if folder and re.search(r"\d", token) else token)
    return found


def test_every_listed_output_exists_after_a_full_run(tmp_path):
    files = listed_files()
    assert len(files) >= 40 and "REPORT.html" in files and "tables/table8.csv" in files
    config = load_config(overrides=["data.synthetic_cities=30", "inequality.bootstrap_draws=9",
                                    "regressions.boot_reps=9", "crossval.dea=false"])
    summary = run_pipeline(config, out=tmp_path / "out")
    assert summary.ok and summary.status("crossval") == "done"
    out = tmp_path / "out"
    listed = json.loads((out / "manifest.json").read_text())["outputs"]
    for name in files:
        matches = sorted(out.glob(name))
        assert matches, f"{name} is in the README's list but not in the run folder"
        for path in matches:
            rel = path.relative_to(out).as_posix()
            assert rel in listed or rel in ("manifest.json", "carbongap.log"), rel
