/* fig51_stats.c - the ensemble statistics of Fig. 5.1 (see fig51_stats.h). */
#include "fig51_stats.h"

#include <math.h>
#include <stdlib.h>

#include "sgdnoise.h"
#include "util.h"

/* col[k] = a[k * stride + i] for k < n: one time point across trials. */
static double *column(const double *a, long n, long stride, long i, double *col) {
    for (long k = 0; k < n; k++) col[k] = a[k * stride + i];
    return col;
}

void fig51_ens_finish(fig51_ens_t *e) {
    long nt = e->noise_trials;
    e->tacc = xmalloc((size_t)(e->trials > 0 ? e->trials : 1) * sizeof *e->tacc);
    column(e->acc, e->trials, e->nev, e->nev - 1, e->tacc);
    double **out[] = {&e->tvar, &e->texp, &e->tdrift, &e->tgmax};
    const double *in[] = {e->nvar, e->nexp, e->ndrift, e->gmax};
    for (int q = 0; q < 4; q++) {
        *out[q] = xcalloc((size_t)nt + 1, sizeof(double));
        for (long k = 0; k < nt; k++) {
            const double *row = in[q] + k * e->nno;
            double v = q < 3 ? stats_mean(row, NULL, (size_t)e->nno) : -INFINITY;
            for (int i = 0; q == 3 && i < e->nno; i++) v = fmax(v, row[i]); /* gmax: largest along the run */
            (*out[q])[k] = v;
        }
    }
    e->tloss_end = xcalloc((size_t)nt + 1, sizeof(double));
    e->texp_end = xcalloc((size_t)nt + 1, sizeof(double));
    for (long k = 0; k < nt && e->nno > 0; k++) {
        e->tloss_end[k] = e->nloss[k * e->nno + e->nno - 1];
        e->texp_end[k] = e->nexp[k * e->nno + e->nno - 1];
    }
}

void fig51_ens_free(fig51_ens_t *e) {
    void *v[] = {e->param, e->acc, e->nvar, e->nexp, e->ndrift, e->gmax, e->nloss, e->force, e->acf, e->tacc,
                 e->tvar, e->texp, e->tdrift, e->tgmax, e->tloss_end, e->texp_end};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) free(v[i]);
}

double fig51_force_change(const float *G, const float *Gprev, size_t P) {
    double d2 = 0, n2 = 0;
    for (size_t i = 0; i < P; i++) {
        double d = (double)G[i] - Gprev[i];
        d2 += d * d;
        n2 += (double)Gprev[i] * Gprev[i];
    }
    return sqrt(d2 / n2);
}

#define ENS(c) (((const fig51_ctx_t *)(c))->e)

double fig51_acc_mean(const unsigned char *keep, size_t n, void *c) { return stats_mean(ENS(c)->tacc, keep, n); }
double fig51_acc_sd(const unsigned char *keep, size_t n, void *c) { return stats_sd(ENS(c)->tacc, keep, n); }
double fig51_var(const unsigned char *keep, size_t n, void *c) { return stats_mean(ENS(c)->tvar, keep, n); }
double fig51_exp(const unsigned char *keep, size_t n, void *c) { return stats_mean(ENS(c)->texp, keep, n); }
double fig51_gmax(const unsigned char *keep, size_t n, void *c) { return stats_mean(ENS(c)->tgmax, keep, n); }

/* Mean over every (trial, recorded step) of measured over expected power. Each
 * ratio has conditional mean exactly 1 given the past (the batch at t is a fresh
 * draw), so the measurements, not only the trials, are the samples of its error. */
double fig51_meas_over_exp(const unsigned char *keep, size_t n, void *c) {
    const fig51_ens_t *e = ENS(c);
    double sum = 0, m = 0;
    for (size_t j = 0; j < n; j++)
        if (keep[j]) sum += e->nvar[j] / e->nexp[j], m++;
    return sum / m;
}

double fig51_rms_over_gmax(const unsigned char *keep, size_t n, void *c) {
    return sqrt(fig51_var(keep, n, c)) / fig51_gmax(keep, n, c);
}

