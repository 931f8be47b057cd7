/*
 * costfit.h - the arithmetic of the cluster cost model (src/tools/costmodel.c,
 * cluster/cost.sh): a non-negative least-squares fit of a linear model in
 * relative error, and the longest-processing-time-first schedule of jobs onto
 * parallel slots.
 */
#ifndef COSTFIT_H
#define COSTFIT_H

/* Coefficients c[0..k-1] >= 0 minimising sum_i ((sum_j c_j X[i][j] - t_i) / t_i)^2
 * over n rows (X row-major, n x k; every t_i > 0). Active set: a coefficient
 * that fits negative is fixed at 0 and the rest refitted, at most k times.
 * Returns 0, or -1 when the rows do not determine the free coefficients (a
 * singular system). */
int costfit_nnls_rel(int n, int k, const double *X, const double *t, double *c);

/* The makespan of n jobs of durations t[] (sorted in place, longest first) on
 * `slots` parallel slots, each job going to the least loaded slot. */
double costfit_lpt(int n, double *t, int slots);

#endif
