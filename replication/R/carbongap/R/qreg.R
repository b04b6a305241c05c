#' Quantile regressions with quantreg's standard errors
#'
#' \code{y} on a constant and \code{x} at each quantile, by carbongap's estimator
#' (the vertex R quantreg's \code{rq(method = "br")} returns; standard errors as
#' \code{summary.rq}; docs/methods.md section 7).
#'
#' @param data A data frame.
#' @param y The dependent column.
#' @param x The regressor columns.
#' @param taus Quantiles in (0, 1).
#' @param se \code{"nid"}, \code{"iid"}, \code{"ker"} or \code{"boot"}.
#' @return An object of class \code{cg_qreg} with \code{coef()}, \code{vcov()},
#'   \code{summary()} and \code{print()} methods: \code{coefficients} (terms by
#'   quantiles), \code{se}, \code{vcov} (one matrix per quantile), \code{taus}, \code{n}.
#' @export
cg_qreg <- function(data, y, x, taus = c(0.2, 0.4, 0.6, 0.8), se = "nid") {
  qreg <- cg_module("carbongap.qreg")
  used <- data[, c(y, x), drop = FALSE]
  fit <- qreg$fit(to_pandas(used), y, as.list(x), taus = as.list(as.double(taus)), se = se)
  terms <- c("(Intercept)", x)
  coefs <- py_matrix(fit$coef)
  dimnames(coefs) <- list(terms, paste0("tau= ", format(taus)))
  covs <- lapply(reticulate::iterate(fit$cov, simplify = FALSE), function(m) {
    m <- py_matrix(m)
    dimnames(m) <- list(terms, terms)
    m
  })
  names(covs) <- format(taus)
  structure(list(coefficients = coefs, vcov = covs, taus = as.double(taus),
                 se = sqrt(vapply(covs, diag, numeric(length(terms)))),
                 n = reticulate::py_to_r(fit$nobs), method = se, y = y, x = x,
                 data = used),
            class = "cg_qreg")
}

#' Do the slopes differ across quantiles?
#'
#' The Wald tests of quantreg's \code{anova.rq} for one model fitted at several
#' quantiles (Koenker & Bassett 1982; docs/methods.md section 7, "Tests"), computed by
#' carbongap's \code{qreg.equal_slopes} with the fit's standard-error method (\code{"nid"}
#' or \code{"ker"}, the two quantreg defines the test for).
#'
#' @param object A \code{cg_qreg} fit at two or more quantiles.
#' @param ... Unused.
#' @param joint \code{TRUE}: one test that every slope is equal across the quantiles;
#'   \code{FALSE}: one test per slope.
#' @return A data frame with \code{ndf}, \code{ddf}, \code{Tn} and \code{pvalue}, as
#'   \code{anova.rq}'s table (one row, or one row per slope named by its term).
#' @export
anova.cg_qreg <- function(object, ..., joint = TRUE) {
  qreg <- cg_module("carbongap.qreg")
  tests <- from_pandas(qreg$equal_slopes(
    to_pandas(object$data), object$y, as.list(object$x),
    taus = as.list(object$taus), se = object$method))
  rows <- if (joint) tests[1, , drop = FALSE] else tests[-1, , drop = FALSE]
  table <- data.frame(ndf = as.integer(rows$ndf), ddf = as.integer(rows$ddf),
                      Tn = as.double(rows$statistic), pvalue = as.double(rows$p))
  rownames(table) <- if (joint) NULL else rows$term
  table
}

#' @export
coef.cg_qreg <- function(object, ...) object$coefficients

#' @export
vcov.cg_qreg <- function(object, tau = object$taus[1], ...) {
  object$vcov[[match(tau, object$taus)]]
}

#' @export
summary.cg_qreg <- function(object, ...) {
  tables <- lapply(seq_along(object$taus), function(k) {
    est <- object$coefficients[, k]
    se <- sqrt(diag(object$vcov[[k]]))
    t <- est / se
    cbind(Value = est, `Std. Error` = se, `t value` = t,
          `Pr(>|t|)` = 2 * stats::pnorm(-abs(t)))
  })
  names(tables) <- format(object$taus)
  structure(list(tables = tables, taus = object$taus, n = object$n,
                 method = object$method, y = object$y), class = "summary.cg_qreg")
}

#' @export
print.summary.cg_qreg <- function(x, digits = 5, ...) {
  for (k in seq_along(x$taus)) {
    cat("\ntau: [1] ", format(x$taus[k]), "\n\nCoefficients (se = \"", x$method,
        "\", n = ", x$n, "):\n", sep = "")
    print(x$tables[[k]], digits = digits)
  }
  invisible(x)
}

#' @export
print.cg_qreg <- function(x, ...) {
  cat("carbongap quantile regressions of ", x$y, " (n = ", x$n, ", se = \"", x$method,
      "\")\n\nCoefficients:\n", sep = "")
  print(x$coefficients)
  invisible(x)
}

#' @noRd
py_matrix <- function(array) {
  rows <- reticulate::py_to_r(array$tolist())
  matrix(unlist(rows), nrow = length(rows), byrow = TRUE)
}
