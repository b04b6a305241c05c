test_that("a data frame makes the round trip R -> pandas -> R without loss", {
  need_python()
  frame <- data.frame(
    id = c(1L, 2L, 3L),
    value = c(1.5, NA, 1e-300),
    city = c("北京", NA, "安徽安庆"),
    group = factor(c("developed", "other", "developed"),
                   levels = c("developed", "underdeveloped", "other")),
    day = as.Date(c("2016-01-01", "2019-12-31", NA)),
    flag = c(TRUE, NA, FALSE),
    stringsAsFactors = FALSE)
  back <- carbongap:::from_pandas(carbongap:::to_pandas(frame))
  expected <- frame
  expected$id <- as.double(expected$id)  # 64-bit integers come back as double
  expect_identical(back, expected)
  expect_identical(Encoding(back$city[3]), "UTF-8")
  expect_identical(levels(back$group), c("developed", "underdeveloped", "other"))
})

test_that("a missing Python gives one line saying what to install", {
  r <- file.path(R.home("bin"), "Rscript")
  out <- suppressWarnings(system2(
    r, c("-e", shQuote("carbongap::cg_python()")), stdout = TRUE, stderr = TRUE,
    env = c("CARBONGAP_PYTHON=/nonexistent/python", paste0("R_LIBS=", .libPaths()[1])),
    timeout = 120))
  text <- paste(out, collapse = "\n")
  expect_match(text, "carbongap: no Python with the carbongap package \\(tried: /nonexistent/python\\); install it with `pip install carbongap`")
  expect_match(text, "set CARBONGAP_PYTHON")
})
