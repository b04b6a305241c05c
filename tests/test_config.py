"""The configuration: paper.toml equals the built-in defaults; bad values are refused."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from carbongap.config import Config, load_config, parse_override
from carbongap.errors import ConfigError

PAPER_TOML = Path(__file__).resolve().parents[1] / "replication" / "config" / "paper.toml"


def test_paper_toml_spells_out_every_default():
    data = tomllib.loads(PAPER_TOML.read_text(encoding="utf-8"))
    assert data == Config().to_dict()  # same sections, same keys, same values


def test_loading_paper_toml_gives_the_defaults():
    assert load_config(PAPER_TOML) == Config()


def test_paper_values():
    cfg = Config()
    assert cfg.accounting.delta == 0.05 and cfg.accounting.base_year == 2006
    assert cfg.accounting.factors == "paper" and cfg.accounting.electricity is False
    assert cfg.productivity.frontier == "contemporaneous"
    assert cfg.productivity.years == (2006, 2016) and cfg.analysis.years == (2007, 2016)
    assert cfg.regressions.taus == (0.2, 0.4, 0.6, 0.8) and cfg.regressions.se == "nid"
    assert cfg.inequality.correction is False


def test_resolved_toml_round_trips(tmp_path):
    cfg = load_config(overrides=["productivity.frontier=global", "inequality.bootstrap_draws=9"])
    path = tmp_path / "resolved.toml"
    path.write_text(cfg.to_toml(), encoding="utf-8")
    assert load_config(path) == cfg
    assert cfg.productivity.frontier == "global" and cfg.inequality.bootstrap_draws == 9


@pytest.mark.parametrize(("override", "message"), [
    ("productivity.frontier=\"weekly\"", "not one of: contemporaneous, sequential"),
    ("accounting.delta=1.5", "delta must be in"),
    ("accounting.delta=\"five\"", "must be a number"),
    ("run.jobs=0", "jobs must be >= 1"),
    ("nonsense.key=1", "unknown section [nonsense]"),
    ("accounting.depreciation=0.1", "unknown key [accounting] depreciation"),
    ("regressions.taus=[0.2, 1.2]", "taus must be non-empty and lie in (0, 1)"),
    ("productivity.years=[2016, 2006]", "first <= last"),
    ("analysis.years=[2007]", "must have 2 items"),
    ("inequality.correction=1", "must be true or false"),
    ("regressions.se=\"cluster\"",
     "[regressions] se = 'cluster' is not one of: nid, iid, ker, boot"),
    ("regressions.cluster=\"city_code\"",
     "[regressions] cluster = 'city_code' needs se = \"boot\" (a cluster bootstrap)"),
    ("regressions.boot_reps=0", "boot_reps must be >= 1"),
])
def test_bad_values_are_refused(override, message):
    with pytest.raises(ConfigError) as info:
        load_config(overrides=[override])
    assert message in str(info.value)


def test_override_syntax():
    assert parse_override("a.b=3") == ("a", "b", 3)
    assert parse_override("a.b=hello") == ("a", "b", "hello")
    assert parse_override("a.b=[1, 2]") == ("a", "b", [1, 2])
    with pytest.raises(ConfigError, match=r"section\.key=value"):
        parse_override("nodot=1")


def test_section_hash_changes_only_with_its_section():
    base = Config()
    changed = dataclasses.replace(
        base, regressions=dataclasses.replace(base.regressions, se="iid"))
    assert base.section_hash(["accounting"]) == changed.section_hash(["accounting"])
    assert base.section_hash(["regressions"]) != changed.section_hash(["regressions"])


def test_missing_and_invalid_files(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[run\njobs = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)


def test_cluster_bootstrap_is_boot_with_a_cluster_variable():
    cfg = load_config(overrides=["regressions.se=\"boot\"", "regressions.cluster=\"city_code\""])
    assert (cfg.regressions.se, cfg.regressions.cluster) == ("boot", "city_code")
