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

/* The first record at or after the late window's start. */
static int late_index(const fig51_ens_t *e) { return (int)((e->late_start + e->noise_every - 1) / e->noise_every); }

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
    int ng = e->ngroups, i0 = late_index(e);
    e->tgT = xcalloc((size_t)(nt * ng) + 1, sizeof(double));
    e->tgdn = xcalloc((size_t)(nt * ng) + 1, sizeof(double));
    e->tdn_late = xcalloc((size_t)nt + 1, sizeof(double));
    e->ttau = xcalloc((size_t)nt + 1, sizeof(double));
    e->tdrop = xcalloc((size_t)nt + 1, sizeof(double));
    e->tslope = xcalloc((size_t)nt + 1, sizeof(double));
    for (long k = 0; k < nt; k++) {
        double d = 0, x = 0, m = 0;
        for (int i = i0; i < e->nno; i++) d += e->ndrift[k * e->nno + i], x += e->nexp[k * e->nno + i], m++;
        e->tdn_late[k] = d / x;
        for (int g = 0; g < ng; g++) {
            double gd = 0, gx = 0;
            for (int i = i0; i < e->nno; i++) {
                size_t j = ((size_t)k * (size_t)e->nno + (size_t)i) * (size_t)ng + (size_t)g;
                gd += e->gdrift[j], gx += e->gexp[j];
            }
            e->tgT[k * ng + g] = e->rate * (gx / m) / 2;
            e->tgdn[k * ng + g] = gd / gx;
        }
        fig51_regimes_t r = fig51_loss_regimes(e->nloss + k * e->nno, e->nno, e->noise_every, e->late_start);
        e->ttau[k] = r.tau, e->tdrop[k] = r.drop, e->tslope[k] = r.slope;
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
                 e->tvar, e->texp, e->tdrift, e->tgmax, e->tloss_end, e->texp_end, e->gexp, e->gdrift, e->rdist,
                 e->rdisp, e->rev_w, e->tgT, e->tgdn, e->tdn_late, e->ttau, e->tdrop, e->tslope};
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
    return exp_max_over_min_from(keep, n, e, late_index(e));
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

fig51_regimes_t fig51_loss_regimes(const double *L, int n, long every, long late_start) {
    fig51_regimes_t r = {NAN, NAN, NAN};
    if (n < 2) return r;
    double d0 = L[0] - L[n - 1], thr = d0 / exp(1.0);
    if (d0 > 0)
        for (int i = 1; i < n; i++)
            if (L[i] - L[n - 1] <= thr) {
                double a = L[i - 1] - L[n - 1], b = L[i] - L[n - 1]; /* a > thr >= b */
                r.tau = ((double)(i - 1) + (a - thr) / (a - b)) * (double)every;
                break;
            }
    double pos = (double)late_start / (double)every; /* the loss at late_start, between records */
    int j = (int)floor(pos);
    if (d0 > 0 && j + 1 < n) r.drop = (L[j] + (pos - j) * (L[j + 1] - L[j]) - L[n - 1]) / d0;
    double sx = 0, sy = 0, sxx = 0, sxy = 0, m = 0;
    for (int i = (int)((late_start + every - 1) / every); i < n; i++) {
        double x = (double)i * (double)every;
        sx += x, sy += L[i], sxx += x * x, sxy += x * L[i], m++;
    }
    if (m >= 2) r.slope = 1000 * (m * sxy - sx * sy) / (m * sxx - sx * sx);
    return r;
}

#define GROUP_T(e, k, g) ((e)->tgT[(k) * (e)->ngroups + (g)])

double fig51_group_T(const unsigned char *keep, size_t n, void *c) {
    const fig51_ctx_t *s = c;
    double sum = 0, m = 0;
    for (size_t k = 0; k < n; k++)
        if (keep[k]) sum += GROUP_T(s->e, (long)k, s->lag), m++;
    return sum / m;
}

double fig51_group_T_spread(const unsigned char *keep, size_t n, void *c) {
    fig51_ctx_t s = *(const fig51_ctx_t *)c;
    double lo = INFINITY, hi = -INFINITY;
    for (s.lag = 0; s.lag < s.e->ngroups; s.lag++) {
        double T = fig51_group_T(keep, n, &s);
        lo = fmin(lo, T), hi = fmax(hi, T);
    }
    return hi / lo;
}

double fig51_group_drift_over_noise(const unsigned char *keep, size_t n, void *c) {
    const fig51_ctx_t *s = c;
    double sum = 0, m = 0;
    for (size_t k = 0; k < n; k++)
        if (keep[k]) sum += s->e->tgdn[(long)k * s->e->ngroups + s->lag], m++;
    return sum / m;
}

double fig51_late_drift_over_noise(const unsigned char *keep, size_t n, void *c) {
    return stats_mean(ENS(c)->tdn_late, keep, n);
}
double fig51_loss_tau(const unsigned char *keep, size_t n, void *c) { return stats_mean(ENS(c)->ttau, keep, n); }
double fig51_loss_drop(const unsigned char *keep, size_t n, void *c) { return stats_mean(ENS(c)->tdrop, keep, n); }
double fig51_loss_slope(const unsigned char *keep, size_t n, void *c) { return stats_mean(ENS(c)->tslope, keep, n); }

double fig51_reverse_rel(const unsigned char *keep, size_t n, void *c) {
    const fig51_ctx_t *s = c;
    double sum = 0, m = 0;
    for (size_t k = 0; k < n; k++)
        if (keep[k]) {
            size_t j = k * (size_t)s->e->nrev + (size_t)s->lag;
            sum += s->e->rdist[j] / s->e->rdisp[j], m++;
        }
    return sum / m;
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
