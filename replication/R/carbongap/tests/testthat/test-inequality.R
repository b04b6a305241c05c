test_that("cg_gini and cg_dagum give hand-computed numbers", {
  need_python()
  # sum_ij |x_i - x_j| = 20 for 1..4; 2 n^2 mu = 80
  expect_equal(cg_gini(c(1, 2, 3, 4)), 0.25, tolerance = 1e-15)
  # integer weights repeat the values
  expect_equal(cg_gini(c(1, 3), weights = c(2, 1)), cg_gini(c(1, 1, 3)), tolerance = 1e-15)
  parts <- cg_dagum(c(1, 2, 3, 4, 10, 12), c("a", "a", "a", "b", "b", "b"))
  expect_equal(parts$total, cg_gini(c(1, 2, 3, 4, 10, 12)), tolerance = 1e-14)
  expect_equal(parts$within + parts$between_net + parts$transvariation, parts$total,
               tolerance = 1e-14)
  expect_identical(nrow(parts$groups), 2L)
})
