#!/usr/bin/env Rscript
# Recompute sbi_expected.csv from sbi_panel.csv with R Benchmarking's dea.add (see README.md).
#
#   Rscript regenerate.R [OUT_CSV] [--feasibility-only]
#
# OUT_CSV defaults to sbi_expected.csv beside this script. The SBI of a unit o against a
# reference technology is Benchmarking's additive model dea.add()$sum on data rescaled for o
# (docs/methods.md §6 and §9): every input and every bad output (entered as an input) divided
# by its own value g times 2N resp. 2(M + J), the good output divided by its own value times
# 2(M + J). dea.add returns 0 for an infeasible LP, so feasibility is decided by a separate
# zero-objective LP on lpSolve, and `sbi` is left empty (NA) there.
# --feasibility-only writes the feasibility column and leaves sbi / dea_add_sum empty; it
# needs lpSolve only (the tests use it where Benchmarking is not installed).

args <- commandArgs(trailingOnly = TRUE)
feasibility_only <- "--feasibility-only" %in% args
args <- setdiff(args, "--feasibility-only")
script <- sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)[1])
here <- dirname(normalizePath(script))
out_csv <- if (length(args) >= 1) args[1] else file.path(here, "sbi_expected.csv")

if (!requireNamespace("lpSolve", quietly = TRUE)) {
  stop("R package lpSolve is required (Debian: r-cran-lpsolve)")
}
if (!feasibility_only && !requireNamespace("Benchmarking", quietly = TRUE)) {
  stop("R package Benchmarking is required: install.packages('Benchmarking') ",
       "(or run with --feasibility-only)")
}

panel <- read.csv(file.path(here, "sbi_panel.csv"), colClasses = c(unit = "character"))
years <- sort(unique(panel$year))
models <- list(production = c("K", "L"), green = c("K", "L", "CO2"))
n_inputs <- 2  # N: K and L

# Is there lambda >= 0 (summing to 1 under VRS) with XR' lambda <= x and YR' lambda >= y?
# Each row is divided by the unit's own value (right-hand sides 1): on the raw scale (K near
# 1e4, L near 50) lpSolve calls some units infeasible against their own year's technology.
is_feasible <- function(x, y, XR, YR, vrs) {
  const <- rbind(t(XR) / x, t(YR) / y)
  dir <- c(rep("<=", ncol(XR)), rep(">=", ncol(YR)))
  rhs <- rep(1, length(x) + length(y))
  if (vrs) {
    const <- rbind(const, rep(1, nrow(XR)))
    dir <- c(dir, "=")
    rhs <- c(rhs, 1)
  }
  status <- lpSolve::lp("max", rep(0, nrow(XR)), const, dir, rhs)$status
  if (!status %in% c(0, 2)) stop("lpSolve status ", status)
  status == 0
}

# Benchmarking's additive model on the data rescaled for unit row k (docs/methods.md §9).
sbi_sum <- function(x, y, XR, YR, wx, wy, rts) {
  sx <- diag(wx / x, length(x))
  sy <- diag(wy / y, length(y))
  Benchmarking::dea.add(matrix(x, 1) %*% sx, matrix(y, 1) %*% sy, RTS = rts,
                        XREF = XR %*% sx, YREF = YR %*% sy)$sum
}

rows <- list()
for (model in names(models)) {
  xcols <- models[[model]]
  mj <- 1 + (model == "green")  # M good outputs + J bad outputs
  wx <- c(rep(1 / (2 * n_inputs), n_inputs), if (model == "green") 1 / (2 * mj))
  wy <- 1 / (2 * mj)
  technologies <- c(setNames(as.list(years), years), list(pooled = years))
  for (rts in c("crs", "vrs")) {
    for (tech in names(technologies)) {
      ref <- panel[panel$year %in% technologies[[tech]], ]
      XR <- as.matrix(ref[, xcols])
      YR <- as.matrix(ref[, "Y", drop = FALSE])
      for (dy in years) {
        if (tech != "pooled" && abs(as.integer(tech) - dy) > 1) next
        d <- panel[panel$year == dy, ]
        X <- as.matrix(d[, xcols])
        Y <- as.matrix(d[, "Y", drop = FALSE])
        feasible <- vapply(seq_len(nrow(d)), function(k)
          is_feasible(X[k, ], Y[k, ], XR, YR, rts == "vrs"), logical(1))
        raw <- if (feasibility_only) rep(NA_real_, nrow(d)) else
          vapply(seq_len(nrow(d)), function(k)
            sbi_sum(X[k, ], Y[k, ], XR, YR, wx, wy, rts), numeric(1))
        rows[[length(rows) + 1]] <- data.frame(
          model = model, rts = rts, technology = tech, data_year = dy, unit = d$unit,
          feasible = ifelse(feasible, "True", "False"),
          sbi = ifelse(feasible, raw, NA_real_), dea_add_sum = raw)
      }
    }
  }
}
expected <- do.call(rbind, rows)
write.csv(expected, out_csv, row.names = FALSE, quote = FALSE, na = "")
cat(nrow(expected), "terms;", sum(expected$feasible == "False"), "infeasible;",
    if (feasibility_only) "feasibility only" else
      paste("Benchmarking", as.character(packageVersion("Benchmarking"))), "\n")
