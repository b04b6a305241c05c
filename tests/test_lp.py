"""carbongap.lp: the one constructor of HiGHS instances prints nothing."""

from __future__ import annotations

import subprocess
import sys

#: A fresh process (HiGHS writes its banner once per process) that builds an instance and
#: solves a one-column LP through it.
SOLVE_ONE_LP = """
import highspy
import numpy as np
from carbongap.lp import new_highs

model = new_highs({"presolve": "off"})
lp = highspy.HighsLp()
lp.num_col_ = 1
lp.num_row_ = 0
lp.col_cost_ = np.array([1.0])
lp.col_lower_ = np.array([0.0])
lp.col_upper_ = np.array([2.0])
model.passModel(lp)
model.run()
assert model.getModelStatus() == highspy.HighsModelStatus.kOptimal
"""


def test_new_highs_is_silent_from_construction_to_solution():
    done = subprocess.run([sys.executable, "-c", SOLVE_ONE_LP], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
