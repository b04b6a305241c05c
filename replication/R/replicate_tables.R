# Tables 1-8 of Zhang & Liu (2024) in R alone, with quantreg, from a carbongap run folder.
#
#   Rscript replication/R/replicate_tables.R OUTPUT_DIR [RESULT_CSV]
#
# Reads OUTPUT_DIR/tables/analysis_panel.csv (the regression panel of eq. 2) and
# OUTPUT_DIR/tables/qreg_specs.csv (every table part: sample, dependent, regressors, the
# quantiles and the SE method, written by the Python side from the same specifications it
# estimated, so the two cannot drift), fits every cell with rq(method = "br") and
# summary.rq(se = ...), and writes RESULT_CSV (default r_qreg_estimates.csv in the working
# directory, never inside the run folder, which holds only what its manifest lists) in
# the long format of tables/qreg_estimates.csv: table, part, sample, dependent, block, term,
# tau, coef, se, t, p, stars, n, objective. p-values are two-sided normal and the stars
# *** p < 0.01, ** p < 0.05, * p < 0.1, as carbongap marks its tables (docs/methods.md §7).
# With se = "boot" the replicates are drawn by R after set.seed(seed): they agree with the
# Python ones in distribution, not digit by digit. Needs only base R and quantreg.

suppressPackageStartupMessages(library(quantreg))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) stop("usage: Rscript replicate_tables.R OUTPUT_DIR [RESULT_CSV]")
out_dir <- args[1]
result <- if (length(args) >= 2) args[2] else "r_qreg_estimates.csv"
read <- function(name) {
  path <- file.path(out_dir, "tables", name)
  if (!file.exists(path)) stop(path, " not found: run carbongap replicate --out ", out_dir)
  read.csv(path, stringsAsFactors = FALSE, encoding = "UTF-8")
}
panel <- read("analysis_panel.csv")
specs <- read("qreg_specs.csv")

fit_cell <- function(data, spec, tau) {
  regressors <- strsplit(spec$regressors, " ", fixed = TRUE)[[1]]
  x <- cbind(const = 1, as.matrix(data[, regressors, drop = FALSE]))
  y <- data[[spec$dependent]]
  f <- rq(y ~ x - 1, tau = tau, method = "br")
  s <- if (spec$se == "boot") {
    set.seed(spec$seed)
    cluster <- if (nzchar(spec$cluster)) data[[spec$cluster]] else NULL
    summary(f, se = "boot", R = spec$boot_reps, bsmethod = "xy", cluster = cluster)
  } else {
    suppressWarnings(summary(f, se = spec$se, hs = TRUE))
  }
  coef <- unname(s$coefficients[, 1])
  se <- unname(s$coefficients[, 2])
  z <- coef / se
  p <- 2 * pnorm(-abs(z))
  data.frame(table = spec$table, part = spec$part, sample = spec$sample,
             dependent = spec$dependent, block = spec$block,
             term = c("const", regressors), tau = tau, coef = coef, se = se, t = z, p = p,
             stars = (p < 0.1) + (p < 0.05) + (p < 0.01), n = length(y),
             objective = sum(f$residuals * (tau - (f$residuals < 0))))
}

rows <- list()
for (i in seq_len(nrow(specs))) {
  spec <- specs[i, ]
  data <- if (spec$sample == "all") panel else panel[panel$group == spec$sample, ]
  for (tau in as.numeric(strsplit(as.character(spec$taus), " ", fixed = TRUE)[[1]])) {
    rows[[length(rows) + 1]] <- fit_cell(data, spec, tau)
  }
}
estimates <- do.call(rbind, rows)
write.csv(estimates, result, row.names = FALSE, fileEncoding = "UTF-8")
cat(result, "\n")
