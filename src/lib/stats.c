/* stats.c - jackknife standard errors over independent trials (see stats.h). */
#include "stats.h"

#include <math.h>
#include <stdlib.h>

#include "util.h"

double stats_jackknife_se(stats_fn fn, size_t n, void *ctx) {
    if (n < 2) return NAN;
    unsigned char *keep = xmalloc(n);
    double *loo = xmalloc(n * sizeof *loo), mean = 0, ss = 0;
    for (size_t i = 0; i < n; i++) keep[i] = 1;
    for (size_t i = 0; i < n; i++) {
        keep[i] = 0;
        loo[i] = fn(keep, n, ctx);
        keep[i] = 1;
        mean += loo[i] / (double)n;
    }
    for (size_t i = 0; i < n; i++) ss += (loo[i] - mean) * (loo[i] - mean);
    free(keep);
    free(loo);
    return sqrt((double)(n - 1) / (double)n * ss);
}

double stats_mean(const double *x, const unsigned char *keep, size_t n) {
    double s = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!keep || keep[i]) {
            s += x[i];
            m++;
        }
    return m ? s / (double)m : NAN;
}

double stats_sd(const double *x, const unsigned char *keep, size_t n) {
    double mu = stats_mean(x, keep, n), ss = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!keep || keep[i]) {
            ss += (x[i] - mu) * (x[i] - mu);
            m++;
        }
    return m > 1 ? sqrt(ss / (double)(m - 1)) : NAN;
}

static double cv_of(const unsigned char *keep, size_t n, void *ctx) {
    const double *x = ctx;
    return stats_sd(x, keep, n) / stats_mean(x, keep, n);
}

double stats_cv(const double *x, size_t n, double *se) {
    if (se) *se = stats_jackknife_se(cv_of, n, (void *)x);
    return cv_of(NULL, n, (void *)x);
}
