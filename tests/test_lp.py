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


#: A fresh process: the quantile regression's simplex options, then the DEA engine's, each
#: on an instance from new_highs (HiGHS sizes its thread scheduler once per process).
QREG_THEN_DEA = """
import highspy
from carbongap.dea.highs import HIGHS_OPTIONS
from carbongap.lp import new_highs
from carbongap.qreg.simplex import OPTIONS

for options in (OPTIONS, HIGHS_OPTIONS):
    model = new_highs(options)
    model.addVar(0.0, 10.0)
    model.changeColCost(0, -1.0)
    model.run()
    print(model.modelStatusToString(model.getModelStatus()))
"""


def test_models_with_different_options_all_solve_in_one_process():
    # Before every instance was set to one thread, a DEA model made after a quantile
    # regression's simplex fallback did not run ("Not Set"), and the panel came out empty.
    done = subprocess.run([sys.executable, "-c", QREG_THEN_DEA], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["Optimal", "Optimal"]
