#' SBI Luenberger productivity and its decomposition
#'
#' The slacks-based Luenberger indicator of every unit and pair of consecutive periods,
#' with its four-way decomposition (Zhang & Liu 2024, eq. 6; docs/methods.md section 6
#' of the carbongap repository), computed by the carbongap Python engine.
#'
#' @param panel A data frame, one row per unit and period.
#' @param inputs,good,bad Column names of the inputs, good outputs and bad outputs
#'   (\code{character()} for none: the production model).
#' @param frontier \code{"contemporaneous"} (the paper), \code{"sequential"},
#'   \code{"global"} or \code{"biennial"}.
#' @param unit,time The key columns (unit ids of any type; whole periods).
#' @param solver \code{"kernel"} (the compiled simplex, HiGHS for any answer it cannot
#'   certify; the pipeline's default, so the numbers equal a run's) or \code{"highs"}.
#' @return A data frame with one row per unit and pair: the components (LTFP, LPEC, LSEC,
#'   LPTP, LTPSC, EC, PC), every S term and its status (\code{"optimal"},
#'   \code{"infeasible"}, ...). An LP without an optimum gives \code{NA}, never 0.
#' @export
cg_luenberger <- function(panel, inputs, good, bad = character(),
                          frontier = "contemporaneous", unit = "city_code",
                          time = "year", solver = "kernel") {
  dea <- cg_module("carbongap.dea")
  result <- dea$luenberger(to_pandas(panel), as.list(inputs), as.list(good),
                           as.list(bad), frontier, unit = unit, time = time,
                           solver = solver)
  from_pandas(result$table)
}

#' Slacks-based inefficiency of each unit
#'
#' S of each evaluated unit against a reference technology (docs/methods.md section 6).
#'
#' @param x,y Matrices (or data frames) of inputs and good outputs, units in rows.
#' @param b Bad outputs, or \code{NULL} for none.
#' @param rts \code{"vrs"} or \code{"crs"}.
#' @param x_ref,y_ref,b_ref The reference technology; default the evaluated units.
#' @param solver \code{"kernel"} (the compiled simplex, every answer certified, HiGHS
#'   for any it cannot certify; the default) or \code{"highs"} (HiGHS alone).
#' @return A data frame: \code{value} (NA where the LP has no optimum) and \code{status}.
#' @export
cg_sbi <- function(x, y, b = NULL, rts = "vrs", x_ref = NULL, y_ref = NULL,
                   b_ref = NULL, solver = "kernel") {
  dea <- cg_module("carbongap.dea")
  result <- dea$sbi(np_matrix(x), np_matrix(y), np_matrix(b), np_matrix(x_ref),
                    np_matrix(y_ref), np_matrix(b_ref), rts = rts, solver = solver)
  values_and_status(result)
}

#' Directional distance function of each unit
#'
#' The radial directional distance function with bad outputs, direction (0, y, b), of each
#' evaluated unit against a reference technology (docs/methods.md section 15 of the
#' carbongap repository), computed by the carbongap Python engine.
#'
#' @inheritParams cg_sbi
#' @param disposability \code{"weak"} (bad outputs only with goods: the bad row an
#'   equality, the Malmquist-Luenberger literature's) or \code{"strong"} (equal to R
#'   Benchmarking's \code{dea.direct} with the bads entered as inputs).
#' @return A data frame: \code{value} (beta; negative outside the technology, NA where
#'   the LP has no optimum) and \code{status}.
#' @export
cg_ddf <- function(x, y, b = NULL, rts = "vrs", x_ref = NULL, y_ref = NULL,
                   b_ref = NULL, disposability = "weak") {
  dea <- cg_module("carbongap.dea")
  result <- dea$ddf(np_matrix(x), np_matrix(y), np_matrix(b), np_matrix(x_ref),
                    np_matrix(y_ref), np_matrix(b_ref), rts = rts,
                    disposability = disposability)
  values_and_status(result)
}

#' Malmquist-Luenberger productivity index and its decomposition
#'
#' The Malmquist-Luenberger index of every unit and pair of consecutive periods (Chung,
#' Fare and Grosskopf 1997), ML = MLEFFCH x MLTECH, on the directional distance function,
#' or with \code{global = TRUE} the global Malmquist-Luenberger index (Oh 2010) on the
#' technology of all periods (docs/methods.md section 15 of the carbongap repository).
#'
#' @inheritParams cg_luenberger
#' @param frontier \code{"contemporaneous"}, \code{"sequential"}, \code{"global"} or
#'   \code{"biennial"} (ignored when \code{global = TRUE}, which is on the global one).
#' @param disposability \code{"weak"} or \code{"strong"} (see \code{cg_ddf}).
#' @param global The global Malmquist-Luenberger index.
#' @return A data frame with one row per unit and pair: ML, MLEFFCH, MLTECH, every
#'   directional distance term (D_C_...) and its status.
#' @export
cg_malmquist_luenberger <- function(panel, inputs, good, bad = character(),
                                    frontier = "contemporaneous", unit = "city_code",
                                    time = "year", disposability = "weak",
                                    global = FALSE) {
  dea <- cg_module("carbongap.dea")
  result <- dea$luenberger(to_pandas(panel), as.list(inputs), as.list(good),
                           as.list(bad), if (global) "global" else frontier, unit = unit,
                           time = time, measure = if (global) "gml" else "ml",
                           disposability = disposability)
  from_pandas(result$table)
}
