/* The fully visible Boltzmann machine (src/fvbm.c): enumeration against brute
 * force, the heat-bath kernels' balance properties (Eqs 37-39), and Eqs 40-45,
 * 51-52 computed exactly along a short training run. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <math.h>
#include <string.h>

#include "fvbm.h"
#include "rng.h"
#include "thermo.h"
#include "util.h"

static void random_theta(const fvbm_t *m, double *th, rng_t *r, double scale) {
    for (int k = 0; k < m->npar; k++) th[k] = scale * rng_normal(r);
}

/* E(x) summed term by term from the definition. */
static double brute_energy(const fvbm_t *m, const double *th, size_t x) {
    double e = 0;
    for (int i = 0; i < m->n; i++) {
        if (!(x >> i & 1)) continue;
        e -= th[i];
        for (int j = i + 1; j < m->n; j++)
            if (x >> j & 1) e -= th[m->pair[i][j]];
    }
    return e;
}

Test(fvbm, energies_partition_function_and_moments_match_brute_force) {
    fvbm_t m;
    fvbm_init(&m, 7);
    rng_t r;
    rng_init(&r, 71, 0);
    double th[28], E[128], p[128], mom[28], work[128];
    random_theta(&m, th, &r, 0.8);
    fvbm_energies(&m, th, E);
    double Z = 0;
    for (size_t x = 0; x < m.N; x++) {
        cr_expect(epsilon_eq(dbl, E[x], brute_energy(&m, th, x), 1e-12), "state %zu", x);
        Z += exp(-brute_energy(&m, th, x));
    }
    double lnZ = fvbm_probs(&m, E, p);
    cr_expect(epsilon_eq(dbl, lnZ, log(Z), 1e-12));
    fvbm_moments(&m, p, mom, work);
    for (int i = 0; i < m.n; i++)
        for (int j = i; j < m.n; j++) {
            double s = 0;
            for (size_t x = 0; x < m.N; x++)
                if ((x >> i & 1) && (x >> j & 1)) s += p[x];
            cr_expect(epsilon_eq(dbl, mom[i == j ? i : m.pair[i][j]], s, 1e-13), "moment %d %d", i, j);
        }
}

/* Transition matrix of one sweep (or its reverse-order twin) on n = 3. */
static void sweep_matrix(const fvbm_t *m, const double *cond, double T[8][8], int reverse) {
    for (size_t x = 0; x < m->N; x++) {
        double q[8] = {0};
        q[x] = 1;
        if (!reverse) fvbm_sweep_dist(m, cond, q);
        else { /* sites n-1 .. 0, one at a time, through single-site models */
            for (int i = m->n - 1; i >= 0; i--) {
                size_t bit = (size_t)1 << i;
                double nq[8];
                memcpy(nq, q, sizeof nq);
                for (size_t y = 0; y < m->N; y++)
                    if (!(y & bit)) {
                        size_t k = (y & (bit - 1)) | ((y >> (i + 1)) << i);
                        double mass = q[y] + q[y | bit], p1 = cond[(size_t)i * (m->N / 2) + k];
                        nq[y | bit] = mass * p1, nq[y] = mass * (1 - p1);
                    }
                memcpy(q, nq, sizeof nq);
            }
        }
        for (size_t y = 0; y < m->N; y++) T[x][y] = q[y];
    }
}

/* A sweep keeps p_theta stationary and normalised. Eq 39 (LDB) with the same
 * kernel both ways fails for a sequential sweep; it holds when the backward
 * move is the reversed-order sweep (each site update is in detailed balance). */
Test(eq39, heat_bath_sweep_balance_needs_the_reversed_sweep) {
    fvbm_t m;
    fvbm_init(&m, 3);
    rng_t r;
    rng_init(&r, 39, 1);
    double th[6], E[8], p[8], cond[12], T[8][8], R[8][8];
    random_theta(&m, th, &r, 1.2);
    fvbm_energies(&m, th, E);
    double lnZ = fvbm_probs(&m, E, p);
    fvbm_conditionals(&m, E, cond);
    double q[8];
    memcpy(q, p, sizeof q);
    fvbm_sweep_dist(&m, cond, q);
    for (int x = 0; x < 8; x++) cr_expect(epsilon_eq(dbl, q[x], p[x], 1e-14), "stationary at %d", x);
    sweep_matrix(&m, cond, T, 0);
    sweep_matrix(&m, cond, R, 1);
    double worst_same = 0;
    for (int x = 0; x < 8; x++) {
        double row = 0;
        for (int y = 0; y < 8; y++) row += T[x][y];
        cr_expect(epsilon_eq(dbl, row, 1, 1e-14));
        for (int y = 0; y < 8; y++) {
            double phix = E[x] + lnZ, phiy = E[y] + lnZ;
            cr_expect(epsilon_eq(dbl, log(T[x][y] / R[y][x]), -(phiy - phix), 1e-10), "%d -> %d", x, y);
            worst_same = fmax(worst_same, fabs(log(T[x][y] / T[y][x]) + (phiy - phix)));
        }
    }
    cr_expect(gt(dbl, worst_same, 1e-3), "the same-kernel LDB misses by %g", worst_same);
}

/* Eqs 37-38: the chain's law approaches p_theta geometrically in the sweeps;
 * the distribution propagation agrees with sampled chains. */
