#!/usr/bin/env Rscript
# Regenerate the stored R quantreg answers of this folder (see README.md).
#
#   Rscript tests/reference/quantreg/regenerate.R [OUT_DIR]
#
# For R's own data sets engel and barro (package quantreg) and stackloss (package datasets)
# it writes the data (data_<name>.csv, every value at 17 significant digits, so the stored
# numbers are R's doubles exactly) and quantreg's answers (expected.csv): for tau = 0.1,
# 0.25, 0.5, 0.75, 0.9 the coefficients of rq(method = "br"), the objective
# sum(rho_tau(residuals)), quantreg's "Solution may be nonunique" warning, and the standard
# errors of summary.rq(se = "nid" / "iid" / "ker", hs = TRUE), at 17 significant digits;
# and every warning R gives on the way (warnings.csv: the fit, or the se of summary.rq).
suppressPackageStartupMessages(library(quantreg))
args <- commandArgs(trailingOnly = TRUE)
script <- sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)[1])
out <- if (length(args) >= 1) args[1] else dirname(normalizePath(script))

data(engel, package = "quantreg")
data(barro, package = "quantreg")
sets <- list(
  engel = list(data = engel, y = "foodexp"),
  barro = list(data = barro, y = "y.net"),
  stackloss = list(data = datasets::stackloss, y = "stack.loss"))
taus <- c(0.1, 0.25, 0.5, 0.75, 0.9)
digits <- function(v) trimws(formatC(v, digits = 17, format = "g"))

# Evaluate expr; its value, and the messages of the warnings it gave (muffled).
collecting <- function(expr) {
  said <- character(0)
  value <- withCallingHandlers(expr, warning = function(w) {
    said <<- c(said, conditionMessage(w))
    invokeRestart("muffleWarning")
  })
  list(value = value, said = said)
}

rows <- list()
warned <- list()
for (name in names(sets)) {
  d <- sets[[name]]$data
  y <- sets[[name]]$y
  x <- setdiff(names(d), y)
  frame <- data.frame(lapply(d[, c(y, x)], digits), check.names = FALSE)
  write.csv(frame, file.path(out, paste0("data_", name, ".csv")), row.names = FALSE,
            quote = FALSE)
  X <- cbind(const = 1, as.matrix(d[, x, drop = FALSE]))
  for (tau in taus) {
    main <- collecting(rq.fit(X, d[[y]], tau = tau, method = "br"))
    f <- main$value
    nonunique <- any(grepl("nonunique", main$said))
    fit <- suppressWarnings(rq(d[[y]] ~ X - 1, tau = tau, method = "br"))
    objective <- sum(f$residuals * (tau - (f$residuals < 0)))
    said <- list(fit = main$said)
    ses <- sapply(c("nid", "iid", "ker"), function(se) {
      step <- collecting(summary(fit, se = se, hs = TRUE))
      said[[se]] <<- step$said
      step$value$coefficients[, 2]
    })
    for (step in names(said)) for (message in said[[step]])
      warned[[length(warned) + 1]] <- data.frame(dataset = name, tau = tau, step = step,
                                                 message = message)
    rows[[length(rows) + 1]] <- data.frame(
      dataset = name, tau = tau, term = colnames(X), coef = digits(f$coefficients),
      se_nid = digits(ses[, "nid"]), se_iid = digits(ses[, "iid"]),
      se_ker = digits(ses[, "ker"]), objective = digits(objective),
      nonunique = ifelse(nonunique, "True", "False"))
  }
}
expected <- do.call(rbind, rows)
write.csv(expected, file.path(out, "expected.csv"), row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, warned), file.path(out, "warnings.csv"), row.names = FALSE,
          quote = FALSE)
cat(nrow(expected), "cells; R", as.character(getRversion()), "quantreg",
    as.character(packageVersion("quantreg")), "\n")
