/* The parametric reservoir's heat capacity (issue 23, point 3): the exponential family of
 * src/lib/expfam.c that `bm capacity` runs, each function against an independent route:
 * Walsh products written out bit by bit, finite differences, enumeration of every batch,
 * the stationary covariance of the linearised SGD (a Lyapunov equation solved here by
 * iteration), and a least-squares slope on exact data. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <math.h>
#include <string.h>

#include "expfam.h"
#include "rng.h"

/* Feature k of state x written out: the k-th nonempty subset by (size, bit pattern). */
static double walsh(int n, int k, unsigned x) {
    int seen = 0;
    for (int size = 1; size <= n; size++)
        for (unsigned S = 1; S < (1u << n); S++) {
            int c = 0;
            for (int i = 0; i < n; i++) c += (S >> i) & 1;
            if (c != size) continue;
            if (seen++ == k) {
                double v = 1;
                for (int i = 0; i < n; i++)
                    if ((S >> i) & 1) v *= ((x >> i) & 1) ? 1.0 : -1.0; /* 2 x_i - 1 */
                return v;
            }
        }
    return NAN;
}

Test(capacity, features_are_the_walsh_products_orthonormal_under_the_uniform_law) {
    expfam_t m;
    expfam_init(&m, 4, 15);
    for (unsigned x = 0; x < 16; x++)
        for (int k = 0; k < 15; k++) cr_expect(eq(dbl, m.f[x * 15 + k], walsh(4, k, x)), "x %u, k %d", x, k);
    for (int i = 0; i < 15; i++)
        for (int j = 0; j < 15; j++) {
            double s = 0;
            for (unsigned x = 0; x < 16; x++) s += m.f[x * 15 + i] * m.f[x * 15 + j] / 16;
            cr_expect(epsilon_eq(dbl, s, i == j, 1e-15));
        }
    expfam_free(&m);
}

/* A data set of K patterns of n = 3 units, and its feature means. */
static void data3(const expfam_t *m, uint32_t *x, int K, double *md, uint64_t seed) {
    rng_t r;
    rng_init(&r, seed, 0);
    memset(md, 0, (size_t)m->d * sizeof *md);
    for (int i = 0; i < K; i++) {
        x[i] = (uint32_t)(rng_u64(&r) % 8);
        if (rng_uniform(&r) < 0.3) x[i] |= 3; /* correlated units 0 and 1 */
        for (int k = 0; k < m->d; k++) md[k] += walsh(3, k, x[i]) / K;
    }
}

Test(capacity, loss_gradient_matches_finite_differences_and_newton_finds_its_zero) {
    expfam_t m;
    expfam_init(&m, 3, 7);
    uint32_t x[300];
    double md[7], th[7] = {0.31, -0.2, 0.45, 0.1, -0.07, 0.22, -0.13}, p[8], mom[7];
    data3(&m, x, 300, md, 5);
    expfam_probs(&m, th, p);
    expfam_moments(&m, p, mom);
    for (int k = 0; k < 7; k++) {
        double hi[7], lo[7], q[8], eps = 1e-5;
        memcpy(hi, th, sizeof hi), memcpy(lo, th, sizeof lo);
        hi[k] += eps, lo[k] -= eps;
        double fd = (expfam_loss(&m, hi, md, q) - expfam_loss(&m, lo, md, q)) / (2 * eps);
        cr_expect(epsilon_eq(dbl, mom[k] - md[k], fd, 1e-8), "component %d", k);
    }
    double ts[7] = {0};
    cr_assert(lt(dbl, expfam_newton(&m, md, ts, 1e-12), 1e-12));
    expfam_probs(&m, ts, p);
    expfam_moments(&m, p, mom);
    for (int k = 0; k < 7; k++) cr_expect(epsilon_eq(dbl, mom[k], md[k], 1e-11), "moment matching at theta*");
    expfam_free(&m);
}

/* One production step against theta - r (<f>_theta - <f>_b) with the batch's indices
 * replayed on the same stream, and the noise power by enumerating all C(6,2) batches. */
Test(capacity, sgd_step_and_exact_noise_power) {
    expfam_t m;
    expfam_init(&m, 3, 5);
    uint32_t x[6] = {0, 3, 5, 6, 7, 1}, idx[2];
    double md[5] = {0}, th[5] = {0.2, -0.3, 0.1, 0.4, -0.25}, p[8], mb[5], want[5], mom[5];
    for (int i = 0; i < 6; i++)
        for (int k = 0; k < 5; k++) md[k] += walsh(3, k, x[i]) / 6;
    expfam_probs(&m, th, p);
    expfam_moments(&m, p, mom);
    rng_t r, rr;
    rng_init(&r, 9, 1), rng_init(&rr, 9, 1);
    uint32_t ri[2];
    rng_distinct(&rr, 6, 2, ri);
    for (int k = 0; k < 5; k++) want[k] = th[k] - 0.07 * (mom[k] - (walsh(3, k, x[ri[0]]) + walsh(3, k, x[ri[1]])) / 2);
    expfam_sgd_step(&m, th, x, 6, 2, 0.07, &r, idx, p, mb);
    for (int k = 0; k < 5; k++) cr_expect(epsilon_eq(dbl, th[k], want[k], 1e-15), "component %d", k);
    double pow_ = 0;
    for (int a = 0; a < 6; a++)
        for (int b = a + 1; b < 6; b++)
            for (int k = 0; k < 5; k++) {
                double eta = (walsh(3, k, x[a]) + walsh(3, k, x[b])) / 2 - md[k];
                pow_ += eta * eta / 15;
            }
    cr_expect(epsilon_eq(dbl, expfam_noise_power(&m, md, 6, 2), pow_, 1e-14));
    expfam_free(&m);
}

