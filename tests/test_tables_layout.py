"""Tables in the paper's layout, the scorecard and the stars audit, on fixed inputs."""

from __future__ import annotations

import pandas as pd
import pytest

from carbongap.tables.layout import table_grid, table_latex, table_markdown
from carbongap.tables.published import load_published, scorecard, scorecard_summary, stars_audit
from carbongap.tables.specs import TableSpec

SPECS = (
    TableSpec(3, 1, "developed", "lnCO2", "production", ("lnT", "lnP"), ("lnT",), "Developed",
              "Technology & CO2", "标题"),
    TableSpec(3, 2, "underdeveloped", "lnCO2", "production", ("lnT", "lnP"), ("lnT",),
              "Underdeveloped", "Technology & CO2", "标题"),
)


def _estimates() -> pd.DataFrame:
    rows = []
    for part, n, values in ((1, 891, (11.1304, 0.6031, 7.7382, 0.748)),
                            (2, 605, (2.1771, 0.4181, -0.3, 0.457))):
        for tau, (coef, se) in zip((0.2, 0.4), (values[:2], values[2:]), strict=True):
            stars = 3 if abs(coef / se) > 2.576 else 0
            rows += [{"table": 3, "part": part, "term": "lnT", "tau": tau, "coef": coef,
                      "se": se, "stars": stars, "n": n},
                     {"table": 3, "part": part, "term": "lnP", "tau": tau, "coef": 1.0,
                      "se": 0.1, "stars": 3, "n": n}]
    return pd.DataFrame(rows)


def test_grid_has_the_paper_rows():
    groups, body = table_grid(_estimates(), SPECS, 3)
    assert groups == [("Developed", [0.2, 0.4]), ("Underdeveloped", [0.2, 0.4])]
    assert body == [["lnT", "11.130***", "7.738***", "2.177***", "-0.300"],
                    ["", "(0.603)", "(0.748)", "(0.418)", "(0.457)"],
                    ["Controls", "YES", "YES", "YES", "YES"],
                    ["N", "891", "891", "605", "605"]]


def test_markdown_rendering():
    text = table_markdown(_estimates(), SPECS, 3)
    assert text.splitlines()[:4] == [
        "**Table 3. Technology & CO2** (标题; dependent: lnCO2)", "",
        "| variable | Developed, τ = 0.2 | Developed, τ = 0.4 | Underdeveloped, τ = 0.2 | "
        "Underdeveloped, τ = 0.4 |",
        "|---|:---:|:---:|:---:|:---:|"]
    assert "| lnT | 11.130\\*\\*\\* | 7.738\\*\\*\\* | 2.177\\*\\*\\* | -0.300 |" in text


def test_latex_rendering_uses_booktabs_and_escapes():
    text = table_latex(_estimates(), SPECS, 3)
    assert r"\caption{Table 3. Technology \& CO2}" in text
    assert r" & \multicolumn{2}{c}{Developed} & \multicolumn{2}{c}{Underdeveloped} \\" in text
    assert r"\cmidrule(lr){2-3} \cmidrule(lr){4-5}" in text
    assert r"lnT & 11.130*** & 7.738*** & 2.177*** & -0.300 \\" in text
    assert text.index(r"\toprule") < text.index(r"\midrule") < text.index(r"\bottomrule")


def test_the_published_stars_are_consistent_with_their_coefficients_and_ses():
    audit = stars_audit(load_published())
    assert len(audit) == 120
    assert int((~audit["agrees"]).sum()) == 0
    row = audit.iloc[0]  # Table 1, lnT, 0.2: 5.693 / 0.369
    assert row["z"] == pytest.approx(5.693 / 0.369) and row["implied_stars"] == 3


def test_scorecard_against_published_values():
    published = load_published()
    mine = published.loc[published["table"] == 3].copy()
    mine["coef"] = mine["coef"] * ([1.0, -1.0] * (len(mine) // 2))
    mine["stars"] = 3
    mine["se"] = 1.0
    card = scorecard(mine.assign(n=0), published)
    ran = card.loc[card["table"] == 3]
    assert ran["sign_agrees"].tolist() == [True, False] * (len(ran) // 2)
    assert card.loc[card["table"] != 3, "sign_agrees"].isna().all()
    counts = scorecard_summary(card)
    assert counts["published"] == 120 and counts["reproduced"] == len(ran) == 8
    assert counts["same_sign"] == 4 and counts["same_stars"] == 8
    # |diff| / published SE: 0 where the sign was kept, 2|coef|/se where flipped
    flipped = ran.iloc[1]
    assert flipped["diff_over_se"] == pytest.approx(2 * abs(flipped["coef_published"])
                                                    / flipped["se_published"])
