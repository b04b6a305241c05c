# Independent reference implementation of the radial directional distance function with bad
# outputs, as written in carbongap's docs/methods.md §15, solved with lpSolve::lp. Written
# from the formula, not from the Python engine, so that the two cross-validate each other
# (tests/test_r_ddf.py):
#
#   D(o) = max beta
#   s.t.  sum_k lambda_k x_kn <= x_on - beta gx_n       (n = 1..N)
#         sum_k lambda_k y_km >= y_om + beta gy_m       (m = 1..M)
#         sum_k lambda_k b_kj  = b_oj - beta gb_j       (weak disposability; "<=" strong)
#         sum_k lambda_k = 1                            (VRS only)
#         lambda >= 0, beta free
#
# lpSolve's variables are nonnegative, so beta = beta_plus - beta_minus. Each variable is
# divided by its arithmetic mean over the reference units (the Python engine uses the
# geometric mean). The direction defaults to (0, y, b). Units in rows; B may be NULL.
# Returns list(value, status) as sbi_lpsolve does.

ddf_lpsolve <- function(X, Y, B = NULL, XREF = X, YREF = Y, BREF = B, rts = "vrs",
                        disposability = "weak", GX = 0 * X, GY = Y, GB = B) {
  stopifnot(rts %in% c("crs", "vrs"), disposability %in% c("weak", "strong"))
  X <- as.matrix(X); Y <- as.matrix(Y); XREF <- as.matrix(XREF); YREF <- as.matrix(YREF)
  GX <- as.matrix(GX); GY <- as.matrix(GY)
  n <- nrow(X); K <- nrow(XREF); N <- ncol(X); M <- ncol(Y)
  if (is.null(B)) {
    B <- matrix(0, n, 0); BREF <- matrix(0, K, 0); GB <- matrix(0, n, 0)
  }
  B <- as.matrix(B); BREF <- as.matrix(BREF); GB <- as.matrix(GB)
  J <- ncol(B)
  scale_of <- function(ref) {
    s <- colMeans(ref)
    s[!(s > 0)] <- 1
    s
  }
  sx <- scale_of(XREF); sy <- scale_of(YREF); sb <- if (J > 0) scale_of(BREF) else numeric(0)
  Xr <- sweep(XREF, 2, sx, "/"); Yr <- sweep(YREF, 2, sy, "/")
  Br <- if (J > 0) sweep(BREF, 2, sb, "/") else BREF
  dirs <- c(rep("<=", N), rep(">=", M), rep(if (disposability == "weak") "=" else "<=", J))
  if (rts == "vrs") dirs <- c(dirs, "=")

  value <- rep(NA_real_, n)
  status <- character(n)
  for (o in seq_len(n)) {
    gx <- GX[o, ] / sx; gy <- GY[o, ] / sy; gb <- if (J > 0) GB[o, ] / sb else numeric(0)
    beta <- c(gx, -gy, gb)  # beta's coefficients in the rows as written above
    A <- rbind(t(Xr), t(Yr), if (J > 0) t(Br))
    A <- cbind(A, beta, -beta)
    rhs <- c(X[o, ] / sx, Y[o, ] / sy, if (J > 0) B[o, ] / sb)
    if (rts == "vrs") {
      A <- rbind(A, c(rep(1, K), 0, 0))
      rhs <- c(rhs, 1)
    }
    sol <- lpSolve::lp("max", c(rep(0, K), 1, -1), A, dirs, rhs)
    status[o] <- switch(as.character(sol$status), "0" = "optimal", "2" = "infeasible",
                        "3" = "unbounded", paste("lpSolve status", sol$status))
    if (sol$status == 0) value[o] <- sol$objval
  }
  list(value = value, status = status)
}
