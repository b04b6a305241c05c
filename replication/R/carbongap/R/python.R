#' The Python that runs carbongap
#'
#' Finds a Python with the carbongap package and binds reticulate to it, once per R
#' session. Tried in order: the option \code{carbongap.python}, the environment variable
#' \code{CARBONGAP_PYTHON}, the environment \code{make replicate} creates in the
#' repository (\code{.tox/replicate} in the working directory or one of its parents),
#' and reticulate's default Python.
#'
#' @return The path of the Python (character), invisibly after the first call.
#' @export
cg_python <- function() {
  if (!is.null(.cg$python)) {
    return(invisible(.cg$python))
  }
  candidates <- python_candidates()
  if (reticulate::py_available(initialize = FALSE)) {
    # reticulate is already bound to a Python in this session: it must be that one
    candidates <- reticulate::py_config()$python
  }
  for (python in candidates) {
    if (has_carbongap(python)) {
      reticulate::use_python(python, required = TRUE)
      # starting Python: reticulate's notes on project files in the working directory
      # (e.g. "uses Poetry" for a pyproject.toml) do not apply to a Python given here
      if (suppressWarnings(reticulate::py_module_available("carbongap"))) {
        .cg$python <- python
        return(python)
      }
    }
  }
  stop(no_python_message(candidates), call. = FALSE)
}

.cg <- new.env(parent = emptyenv())

python_candidates <- function() {
  given <- c(getOption("carbongap.python", ""), Sys.getenv("CARBONGAP_PYTHON", ""))
  given <- given[nzchar(given)]
  if (length(given)) {
    return(unname(given[1]))
  }
  found <- character()
  folder <- normalizePath(getwd(), mustWork = FALSE)
  repeat {
    python <- file.path(folder, ".tox", "replicate", "bin", "python")
    if (file.exists(python)) found <- c(found, python)
    parent <- dirname(folder)
    if (identical(parent, folder)) break
    folder <- parent
  }
  if (length(found)) {
    return(found)
  }
  # reticulate's own search; quiet about project files it cannot use (a pyproject.toml
  # in the working directory makes it look for Poetry)
  default <- tryCatch(suppressWarnings(reticulate::py_discover_config()$python),
                      error = function(e) "")
  default[nzchar(default)]
}

has_carbongap <- function(python) {
  if (!file.exists(python)) return(FALSE)
  status <- suppressWarnings(system2(python, c("-c", shQuote("import carbongap")),
                                     stdout = FALSE, stderr = FALSE, timeout = 120))
  identical(as.integer(status), 0L)
}

no_python_message <- function(tried) {
  paste0("carbongap: no Python with the carbongap package (tried: ",
         if (length(tried)) paste(tried, collapse = ", ") else "none found",
         "); install it with `pip install carbongap` (or run `make replicate` in the ",
         "repository) and/or set CARBONGAP_PYTHON to that Python")
}

#' @noRd
cg_module <- function(name = "carbongap") {
  cg_python()
  reticulate::import(name, convert = FALSE)
}
