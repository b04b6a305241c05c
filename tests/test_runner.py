"""The staged runner: caching, downstream-only reruns, statuses, manifest, atomic writes."""

from __future__ import annotations

import dataclasses
import json
import sys
import types
from collections import Counter

import pandas as pd
import pytest

from carbongap import attrition
from carbongap.config import Config
from carbongap.errors import DataError
from carbongap.io import atomic
from carbongap.pipeline.runner import run_pipeline
from carbongap.pipeline.stage import Stage, StageResult

CALLS: Counter[str] = Counter()


def _module(name: str, compute, table: str) -> str:
    module = types.ModuleType(f"fake_stage_{name}")
    module.compute = compute

    def write(result, out, config):
        out.table(f"tables/{table}.csv", result.tables[table])

    module.write = write
    sys.modules[module.__name__] = module
    return module.__name__


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
    Stage("a", (), ("data",), _module("a", _compute_a, "a")),
    Stage("b", ("a",), ("accounting",), _module("b", _compute_b, "b")),
    Stage("c", ("b",), ("regressions",), _module("c", _compute_c, "c")),
    Stage("d", ("a",), ("exports",), None, planned_in="a later issue"),
    Stage("e", ("d",), ("exports",), _module("e", _compute_c, "c")),
)
FAILING = (*REGISTRY[:2], Stage("f", ("a",), ("analysis",), _module("f", _compute_fail, "f")),
           Stage("g", ("f",), ("analysis",), _module("g", _compute_c, "c")), REGISTRY[2])


@pytest.fixture(autouse=True)
def _reset_calls():
    CALLS.clear()


def _with(config: Config, section: str, **values) -> Config:
    return dataclasses.replace(config, **{section: dataclasses.replace(getattr(config, section),
                                                                      **values)})


def test_second_run_reuses_every_stage(tmp_path):
    first = run_pipeline(Config(), out=tmp_path, registry=REGISTRY)
    assert [s.status for s in first.stages] == ["done", "done", "done", "not implemented",
                                                "skipped"]
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
    log = (tmp_path / "carbongap.log").read_text()
    assert "stage f failed" in log and "needs stage 'f' (failed)" in log


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
    assert manifest["stages"][3]["status"] == "not implemented"
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
    registry = (Stage("validate", (), ("data",), _module("v", _compute_a, "a")),)
    config = _with(Config(), "data", panel=str(data))
    out = tmp_path / "out"
    assert run_pipeline(config, out=out, registry=registry).status("validate") == "done"
    assert run_pipeline(config, out=out, registry=registry).status("validate") == "cached"
    data.write_text("v2\n")
    assert run_pipeline(config, out=out, registry=registry).status("validate") == "done"


def test_each_input_file_is_hashed_once_per_run(tmp_path, monkeypatch):
    # One sha256 serves the cache key, manifest.json and REPORT.md.
    from carbongap.pipeline import inputs

    calls = Counter()
    real = inputs.file_sha256

    def counting(path):
        calls[str(path)] += 1
        return real(path)

    monkeypatch.setattr(inputs, "file_sha256", counting)
    data = tmp_path / "panel.csv"
    data.write_text("v1\n")
    registry = (Stage("validate", (), ("data",), _module("v", _compute_a, "a")),)
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
