"""Monte Carlo studies on the synthetic generator (``carbongap study ...``).

They run whole pipelines (the stages, through :class:`carbongap.stagekit.evaluate.
Evaluator`) many times, so they sit above the pipeline; the pure pieces they summarise
with live in the method packages (e.g. :mod:`carbongap.inference.coverage`).
``inference``: the coverage of the intervals of docs/methods.md §14.
"""
