"""Tables 1-8 under every method choice of a grid (docs/methods.md §13).

Modules: ``grid`` (the grid file, its axes and the specifications of a design),
``estimates`` (every specification's Tables 1-8, long), ``summary`` (per key coefficient:
sign stability, significance, range; the specification-curve data) and ``figures`` (the
specification curve).
"""
