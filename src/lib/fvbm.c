/* fvbm.c - exact enumeration, moments and heat-bath dynamics of a fully
 * visible Boltzmann machine (see fvbm.h). */
#include "fvbm.h"

#include <math.h>
#include <string.h>

#include "thermo.h"
#include "util.h"

void fvbm_init(fvbm_t *m, int n) {
    if (n < 1 || n > FVBM_MAX_N) die("fvbm: n = %d, allowed 1..%d", n, FVBM_MAX_N);
    m->n = n;
    m->N = (size_t)1 << n;
    int k = n;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) m->pair[i][j] = m->pair[j][i] = k++;
    for (int i = 0; i < n; i++) m->pair[i][i] = -1;
    m->npar = k;
}

/* Position of the local table entry of state x (with bit i clear) for site i. */
static inline size_t squeeze(size_t x, int i) { return (x & (((size_t)1 << i) - 1)) | ((x >> (i + 1)) << i); }

void fvbm_energies(const fvbm_t *m, const double *theta, double *E) {
    E[0] = 0;
    for (int k = 0; k < m->n; k++) { /* states whose highest set bit is k */
        size_t base = (size_t)1 << k;
        for (size_t y = 0; y < base; y++) {
            double f = theta[k]; /* the field bit k feels from the lower bits y */
            for (size_t rest = y; rest; rest &= rest - 1) f += theta[m->pair[k][__builtin_ctzll(rest)]];
            E[base | y] = E[y] - f;
        }
    }
}

double fvbm_probs(const fvbm_t *m, const double *E, double *p) {
    double mn = INFINITY;
    for (size_t x = 0; x < m->N; x++) mn = fmin(mn, E[x]);
    double s = 0;
    for (size_t x = 0; x < m->N; x++) s += p[x] = exp(mn - E[x]);
    double lnZ = log(s) - mn;
    for (size_t x = 0; x < m->N; x++) p[x] /= s;
    return lnZ;
}

void fvbm_moments(const fvbm_t *m, const double *p, double *mom, double *work) {
    /* work[S] = sum over supersets x of S of p(x); then <x_i> = work[{i}],
     * <x_i x_j> = work[{i,j}] */
    memcpy(work, p, m->N * sizeof *work);
    for (int i = 0; i < m->n; i++) {
        size_t bit = (size_t)1 << i;
        for (size_t x = 0; x < m->N; x++)
            if (!(x & bit)) work[x] += work[x | bit];
    }
    for (int i = 0; i < m->n; i++) {
        mom[i] = work[(size_t)1 << i];
        for (int j = i + 1; j < m->n; j++) mom[m->pair[i][j]] = work[((size_t)1 << i) | ((size_t)1 << j)];
    }
}

void fvbm_data_moments(const fvbm_t *m, const uint32_t *x, int count, double *mom) {
    memset(mom, 0, (size_t)m->npar * sizeof *mom);
    for (int k = 0; k < count; k++)
        for (int i = 0; i < m->n; i++)
            if (x[k] >> i & 1) {
                mom[i] += 1.0 / count;
                for (int j = i + 1; j < m->n; j++)
                    if (x[k] >> j & 1) mom[m->pair[i][j]] += 1.0 / count;
            }
}

void fvbm_conditionals(const fvbm_t *m, const double *E, double *cond) {
    size_t half = m->N / 2;
    for (int i = 0; i < m->n; i++) {
        size_t bit = (size_t)1 << i;
        double *c = cond + (size_t)i * half;
        for (size_t x = 0; x < m->N; x++)
            if (!(x & bit)) c[squeeze(x, i)] = 1.0 / (1.0 + exp(E[x | bit] - E[x]));
    }
}

/* Heat-bath update of site i applied to the distribution q. */
static void site_update_dist(const fvbm_t *m, const double *cond, int i, double *q) {
    size_t half = m->N / 2, bit = (size_t)1 << i;
    const double *c = cond + (size_t)i * half;
    for (size_t x = 0; x < m->N; x++)
        if (!(x & bit)) {
            double mass = q[x] + q[x | bit], p1 = c[squeeze(x, i)];
            q[x | bit] = mass * p1;
            q[x] = mass - q[x | bit];
        }
}

void fvbm_sweep_dist(const fvbm_t *m, const double *cond, double *q) {
    for (int i = 0; i < m->n; i++) site_update_dist(m, cond, i, q);
}

void fvbm_sweep_dist_reverse(const fvbm_t *m, const double *cond, double *q) {
    for (int i = m->n - 1; i >= 0; i--) site_update_dist(m, cond, i, q);
}

void fvbm_kernel(const fvbm_t *m, const double *cond, fvbm_scan_t scan, long tau, double *K) {
    size_t N = m->N;
    for (size_t x = 0; x < N; x++) {
        double *row = K + x * N;
        memset(row, 0, N * sizeof *row);
        row[x] = 1;
        for (long s = 0; s < tau; s++) {
            fvbm_sweep_dist(m, cond, row);
            if (scan == FVBM_SCAN_SYMMETRIC) fvbm_sweep_dist_reverse(m, cond, row);
        }
    }
}

double fvbm_ldb_residual(const fvbm_t *m, const double *K, const double *E) {
    size_t N = m->N;
    double worst = 0;
    for (size_t x = 0; x < N; x++)
        for (size_t y = x + 1; y < N; y++)
            worst = fmax(worst, fabs(log(K[x * N + y]) - log(K[y * N + x]) + E[y] - E[x]));
    return worst;
}

double fvbm_kernel_tv(const fvbm_t *m, const double *K, const double *p) {
    size_t N = m->N;
    double worst = 0;
    for (size_t x = 0; x < N; x++) {
        double tv = 0;
        for (size_t y = 0; y < N; y++) tv += fabs(K[x * N + y] - p[y]) / 2;
        worst = fmax(worst, tv);
    }
    return worst;
}

void fvbm_sweep_chains(const fvbm_t *m, const double *cond, uint32_t *x, int count, rng_t *r) {
    size_t half = m->N / 2;
    for (int k = 0; k < count; k++)
        for (int i = 0; i < m->n; i++) {
            uint32_t bit = 1u << i, s = x[k] & ~bit;
            double p1 = cond[(size_t)i * half + squeeze(s, i)];
            x[k] = rng_uniform(r) < p1 ? s | bit : s;
        }
}

void fvbm_sweep_chains_reverse(const fvbm_t *m, const double *cond, uint32_t *x, int count, rng_t *r) {
    size_t half = m->N / 2;
    for (int k = 0; k < count; k++)
        for (int i = m->n - 1; i >= 0; i--) {
            uint32_t bit = 1u << i, s = x[k] & ~bit;
            double p1 = cond[(size_t)i * half + squeeze(s, i)];
            x[k] = rng_uniform(r) < p1 ? s | bit : s;
        }
}

double fvbm_mean_phi(const fvbm_t *m, const double *q, const double *E, double lnZ) {
    double s = 0;
    for (size_t x = 0; x < m->N; x++) s += q[x] * E[x];
    return s + lnZ;
}
