# Independent reference implementation of the directional slacks-based inefficiency
# (SBI, Fukuyama & Weber 2009) exactly as written in carbongap's docs/methods.md §6, solved
# with lpSolve::lp. It is written from the formula, not from the Python engine, so that
# the two cross-validate each other (tests/test_r_sbi.py).
#
#   S(o) = max 1/2 [ (1/N) sum_n sx_n / gx_n + (1/(M+J)) (sum_m sy_m / gy_m + sum_j sb_j / gb_j) ]
#   s.t.  sum_k lambda_k x_kn + sx_n = x_on      (n = 1..N)
#         sum_k lambda_k y_km - sy_m = y_om      (m = 1..M)
#         sum_k lambda_k b_kj + sb_j = b_oj      (j = 1..J)
#         sum_k lambda_k = 1                     (VRS only)
#         lambda, sx, sy, sb >= 0
#
# The bad-output row is the equation of docs/methods.md §6 with a slack; since sb_j >= 0 it is the
# inequality sum_k lambda_k b_kj <= b_oj (bads treated like inputs), not the
# weak-disposability equality sum_k lambda_k b_kj = b_oj of a model without sb.
#
# Units are in rows. B and BREF may be NULL (J = 0). The direction defaults to the
# observed values (GX = X, GY = Y, GB = B). Each variable is divided by its arithmetic mean
# over the reference units before solving (deliberately not the Python engine's geometric
# mean, so the two differ in this too); S is unchanged by this because every slack is
# divided by a direction in the same unit. Returns list(value, status): value is NA unless
# lpSolve reports success; status is "optimal" (lpSolve 0), "infeasible" (2),
# "unbounded" (3) or "lpSolve status <code>".

sbi_lpsolve <- function(X, Y, B = NULL, XREF = X, YREF = Y, BREF = B, rts = "vrs",
                        GX = X, GY = Y, GB = B) {
  stopifnot(rts %in% c("crs", "vrs"))
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
  sx_scale <- scale_of(XREF); sy_scale <- scale_of(YREF)
  sb_scale <- if (J > 0) scale_of(BREF) else numeric(0)
  rescale <- function(mat, s) sweep(mat, 2, s, "/")

  Xr <- rescale(XREF, sx_scale); Yr <- rescale(YREF, sy_scale)
  Br <- if (J > 0) rescale(BREF, sb_scale) else BREF

  # Constraint matrix: columns lambda (K), sx (N), sy (M), sb (J).
  zeros <- function(r, c) matrix(0, r, c)
  A <- rbind(
    cbind(t(Xr), diag(1, N), zeros(N, M), zeros(N, J)),
    cbind(t(Yr), zeros(M, N), -diag(1, M), zeros(M, J))
  )
  if (J > 0) A <- rbind(A, cbind(t(Br), zeros(J, N), zeros(J, M), diag(1, J)))
  dirs <- rep("=", N + M + J)
  if (rts == "vrs") {
    A <- rbind(A, c(rep(1, K), rep(0, N + M + J)))
    dirs <- c(dirs, "=")
  }

  value <- rep(NA_real_, n)
  status <- character(n)
  for (o in seq_len(n)) {
    gx <- GX[o, ] / sx_scale; gy <- GY[o, ] / sy_scale
    gb <- if (J > 0) GB[o, ] / sb_scale else numeric(0)
    objective <- c(rep(0, K), 1 / (2 * N * gx), 1 / (2 * (M + J) * gy),
                   if (J > 0) 1 / (2 * (M + J) * gb) else numeric(0))
    rhs <- c(X[o, ] / sx_scale, Y[o, ] / sy_scale, if (J > 0) B[o, ] / sb_scale)
    if (rts == "vrs") rhs <- c(rhs, 1)
    sol <- lpSolve::lp("max", objective, A, dirs, rhs)
    status[o] <- switch(as.character(sol$status), "0" = "optimal", "2" = "infeasible",
                        "3" = "unbounded", paste("lpSolve status", sol$status))
    if (sol$status == 0) value[o] <- sol$objval
  }
  list(value = value, status = status)
}
