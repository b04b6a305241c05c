"""``carbongap verify``: a run folder against its manifest, and the rerun check; two runs
into different folders give identical outputs (determinism of tables, exports, figures)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil

import pytest
from typer.testing import CliRunner

from carbongap.cli import app
from carbongap.config import load_config
from carbongap.pipeline.runner import run_pipeline
from carbongap.pipeline.verify import rerun_folder, verify_folder
from carbongap.stagekit.capabilities import NO_R_VARIABLE

SMALL = ["data.synthetic_cities=30", "inequality.bootstrap_draws=19",
         "regressions.boot_reps=19"]
runner = CliRunner()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two default-shaped runs (small panel, as if R were missing) into two folders."""
    before = os.environ.get(NO_R_VARIABLE)
    os.environ[NO_R_VARIABLE] = "1"
    try:
        folders = []
        for name in ("first", "second"):
            out = tmp_path_factory.mktemp(name) / "out"
            assert run_pipeline(load_config(overrides=SMALL), out=out).ok
            folders.append(out)
        yield folders
    finally:
        if before is None:
            os.environ.pop(NO_R_VARIABLE)
        else:
            os.environ[NO_R_VARIABLE] = before


def _manifest(out):
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def test_two_runs_give_identical_files_and_manifests_apart_from_timings(runs):
    first, second = (_manifest(out) for out in runs)
    assert first["outputs"] == second["outputs"] and first["output_bytes"] == second[
        "output_bytes"]
    kinds = {rel.rsplit(".", 1)[-1] for rel in first["outputs"]}
    assert {"csv", "md", "png", "dta", "do", "tex", "toml", "parquet", "html"} <= kinds
    for manifest in (first, second):
        for stage in manifest["stages"]:
            stage.pop("seconds")
    assert first == second


def test_verify_passes_on_a_finished_run(runs):
    result = verify_folder(runs[0])
    assert result.ok and result.checked == len(_manifest(runs[0])["outputs"])
    cli = runner.invoke(app, ["verify", str(runs[0])])
    assert cli.exit_code == 0 and "all" in cli.stderr and "files match" in cli.stderr


def test_verify_names_changed_missing_and_unlisted_files(runs, tmp_path):
    out = tmp_path / "copy"
    shutil.copytree(runs[0], out)
    table = out / "tables" / "gini.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(lines[1].split(",")[1], "0.123456", 1)  # one cell edited
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "figures" / "figure2.png").unlink()
    (out / "tables" / "extra.csv").write_text("x\n", encoding="utf-8")
    (out / ".gitkeep").write_text("", encoding="utf-8")  # hidden files are not outputs
    result = verify_folder(out)
    assert result.changed == ("tables/gini.csv",)
    assert result.missing == ("figures/figure2.png",)
    assert result.unlisted == ("tables/extra.csv",)
    cli = runner.invoke(app, ["verify", str(out)])
    assert cli.exit_code == 1
    assert cli.stdout.splitlines() == ["changed: tables/gini.csv",
                                       "missing: figures/figure2.png",
                                       "unlisted: tables/extra.csv"]
    assert "3 of the files do not match" in " ".join(cli.stderr.split())


def test_verify_on_a_folder_without_manifest_is_a_usage_error(tmp_path):
    cli = runner.invoke(app, ["verify", str(tmp_path)])
    assert cli.exit_code == 2 and "not a finished carbongap run" in cli.stderr


def test_rerun_passes_on_a_fresh_run_and_fails_after_one_edited_cell(runs, tmp_path,
                                                                     monkeypatch):
    monkeypatch.setenv(NO_R_VARIABLE, "1")  # as the runs were made
    assert rerun_folder(runs[1]).ok
    out = tmp_path / "copy"
    shutil.copytree(runs[1], out)
    table = out / "tables" / "qreg_estimates.csv"
    header, first, *rest = table.read_text(encoding="utf-8").splitlines()
    cells = first.split(",")
    index = header.split(",").index("coef")
    cells[index] = repr(float(cells[index]) + 1e-9)  # one cell, in the 9th decimal
    table.write_text("\n".join([header, ",".join(cells), *rest]) + "\n", encoding="utf-8")
    result = rerun_folder(out)
    assert not result.ok and result.changed == ("tables/qreg_estimates.csv",)
    assert not result.missing and not result.unlisted
    # Even with the manifest made to match the edited file, the rerun finds the change.
    manifest = _manifest(out)
    manifest["outputs"]["tables/qreg_estimates.csv"] = hashlib.sha256(
        table.read_bytes()).hexdigest()
    manifest["output_bytes"]["tables/qreg_estimates.csv"] = table.stat().st_size
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert verify_folder(out).ok
    result = rerun_folder(out)
    assert not result.ok and result.changed == ("tables/qreg_estimates.csv",)
