"""``carbongap bench``: speed and memory of the engines, against the tools users would
otherwise use. ``dea`` (the SBI Luenberger engine) and ``qreg`` (the quantile regressions).
"""
