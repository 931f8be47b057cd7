/*
 * stats.h - standard errors of ensemble statistics.
 *
 * The Fig. 5.1 numbers are functions of a few independent trials (means,
 * ratios of means, extrema over time of a trial mean). Their standard error is
 * estimated by the delete-one jackknife over trials, which needs no formula per
 * statistic: with theta_(i) the statistic recomputed without trial i and
 * theta_(.) their mean,
 *     se^2 = (n - 1)/n * sum_i (theta_(i) - theta_(.))^2.
 * For a plain mean it equals s/sqrt(n) exactly (s the sample standard deviation);
 * for smooth functions of means it matches the delta method to O(1/n).
 */
#ifndef STATS_H
#define STATS_H

#include <stddef.h>

/* A statistic of the trials whose keep[i] is nonzero (n trials in all). */
typedef double (*stats_fn)(const unsigned char *keep, size_t n, void *ctx);

/* Jackknife standard error of fn over n >= 2 trials; NAN for n < 2. */
double stats_jackknife_se(stats_fn fn, size_t n, void *ctx);

/* Mean and sample standard deviation (n - 1) of x[0..n) where keep[i] (NULL: all). */
double stats_mean(const double *x, const unsigned char *keep, size_t n);
double stats_sd(const double *x, const unsigned char *keep, size_t n);

/* Coefficient of variation sd/mean of x[0..n) (sd with n - 1; signed by the mean);
 * *se (or NULL) gets its jackknife standard error. */
double stats_cv(const double *x, size_t n, double *se);

#endif
