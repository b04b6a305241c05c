"""``inference_se.do``: the resampling standard errors recomputed in Stata from every
replication's coefficients (``inference_replicates.dta``; docs/methods.md §14).

The pipeline bootstrap's SE is the standard deviation (ddof 1, as Stata's ``collapse
(sd)``) of replications 1..B; the subsampling SE is that of the subsamples times the
rescaling (m/n)^a, written into the do-file as a number. The percentile intervals are
left to the CSV: Stata's ``_pctile`` does not use numpy's default (R's type 7) quantile.
"""

from __future__ import annotations

import textwrap

from .._version import __version__


def inference_do(scale: float, ratio_text: str) -> str:
    """The do-file; ``scale`` = (m/n)^a and ``ratio_text`` says what it is made of."""
    return textwrap.dedent(f"""\
        * carbongap {__version__}: the standard errors of tables/inference_coefficients.csv
        * (boot_se, sub_se) recomputed from every replication's coefficients.
        * Run it in the folder holding inference_replicates.dta:  do inference_se.do
        * It writes stata_inference_se.csv: scheme, table, part, term, tau, se, reps.
        version 14
        use inference_replicates.dta, clear
        * replication 0 is the data as they are (the point estimate), not a draw
        drop if rep == 0
        collapse (sd) se = coef (count) reps = coef, by(scheme table part term tau)
        * subsampling: rescaled by (m/n)^a = {ratio_text}
        replace se = se * {scale!r} if scheme == "subsampling"
        format se %21.0g
        export delimited using stata_inference_se.csv, replace datafmt
        """)