Test(eq37, chain_law_relaxes_to_the_model_and_matches_sampled_chains) {
    fvbm_t m;
    fvbm_init(&m, 6);
    rng_t r;
    rng_init(&r, 37, 0);
    double th[21], E[64], p[64], cond[6 * 32], q[64] = {0};
    random_theta(&m, th, &r, 0.9);
    fvbm_energies(&m, th, E);
    fvbm_probs(&m, E, p);
    fvbm_conditionals(&m, E, cond);
    q[0] = 1; /* all chains start in the empty state */
    const int C = 40000;
    uint32_t *x = xcalloc(C, sizeof(uint32_t));
    double prev = kl(q, p, 64);
    for (int s = 1; s <= 3; s++) {
        fvbm_sweep_dist(&m, cond, q);
        fvbm_sweep_chains(&m, cond, x, C, &r);
        double d = kl(q, p, 64);
        cr_expect(lt(dbl, d, prev), "sweep %d", s);
        prev = d;
    }
    double hist[64] = {0};
    for (int c = 0; c < C; c++) hist[x[c]] += 1.0 / C;
    for (int s = 0; s < 64; s++) /* each state frequency within 5 binomial standard errors */
        cr_expect(lt(dbl, fabs(hist[s] - q[s]), 5 * sqrt(q[s] * (1 - q[s]) / C) + 1e-12), "state %d", s);
    for (int s = 0; s < 40; s++) fvbm_sweep_dist(&m, cond, q);
    cr_expect(lt(dbl, kl(q, p, 64), 1e-10), "after 43 sweeps D(q||p) = %g", kl(q, p, 64));
    free(x);
}

/* Eqs 40-45, 51-52 along a short exact training run of three models sharing
 * theta_0: first law, Eq 44 with the ensemble marginal, Eq 45's ignorance EP
 * equal to the L-info gained, and <sigma> = sum D(p_{i-1}||p_i) >= 0. */
Test(eq44, boltzmann_l_info_balance_is_exact_along_training) {
    fvbm_t m;
    fvbm_init(&m, 5);
    const int M = 3, T = 25;
    size_t N = m.N;
    rng_t r;
    rng_init(&r, 4444, 0);
    double th0[15], th[3][15], p0[3][32], p[3][32], E[3][32], lnZ[3], Q[3] = {0}, W[3] = {0}, Sg[3] = {0};
    random_theta(&m, th0, &r, 0.3);
    double target[15];
    random_theta(&m, target, &r, 0.5); /* data moments the models learn towards */
    for (int k = 0; k < M; k++) {
        memcpy(th[k], th0, sizeof th0);
        fvbm_energies(&m, th[k], E[k]);
        lnZ[k] = fvbm_probs(&m, E[k], p[k]);
        memcpy(p0[k], p[k], sizeof p0[k]);
    }
    double work[32], mom[15];
    for (int t = 0; t < T; t++)
        for (int k = 0; k < M; k++) {
            double pold[32], Eold[32], lnZold = lnZ[k];
            memcpy(pold, p[k], sizeof pold);
            memcpy(Eold, E[k], sizeof Eold);
            fvbm_moments(&m, p[k], mom, work);
            for (int i = 0; i < m.npar; i++) th[k][i] -= 0.2 * (mom[i] - target[i] + 0.3 * rng_normal(&r));
            fvbm_energies(&m, th[k], E[k]);
            lnZ[k] = fvbm_probs(&m, E[k], p[k]);
            W[k] += fvbm_mean_phi(&m, pold, E[k], lnZ[k]) - fvbm_mean_phi(&m, pold, Eold, lnZold);
            Q[k] += fvbm_mean_phi(&m, p[k], E[k], lnZ[k]) - fvbm_mean_phi(&m, pold, E[k], lnZ[k]);
            Sg[k] += kl(pold, p[k], N);
        }
    double marg0[32] = {0}, marg[32] = {0};
    for (int k = 0; k < M; k++)
        for (size_t x = 0; x < N; x++) marg0[x] += p0[k][x] / M, marg[x] += p[k][x] / M;
    for (int k = 0; k < M; k++) {
        double S0 = entropy(p0[k], N), S = entropy(p[k], N);
        double SX0 = cross_entropy(p0[k], marg0, N), SX = cross_entropy(p[k], marg, N);
        double L0 = kl(p0[k], marg0, N), L = kl(p[k], marg, N); /* conditional L-info, Eq 25 */
        cr_expect(epsilon_eq(dbl, L0, 0, 1e-14), "shared theta_0: no L-info at t = 0");
        cr_expect(epsilon_eq(dbl, W[k] + Q[k], S - S0, 1e-11), "first law, Eqs 51-52");
        cr_expect(epsilon_eq(dbl, L - L0, -Q[k] + (SX - SX0) - Sg[k], 1e-11), "Eq 44");
        double sigma_x = (SX - SX0) - Q[k];
        cr_expect(epsilon_eq(dbl, sigma_x - Sg[k], L - L0, 1e-11), "Eq 45: ignorance EP is the L-info gained");
        cr_expect(gt(dbl, Sg[k], 0.0));
        cr_expect(gt(dbl, L, 1e-4), "the models must diverge for the test to mean anything");
    }
}
