test_that("cg_qreg equals quantreg::rq and summary.rq (nid) to 1e-9", {
  need_python()
  skip_if_not_installed("quantreg")
  data(engel, package = "quantreg")
  taus <- c(0.25, 0.5, 0.75)
  fit <- cg_qreg(engel, "foodexp", "income", taus = taus, se = "nid")
  for (k in seq_along(taus)) {
    theirs <- quantreg::rq(foodexp ~ income, tau = taus[k], data = engel)
    table <- summary(theirs, se = "nid")$coefficients
    expect_equal(unname(coef(fit)[, k]), unname(table[, 1]), tolerance = 1e-9)
    expect_equal(unname(sqrt(diag(vcov(fit, tau = taus[k])))), unname(table[, 2]),
                 tolerance = 1e-9)
  }
  expect_identical(rownames(coef(fit)), c("(Intercept)", "income"))
  expect_identical(fit$n, nrow(engel))
  expect_output(print(fit), "Coefficients")
  expect_output(print(summary(fit)), "tau: \\[1\\] 0.5")
})
