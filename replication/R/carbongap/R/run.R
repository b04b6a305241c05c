#' Run the whole replication
#'
#' Runs every stage of carbongap (the Python package's \code{replicate}) and writes all
#' outputs to \code{out}.
#'
#' @param out Output folder.
#' @param config A TOML configuration file, or \code{NULL} for the paper's defaults.
#' @param data A city panel (CSV, XLSX, DTA) or CEADs workbook, or \code{NULL} for the
#'   synthetic default panel.
#' The stages that run R themselves (\code{crossval}, \code{rds}) are skipped with
#' that reason: R cannot be started again inside this R session's Python. Run
#' \code{carbongap replicate} from a shell for them.
#'
#' @return The paths of the files written (character), invisibly.
#' @export
cg_replicate <- function(out, config = NULL, data = NULL) {
  carbongap <- cg_module()
  os <- reticulate::import("os", convert = FALSE)
  os$environ$`__setitem__`("CARBONGAP_NO_R", "1")
  paths <- carbongap$replicate(config, data, out)
  invisible(vapply(reticulate::iterate(paths, simplify = FALSE), reticulate::py_str, ""))
}

#' Read a finished run
#'
#' Loads the tables of a run folder written by \code{cg_replicate} (or
#' \code{carbongap replicate}); needs no Python.
#'
#' @param out The run folder.
#' @return A named list of data frames: \code{estimates} (every cell of Tables 1-8),
#'   \code{luenberger}, \code{indices}, \code{analysis_panel}, \code{gini} and
#'   \code{table1} ... \code{table8} (the shown cells, long). Region groups
#'   (\code{group}: developed, underdeveloped, other) and provinces
#'   (\code{province_code}) are factors.
#' @export
cg_read_run <- function(out) {
  tables <- file.path(out, "tables")
  if (!file.exists(file.path(out, "manifest.json"))) {
    stop("carbongap: ", out, " is not a finished run (no manifest.json)", call. = FALSE)
  }
  files <- c(estimates = "qreg_estimates.csv", luenberger = "luenberger.csv",
             indices = "productivity_indices.csv", analysis_panel = "analysis_panel.csv",
             gini = "gini.csv")
  numbered <- sort(list.files(tables, pattern = "^table[0-9]+\\.csv$"))
  names(numbered) <- sub("\\.csv$", "", numbered)
  files <- c(files, numbered)
  files <- files[file.exists(file.path(tables, files))]
  lapply(files, function(name) as_factors(utils::read.csv(
    file.path(tables, name), fileEncoding = "UTF-8", stringsAsFactors = FALSE,
    check.names = FALSE)))
}

# Region groups in the paper's order (docs/methods.md section 3).
GROUPS <- c("developed", "underdeveloped", "other")

#' @noRd
as_factors <- function(frame) {
  if ("group" %in% names(frame) && all(frame$group %in% c(GROUPS, NA))) {
    frame$group <- factor(frame$group, levels = GROUPS)
  }
  if ("province_code" %in% names(frame)) {
    frame$province_code <- factor(frame$province_code,
                                  levels = sort(unique(frame$province_code)))
  }
  frame
}
