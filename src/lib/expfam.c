/* expfam.c - the exponential family on binary units and its reservoir (see expfam.h). */
#include "expfam.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "thermo.h"
#include "linalg.h"
#include "util.h"

static int popcount(unsigned v) { return __builtin_popcount(v); }

void expfam_init(expfam_t *m, int n, int d) {
    if (n < 1 || n > EXPFAM_MAX_N) die("expfam_init: n = %d outside 1..%d", n, EXPFAM_MAX_N);
    size_t N = (size_t)1 << n;
    if (d < 1 || (size_t)d > N - 1) die("expfam_init: d = %d outside 1..%zu for n = %d", d, N - 1, n);
    *m = (expfam_t){.n = n, .d = d, .N = N};
    m->f = xmalloc(N * (size_t)d * sizeof *m->f);
    int k = 0;
    for (int size = 1; size <= n && k < d; size++) /* subsets by size, then by bit pattern */
        for (unsigned S = 1; S < N && k < d; S++) {
            if (popcount(S) != size) continue;
            for (size_t x = 0; x < N; x++) m->f[x * d + k] = popcount(S & ~(unsigned)x) % 2 ? -1.0 : 1.0;
            k++;
        }
}

void expfam_free(expfam_t *m) { free(m->f), memset(m, 0, sizeof *m); }

double expfam_probs(const expfam_t *m, const double *theta, double *p) {
    for (size_t x = 0; x < m->N; x++) {
        double a = 0;
        for (int k = 0; k < m->d; k++) a += theta[k] * m->f[x * m->d + k];
        p[x] = a;
    }
    double lnZ = thermo_logsumexp(p, m->N);
    for (size_t x = 0; x < m->N; x++) p[x] = exp(p[x] - lnZ);
    return lnZ;
}

void expfam_moments(const expfam_t *m, const double *p, double *mom) {
    for (int k = 0; k < m->d; k++) mom[k] = 0;
    for (size_t x = 0; x < m->N; x++)
        for (int k = 0; k < m->d; k++) mom[k] += p[x] * m->f[x * m->d + k];
}

double expfam_loss(const expfam_t *m, const double *theta, const double *mdata, double *p) {
    double U = expfam_probs(m, theta, p);
    for (int k = 0; k < m->d; k++) U -= theta[k] * mdata[k];
    return U;
}

double expfam_newton(const expfam_t *m, const double *mdata, double *theta, double tol) {
    int d = m->d;
    double *p = xmalloc(m->N * sizeof *p), *g = xmalloc((size_t)d * sizeof *g), *H = xmalloc((size_t)d * d * sizeof *H);
    double norm = INFINITY;
    for (int it = 0; it < 100; it++) {
        expfam_probs(m, theta, p);
        expfam_moments(m, p, g);
        norm = 0;
        for (int k = 0; k < d; k++) g[k] -= mdata[k], norm += g[k] * g[k];
        norm = sqrt(norm);
        if (norm < tol) break;
        for (int i = 0; i < d; i++) /* H = Cov_p(f) = <f f> - <f><f>, and <f> = g + mdata */
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (size_t x = 0; x < m->N; x++) s += p[x] * m->f[x * d + i] * m->f[x * d + j];
                H[i * d + j] = H[j * d + i] = s - (g[i] + mdata[i]) * (g[j] + mdata[j]);
            }
        if (linalg_spd_solve(d, H, g)) die("expfam_newton: the Hessian is singular (d = %d)", d);
        for (int k = 0; k < d; k++) theta[k] -= g[k];
    }
    free(p), free(g), free(H);
    return norm;
}

void expfam_sgd_step(const expfam_t *m, double *theta, const uint32_t *x, int K, int b, double r, rng_t *rng,
                     uint32_t *idx, double *p, double *mb) {
    int d = m->d;
    expfam_probs(m, theta, p);
    rng_distinct(rng, (uint32_t)K, b, idx);
    for (int k = 0; k < d; k++) mb[k] = 0;
    for (int i = 0; i < b; i++)
        for (int k = 0; k < d; k++) mb[k] += m->f[(size_t)x[idx[i]] * d + k] / b;
    for (size_t s = 0; s < m->N; s++) /* theta -= r (<f>_theta - <f>_b) */
        for (int k = 0; k < d; k++) theta[k] -= r * p[s] * m->f[s * d + k];
    for (int k = 0; k < d; k++) theta[k] += r * mb[k];
}

double expfam_noise_power(const expfam_t *m, const double *mdata, int K, int b) {
    double v = 0;
    for (int k = 0; k < m->d; k++) v += 1 - mdata[k] * mdata[k]; /* f_k^2 = 1 */
    return v * (double)(K - b) / ((double)b * (double)(K - 1));
}

expfam_energy_t expfam_stationary_energy(const expfam_t *m, const uint32_t *x, int K, int b, double r,
                                         const double *theta_star, int M, int burn, int steps, uint64_t seed,
                                         uint64_t stream0) {
    int d = m->d;
    double *th = xmalloc((size_t)d * sizeof *th), *p = xmalloc(m->N * sizeof *p), *mb = xmalloc((size_t)d * sizeof *mb);
    double *mdata = xcalloc((size_t)d, sizeof *mdata), *avg = xmalloc((size_t)M * sizeof *avg);
    uint32_t *idx = xmalloc((size_t)b * sizeof *idx);
    for (int i = 0; i < K; i++)
        for (int k = 0; k < d; k++) mdata[k] += m->f[(size_t)x[i] * d + k] / K;
    double U0 = expfam_loss(m, theta_star, mdata, p);
    for (int j = 0; j < M; j++) {
        rng_t r_;
        rng_init(&r_, seed, stream0 + (uint64_t)j);
        memcpy(th, theta_star, (size_t)d * sizeof *th);
        avg[j] = 0;
        for (int t = 1; t <= burn + steps; t++) {
            expfam_sgd_step(m, th, x, K, b, r, &r_, idx, p, mb);
            if (t > burn) avg[j] += (expfam_loss(m, th, mdata, p) - U0) / steps;
        }
        CHECK_FINITE(avg[j], "expfam: energy not finite (d = %d, b = %d, model %d)", d, b, j);
    }
    expfam_energy_t out = {.E = stats_mean(avg, NULL, (size_t)M), .se = stats_sd(avg, NULL, (size_t)M) / sqrt(M)};
    free(th), free(p), free(mb), free(mdata), free(avg), free(idx);
    return out;
}

void expfam_fit_slope(const double *lnd, const double *y, const double *se_y, int n, double *slope, double *se) {
    double sw = 0, sx = 0, sy = 0;
    for (int i = 0; i < n; i++) {
        double w = 1 / (se_y[i] * se_y[i]);
        sw += w, sx += w * lnd[i], sy += w * y[i];
    }
    double xm = sx / sw, ym = sy / sw, sxx = 0, sxy = 0;
    for (int i = 0; i < n; i++) {
        double w = 1 / (se_y[i] * se_y[i]);
        sxx += w * (lnd[i] - xm) * (lnd[i] - xm), sxy += w * (lnd[i] - xm) * (y[i] - ym);
    }
    *slope = sxy / sxx, *se = 1 / sqrt(sxx);
}
