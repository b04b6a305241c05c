# The tests need a Python with carbongap (CARBONGAP_PYTHON, or what cg_python() finds);
# without one they skip with the package's one-line message. The repository's test suite
# (tests/test_r_package.py) always sets CARBONGAP_PYTHON, so they never skip there.
need_python <- function() {
  found <- tryCatch(carbongap::cg_python(), error = function(e) conditionMessage(e))
  if (!file.exists(found)) testthat::skip(found)
  # a run started from these tests must not start R inside Python inside R
  Sys.setenv(CARBONGAP_NO_R = "1")
}
