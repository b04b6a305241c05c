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
  np <- reticulate::import("numpy", convert = FALSE)
  as_array <- function(m) {
    if (is.null(m)) return(NULL)
    m <- as.matrix(m) * 1.0
    np$array(reticulate::r_to_py(lapply(seq_len(nrow(m)), function(i) as.list(m[i, ]))),
             dtype = "float64")
  }
  result <- dea$sbi(as_array(x), as_array(y), as_array(b), as_array(x_ref),
                    as_array(y_ref), as_array(b_ref), rts = rts, solver = solver)
  values <- r_values(result$values$tolist(), NA_real_)
  values[is.nan(values)] <- NA_real_
  data.frame(value = values,
             status = r_values(result$status$tolist(), NA_character_),
             stringsAsFactors = FALSE)
}
