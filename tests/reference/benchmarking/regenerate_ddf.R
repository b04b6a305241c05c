#!/usr/bin/env Rscript
# Recompute ddf_expected.csv from sbi_panel.csv with R Benchmarking's dea.direct (README.md).
#
#   Rscript regenerate_ddf.R [OUT_CSV]
#
# OUT_CSV defaults to ddf_expected.csv beside this script. The radial directional distance
# function under strong disposability (docs/methods.md §15) of a unit o against a reference
# technology is dea.direct with the bad output entered as an input, ORIENTATION "in-out" and
# DIRECT = (0 for K and L, CO2_o, Y_o): the direction g = (0, y, b) of Chung, Färe and
# Grosskopf (1997). dea.direct gives -Inf where the LP is infeasible; `ddf` is left empty
# (NA) there and `feasible` is FALSE.

args <- commandArgs(trailingOnly = TRUE)
script <- sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)[1])
here <- dirname(normalizePath(script))
out_csv <- if (length(args) >= 1) args[1] else file.path(here, "ddf_expected.csv")
if (!requireNamespace("Benchmarking", quietly = TRUE)) {
  stop("R package Benchmarking is required (install it from its source tarball)")
}

panel <- read.csv(file.path(here, "sbi_panel.csv"), colClasses = c(unit = "character"))
years <- sort(unique(panel$year))
models <- list(production = c("K", "L"), green = c("K", "L", "CO2"))

rows <- list()
for (model in names(models)) {
  xcols <- models[[model]]
  technologies <- c(setNames(as.list(years), years), list(pooled = years))
  for (rts in c("crs", "vrs")) {
    for (tech in names(technologies)) {
      ref <- panel[panel$year %in% technologies[[tech]], ]
      XR <- as.matrix(ref[, xcols])
      YR <- as.matrix(ref[, "Y", drop = FALSE])
      # single-year technologies: their own and the adjacent years; pooled: every year
      data_years <- if (tech == "pooled") years else
        years[abs(years - as.integer(tech)) <= 1]
      for (year in data_years) {
        ev <- panel[panel$year == year, ]
        X <- as.matrix(ev[, xcols])
        Y <- as.matrix(ev[, "Y", drop = FALSE])
        direct <- cbind(matrix(0, nrow(ev), 2), if (model == "green") ev$CO2, ev$Y)
        found <- Benchmarking::dea.direct(X, Y, DIRECT = direct, RTS = rts,
                                          ORIENTATION = "in-out", XREF = XR, YREF = YR)
        value <- found$objval
        feasible <- is.finite(value)
        rows[[length(rows) + 1]] <- data.frame(
          model = model, rts = rts, technology = tech, data_year = year, unit = ev$unit,
          feasible = ifelse(feasible, "True", "False"),
          ddf = ifelse(feasible, sprintf("%.17g", value), ""),
          stringsAsFactors = FALSE)
      }
    }
  }
}
out <- do.call(rbind, rows)
write.csv(out, out_csv, row.names = FALSE, quote = FALSE)
cat(sprintf("%d terms; %d infeasible\n", nrow(out), sum(out$feasible == "False")))
