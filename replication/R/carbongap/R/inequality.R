#' Gini coefficient
#'
#' The Gini coefficient of non-negative values, optionally weighted (Zhang & Liu 2024,
#' eq. 4-5; docs/methods.md section 5).
#'
#' @param values Numeric vector without \code{NA}.
#' @param weights Optional non-negative weights (e.g. population).
#' @return A number in [0, 1).
#' @export
cg_gini <- function(values, weights = NULL) {
  inequality <- cg_module("carbongap.inequality")
  w <- if (is.null(weights)) NULL else as.list(as.double(weights))
  reticulate::py_to_r(inequality$gini(as.list(as.double(values)), w))
}

#' Dagum decomposition of the Gini coefficient
#'
#' Dagum (1997): within-group, net between-group and transvariation parts.
#'
#' @param values Numeric vector without \code{NA}.
#' @param groups A group label per value (factor or character).
#' @return A list: \code{total}, \code{within}, \code{between_net},
#'   \code{transvariation} (numbers) and data frames \code{groups} and \code{pairs}.
#' @export
cg_dagum <- function(values, groups) {
  inequality <- cg_module("carbongap.inequality")
  result <- inequality$dagum(as.list(as.double(values)), as.list(as.character(groups)))
  list(total = reticulate::py_to_r(result$total),
       within = reticulate::py_to_r(result$within),
       between_net = reticulate::py_to_r(result$between_net),
       transvariation = reticulate::py_to_r(result$transvariation),
       groups = from_pandas(result$groups), pairs = from_pandas(result$pairs))
}
