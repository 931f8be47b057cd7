/* The jackknife standard errors that make the Fig. 5.1 numbers comparable
 * across BLAS kernels (src/lib/stats.c): exact for a mean, and calibrated for a
 * ratio of means against the spread of many independent replicate ensembles. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <math.h>

#include "rng.h"
#include "stats.h"

static double mean_of(const unsigned char *keep, size_t n, void *ctx) { return stats_mean(ctx, keep, n); }

Test(stats, jackknife_se_of_a_mean_is_s_over_sqrt_n) {
    rng_t r;
    rng_init(&r, 2385, 0);
    double x[7];
    for (int i = 0; i < 7; i++) x[i] = 2.385 + rng_normal(&r) * (1 + i);
    double want = stats_sd(x, NULL, 7) / sqrt(7.0); /* textbook formula, computed directly */
    cr_assert(epsilon_eq(dbl, stats_jackknife_se(mean_of, 7, x), want, 1e-12 * want));
    cr_assert(isnan(stats_jackknife_se(mean_of, 1, x)), "one trial has no standard error");
}

typedef struct {
    double a[20], b[20];
} pairs_t;

static double ratio_of_means(const unsigned char *keep, size_t n, void *ctx) {
    pairs_t *p = ctx;
    return stats_mean(p->a, keep, n) / stats_mean(p->b, keep, n);
}

/* Over 4000 replicate ensembles of 20 trials, the mean jackknife SE of a ratio
 * of means must match the replicates' actual standard deviation (the Monte
 * Carlo error of that SD is 1/sqrt(2*4000) ~ 1.1%; the jackknife's own bias
 * at n = 20 is a few percent, so 10% separates a right SE from a wrong one,
 * e.g. the naive spread of the leave-one-out values, off by sqrt(n - 1) = 4.4). */
Test(stats, jackknife_se_of_a_ratio_matches_replicate_spread) {
    rng_t r;
    rng_init(&r, 51, 1);
    const int reps = 4000;
    double s = 0, s2 = 0, se_sum = 0;
    pairs_t p;
    for (int k = 0; k < reps; k++) {
        for (int i = 0; i < 20; i++) {
            p.a[i] = 3.0 + 0.8 * rng_normal(&r);
            p.b[i] = 2.0 + 0.5 * rng_normal(&r) + 0.3 * (p.a[i] - 3.0);
        }
        double q = ratio_of_means(NULL, 20, &p);
        s += q;
        s2 += q * q;
        se_sum += stats_jackknife_se(ratio_of_means, 20, &p);
    }
    double sd = sqrt((s2 - s * s / reps) / (reps - 1)), se = se_sum / reps;
    cr_assert(fabs(se / sd - 1) < 0.10, "mean jackknife SE %g vs replicate SD %g", se, sd);
}

/* Eq 24's coefficient of variation: for normal samples of mean 4 and sd 1.2 (CV 0.3),
 * the mean over 3000 replicate ensembles of 30 trials of stats_cv must be near 0.3
 * (its bias at n = 30 is under 2%), and its jackknife SE must match the replicates'
 * spread, which the delta method puts at CV sqrt(1/(2(n-1)) + CV^2/n) = 0.044. A CV
 * with the population sd, or an SE from the naive leave-one-out spread, misses. */
Test(stats, coefficient_of_variation_and_its_jackknife_se_match_replicates) {
    rng_t r;
    rng_init(&r, 24, 7);
    const int reps = 3000, n = 30;
    double x[30], s = 0, s2 = 0, se_sum = 0;
    for (int k = 0; k < reps; k++) {
        for (int i = 0; i < n; i++) x[i] = 4.0 + 1.2 * rng_normal(&r);
        double se, cv = stats_cv(x, n, &se);
        s += cv, s2 += cv * cv, se_sum += se;
    }
    double mean = s / reps, sd = sqrt((s2 - s * s / reps) / (reps - 1)), delta = 0.3 * sqrt(1.0 / (2 * (n - 1)) + 0.09 / n);
    cr_assert(fabs(mean / 0.3 - 1) < 0.03, "mean CV %g, want 0.3", mean);
    cr_assert(fabs(sd / delta - 1) < 0.10, "replicate spread %g vs delta method %g", sd, delta);
    cr_assert(fabs(se_sum / reps / sd - 1) < 0.10, "mean jackknife SE %g vs replicate SD %g", se_sum / reps, sd);
}
