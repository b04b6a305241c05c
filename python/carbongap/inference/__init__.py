"""Inference with estimated productivity: the pipeline bootstrap and m-out-of-n subsampling.

docs/methods.md §14. Modules, one job each: ``draws`` (which cities a replication uses),
``replication`` (one replication of the DEA, the regression panel and Tables 1-8),
``resampling`` (every replication, in chunks on the workers), ``intervals`` (standard
errors and intervals from the replicates), ``tables`` (the cells side by side with the
conventional SEs), ``coverage`` (the coverage of intervals; the committed study result),
``dofile`` (the Stata do-file of the SEs). The stage is :mod:`carbongap.stages.inference`,
the coverage study :mod:`carbongap.studies.inference`.
"""
