/* sgdnoise.c - the noise of Eq 19, its exact power and the window
 * autocorrelation estimator (see sgdnoise.h). */
#include "sgdnoise.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

double sgdnoise_factor(long K, long b) { return (double)(K - b) / ((double)b * (double)(K - 1)); }

static double dot(const float *a, const float *b, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (double)a[i] * b[i];
    return s;
}

void sgdnoise_eta(const mlp_t *m, const float *theta, const float *G, const float *xb, const uint8_t *yb, int b,
                  mlp_work_t *w, float *eta) {
    memcpy(eta, G, m->nparam * sizeof(float));
    mlp_forward(m, theta, xb, yb, b, w, NULL);
    mlp_backward(m, theta, xb, yb, b, w, eta, -1.0f / (float)b, NULL);
}

int sgdnoise_ngroups(const mlp_t *m) { return 2 * m->nlayer; }

void sgdnoise_group_range(const mlp_t *m, int g, size_t *offset, size_t *size) {
    int l = g / 2;
    *offset = g % 2 ? m->boff[l] : m->woff[l];
    *size = (size_t)m->size[l + 1] * (g % 2 ? 1 : (size_t)m->size[l]);
}

sgdnoise_t sgdnoise_measure(const mlp_t *m, const float *theta, const float *x, const uint8_t *y, long K,
                            const float *xb, const uint8_t *yb, int b, mlp_work_t *w, float *G, float *eta,
                            sgdnoise_t *groups) {
    size_t P = m->nparam;
    sgdnoise_t s = {0};
    double pe, gsq[2 * MLP_MAX_LAYERS] = {0};
    w->group_sq = groups ? gsq : NULL;
    s.loss_full = mlp_full_grad(m, theta, x, y, K, w, G, &pe);
    w->group_sq = NULL;
    double gg = dot(G, G, P);
    for (size_t i = 0; i < P; i++) s.grad_max = fmax(s.grad_max, fabs(G[i]));
    sgdnoise_eta(m, theta, G, xb, yb, b, w, eta);
    s.var_measured = dot(eta, eta, P) / (double)P;
    s.var_expected = sgdnoise_factor(K, b) * (pe / (double)K - gg) / (double)P;
    s.drift_msq = gg / (double)P;
    for (int g = 0; groups && g < sgdnoise_ngroups(m); g++) {
        size_t off, n;
        sgdnoise_group_range(m, g, &off, &n);
        double gg_g = dot(G + off, G + off, n), gmax = 0;
        for (size_t i = 0; i < n; i++) gmax = fmax(gmax, fabs(G[off + i]));
        groups[g] = (sgdnoise_t){.var_measured = dot(eta + off, eta + off, n) / (double)n,
                                 .var_expected = sgdnoise_factor(K, b) * (gsq[g] / (double)K - gg_g) / (double)n,
                                 .drift_msq = gg_g / (double)n, .grad_max = gmax, .loss_full = s.loss_full};
    }
    return s;
}

void sgdnoise_acf_init(sgdnoise_acf_t *a, size_t dim, int lags, int window, long K, long b, long M) {
    if (lags < 1 || window < 1) die("acf: need lags >= 1 and window >= 1 (got %d, %d)", lags, window);
    a->dim = dim;
    a->lags = lags;
    a->window = window;
    a->pushed = 0;
    a->ring = xmalloc((size_t)(lags + 1) * dim * sizeof(float));
    a->dot = xcalloc((size_t)lags + 1, sizeof(double));
    a->inflation = 1 + sgdnoise_factor(K, M) / sgdnoise_factor(K, b);
}

/* Step s = pushed pairs with each earlier reference time t = s - l inside the window. */
void sgdnoise_acf_push(sgdnoise_acf_t *a, const float *eta_hat) {
    int s = a->pushed, L = a->lags;
    if (s >= a->window + L) die("acf: %d steps pushed into a window that needs %d", s + 1, a->window + L);
    float *slot = a->ring + (size_t)(s % (L + 1)) * a->dim;
    memcpy(slot, eta_hat, a->dim * sizeof(float));
    for (int l = 0; l <= L && l <= s; l++) {
        int t = s - l;
        if (t >= a->window) continue;
        a->dot[l] += dot(a->ring + (size_t)(t % (L + 1)) * a->dim, slot, a->dim);
    }
    a->pushed++;
}

int sgdnoise_acf_remaining(const sgdnoise_acf_t *a) { return a->window + a->lags - a->pushed; }

double sgdnoise_acf_value(const double *dot, double inflation, int lag) {
    return lag == 0 ? 1.0 : dot[lag] / (dot[0] / inflation);
}

void sgdnoise_acf_free(sgdnoise_acf_t *a) {
    free(a->ring);
    free(a->dot);
}
