/* costfit.c - non-negative relative least squares and the LPT schedule; see costfit.h. */
#include "costfit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linalg.h"
#include "util.h"

/* The relative-error fit on the free columns (on[j]); columns scaled to a
 * largest entry of 1 so that flop counts of 1e12 and a constant term share one
 * system. */
static int fit_free(int n, int k, const double *X, const double *t, const int *on, double *c) {
    int m = 0, *col = xmalloc((size_t)k * sizeof *col);
    for (int j = 0; j < k; j++)
        if (on[j]) col[m++] = j;
    double *scale = xcalloc((size_t)k, sizeof *scale), *A = xcalloc((size_t)m * m, sizeof *A);
    double *b = xcalloc((size_t)m, sizeof *b);
    for (int j = 0; j < k; j++)
        for (int i = 0; i < n; i++) scale[j] = fmax(scale[j], fabs(X[i * k + j]));
    for (int i = 0; i < n; i++) {
        double w = 1 / (t[i] * t[i]);
        for (int a = 0; a < m; a++) {
            double xa = X[i * k + col[a]] / scale[col[a]];
            b[a] += w * xa * t[i];
            for (int q = 0; q < m; q++) A[a * m + q] += w * xa * X[i * k + col[q]] / scale[col[q]];
        }
    }
    int status = m ? linalg_spd_solve(m, A, b) : 0;
    for (int j = 0; j < k; j++) c[j] = 0;
    if (status == 0)
        for (int a = 0; a < m; a++) c[col[a]] = b[a] / scale[col[a]];
    free(col), free(scale), free(A), free(b);
    return status;
}

int costfit_nnls_rel(int n, int k, const double *X, const double *t, double *c) {
    int *on = xmalloc((size_t)k * sizeof *on), status = 0;
    for (int j = 0; j < k; j++) on[j] = 1;
    for (int iter = 0; iter <= k; iter++) {
        if ((status = fit_free(n, k, X, t, on, c)) != 0) break;
        int negative = 0;
        for (int j = 0; j < k; j++)
            if (on[j] && c[j] < 0) on[j] = 0, negative = 1;
        if (!negative) break;
    }
    free(on);
    return status;
}

static int longest_first(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

double costfit_lpt(int n, double *t, int slots) {
    qsort(t, (size_t)n, sizeof *t, longest_first);
    double *load = xcalloc((size_t)slots, sizeof *load), makespan = 0;
    for (int i = 0; i < n; i++) {
        int best = 0;
        for (int s = 1; s < slots; s++)
            if (load[s] < load[best]) best = s;
        load[best] += t[i];
        makespan = fmax(makespan, load[best]);
    }
    free(load);
    return makespan;
}