/* The stationary energy against the linearised SGD: theta - theta* = u, u' = (I - r H) u + r eta,
 * Cov(eta) = S = (K - b)/(b (K - 1)) Cov_B(f); the stationary covariance V solves
 * V = A V A + r^2 S (iterated here to convergence) and E = tr(H V)/2, up to a bias from the
 * loss's higher-order terms that grows with the temperature (measured here: -0.5% +- 0.5%,
 * one standard error), so the bound is 4 standard errors (1.9%) plus 1% for that bias. A
 * mistake of a factor (a batch mean divided by b + 1, the energy summed over the burn-in
 * too, the finite-population factor dropped) moves E by far more. */
Test(capacity, stationary_energy_matches_the_linearised_sgd) {
    expfam_t m;
    expfam_init(&m, 3, 7);
    enum { K = 400, D = 7 };
    uint32_t x[K];
    double md[D], ts[D] = {0}, p[8], H[D * D], S[D * D], V[D * D] = {0}, A[D * D], r = 0.02;
    int b = 2;
    data3(&m, x, K, md, 11);
    expfam_newton(&m, md, ts, 1e-12);
    expfam_probs(&m, ts, p);
    for (int i = 0; i < D; i++)
        for (int j = 0; j < D; j++) {
            double h = 0, s = 0;
            for (unsigned z = 0; z < 8; z++) h += p[z] * walsh(3, i, z) * walsh(3, j, z);
            for (int q = 0; q < K; q++) s += walsh(3, i, x[q]) * walsh(3, j, x[q]) / K;
            H[i * D + j] = h - md[i] * md[j]; /* <f> = md at theta* */
            S[i * D + j] = (s - md[i] * md[j]) * (K - b) / ((double)b * (K - 1));
            A[i * D + j] = (i == j) - r * H[i * D + j];
        }
    for (int it = 0; it < 20000; it++) { /* V <- A V A + r^2 S */
        double T[D * D], N[D * D];
        for (int i = 0; i < D; i++)
            for (int j = 0; j < D; j++) {
                T[i * D + j] = 0;
                for (int k = 0; k < D; k++) T[i * D + j] += A[i * D + k] * V[k * D + j];
            }
        for (int i = 0; i < D; i++)
            for (int j = 0; j < D; j++) {
                N[i * D + j] = r * r * S[i * D + j];
                for (int k = 0; k < D; k++) N[i * D + j] += T[i * D + k] * A[k * D + j];
            }
        memcpy(V, N, sizeof V);
    }
    double Elin = 0;
    for (int i = 0; i < D; i++)
        for (int j = 0; j < D; j++) Elin += 0.5 * H[i * D + j] * V[j * D + i];
    expfam_energy_t e = expfam_stationary_energy(&m, x, K, b, r, ts, 200, 1000, 3000, 77, 0);
    cr_expect(lt(dbl, fabs(e.E - Elin), 4 * e.se + 0.01 * Elin), "E %g +- %g, linearised %g", e.E, e.se, Elin);
    cr_expect(lt(dbl, e.se, 0.03 * Elin), "the check must resolve a few percent (se %g of %g)", e.se, Elin);
    expfam_free(&m);
}

Test(capacity, weighted_slope_and_its_standard_error) {
    double lnd[5], y[5], se[5] = {0.1, 0.1, 0.1, 0.1, 0.1}, slope, sse;
    for (int i = 0; i < 5; i++) lnd[i] = log(1 << i), y[i] = 2.0 - 1.5 * lnd[i];
    expfam_fit_slope(lnd, y, se, 5, &slope, &sse);
    double xm = 0, sxx = 0;
    for (int i = 0; i < 5; i++) xm += lnd[i] / 5;
    for (int i = 0; i < 5; i++) sxx += (lnd[i] - xm) * (lnd[i] - xm);
    cr_expect(epsilon_eq(dbl, slope, -1.5, 1e-13));
    cr_expect(epsilon_eq(dbl, sse, 0.1 / sqrt(sxx), 1e-13), "textbook: sigma / sqrt(Sxx)");
}
