panel_with_gaps <- function() {
  set.seed(1)
  cities <- c("北京", "天津", "安徽安庆", "湖北武汉", sprintf("城市%02d", 1:12))
  frame <- expand.grid(year = 2010:2013, city = cities, stringsAsFactors = FALSE)
  size <- rep(exp(rnorm(length(cities))), each = 4)
  frame$capital <- 100 * size * exp(rnorm(nrow(frame), 0, 0.3))
  frame$employment <- 10 * size * exp(rnorm(nrow(frame), 0, 0.3))
  frame$gdp <- 50 * frame$capital^0.4 * frame$employment^0.5 *
    exp(0.05 * (frame$year - 2010) - abs(rnorm(nrow(frame), 0, 0.3)))
  frame$co2 <- frame$gdp^0.9 * exp(rnorm(nrow(frame), 0, 0.2))
  frame$gdp[5] <- NA  # one city-year left out (both its pairs)
  frame[, c("city", "year", "capital", "employment", "gdp", "co2")]
}

test_that("cg_luenberger equals the Python engine read from CSV to 1e-12", {
  need_python()
  panel <- panel_with_gaps()
  mine <- cg_luenberger(panel, c("capital", "employment"), "gdp", "co2", unit = "city")
  # the same engine on the same numbers, passed through CSV files instead of the
  # package's conversions
  input <- tempfile(fileext = ".csv")
  output <- tempfile(fileext = ".csv")
  utils::write.csv(panel, input, row.names = FALSE, fileEncoding = "UTF-8")
  reticulate::py_run_string(sprintf(paste(
    "import pandas, carbongap.dea",
    "frame = pandas.read_csv(%s, encoding='utf-8')",
    "from carbongap.dea.technology import run_jobs_kernel",
    "carbongap.dea.luenberger(frame, ['capital', 'employment'], ['gdp'], ['co2'],",
    "    unit='city', solve_jobs=run_jobs_kernel).table.to_csv(%s, index=False,",
    "    encoding='utf-8')", sep = "\n"),
    encodeString(input, quote = "'"), encodeString(output, quote = "'")))
  theirs <- utils::read.csv(output, fileEncoding = "UTF-8", stringsAsFactors = FALSE)
  expect_identical(names(mine), names(theirs))
  expect_identical(mine$city, theirs$city)
  numbers <- names(mine)[vapply(mine, is.numeric, TRUE)]
  expect_gt(length(numbers), 10)
  for (column in numbers) {
    expect_equal(is.na(mine[[column]]), is.na(theirs[[column]]), label = column)
    expect_lte(max(abs(mine[[column]] - theirs[[column]]), 0, na.rm = TRUE), 1e-12)
  }
  statuses <- grep("_status$", names(mine), value = TRUE)
  for (column in statuses) expect_identical(mine[[column]], theirs[[column]])
  # an infeasible LP is NA with its status, never 0
  infeasible <- unlist(lapply(statuses, function(s) {
    mine[[sub("_status$", "", s)]][mine[[s]] %in% "infeasible"]
  }))
  expect_gt(length(infeasible), 0)
  expect_true(all(is.na(infeasible)))
  expect_true(all(c("北京", "安徽安庆") %in% mine$city))
})

test_that("cg_sbi gives NA and a status for an infeasible LP", {
  need_python()
  x <- matrix(c(1, 2, 3, 1, 2, 3), ncol = 2)
  y <- matrix(c(1, 2, 3), ncol = 1)
  inside <- cg_sbi(x, y, rts = "vrs")
  expect_identical(inside$status, rep("optimal", 3))
  expect_equal(inside$value, c(0, 0, 0), tolerance = 1e-12)
  outside <- cg_sbi(matrix(c(1, 1), ncol = 2), matrix(10, ncol = 1), rts = "vrs",
                    x_ref = x, y_ref = y)
  expect_identical(outside$status, "infeasible")
  expect_true(is.na(outside$value))
})

test_that("cg_sbi solves with the kernel by default, equal to HiGHS alone", {
  need_python()
  expect_identical(formals(cg_sbi)$solver, "kernel")
  expect_identical(formals(cg_luenberger)$solver, "kernel")
  set.seed(7)
  x <- matrix(exp(rnorm(60)), ncol = 2)
  y <- matrix(exp(rnorm(30)), ncol = 1)
  b <- matrix(exp(rnorm(30)), ncol = 1)
  for (rts in c("crs", "vrs")) {
    kernel <- cg_sbi(x, y, b, rts = rts)
    highs <- cg_sbi(x, y, b, rts = rts, solver = "highs")
    expect_identical(kernel$status, rep("optimal", 30))
    expect_identical(kernel$status, highs$status)
    expect_lte(max(abs(kernel$value - highs$value)), 1e-9)
    expect_gt(max(kernel$value), 0.05)  # some units lie off the frontier
  }
})

test_that("cg_ddf gives the hand-solved directional distances (docs/methods.md 15)", {
  need_python()
  # F = (x 1, y 1, b 2) against G = (1, 1.5, 0.1) and F: strong 0.5, weak 0
  x <- matrix(c(1, 1), ncol = 1); y <- matrix(c(1.5, 1), ncol = 1)
  b <- matrix(c(0.1, 2), ncol = 1)
  for (rts in c("crs", "vrs")) {
    strong <- cg_ddf(x[2, , drop = FALSE], y[2, , drop = FALSE], b[2, , drop = FALSE],
                     rts = rts, x_ref = x, y_ref = y, b_ref = b, disposability = "strong")
    weak <- cg_ddf(x[2, , drop = FALSE], y[2, , drop = FALSE], b[2, , drop = FALSE],
                   rts = rts, x_ref = x, y_ref = y, b_ref = b)
    expect_equal(strong$value, 0.5, tolerance = 1e-12)
    expect_equal(weak$value, 0, tolerance = 1e-12)
    expect_identical(c(strong$status, weak$status), c("optimal", "optimal"))
  }
  # weak, VRS, against G alone: infeasible, NA with its status
  alone <- cg_ddf(x[2, , drop = FALSE], y[2, , drop = FALSE], b[2, , drop = FALSE],
                  rts = "vrs", x_ref = x[1, , drop = FALSE], y_ref = y[1, , drop = FALSE],
                  b_ref = b[1, , drop = FALSE])
  expect_identical(alone$status, "infeasible")
  expect_true(is.na(alone$value))
})

test_that("cg_malmquist_luenberger: ML = MLEFFCH x MLTECH, the global index has no gaps", {
  need_python()
  panel <- panel_with_gaps()
  ml <- cg_malmquist_luenberger(panel, c("capital", "employment"), "gdp", "co2",
                                unit = "city")
  gml <- cg_malmquist_luenberger(panel, c("capital", "employment"), "gdp", "co2",
                                 unit = "city", global = TRUE)
  for (table in list(ml, gml)) {
    expect_true(all(c("ML", "MLEFFCH", "MLTECH", "D_C_t_t") %in% names(table)))
    ok <- !is.na(table$ML)
    expect_gt(sum(ok), 20)
    expect_lte(max(abs(table$ML[ok] - table$MLEFFCH[ok] * table$MLTECH[ok])), 1e-14)
  }
  expect_true(all(!is.na(gml$ML)))  # every pooled LP is feasible
  expect_true(all(c("D_C_P_t", "D_C_P_t1") %in% names(gml)))
  # the efficiency change is measured on the period technologies by both
  both <- merge(ml, gml, by = c("city", "year"))
  expect_lte(max(abs(both$MLEFFCH.x - both$MLEFFCH.y), na.rm = TRUE), 1e-12)
})
