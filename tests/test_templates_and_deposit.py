"""The input templates (replication/templates/, carbongap template), carbongap validate on
them, and the deposit archive (make deposit)."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from carbongap.cli import app
from carbongap.ingest.schema import city_schema, describe_aliases
from carbongap.tools.template import LEFT_OUT, template_frame, template_guide

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = REPO / "replication" / "templates"
runner = CliRunner()


def test_the_repository_templates_are_the_generated_ones(tmp_path):
    result = runner.invoke(app, ["template", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for name in ("city_panel_template.csv", "city_panel_template.md",
                 "provinces_template.csv", "provinces_template.md"):
        assert (tmp_path / name).read_bytes() == (TEMPLATES / name).read_bytes(), name


def test_the_guide_lists_every_column_and_accepted_header():
    guide = template_guide("city_panel")
    columns = [c for c in city_schema() if c.name not in LEFT_OUT]
    assert list(template_frame("city_panel").columns) == [c.name for c in columns]
    for column in columns:
        assert f"| `{column.name}` | {column.unit} |" in guide
        for alias in column.aliases:
            assert f"`{alias.replace('*', ' x')}`" in guide, alias
    assert "accepted headers" in describe_aliases(columns[0])


def test_validate_passes_on_the_templates_and_names_the_row_of_a_broken_copy(tmp_path):
    city = TEMPLATES / "city_panel_template.csv"
    good = runner.invoke(app, ["validate", "--data", str(city), "--provinces",
                               str(TEMPLATES / "provinces_template.csv")])
    assert good.exit_code == 0, good.output
    assert good.stdout.startswith(f"{city}: valid; 1 cities x 2010-2010")
    broken = pd.read_csv(city).astype({"gdp": object})
    broken = pd.concat([broken, broken.assign(year=2011, gdp="about 2e6")], ignore_index=True)
    broken.to_csv(tmp_path / "broken.csv", index=False)
    bad = runner.invoke(app, ["validate", "--data", str(tmp_path / "broken.csv")],
                        terminal_width=300)
    assert bad.exit_code == 1
    assert "column 'gdp' has non-numeric or infinite values in rows 3 (row 3: 'about 2e6')" in \
        " ".join(bad.stderr.split())
    assert not (tmp_path / "tables").exists()  # validate writes nothing


@pytest.mark.skipif(not (REPO / ".git").exists(), reason="make deposit needs a git checkout")
def test_deposit_has_no_caches_or_ci_files_and_its_checksums_verify(tmp_path):
    def deposit(out: Path) -> Path:
        done = subprocess.run([sys.executable, str(REPO / "replication" / "deposit.py"),
                               str(out)], capture_output=True, text=True, timeout=120,
                              check=False)
        assert done.returncode == 0, done.stderr
        return next(out.glob("carbongap-*.tar.gz"))

    archive = deposit(tmp_path / "one")
    with tarfile.open(archive) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
    root = archive.name.removesuffix(".tar.gz")
    names = {name.removeprefix(f"{root}/") for name in members}
    assert {"README.md", "LICENSE", "Makefile", "pyproject.toml", "docs/methods.md",
            "python/carbongap/cli.py", "replication/config/paper.toml",
            "stata_exports/README.md", "tests/reference/benchmarking/sbi_expected.csv",
            "SHA256SUMS"} <= names
    assert not [n for n in names if n.startswith((".ci/", ".git")) or "__pycache__" in n
                or ".cache" in n or n.startswith(("replication/output", ".tox", ".venv"))]
    sums = members[f"{root}/SHA256SUMS"].decode().splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in sums)
    assert set(listed) == names - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256(members[f"{root}/{name}"]).hexdigest() == digest, name
    recorded = (archive.parent / f"{archive.name}.sha256").read_text().split()[0]
    assert recorded == hashlib.sha256(archive.read_bytes()).hexdigest()
    assert deposit(tmp_path / "two").read_bytes() == archive.read_bytes()  # reproducible
    assert io.BytesIO(archive.read_bytes()).read(2) == b"\x1f\x8b"
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True,
                          text=True, timeout=60, check=True).stdout.strip()
    assert members[f"{root}/COMMIT"].decode() == f"{head}\n"


@pytest.mark.skipif(not (REPO / ".git").exists(), reason="make deposit needs a git checkout")
def test_deposit_holds_the_commit_not_the_working_tree(tmp_path):
    """In a clone with an edited tracked file and an untracked one, the archive holds HEAD's
    bytes, and the script says that the edits are left out."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(clone)],
                   capture_output=True, timeout=300, check=True)
    # This checkout's script (it may hold uncommitted edits under test) run in the clone.
    shutil.copyfile(REPO / "replication" / "deposit.py", clone / "replication" / "deposit.py")
    committed = (clone / "README.md").read_bytes()
    (clone / "README.md").write_text("edited, not committed\n", encoding="utf-8")
    (clone / "python" / "carbongap" / "untracked.py").write_text("x = 1\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(clone / "replication" / "deposit.py"),
                           str(tmp_path / "out")], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "uncommitted changes; they are NOT in the archive" in done.stderr
    archive = next((tmp_path / "out").glob("carbongap-*.tar.gz"))
    root = archive.name.removesuffix(".tar.gz")
    with tarfile.open(archive) as tar:
        assert tar.extractfile(f"{root}/README.md").read() == committed
        assert f"{root}/python/carbongap/untracked.py" not in tar.getnames()
        assert tar.getmember(f"{root}/replication/bounded.sh").mode == 0o755


