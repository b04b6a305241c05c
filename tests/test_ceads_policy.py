"""The CEADs workbook policy: by default its tests skip with the reason and the download
address, also when ``CI`` is set (a replicator's pipeline); with
``CARBONGAP_REQUIRE_CEADS=1`` a missing workbook fails them (run in a child pytest)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ONE_TEST = f"{TESTS / 'test_ceads.py'}::test_real_workbook_codes"


def _child_pytest(tmp_path: Path, require: str | None, ci: str | None = None
                  ) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "CARBONGAP_REQUIRE_CEADS")}
    env["CARBONGAP_CEADS_WORKBOOK"] = str(tmp_path / "absent.xlsx")
    if require is not None:
        env["CARBONGAP_REQUIRE_CEADS"] = require
    if ci is not None:
        env["CI"] = ci
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                           "-o", "addopts=", ONE_TEST], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120, check=False)


@pytest.mark.parametrize(("require", "ci"), [(None, None), (None, "true"), ("0", "1")])
def test_missing_workbook_skips_unless_required(tmp_path, require, ci):
    done = _child_pytest(tmp_path, require, ci)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 skipped" in done.stdout
    assert "absent.xlsx" in done.stdout and "https://www.ceads.net" in done.stdout


@pytest.mark.parametrize("require", ["1", "yes"])
def test_missing_workbook_fails_when_required(tmp_path, require):
    done = _child_pytest(tmp_path, require)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 error" in done.stdout and "skipped" not in done.stdout  # fixture failure
    assert "CARBONGAP_REQUIRE_CEADS=1 requires it" in done.stdout
