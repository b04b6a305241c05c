"""``replicate_tables.do``: Tables 1-8 rerun in Stata with ``qreg``, from the same table
specifications as the Python side (:mod:`carbongap.tables.specs`).

One block per table, one ``qreg`` per (part, τ) with the part's sample, dependent and
regressors; each coefficient is posted (``postfile``) with its SE, t, two-sided normal p,
stars and N and the results are exported as ``stata_qreg_estimates.csv``, in the columns
of the Python side's ``qreg_estimates.csv`` (without its objective, uniqueness and solver
columns), so the two compare row by row.

Standard errors: Stata's ``qreg`` has no estimator identical to quantreg's; the do-file
uses the closest one and says in a comment how it differs (:data:`VCE`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

from .._version import __version__
from ..choices import SeMethod
from ..tables.specs import TableSpec
from .datasets import CATEGORIES, FIRST_CODE

#: The configured SE method -> (the Stata option, what it is and how it differs).
VCE: dict[str, tuple[str, str]] = {
    "nid": ("vce(robust, fitted hsheather)",
            "Stata's Huber sandwich with density estimates from the fitted quantiles at "
            "tau +/- h (Hendricks & Koenker), Hall-Sheather h: the same estimator as "
            "quantreg's nid (summary.rq se = 'nid'). quantreg also halves h until "
            "0 < tau +/- h < 1, subtracts eps = 1.5e-8 in the difference quotient and sets "
            "negative densities to 0; Stata's treatment of these edge cases may differ, so "
            "expect SEs close to, not identical with, the Python and R ones. Note that "
            "Stata's default vce(iid) is NOT nid."),
    "iid": ("vce(iid, residual hsheather)",
            "Stata's iid VCE with the sparsity from the empirical quantile function of "
            "the residuals (zero residuals removed), Hall-Sheather h. quantreg's iid takes "
            "the sparsity as the slope of a median regression of the ordered residuals "
            "over a window of width h, so SEs differ slightly."),
    "ker": ("vce(robust, kernel(gaussian) hsheather)",
            "Stata's sandwich with a Gaussian kernel density estimate of the residuals; "
            "quantreg's ker (Powell 1991) scales the Hall-Sheather bandwidth by "
            "min(sd, IQR/1.34) of the residuals, Stata uses its own kernel bandwidth rule, "
            "so SEs differ slightly."),
    "boot": ("(bsqreg, reps)",
             "Stata's bsqreg: the xy-pair bootstrap as quantreg's boot.rq(bsmethod = 'xy'); "
             "the replicates differ (another random number generator), so SEs agree in "
             "distribution, not digit by digit."),
    "cluster": ("(bootstrap, cluster(city_code))",
                "Stata's pairs cluster bootstrap (whole cities resampled). quantreg's "
                "cluster bootstrap, which the Python side follows, is Hagemann's (2017) "
                "wild gradient bootstrap; Stata has none built in, so SEs differ."),
}

COLUMNS = ("table", "part", "sample", "dependent", "block", "term", "tau", "coef", "se", "t",
           "p", "stars", "n")


def _condition(sample: str) -> str:
    if sample == "all":
        return ""
    code = FIRST_CODE["group"] + CATEGORIES["group"].index(sample)
    return f" if group == {code}"


#: A Stata program that posts every coefficient of the last estimation.
POST_PROGRAM = r"""capture program drop post_cells
program define post_cells
    * post every coefficient of the last qreg: SE, t, two-sided normal p, stars, N
    args handle table part sample dependent block tau
    tempname z p
    local names : colnames e(b)
    foreach v of local names {
        local term = cond("`v'" == "_cons", "const", "`v'")
        scalar `z' = _b[`v'] / _se[`v']
        scalar `p' = 2 * normal(-abs(`z'))
        post `handle' (`table') (`part') ("`sample'") ("`dependent'") ("`block'") ///
            ("`term'") (`tau') (_b[`v']) (_se[`v']) (`z') (`p') ///
            ((`p' < 0.1) + (`p' < 0.05) + (`p' < 0.01)) (e(N))
    }
