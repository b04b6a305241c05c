# Data frames between R and pandas, column by column, so that every type is kept:
# numbers (NA <-> NaN), integers (64-bit integers come back as double), logicals,
# character in UTF-8 (NA <-> None), factors <-> pandas categoricals, Dates <-> datetime64.

#' @noRd
to_pandas <- function(frame) {
  stopifnot(is.data.frame(frame))
  pd <- reticulate::import("pandas", convert = FALSE)
  columns <- reticulate::py_dict(list(), list(), convert = FALSE)
  for (name in names(frame)) {
    columns[[name]] <- to_series(frame[[name]], pd)
  }
  pd$DataFrame(columns)
}

# Every vector crosses as a Python list (reticulate converts R lists element by element;
# Debian's reticulate 1.28 cannot build NumPy 2 arrays), then pandas gives it its dtype.
to_series <- function(x, pd) {
  if (is.factor(x)) {
    return(pd$Series(pd$Categorical(py_list(as.character(x)),
                                    categories = py_list(levels(x)))))
  }
  if (inherits(x, "Date")) {
    return(pd$Series(pd$to_datetime(py_list(format(x, "%Y-%m-%d")))))
  }
  if (is.character(x)) {
    return(pd$Series(py_list(enc2utf8(x)), dtype = "object"))
  }
  if (is.logical(x)) {
    return(pd$Series(py_list(x), dtype = if (anyNA(x)) "object" else "bool"))
  }
  if (is.integer(x) && !anyNA(x)) {
    return(pd$Series(py_list(x), dtype = "int64"))
  }
  if (is.numeric(x)) {
    return(pd$Series(py_list(as.double(x)), dtype = "float64"))
  }
  stop("carbongap: columns of class ", class(x)[1], " cannot be passed to Python",
       call. = FALSE)
}

#' @noRd
py_list <- function(x) {
  out <- as.list(x)
  if (!is.double(x)) out[is.na(x)] <- list(NULL)  # NA_real_ crosses as NaN
  reticulate::r_to_py(out)
}

#' @noRd
from_pandas <- function(frame) {
  names <- unlist(reticulate::py_to_r(frame$columns$astype("str")$tolist()))
  out <- lapply(names, function(name) from_series(frame[[name]]))
  names(out) <- names
  as.data.frame(out, optional = TRUE, stringsAsFactors = FALSE)
}

#' @noRd
r_values <- function(pylist, missing) {
  values <- reticulate::py_to_r(pylist)
  vapply(values, function(v) {
    if (is.null(v) || (is.double(v) && is.nan(v))) missing else v  # None, NaN, NaT
  }, missing, USE.NAMES = FALSE)
}

from_series <- function(series) {
  dtype <- reticulate::py_str(series$dtype)
  kind <- reticulate::py_to_r(series$dtype$kind)
  if (identical(dtype, "category")) {
    levels <- r_values(series$cat$categories$astype("str")$tolist(), NA_character_)
    codes <- r_values(series$cat$codes$astype("float64")$tolist(), NA_real_)
    codes[codes < 0] <- NA
    return(factor(levels[codes + 1], levels = levels))
  }
  if (kind %in% c("f", "i", "u")) {
    values <- r_values(series$astype("float64")$tolist(), NA_real_)
    values[is.nan(values)] <- NA_real_
    return(values)
  }
  if (kind == "b") {
    return(r_values(series$tolist(), NA))
  }
  if (kind == "M") {
    text <- r_values(series$dt$strftime("%Y-%m-%d")$tolist(), NA_character_)
    return(as.Date(text))
  }
  values <- reticulate::py_to_r(series$astype("object")$tolist())
  missing <- vapply(values, function(v) is.null(v) || (is.double(v) && is.nan(v)), TRUE)
  if (!all(missing) && all(vapply(values[!missing], is.logical, TRUE))) {
    return(vapply(values, function(v) if (is.logical(v)) v else NA, NA, USE.NAMES = FALSE))
  }
  vapply(seq_along(values), function(i) {
    if (missing[i]) NA_character_ else enc2utf8(as.character(values[[i]]))
  }, NA_character_)
}

# A numeric matrix (or data frame, or NULL) as a float64 numpy array, units in rows.
np_matrix <- function(m) {
  if (is.null(m)) return(NULL)
  np <- reticulate::import("numpy", convert = FALSE)
  m <- as.matrix(m) * 1.0
  np$array(reticulate::r_to_py(lapply(seq_len(nrow(m)), function(i) as.list(m[i, ]))),
           dtype = "float64")
}

# The values (NaN as NA) and statuses of a carbongap SBI or DDF result, as a data frame.
values_and_status <- function(result) {
  values <- r_values(result$values$tolist(), NA_real_)
  values[is.nan(values)] <- NA_real_
  data.frame(value = values,
             status = r_values(result$status$tolist(), NA_character_),
             stringsAsFactors = FALSE)
}
