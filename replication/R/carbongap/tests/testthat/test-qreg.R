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

test_that("anova(cg_qreg) equals quantreg's anova.rq across quantiles to 1e-9", {
  need_python()
  skip_if_not_installed("quantreg")
  data(barro, package = "quantreg")
  names(barro)[names(barro) == "y.net"] <- "ynet"
  x <- c("lgdp2", "fse2", "gedy2", "Iy2", "gcony2")
  taus <- c(0.25, 0.5, 0.75)
  fit <- suppressWarnings(cg_qreg(barro, "ynet", x, taus = taus, se = "nid"))
  theirs <- lapply(taus, function(t)
    quantreg::rq(ynet ~ lgdp2 + fse2 + gedy2 + Iy2 + gcony2, tau = t, data = barro))
  joint <- suppressWarnings(do.call(anova, c(theirs, list(joint = TRUE))))$table
  each <- suppressWarnings(do.call(anova, c(theirs, list(joint = FALSE))))$table
  ours <- suppressWarnings(anova(fit))
  expect_equal(ours$Tn, joint$Tn, tolerance = 1e-9)
  expect_equal(ours$pvalue, joint$pvalue, tolerance = 1e-9)
  expect_equal(c(ours$ndf, ours$ddf), c(joint$ndf, joint$ddf))
  per <- suppressWarnings(anova(fit, joint = FALSE))
  expect_equal(per$Tn, each$Tn, tolerance = 1e-9)
  expect_equal(rownames(per), x)
})
