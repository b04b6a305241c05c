"""The table specifications file (Tables 1-8) and its validation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from carbongap.errors import ConfigError
from carbongap.tables.specs import FIELDS, default_specs_path, load_table_specs

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = ROOT / "replication/published/published_tables.csv"
SPECS = ROOT / "replication/config/tables.csv"


def test_built_in_specs_are_the_repository_file():
    path = default_specs_path()
    assert path is not None
    assert path.read_bytes() == SPECS.read_bytes()


def test_paper_specs_cover_every_published_cell():
    # Independent check: the published table (transcribed from the paper) names the same
    # table/dependent/sample/block groups, and prints exactly the shown regressors.
    specs = load_table_specs()
    assert len(specs) == 16 and [s.table for s in specs] == sorted(s.table for s in specs)
    published = pd.read_csv(PUBLISHED)
    groups = published.groupby(["table", "dep_var", "sample", "block"])["regressor"]
    printed = {key: set(values) for key, values in groups}
    by_key = {(s.table, s.dependent, s.sample, s.block): s for s in specs}
    assert set(by_key) == set(printed)
    for key, spec in by_key.items():
        assert set(spec.shown) == printed[key], key
    # Tables 1-2 print every regressor; 3-8 the technology terms with "controls: YES".
    assert all(not s.controls for s in specs if s.table <= 2)
    assert all(s.controls for s in specs if s.table >= 3)


def test_formula_and_controls():
    table7 = [s for s in load_table_specs() if s.table == 7]
    assert table7[0].formula == "lnCO2 ~ lnPC + lnEC + lnP + lnA + lnI"
    assert table7[1].formula == "lnCO2pgdp ~ lnPC + lnEC + lnP + lnI"
    assert table7[1].controls == ("lnP", "lnI")


def _write(tmp_path: Path, rows: list[str], header: str = ",".join(FIELDS)) -> Path:
    path = tmp_path / "specs.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


GOOD = "1,1,all,lnCO2,production,lnT lnP,lnT,Production,Title,标题"


def test_a_small_valid_file(tmp_path):
    (spec,) = load_table_specs(_write(tmp_path, [GOOD]))
    assert spec.regressors == ("lnT", "lnP") and spec.title_zh == "标题"


@pytest.mark.parametrize(("row", "message"), [
    ("1,1,all,lnCO2,production,lnT lnQ,lnT,P,T,t",
     "line 2 (table 1, part 1): field 'regressors' names unknown variable(s) lnQ"),
    ("1,1,coastal,lnCO2,production,lnT,lnT,P,T,t",
     "line 2 (table 1, part 1): field 'sample' = 'coastal' is not one of: all, developed"),
    ("1,1,all,lnT,production,lnP,lnP,P,T,t",
     "field 'dependent' = 'lnT' is not one of: lnCO2, lnCO2pgdp"),
    ("1,1,all,lnCO2,production,lnT lnP,lnA,P,T,t",
     "field 'shown' has lnA, which are not among the regressors"),
    ("1,,all,lnCO2,production,lnT,lnT,P,T,t", "line 2 (table 1, part ): field 'part' is empty"),
    ("x,1,all,lnCO2,production,lnT,lnT,P,T,t", "field 'table' must be a whole number, got 'x'"),
    ("1,1,all,lnCO2,production,lnT lnT,lnT,P,T,t", "field 'regressors' repeats a variable"),
])
def test_a_bad_entry_names_file_entry_and_field(tmp_path, row, message):
    path = _write(tmp_path, [row])
    with pytest.raises(ConfigError) as info:
        load_table_specs(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_every_problem_is_reported_at_once(tmp_path):
    path = _write(tmp_path, [GOOD, GOOD.replace("lnT lnP", "lnT lnZ"),
                             "2,1,all,lnCO2,production,lnT,lnT,P,Title,t",
                             "2,2,all,lnCO2,green,lnGT,lnGT,G,Other title,t"])
    with pytest.raises(ConfigError) as info:
        load_table_specs(path)
    text = str(info.value)
    assert "line 3 (table 1, part 1): field 'regressors' names unknown variable(s) lnZ" in text
    assert "table 1, part 1 appears twice" in text
    assert "table 2: field 'title' differs between its parts" in text


def test_bad_columns_and_missing_file(tmp_path):
    path = _write(tmp_path, [GOOD + ",extra"], header=",".join(FIELDS[:-1]) + ",note,more")
    with pytest.raises(ConfigError, match="missing column\\(s\\) title_zh; unknown column"):
        load_table_specs(path)
    with pytest.raises(ConfigError, match="do not exist; set \\[regressions\\] specs"):
        load_table_specs(tmp_path / "none.csv")
    path = _write(tmp_path, ["1,1,all,lnCO2,production,lnT,lnT,P,T,t,surplus"])
    with pytest.raises(ConfigError, match="line 2: more fields than the 10 columns"):
        load_table_specs(path)