def test_every_dependency_is_pinned_with_hashes_in_the_lock():
    import re
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    direct = [Requirement(r) for r in (*project["dependencies"],
                                       *project["optional-dependencies"]["dist"])]
    lock = (REPO / "replication" / "requirements.lock").read_text(encoding="utf-8")
    pins: dict[str, list[str]] = {}
    for name, version, block in re.findall(
            r"^([A-Za-z0-9_.-]+)==(\S+)(.*?)(?=^\S|\Z)", lock, flags=re.M | re.S):
        assert "--hash=sha256:" in block, name
        pins.setdefault(name.lower().replace("_", "-"), []).append(version)
    for requirement in direct:
        versions = pins.get(requirement.name.lower().replace("_", "-"))
        assert versions, f"{requirement.name} is not pinned in replication/requirements.lock"
        assert all(requirement.specifier.contains(v) for v in versions), requirement
    tox = (REPO / "tox.ini").read_text(encoding="utf-8")
    assert "deps = -r{toxinidir}/replication/requirements.lock" in tox


def test_the_readme_numbers_quoted_in_the_text_are_the_published_cells():
    import re

    from carbongap.tables.specs import load_table_specs

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Numbers quoted in the paper's text", 1)[1].split("\n## ", 1)[0]
    published = pd.read_csv(REPO / "replication" / "published" / "published_tables.csv")
    specs = load_table_specs()
    rows = re.findall(r"^\| (.+?) \| (.+?) \| (?:`tables/qreg_estimates.csv`: )?table (\d), "
                      r"sample (\w+), term (\w+), (tau .+?|every tau) \|$", section,
                      flags=re.M)
    assert len(rows) == 9
    for _, value, table, sample, term, taus in rows:
        # the cell exists: a table part with that sample estimates that term
        assert any(s.table == int(table) and s.sample == sample and term in s.regressors
                   for s in specs), (table, sample, term)
        cells = published[(published["table"] == int(table)) & (published["sample"] == sample)
                          & (published["regressor"] == term)].set_index("tau")
        quoted = [float(v) for v in re.findall(r"-?\d+\.\d+", value)]
        wanted = ([0.2, 0.4, 0.6, 0.8] if "..." in taus or taus == "every tau"
                  else [float(t) for t in re.findall(r"0\.\d", taus)])
        if quoted:  # the quoted numbers are the published coefficients of those cells
            coefs = cells.loc[wanted, "coef"].round(3).tolist()
            assert all(q in coefs for q in quoted), (table, sample, term, quoted, coefs)
        if "stars 0" in value:
            assert (cells.loc[wanted[-1:] if taus != "every tau" else wanted, "stars"]
                    == 0).all()


def test_the_readme_requirements_table_is_the_one_make_measure_writes():
    """The README's summary of run time, memory and disk is rendered from
    replication/measured.json by replication/measure.py, never typed."""
    import importlib.util
    import json

    spec = importlib.util.spec_from_file_location("measure", REPO / "replication" /
                                                  "measure.py")
    measure = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(measure)
    figures = json.loads((REPO / "replication" / "measured.json").read_text(encoding="utf-8"))
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert measure.rewrite_readme(readme, measure.readme_table(figures)) == readme
    assert {"make replicate", "cached rerun"} <= set(figures["steps"])
    assert all(step["seconds"] > 0 for step in figures["steps"].values())
    assert figures["machine"]["cores"] > 0 and figures["machine"]["cpu"]
    assert figures["disk_mib"]["uv_cache"] >= 0 and "uv's download cache" in readme


def test_the_measure_table_names_every_figure_of_the_file():
    import importlib.util

    spec = importlib.util.spec_from_file_location("measure", REPO / "replication" /
                                                  "measure.py")
    measure = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(measure)
    figures = {"date": "2026-01-02", "commit": "abc1234",
               "machine": {"cpu": "Test CPU", "cores": 2, "memory_gib": 24.0,
                           "load_1min": 0.5},
               "steps": {"make replicate": {"seconds": 125.4, "peak_mib": 812},
                         "cached rerun": {"seconds": 9.0, "peak_mib": 300}},
               "disk_mib": {"clone": 1200, "tox_environments": 1100, "outputs": 38,
                            "uv_cache": 851, "uv_cache_total": 1300}}
    table = measure.readme_table(figures)
    assert "| fresh `make replicate` (sets up Python and R, runs everything) | 2 min 5 s | " \
           "812 MiB |" in table
    assert "| `carbongap replicate` again (stages cached) | 9 s | 300 MiB |" in table
    assert "make test` (lint, unit, R tests, dependency floors) | not measured | - |" in table
    assert ("`uv cache clean` empties it; 851 MiB of it not shared with the clone by hard "
            "links) | - | 1300 MiB |") in table
    assert "tox environments 1100 MiB" in table
    assert "| disk in all (each hard-linked file once) | - | 2051 MiB |" in table
    assert "Measured on 2026-01-02 at commit abc1234" in table and "Test CPU, 2 cores" in table
    text = f"a\n{measure.BEGIN}\nold\n{measure.END}\nb\n"
    assert measure.rewrite_readme(text, "new") == f"a\n{measure.BEGIN}\nnew\n{measure.END}\nb\n"


def test_measure_counts_a_hard_linked_file_once(tmp_path):
    import importlib.util
    import os

    spec = importlib.util.spec_from_file_location("measure", REPO / "replication" /
                                                  "measure.py")
    measure = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(measure)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x").write_bytes(b"0" * 1000)
    os.link(tmp_path / "a" / "x", tmp_path / "a" / "y")
    os.link(tmp_path / "a" / "x", tmp_path / "b" / "x")
    (tmp_path / "b" / "z").write_bytes(b"0" * 10)
    seen: set[tuple[int, int]] = set()
    assert measure.folder_bytes(tmp_path / "a", seen) == 1000  # two links, one file
    assert measure.folder_bytes(tmp_path / "b", seen) == 10  # the shared file was counted
    assert measure.folder_bytes(tmp_path / "missing") == 0
