test_that("cg_replicate runs and cg_read_run reads the run", {
  need_python()
  out <- file.path(tempdir(), "carbongap-run")
  config <- tempfile(fileext = ".toml")
  writeLines(c("[data]", "synthetic_cities = 30", "[inequality]", "bootstrap_draws = 9",
               "[regressions]", "boot_reps = 9", "[crossval]", "dea = false"), config)
  paths <- cg_replicate(out, config = config)
  expect_true(any(grepl("REPORT.md$", paths)))
  run <- cg_read_run(out)
  expect_true(all(c("estimates", "luenberger", "analysis_panel", "table1", "table8")
                  %in% names(run)))
  expect_gt(nrow(run$estimates), 100)
  expect_true(all(c("table", "term", "tau", "coef", "se") %in% names(run$estimates)))
  expect_error(cg_read_run(tempdir()), "is not a finished run")
  expect_identical(levels(run$analysis_panel$group),
                   c("developed", "underdeveloped", "other"))
  expect_true(is.factor(run$analysis_panel$province_code))
  # the run's own panel through cg_luenberger gives the run's green model, to the bit
  # (the same solver, and CSV files keep every double)
  panel <- utils::read.csv(file.path(out, "data", "panel_validated.csv"),
                           fileEncoding = "UTF-8")
  acc <- utils::read.csv(file.path(out, "tables", "accounting_city_year.csv"))
  dea <- merge(panel[, c("city_code", "year", "employment")],
               acc[, c("city_code", "year", "capital", "gdp_real", "co2")])
  green <- cg_luenberger(subset(dea, year >= 2006 & year <= 2016),
                         c("capital", "employment"), "gdp_real", "co2")
  stage <- subset(run$luenberger, model == "green")
  both <- merge(green, stage, by = c("city_code", "year"), suffixes = c("", ".run"))
  expect_identical(nrow(both), nrow(green))
  expect_identical(nrow(both), nrow(stage))
  for (column in c("LTFP", "LPEC", "LSEC", "LPTP", "LTPSC", "EC", "PC")) {
    expect_equal(is.na(both[[column]]), is.na(both[[paste0(column, ".run")]]))
    expect_identical(both[[column]], both[[paste0(column, ".run")]])
  }
})
