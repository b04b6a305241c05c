"""Unit warnings for fuel columns: the catalog's plausible medians reach validation."""

from __future__ import annotations

from pathlib import Path

from carbongap.ingest.load import load_panel
from carbongap.ingest.schema import fuel_catalog, fuel_columns
from carbongap.synth import validated

from panel_factory import raw_panel, raw_provinces


def _load(tmp_path: Path, **scale: float):
    panel = raw_panel()
    for column, factor in scale.items():
        panel[column] = panel[column] * factor
    panel.to_csv(tmp_path / "panel.csv", index=False)
    raw_provinces().to_csv(tmp_path / "provinces.csv", index=False)
    return load_panel(tmp_path / "panel.csv", tmp_path / "provinces.csv", years=(2006, 2008))


def _unit_warnings(notes: tuple[str, ...]) -> list[str]:
    return [n for n in notes if "check the unit" in n]


def test_natural_gas_in_cubic_metres_is_warned(tmp_path: Path) -> None:
    # the factory's gas is 30000-30200 x 10^4 m3 (median 30100); in m3 that is 3.01e8,
    # above the catalog's [30, 2e6]
    loaded = _load(tmp_path, natural_gas=1e4)
    warnings = _unit_warnings(loaded.notes)
    assert len(warnings) == 1
    assert warnings[0] == (f"warning: {tmp_path / 'panel.csv'}: column 'natural_gas' has median "
                           "3.01e+08, outside the usual range [30, 2e+06] for 10^4 m3: check "
                           "the unit; values look like m3: divide by 10,000 to get 10^4 m3")


def test_lpg_in_kilograms_is_warned(tmp_path: Path) -> None:
    # 50000 t = 5e7 kg > 1e6
    warnings = _unit_warnings(_load(tmp_path, lpg=1e3).notes)
    assert len(warnings) == 1
    assert "column 'lpg' has median 5e+07, outside the usual range [100, 1e+06] for t" in (
        warnings[0])


def test_fuels_in_the_catalog_units_are_not_warned(tmp_path: Path) -> None:
    assert _unit_warnings(_load(tmp_path).notes) == []


def test_synthetic_default_fuels_are_not_warned() -> None:
    # crude oil is 0 in most synthetic cities (median 0): its range starts at 0
    loaded = validated(window=(2006, 2019))
    assert loaded.cities["crude_oil"].median() == 0.0
    assert _unit_warnings(loaded.notes) == []


def test_fuel_columns_carry_the_catalog_ranges() -> None:
    ranges = {c.name: c.plausible_median for c in fuel_columns()}
    assert ranges == {f.fuel: f.plausible_median for f in fuel_catalog()}
    assert ranges["natural_gas"] == (30.0, 2e6)
    assert ranges["lpg"] == (100.0, 1e6)
    assert all(r is not None and 0.0 <= r[0] < r[1] for r in ranges.values())
