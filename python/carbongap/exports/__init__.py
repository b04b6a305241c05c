"""Exports for Stata users (docs/methods.md §8): labelled ``.dta`` files, a do-file that
reruns Tables 1-8 with ``qreg``, and a codebook.

Modules: ``names`` (legal Stata names, with a mapping where one had to change),
``labels`` (the label of every exported variable), ``datasets`` (the frames as Stata
datasets: types, labels, value labels, notes), ``dofile`` (``replicate_tables.do`` from
the table specifications), ``codebook`` (``CODEBOOK.md``), ``stata`` (all of it from a
run's tables).
"""
