"""Per-stage code hashes: an edit reruns only the stages whose computation it can change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from carbongap.pipeline.provenance import (
    PACKAGE_ROOT,
    file_sha256,
    stage_code_files,
    stage_code_hash,
)
from carbongap.pipeline.registry import STAGES

IMPLEMENTED = [s for s in STAGES if s.module and s.cache]


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A copy of the package's source, to edit."""
    root = tmp_path / "carbongap"
    shutil.copytree(PACKAGE_ROOT, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def _hashes(root: Path) -> dict[str, str]:
    return {s.name: stage_code_hash(str(s.module), root) for s in IMPLEMENTED}


def _append(path: Path, text: str = "\n# an edit\n") -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_copy_hashes_like_the_installed_package(package):
    assert _hashes(package) == _hashes(PACKAGE_ROOT)


def test_editing_a_later_stage_module_leaves_earlier_keys(package):
    before = _hashes(package)
    # used by analysis_panel, and by inference, which rebuilds the panel per replication
    _append(package / "tables/regression_panel.py")
    after = _hashes(package)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"analysis_panel", "inference"}


def test_editing_the_dea_changes_productivity_only(package):
    before = _hashes(package)
    _append(package / "dea/highs.py")
    after = _hashes(package)
    changed = {name for name in before if before[name] != after[name]}
    # analysis_panel reruns through productivity's key (upstream), not its own code;
    # crossval solves the same LPs with the other backend, and inference re-solves them in
    # every replication, so their own code includes the DEA.
    assert changed == {"productivity", "crossval", "inference"}


def test_figure_code_used_only_by_write_is_not_part_of_the_key(package):
    # Rendering runs on every run; editing it must not rerun the DEA.
    before = _hashes(package)
    _append(package / "dea/figures.py")
    _append(package / "inequality/figures.py")
    assert _hashes(package) == before


def test_shared_modules_and_data_files_change_every_user(package):
    before = _hashes(package)
    _append(package / "data/provinces.csv", "\n")
    after = _hashes(package)
    # regions.py reads provinces.csv through importlib.resources: every stage using
    # region groups (directly or through the accounting's grid map) changes.
    assert {n for n in before if before[n] != after[n]} >= {"accounting", "inequality",
                                                            "analysis_panel"}


def test_closure_follows_relative_imports_and_skips_type_checking(package):
    files = {p.relative_to(package).as_posix() for p in
             stage_code_files("carbongap.stages.analysis_panel", package)}
    assert {"stages/analysis_panel.py", "tables/regression_panel.py", "codebook.py", "regions.py",
            "data/provinces.csv", "__init__.py", "stages/__init__.py"} <= files
    # imported under TYPE_CHECKING only, or not at all
    assert "pipeline/writer.py" not in files and "dea/highs.py" not in files


def test_file_sha256_matches_hashlib(tmp_path):
    import hashlib

    path = tmp_path / "x.bin"
    path.write_bytes(b"\x00carbongap" * 100_000)
    assert file_sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_runtime_dependency_is_recorded_in_the_manifest():
    """The manifest's package versions cover every dependency the installed distribution
    declares (core, and the r and dist extras), so a new dependency cannot be left out."""
    import importlib.metadata
    import re

    from carbongap.pipeline.provenance import TRACKED_PACKAGES

    declared = set()
    for requirement in importlib.metadata.requires("carbongap") or ():
        extra = re.search(r"extra\s*==\s*['\"](\w+)['\"]", requirement)
        if extra and extra.group(1) not in ("r", "dist"):
            continue
        name = re.match(r"[A-Za-z0-9_.\-]+", requirement).group(0).lower().replace("_", "-")
        declared.add(name)
    assert "numba" in declared
    assert declared - {p.lower() for p in TRACKED_PACKAGES} == set()