double fig51_drift_over_noise(const unsigned char *keep, size_t n, void *c) {
    return stats_mean(ENS(c)->tdrift, keep, n) / fig51_var(keep, n, c);
}

/* Largest over smallest trial-mean expected power over the recorded times i >= i0. */
static double exp_max_over_min_from(const unsigned char *keep, size_t n, const fig51_ens_t *e, int i0) {
    double lo = INFINITY, hi = -INFINITY, *col = xmalloc((n > 0 ? n : 1) * sizeof *col);
    for (int i = i0; i < e->nno; i++) {
        double m = stats_mean(column(e->nexp, (long)n, e->nno, i, col), keep, n);
        lo = fmin(lo, m);
        hi = fmax(hi, m);
    }
    free(col);
    return hi / lo;
}

double fig51_exp_max_over_min(const unsigned char *keep, size_t n, void *c) {
    return exp_max_over_min_from(keep, n, ENS(c), 0);
}

double fig51_exp_late_max_over_min(const unsigned char *keep, size_t n, void *c) {
    const fig51_ens_t *e = ENS(c);
    int i0 = (int)((e->late_start + e->noise_every - 1) / e->noise_every); /* first record at or after it */
    return exp_max_over_min_from(keep, n, e, i0);
}

/* Per trial over the run (successive changes are correlated), then over trials. */
double fig51_force(const unsigned char *keep, size_t n, void *c) {
    const fig51_ens_t *e = ENS(c);
    long m = e->nno - 1;
    double sum = 0, kept = 0;
    for (size_t k = 0; k < n; k++)
        if (keep[k]) sum += stats_mean(e->force + (long)k * m, NULL, (size_t)m), kept++;
    return sum / kept;
}

/* C(lag) from the window sums of the kept trials (sgdnoise_acf_value). */
double fig51_acf(const unsigned char *keep, size_t n, void *c) {
    const fig51_ctx_t *s = c;
    int L = s->e->lags;
    double *dot = xcalloc((size_t)L + 1, sizeof *dot);
    for (size_t k = 0; k < n; k++)
        for (int l = 0; keep[k] && l <= L; l++) dot[l] += s->e->acf[k * (size_t)(L + 1) + (size_t)l];
    double v = sgdnoise_acf_value(dot, s->e->inflation, s->lag);
    free(dot);
    return v;
}

double fig51_acf_maxabs(const unsigned char *keep, size_t n, void *c) {
    fig51_ctx_t s = *(const fig51_ctx_t *)c;
    double mx = 0;
    for (s.lag = 1; s.lag <= s.e->lags; s.lag++) mx = fmax(mx, fabs(fig51_acf(keep, n, &s)));
    return mx;
}

double fig51_acc_cv(const unsigned char *keep, size_t n, void *c) {
    return stats_sd(ENS(c)->tacc, keep, n) / stats_mean(ENS(c)->tacc, keep, n);
}
double fig51_loss_cv(const unsigned char *keep, size_t n, void *c) {
    return stats_sd(ENS(c)->tloss_end, keep, n) / stats_mean(ENS(c)->tloss_end, keep, n);
}
double fig51_noise_cv(const unsigned char *keep, size_t n, void *c) {
    return stats_sd(ENS(c)->texp_end, keep, n) / stats_mean(ENS(c)->texp_end, keep, n);
}

double fig51_stat_all(stats_fn fn, size_t n, fig51_ctx_t *c) {
    unsigned char *keep = xmalloc(n > 0 ? n : 1);
    for (size_t i = 0; i < n; i++) keep[i] = 1;
    double v = fn(keep, n, c);
    free(keep);
    return v;
}

/* Independent ensembles: the relative errors add in quadrature (delta method). */
fig51_ratio_t fig51_ratio(stats_fn fn, fig51_ctx_t *a, fig51_ctx_t *b, size_t n) {
    double x = fig51_stat_all(fn, n, a), y = fig51_stat_all(fn, n, b);
    fig51_ratio_t r = {x / y, NAN};
    if (n < 2) return r;
    double ea = stats_jackknife_se(fn, n, a) / x, eb = stats_jackknife_se(fn, n, b) / y;
    r.se = fabs(r.value) * sqrt(ea * ea + eb * eb);
    return r;
}
