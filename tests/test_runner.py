"""The staged runner: caching, downstream-only reruns, statuses, manifest, atomic writes."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter

import pandas as pd
import pytest

from carbongap import attrition
from carbongap.config import Config
from carbongap.errors import DataError
from carbongap.io import atomic
from carbongap.pipeline.runner import run_pipeline
from carbongap.pipeline.transaction import MARKER
from carbongap.stagekit.stage import Stage, StageResult

CALLS: Counter[str] = Counter()


def _functions(compute, table: str):
    """(compute, write) of a test stage that writes its table ``table``."""
    def write(result, out, config):
        out.table(f"tables/{table}.csv", result.tables[table])

    return compute, write


def _compute_a(ctx):
    CALLS["a"] += 1
    frame = pd.DataFrame({"city_code": [110000, 120000], "year": [2006, 2006], "x": [1.0, 2.0]})
    dropped = attrition.exclusions("a", "x missing", pd.DataFrame({"city_code": [130100],
                                                                  "year": [2006]}))
    return StageResult({"a": frame}, dropped, ("a saw 2 rows",))


def _compute_b(ctx):
    CALLS["b"] += 1
    delta = ctx.config.accounting.delta
    return StageResult({"b": ctx.table("a", "a").assign(x=lambda f: f["x"] * (1 - delta))})


def _compute_c(ctx):
    CALLS["c"] += 1
    return StageResult({"c": ctx.table("b", "b").assign(se=ctx.config.regressions.se)})


def _compute_fail(ctx):
    raise DataError("panel.csv: column 'gdp' is negative in rows 7")


REGISTRY = (
    Stage("a", (), ("data",), *_functions(_compute_a, "a")),
    Stage("b", ("a",), ("accounting",), *_functions(_compute_b, "b")),
    Stage("c", ("b",), ("regressions",), *_functions(_compute_c, "c")),
)
FAILING = (*REGISTRY[:2], Stage("f", ("a",), ("analysis",), *_functions(_compute_fail, "f")),
           Stage("g", ("f",), ("analysis",), *_functions(_compute_c, "c")), REGISTRY[2])


@pytest.fixture(autouse=True)
def _reset_calls():
    CALLS.clear()


def _with(config: Config, section: str, **values) -> Config:
    return dataclasses.replace(config, **{section: dataclasses.replace(getattr(config, section),
                                                                      **values)})


def test_second_run_reuses_every_stage(tmp_path):
    first = run_pipeline(Config(), out=tmp_path, registry=REGISTRY)
    assert [s.status for s in first.stages] == ["done", "done", "done"]
    assert first.ok
    manifest_1 = json.loads((tmp_path / "manifest.json").read_text())
    second = run_pipeline(Config(), out=tmp_path, registry=REGISTRY)
    assert [s.status for s in second.stages][:3] == ["cached"] * 3
    assert CALLS == Counter({"a": 1, "b": 1, "c": 1})
    manifest_2 = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest_1["outputs"] == manifest_2["outputs"]  # byte-identical outputs


def test_changed_option_reruns_only_downstream(tmp_path):
    run_pipeline(Config(), out=tmp_path, registry=REGISTRY)
    changed = _with(Config(), "regressions", se="iid")
    summary = run_pipeline(changed, out=tmp_path, registry=REGISTRY)
    assert [summary.status(n) for n in "abc"] == ["cached", "cached", "done"]
    assert pd.read_csv(tmp_path / "tables/c.csv")["se"].unique().tolist() == ["iid"]
    summary = run_pipeline(_with(changed, "accounting", delta=0.1), out=tmp_path,
                           registry=REGISTRY)
    assert [summary.status(n) for n in "abc"] == ["cached", "done", "done"]
    assert pd.read_csv(tmp_path / "tables/b.csv")["x"].tolist() == [0.9, 1.8]
    assert CALLS == Counter({"a": 1, "b": 2, "c": 3})


def test_run_options_do_not_invalidate_the_cache(tmp_path):
    run_pipeline(Config(), out=tmp_path, registry=REGISTRY)
    summary = run_pipeline(_with(Config(), "run", jobs=2, progress=False), out=tmp_path,
                           registry=REGISTRY)
    assert [summary.status(n) for n in "abc"] == ["cached"] * 3


def test_no_cache_recomputes(tmp_path):
    run_pipeline(Config(), out=tmp_path, registry=REGISTRY)
    run_pipeline(Config(), out=tmp_path, registry=REGISTRY, use_cache=False)
    assert CALLS == Counter({"a": 2, "b": 2, "c": 2})


def test_targets_run_only_what_they_need(tmp_path):
    summary = run_pipeline(Config(), targets=["b"], out=tmp_path, registry=REGISTRY)
    assert [s.name for s in summary.stages] == ["a", "b"]
    assert not (tmp_path / "tables/c.csv").exists()


def test_failure_is_reported_and_downstream_skipped(tmp_path):
    summary = run_pipeline(Config(), out=tmp_path, registry=FAILING)
    assert not summary.ok
    statuses = {s.name: s.status for s in summary.stages}
    assert statuses == {"a": "done", "b": "done", "f": "failed", "g": "skipped", "c": "done"}
    failed = next(s for s in summary.stages if s.name == "f")
    assert "column 'gdp' is negative in rows 7" in failed.reason
    # Its files are in OUT.failed, marked as such; OUT holds no output of it, only the
    # stage cache of the stages that completed (reused by the next run).
    assert summary.folder == tmp_path.parent / f"{tmp_path.name}.failed"
    log = (summary.folder / "carbongap.log").read_text()
    assert "stage f failed" in log and "needs stage 'f' (failed)" in log
    assert "failed carbongap run" in (summary.folder / MARKER).read_text()
    assert [p.name for p in tmp_path.iterdir()] == [".cache"]


def test_outputs_attrition_config_and_manifest(tmp_path):
    summary = run_pipeline(Config(), out=tmp_path, registry=REGISTRY)
    summary_csv = pd.read_csv(tmp_path / "attrition.csv")
    assert summary_csv.to_dict("records") == [
        {"stage": "a", "reason": "x missing", "count": 1, "examples": "130100:2006"}]
    assert (tmp_path / "config.resolved.toml").read_text() == Config().to_toml(results_only=True)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert set(manifest["outputs"]) == {"tables/a.csv", "tables/b.csv", "tables/c.csv",
                                        "attrition.csv", "attrition_detail.csv",
                                        "config.resolved.toml"}
    assert [stage["status"] for stage in manifest["stages"]] == ["done"] * 3
    assert "numpy" in manifest["packages"]
    assert all(p.exists() for p in summary.paths)


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "table.csv"
    target.write_text("old\n")

    def interrupted_write() -> None:
        with atomic.atomic_path(target) as tmp:
            tmp.write_text("half a fi")
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        interrupted_write()
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]


def test_edited_input_file_invalidates_the_cache(tmp_path):
    # The bytes of files named in the configuration are part of the cache key.
    data = tmp_path / "panel.csv"
    data.write_text("v1\n")
    registry = (Stage("validate", (), ("data",), *_functions(_compute_a, "a"),
                      files=(("data", "panel"),)),)
    config = _with(Config(), "data", panel=str(data))
    out = tmp_path / "out"
    assert run_pipeline(config, out=out, registry=registry).status("validate") == "done"
    assert run_pipeline(config, out=out, registry=registry).status("validate") == "cached"
    data.write_text("v2\n")
    assert run_pipeline(config, out=out, registry=registry).status("validate") == "done"


def test_each_input_file_is_hashed_once_per_run(tmp_path, monkeypatch):
    # One sha256 serves the cache key, manifest.json and REPORT.md.
    from carbongap.pipeline import provenance

    calls = Counter()
    real = provenance.file_sha256

    def counting(path):
        calls[str(path)] += 1
        return real(path)

    monkeypatch.setattr(provenance, "file_sha256", counting)
    data = tmp_path / "panel.csv"
    data.write_text("v1\n")
    registry = (Stage("validate", (), ("data",), *_functions(_compute_a, "a"),
                      files=(("data", "panel"),)),)
    config = _with(Config(), "data", panel=str(data))
    assert run_pipeline(config, out=tmp_path / "out", registry=registry).ok
    assert calls == {str(data): 1}
    manifest = json.loads((tmp_path / "out/manifest.json").read_text())
    assert manifest["inputs"]["data.panel"]["sha256"] == real(data)


def test_atomic_write_gives_normal_permissions(tmp_path):
    import os
    import stat

    mask = os.umask(0o022)
    try:
        path = atomic.write_text(tmp_path / "x.csv", "a\n")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_outputs_of_the_previous_run_are_removed(tmp_path):
    # The folder holds exactly what the new manifest lists (no stale table beside new ones).
    run_pipeline(Config(), out=tmp_path, registry=REGISTRY)
    assert (tmp_path / "tables/c.csv").is_file()
    (tmp_path / "notes.txt").write_text("mine\n")  # not an output: left alone
    run_pipeline(Config(), targets=["b"], out=tmp_path, registry=REGISTRY)
    assert not (tmp_path / "tables/c.csv").exists()
    assert (tmp_path / "tables/b.csv").is_file()
    assert (tmp_path / "notes.txt").read_text() == "mine\n"
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert "tables/c.csv" not in manifest["outputs"]


def test_run_options_do_not_change_any_output_bytes(tmp_path):
    run_pipeline(Config(), out=tmp_path / "one", registry=REGISTRY)
    run_pipeline(_with(Config(), "run", jobs=2, progress=False), out=tmp_path / "two",
                 registry=REGISTRY)
    one = json.loads((tmp_path / "one/manifest.json").read_text())
    two = json.loads((tmp_path / "two/manifest.json").read_text())
    assert one["outputs"] == two["outputs"]
    assert two["run"]["jobs"] == 2


# --- binary files, the files a run keeps, capabilities ------------------------------------------

def _compute_dta(ctx):
    CALLS["dta"] += 1
    frame = pd.DataFrame({"city_code": [110000, 450100], "name": ["北京市", "南宁市"],
                          "x": [1.5, float("nan")]})
    return StageResult({"dta": frame})


def _write_dta(result, out, config):
    from carbongap.io.dta import write_dta

    frame = result.tables["dta"]
    out.file("stata/panel.dta", lambda tmp: write_dta(frame, tmp, file_label="a test"))
    out.file("stata/blob.bin", b"\x00\x01binary")
    out.table("tables/dta.csv", frame)


DTA_REGISTRY = (Stage("exports", (), ("exports",), _compute_dta, _write_dta),)


def test_binary_files_are_in_the_manifest_and_reproducible(tmp_path):
    import hashlib

    run_pipeline(Config(), out=tmp_path / "out", registry=DTA_REGISTRY)
    first = (tmp_path / "out/stata/panel.dta").read_bytes()
    manifest = json.loads((tmp_path / "out/manifest.json").read_text())
    assert {k: v for k, v in manifest["outputs"].items() if k.startswith("stata/")} == {
        "stata/blob.bin": hashlib.sha256(b"\x00\x01binary").hexdigest(),
        "stata/panel.dta": hashlib.sha256(first).hexdigest()}
    assert "tables/dta.csv" in manifest["outputs"]
    # A rerun without the cache writes the same bytes (the .dta timestamp is fixed).
    run_pipeline(Config(), out=tmp_path / "out", registry=DTA_REGISTRY, use_cache=False)
    assert CALLS["dta"] == 2
    assert (tmp_path / "out/stata/panel.dta").read_bytes() == first
    assert b"01 Jan 1970 00:00" in first[:200]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing beside it


def test_previous_outputs_are_dropped_and_other_files_kept(tmp_path):
    out = tmp_path / "out"
    run_pipeline(Config(), out=out, registry=DTA_REGISTRY)
    (out / "stata/mine.do").write_text("* not an output\n")
    (out / ".gitkeep").write_text("")
    # A run without the exports stage drops the previous run's exports, nothing else.
    run_pipeline(Config(), out=out, registry=REGISTRY[:1])
    assert sorted(p.name for p in (out / "stata").iterdir()) == ["mine.do"]
    assert (out / ".gitkeep").is_file() and any((out / ".cache").iterdir())
    manifest = json.loads((out / "manifest.json").read_text())
    assert not [k for k in manifest["outputs"] if k.startswith("stata/")]


def test_writer_refuses_paths_outside_the_run_folder(tmp_path):
    from carbongap.stagekit.writer import OutputWriter

    writer = OutputWriter(tmp_path / "out")
    for bad in ("../escape.csv", "/etc/passwd", ""):
        with pytest.raises(ValueError, match="must be relative and stay inside"):
            writer.text(bad, "x")
    assert writer.written == []


def _compute_r(ctx):
    CALLS["r"] += 1
    return StageResult({"r": pd.DataFrame({"x": [1.0]})})


def _compute_after(ctx):
    return StageResult({"after": ctx.table("rstage", "r")})


R_REGISTRY = (*REGISTRY[:2],
              Stage("rstage", ("b",), ("regressions",), *_functions(_compute_r, "r"),
                    requires=("R",)),
              Stage("after", ("rstage",), ("exports",),
                    *_functions(_compute_after, "after")))


def _capabilities(reason: str | None, versions: dict[str, str] | None = None):
    from carbongap.stagekit.capabilities import Capability

    probes: Counter[str] = Counter()

    def unavailable() -> str | None:
        probes["R"] += 1
        return reason

    return {"R": Capability("R", unavailable, lambda: dict(versions or {}),
                            "apt-get install r-base-core")}, probes


def test_stage_needing_missing_r_is_skipped_with_how_to_install(tmp_path):
    registry, probes = _capabilities("rpy2 cannot start R: libR.so not found")
    summary = run_pipeline(Config(), out=tmp_path, registry=R_REGISTRY,
                           capabilities=registry)
    assert summary.ok
    assert [summary.status(n) for n in ("a", "b", "rstage", "after")] == [
        "done", "done", "skipped", "skipped"]
    skipped = next(s for s in summary.stages if s.name == "rstage")
    assert skipped.reason == ("R unavailable (rpy2 cannot start R: libR.so not found); "
                              "install: apt-get install r-base-core")
    assert CALLS["r"] == 0 and probes["R"] == 1
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["r"] == "not available: rpy2 cannot start R: libR.so not found"


def test_stage_needing_missing_r_fails_when_r_is_required(tmp_path):
    registry, _ = _capabilities("R is not installed")
    config = _with(Config(), "run", require_r=True)
    summary = run_pipeline(config, out=tmp_path, registry=R_REGISTRY, capabilities=registry)
    assert not summary.ok
    failed = next(s for s in summary.stages if s.name == "rstage")
    assert failed.status == "failed"
    assert "R unavailable (R is not installed) and required (--require-r)" in failed.reason


def test_r_versions_enter_the_key_of_stages_using_r_only(tmp_path):
    old, _ = _capabilities(None, {"R": "4.2.2", "quantreg": "5.94"})
    new, _ = _capabilities(None, {"R": "4.2.2", "quantreg": "5.95"})
    first = run_pipeline(Config(), out=tmp_path, registry=R_REGISTRY, capabilities=old)
    assert first.status("rstage") == "done"
    assert run_pipeline(Config(), out=tmp_path, registry=R_REGISTRY,
                        capabilities=old).status("rstage") == "cached"
    again = run_pipeline(Config(), out=tmp_path, registry=R_REGISTRY, capabilities=new)
    assert [again.status(n) for n in ("a", "b", "rstage", "after")] == [
        "cached", "cached", "done", "done"]
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["r"] == {"R": "4.2.2", "quantreg": "5.95"}


def test_r_is_not_probed_when_no_stage_needs_it(tmp_path):
    registry, probes = _capabilities(None, {"R": "4.2.2"})
    run_pipeline(Config(), out=tmp_path, registry=REGISTRY, capabilities=registry)
    assert probes["R"] == 0
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["r"] == "not used by the stages of this run"


def test_r_versions_other_than_the_lock_warn_and_fail_under_strict(tmp_path):
    from carbongap.stagekit.capabilities import Capability

    def registry(locked):
        return {"R": Capability("R", lambda: None, lambda: {"R": "4.2.2", "quantreg": "5.95"},
                                "apt-get install r-base-core", lambda: dict(locked))}

    same = run_pipeline(Config(), out=tmp_path / "same", registry=R_REGISTRY,
                        capabilities=registry({"R": "4.2.2", "quantreg": "5.95"}))
    assert same.warnings == []
    other = run_pipeline(Config(), out=tmp_path / "other", registry=R_REGISTRY,
                         capabilities=registry({"R": "4.2.2", "quantreg": "5.94"}))
    assert other.ok and other.status("rstage") in ("done", "cached")
    assert other.warnings == ["rstage: R: quantreg 5.95 differs from the locked 5.94 "
                              "(carbongap/data/r_versions.toml); results may differ from the "
                              "deposited ones"]
    strict = run_pipeline(_with(Config(), "run", strict=True), out=tmp_path / "strict",
                          registry=R_REGISTRY,
                          capabilities=registry({"R": "4.2.2", "quantreg": "5.94"}))
    assert strict.status("rstage") == "failed" and "quantreg 5.95" in next(
        s.reason for s in strict.stages if s.name == "rstage")


def test_the_r_lock_is_what_the_readme_states():
    import tomllib
    from pathlib import Path

    from carbongap.stagekit.capabilities import _r_locked

    repo = Path(__file__).resolve().parents[1]
    locked = _r_locked()
    assert locked == tomllib.loads((repo / "python/carbongap/data/r_versions.toml").read_text())
    readme = (repo / "README.md").read_text(encoding="utf-8")
    for component, version in locked.items():
        assert f"{component} {version}" in readme, component
