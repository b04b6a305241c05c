"""Reading and checking the raw inputs (docs/methods.md §3, §10), one module a job.

``schema`` (the canonical columns, their units and accepted headers), ``cells`` (cells into
typed columns, with the file, column and rows in every error; the column checks both
tables share), ``checks`` (key, range and uniqueness checks), ``city_panel`` (the city
panel), ``provinces`` (the provincial table) and ``load`` (:func:`load_panel`: files, the
CEADs workbook or the synthetic panel, validated).
"""