end"""


def _fit(spec: TableSpec, tau: float, vce_key: str, reps: int, cluster: str) -> list[str]:
    regress = f"{spec.dependent} {' '.join(spec.regressors)}{_condition(spec.sample)}"
    if vce_key == "boot":
        command = f"bsqreg {regress}, quantile({tau:g}) reps({reps})"
    elif vce_key == "cluster":
        command = (f"bootstrap, reps({reps}) cluster({cluster}) nodots: "
                   f"qreg {regress}, quantile({tau:g})")
    else:
        command = f"qreg {regress}, quantile({tau:g}) {VCE[vce_key][0]}"
    return [f"quietly {command}",
            f"post_cells `results' {spec.table} {spec.part} {spec.sample} {spec.dependent} "
            f"{spec.block} {tau:g}"]


def replicate_do(specs: Sequence[TableSpec], taus: Sequence[float], se: SeMethod, *,
                 cluster: str = "", reps: int = 200, seed: int = 0,
                 config_sha256: str = "",
                 skipped: Mapping[tuple[int, int], str] | None = None) -> str:
    """The do-file text (module docstring). ``skipped``: (table, part) -> why the run did
    not estimate it; such a part is a comment in the do-file, not a qreg."""
    skipped = skipped or {}
    vce_key = "cluster" if se == "boot" and cluster else se
    option, explanation = VCE[vce_key]
    groups = "; ".join(f"{FIRST_CODE['group'] + k} {g}"
                       for k, g in enumerate(CATEGORIES["group"]))
    lines = [
        "* replicate_tables.do: Tables 1-8 of Zhang & Liu (2024) rerun with qreg.",
        f"* Generated by carbongap {__version__} from the table specifications "
        "(replication/config/tables.csv);",
        f"* configuration sha256 {config_sha256}.",
        "* Run it in the folder holding analysis_panel.dta:  do replicate_tables.do",
        "* It logs to replicate_tables.log and writes stata_qreg_estimates.csv, in the",
        "* columns of the Python side's",
        "* tables/qreg_estimates.csv (compare row by row on table, part, term, tau).",
        "*",
        f"* Standard errors: the run used se = \"{se}\""
        + (f" with cluster = \"{cluster}\"" if cluster else "") + f"; Stata option {option}.",
        *[f"* {line}" for line in textwrap.wrap(explanation, 86)],
        "* p-values are two-sided normal and stars *** p<0.01, ** p<0.05, * p<0.1, as on",
        "* the Python side. Region groups (value label of group): " + groups + ".",
        "",
        "version 14",
        "clear all",
        "set more off",
        "capture log close",
        'log using "replicate_tables.log", text replace',
        f"set seed {seed}",
        'capture confirm file "analysis_panel.dta"',
        "if _rc {",
        '    display as error "analysis_panel.dta not found in " c(pwd) ": run this do-file '
        'in the folder of the carbongap Stata exports (stata/ of a run, or stata_exports/)"',
        "    log close",
        "    exit 601",
        "}",
        'use "analysis_panel.dta", clear',
        "",
        POST_PROGRAM,
        "",
        "tempname results",
        "tempfile estimates",
        "postfile `results' int table int part str16 sample str12 dependent str24 block "
        "str12 term double tau double coef double se double t double p int stars long n "
        'using "`estimates\'", replace',
    ]
    for number in sorted({s.table for s in specs}):
        parts = [s for s in specs if s.table == number]
        lines += ["", f"* Table {number}. {parts[0].title} ({parts[0].title_zh})"]
        for spec in parts:
            lines.append(f"* part {spec.part}: {spec.header}; sample {spec.sample}; "
                         f"{spec.formula}")
            if (spec.table, spec.part) in skipped:
                lines.append(f"* not estimated, as in the run: "
                             f"{skipped[(spec.table, spec.part)]}")
                continue
            for tau in taus:
                lines += _fit(spec, tau, vce_key, reps, cluster)
    lines += ["", "postclose `results'", 'use "`estimates\'", clear',
              f"order {' '.join(COLUMNS)}",
              'export delimited using "stata_qreg_estimates.csv", replace', "log close", ""]
    return "\n".join(lines)
