"""Tables 1-8 of Zhang & Liu (2024): specifications, estimates, the paper's layout, the
scorecard against the published values, quantile processes and the known-truth check.

Modules: ``specs`` (the specification file), ``estimate`` (every cell, long),
``layout`` (CSV, Markdown and LaTeX in the paper's layout), ``published`` (the published
values, the scorecard and the stars audit), ``process`` (coefficients over τ with OLS),
``truth`` (estimates against the synthetic panel's known coefficients), ``compare``
(bit-for-bit checks of one table of cells against another), ``figures``
(the quantile-process figures). docs/methods.md §7-8.
"""
