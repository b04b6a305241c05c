"""The CEADs workbook policy: outside CI its tests skip with the reason and the download
address; with ``CI`` set a missing workbook fails them (run in a child pytest)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ONE_TEST = f"{TESTS / 'test_ceads.py'}::test_real_workbook_codes"


def _child_pytest(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["CARBONGAP_CEADS_WORKBOOK"] = str(tmp_path / "absent.xlsx")
    if ci is not None:
        env["CI"] = ci
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                           "-o", "addopts=", ONE_TEST], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120, check=False)


def test_missing_workbook_skips_outside_ci(tmp_path):
    done = _child_pytest(tmp_path, None)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 skipped" in done.stdout
    assert "absent.xlsx" in done.stdout and "https://www.ceads.net" in done.stdout


@pytest.mark.parametrize("ci", ["true", "1"])
def test_missing_workbook_fails_under_ci(tmp_path, ci):
    done = _child_pytest(tmp_path, ci)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 error" in done.stdout and "skipped" not in done.stdout  # fixture failure
    assert "CI must provide it" in done.stdout
