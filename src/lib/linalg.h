/*
 * linalg.h - small dense solves the BLAS does not offer: the normal equations of
 * the cost model's least squares (costfit) and the Newton steps of the
 * exponential families (expfam). Systems of a few dozen unknowns at most,
 * where a blocked LAPACK call would gain nothing.
 */
#ifndef LINALG_H
#define LINALG_H

/* Solves A y = b in place (b becomes y) for symmetric positive definite A
 * (n x n, row-major, overwritten by its Cholesky factor). Returns 0, or -1 when
 * a pivot falls to 1e-12 of its diagonal entry or below: A is singular to
 * round-off (collinear columns), and b is left partly solved. */
int linalg_spd_solve(int n, double *A, double *b);

#endif
