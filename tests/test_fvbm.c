/* The fully visible Boltzmann machine (src/lib/fvbm.c) and the experiment's model
 * (src/lib/bm_learn.c): enumeration against brute force, the heat-bath kernels'
 * balance properties (Eqs 37-39), and the production SGD step, work, heat and
 * EP (Eqs 40-45, 51-52) against a term-by-term recomputation from the
 * definitions over the 2^n states, with negative controls. */
#define _DEFAULT_SOURCE /* M_PI, M_E */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <math.h>
#include <string.h>

#include "bm_learn.h"
#include "fvbm.h"
#include "rng.h"
#include "thermo.h"
#include "util.h"

/* Every test's opening: a machine of n units and a seeded stream. */
static void setup(fvbm_t *m, int n, rng_t *r, uint64_t seed, uint64_t stream) {
    fvbm_init(m, n);
    rng_init(r, seed, stream);
}

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
    rng_t r;
    setup(&m, 7, &r, 71, 0);
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
    rng_t r;
    setup(&m, 3, &r, 39, 1);
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
    rng_t r;
    setup(&m, 6, &r, 37, 0);
    double th[21], E[64], p[64], cond[6 * 32], q[64] = {0};
    random_theta(&m, th, &r, 0.9);
    fvbm_energies(&m, th, E);
    fvbm_probs(&m, E, p);
    fvbm_conditionals(&m, E, cond);
    q[0] = 1; /* all chains start in the empty state */
    const int C = 40000;
    uint32_t *x = xcalloc(C, sizeof(uint32_t));
    double prev = thermo_kl(q, p, 64);
    for (int s = 1; s <= 3; s++) {
        fvbm_sweep_dist(&m, cond, q);
        fvbm_sweep_chains(&m, cond, x, C, &r);
        double d = thermo_kl(q, p, 64);
        cr_expect(lt(dbl, d, prev), "sweep %d", s);
        prev = d;
    }
    double hist[64] = {0};
    for (int c = 0; c < C; c++) hist[x[c]] += 1.0 / C;
    for (int s = 0; s < 64; s++) /* each state frequency within 5 binomial standard errors */
        cr_expect(lt(dbl, fabs(hist[s] - q[s]), 5 * sqrt(q[s] * (1 - q[s]) / C) + 1e-12), "state %d", s);
    for (int s = 0; s < 40; s++) fvbm_sweep_dist(&m, cond, q);
    cr_expect(lt(dbl, thermo_kl(q, p, 64), 1e-10), "after 43 sweeps D(q||p) = %g", thermo_kl(q, p, 64));
    free(x);
}

/* ---------------------------------------------------------------------- */
/* the experiment's model (src/lib/bm_learn.c), checked from the definitions  */

/* ln Z by a direct sum of exp(-E) over the states, energies term by term. */
static double brute_lnZ(const fvbm_t *m, const double *th) {
    double Z = 0;
    for (size_t x = 0; x < m->N; x++) Z += exp(-brute_energy(m, th, x));
    return log(Z);
}

static double brute_phi(const fvbm_t *m, const double *th, size_t x) { return brute_energy(m, th, x) + brute_lnZ(m, th); }

/* Sufficient statistic s_k(x) = -dE/dtheta_k: x_i or x_i x_j, from the
 * brute-force energy of the unit parameter vector e_k. */
static double statistic(const fvbm_t *m, int k, size_t x) {
    double e[FVBM_MAX_N * (FVBM_MAX_N + 1) / 2] = {0};
    e[k] = 1;
    return -brute_energy(m, e, x);
}

/* K random patterns as a data set (pdata is their histogram). */
static bm_data_t random_data(const fvbm_t *m, int K, rng_t *r) {
    bm_data_t d = {.K = K, .x = xmalloc((size_t)K * sizeof(uint32_t)), .pdata = xcalloc(m->N, sizeof(double))};
    for (int k = 0; k < K; k++) {
        d.x[k] = rng_below(r, 4) ? (uint32_t)rng_below(r, (uint32_t)m->N) : 0x3; /* some structure: many 0b11 */
        d.pdata[d.x[k]] += 1.0 / K;
    }
    return d;
}

/* Pooling against patterns drawn by hand: a 4x6 image into 2x3 blocks of 2x2
 * pixels; block (a, b) is unit a*3 + b. */
Test(bm_model, pooling_thresholds_block_means_of_a_centred_crop) {
    fvbm_t m;
    fvbm_init(&m, 6);
    float img[2][24] = {{0}};
    for (int u = 0; u < 2; u++)
        for (int v = 0; v < 2; v++) img[0][u * 6 + 2 + v] = 0.7f; /* block (0,1) mean 0.7 */
    img[0][3 * 6 + 5] = 1.0f;                                     /* block (1,2) mean 0.25 */
    img[1][0] = img[1][1] = 0.5f;                                 /* block (0,0) mean 0.25 */
    bm_data_t d = bm_data_pool(&m, &img[0][0], 2, 4, 6, 2, 3, 0.2);
    cr_expect(eq(u32, d.x[0], (1u << 1) | (1u << 5)));
    cr_expect(eq(u32, d.x[1], 1u << 0));
    cr_expect(epsilon_eq(dbl, d.pdata[d.x[0]], 0.5, 1e-15));
    bm_data_t e = bm_data_pool(&m, &img[0][0], 2, 4, 6, 2, 3, 0.3); /* 0.25 blocks now off */
    cr_expect(eq(u32, e.x[0], 1u << 1));
    cr_expect(eq(u32, e.x[1], 0u));
    bm_data_free(&d);
    bm_data_free(&e);
}

/* The production step is SGD on the batch's mean phi: theta moves by -r times
 * its gradient, here by central finite differences of brute-force phi. With
 * chains, the model expectation is the chains' mean before the step. */
Test(bm_model, sgd_step_descends_the_batch_mean_surprisal) {
    fvbm_t m;
    rng_t r;
    setup(&m, 5, &r, 3301, 0);
    bm_data_t d = random_data(&m, 40, &r);
    double th0[15];
    random_theta(&m, th0, &r, 0.4);
    const long taus[2] = {BM_TAU_INF, 3};
    for (int c = 0; c < 2; c++) {
        bm_model_t md;
        bm_model_alloc(&md, &m, 7, 6);
        bm_model_start(&md, th0, 0.05, taus[c], 11, 2);
        bm_model_step(&md, &d, 1); /* move off theta_0 and the initial chains */
        double before[15], grad[15];
        uint32_t chains[7];
        memcpy(before, md.theta, sizeof before);
        memcpy(chains, md.x, sizeof chains);
        bm_model_step(&md, &d, 2);
        for (int k = 0; k < m.npar; k++) {
            const double h = 1e-5;
            double tp[15], tm[15], fp = 0, fm = 0;
            memcpy(tp, before, sizeof tp), memcpy(tm, before, sizeof tm);
            tp[k] += h, tm[k] -= h;
            for (int i = 0; i < md.batch; i++) fp += brute_phi(&m, tp, md.bx[i]) / md.batch, fm += brute_phi(&m, tm, md.bx[i]) / md.batch;
            grad[k] = (fp - fm) / (2 * h);
            if (c == 1) { /* the chains' mean of s_k replaces its exact model expectation */
                double exact = 0, chain = 0;
                for (size_t x = 0; x < m.N; x++) exact += exp(-brute_phi(&m, before, x)) * statistic(&m, k, x);
                for (int j = 0; j < 7; j++) chain += statistic(&m, k, chains[j]) / 7;
                grad[k] += chain - exact;
            }
            cr_expect(epsilon_eq(dbl, md.theta[k], before[k] - 0.05 * grad[k], 1e-8), "tau %ld, parameter %d", taus[c], k);
        }
        bm_model_free(&md);
    }
    bm_data_free(&d);
}

/* One-sweep transition matrix from the definition: site i is redrawn from
 * P(x_i = 1 | rest) = 1 / (1 + exp(E(x with i on) - E(x with i off))), sites
 * 0..n-1 in turn (n-1..0 when reverse; brute-force energies), as an N x N
 * product of single-site matrices. */
static void brute_sweep_matrix_order(const fvbm_t *m, const double *th, double *T, int reverse) {
    size_t N = m->N;
    double *S = xcalloc(N * N, sizeof *S), *tmp = xcalloc(N * N, sizeof *tmp);
    memset(T, 0, N * N * sizeof *T);
    for (size_t x = 0; x < N; x++) T[x * N + x] = 1;
    for (int step = 0; step < m->n; step++) {
        int i = reverse ? m->n - 1 - step : step;
        size_t bit = (size_t)1 << i;
        memset(S, 0, N * N * sizeof *S);
        for (size_t x = 0; x < N; x++) {
            double p1 = 1 / (1 + exp(brute_energy(m, th, x | bit) - brute_energy(m, th, x & ~bit)));
            S[x * N + (x | bit)] = p1, S[x * N + (x & ~bit)] = 1 - p1;
        }
        memset(tmp, 0, N * N * sizeof *tmp);
        for (size_t x = 0; x < N; x++)
            for (size_t y = 0; y < N; y++)
                for (size_t z = 0; z < N; z++) tmp[x * N + z] += T[x * N + y] * S[y * N + z];
        memcpy(T, tmp, N * N * sizeof *T);
    }
    free(S), free(tmp);
}

static void brute_sweep_matrix(const fvbm_t *m, const double *th, double *T) { brute_sweep_matrix_order(m, th, T, 0); }

/* C = A B for N x N matrices (C must not alias A or B). */
static void matmul(const double *A, const double *B, double *C, size_t N) {
    for (size_t x = 0; x < N; x++)
        for (size_t z = 0; z < N; z++) {
            double s = 0;
            for (size_t y = 0; y < N; y++) s += A[x * N + y] * B[y * N + z];
            C[x * N + z] = s;
        }
}

/* max_{x,y} |ln K(x,y) - ln K(y,x) + E(y) - E(x)|, energies term by term. */
static double brute_ldb(const fvbm_t *m, const double *th, const double *K) {
    size_t N = m->N;
    double worst = 0;
    for (size_t x = 0; x < N; x++)
        for (size_t y = 0; y < N; y++)
            worst = fmax(worst, fabs(log(K[x * N + y] / K[y * N + x]) + brute_energy(m, th, y) - brute_energy(m, th, x)));
    return worst;
}

/* Eq 39 for the tau-step kernel: the production kernel and LDB residual
 * against products of the single-site matrices built from the definition.
 * The sequential sweep misses LDB at small tau and meets it as tau grows (its
 * rows tend to p_theta); the symmetric scan (reversible) meets it at every
 * tau. Negative control: a symmetric scan whose conditionals use 1.1 E is
 * reversible for the wrong law; the same check rejects it at every tau, by
 * the closed form 0.1 max|E(y) - E(x)|. */
Test(eq39, ldb_residual_vanishes_for_a_reversible_kernel_and_as_tau_grows) {
    fvbm_t m;
    rng_t r;
    setup(&m, 5, &r, 3939, 0);
    size_t N = m.N;
    double th[15], E[32], Ec[32], cond[5 * 16], condc[5 * 16];
    for (int k = 0; k < m.npar; k++) th[k] = k < m.n ? 0.3 * rng_normal(&r) : 0.6 + 0.1 * rng_normal(&r);
    fvbm_energies(&m, th, E);
    fvbm_conditionals(&m, E, cond);
    double emin = INFINITY, emax = -INFINITY;
    for (size_t x = 0; x < N; x++) Ec[x] = 1.1 * E[x], emin = fmin(emin, E[x]), emax = fmax(emax, E[x]);
    fvbm_conditionals(&m, Ec, condc);
    double *T = xmalloc(N * N * sizeof *T), *R = xmalloc(N * N * sizeof *R), *S = xmalloc(N * N * sizeof *S);
    double *Kseq = xmalloc(N * N * sizeof *T), *Ksym = xmalloc(N * N * sizeof *T), *tmp = xmalloc(N * N * sizeof *T);
    double *K = xmalloc(N * N * sizeof *K);
    brute_sweep_matrix_order(&m, th, T, 0);
    brute_sweep_matrix_order(&m, th, R, 1);
    matmul(T, R, S, N); /* one symmetric-scan step */
    memcpy(Kseq, T, N * N * sizeof *T);
    memcpy(Ksym, S, N * N * sizeof *S);
    double prev = INFINITY;
    for (long tau = 1; tau <= 24; tau++) {
        fvbm_kernel(&m, cond, FVBM_SCAN_SEQUENTIAL, tau, K);
        for (size_t i = 0; i < N * N; i++) cr_assert(epsilon_eq(dbl, K[i], Kseq[i], 1e-13), "tau %ld entry %zu", tau, i);
        double seq = fvbm_ldb_residual(&m, K, E);
        cr_expect(epsilon_eq(dbl, seq, brute_ldb(&m, th, Kseq), 1e-9 + 1e-9 * seq), "tau %ld", tau);
        if (tau == 1) cr_expect(gt(dbl, seq, 0.5), "one sequential sweep violates LDB, residual %g", seq);
        if (seq > 1e-12) cr_expect(lt(dbl, seq, prev), "tau %ld: residual %g did not fall", tau, seq);
        prev = seq;
        fvbm_kernel(&m, cond, FVBM_SCAN_SYMMETRIC, tau, K);
        for (size_t i = 0; i < N * N; i++) cr_assert(epsilon_eq(dbl, K[i], Ksym[i], 1e-13), "tau %ld entry %zu", tau, i);
        cr_expect(lt(dbl, fvbm_ldb_residual(&m, K, E), 1e-12), "reversible kernel, tau %ld", tau);
        cr_expect(lt(dbl, brute_ldb(&m, th, Ksym), 1e-12), "reversible kernel by the definition, tau %ld", tau);
        fvbm_kernel(&m, condc, FVBM_SCAN_SYMMETRIC, tau, K);
        cr_expect(epsilon_eq(dbl, fvbm_ldb_residual(&m, K, E), 0.1 * (emax - emin), 1e-9), "negative control, tau %ld", tau);
        matmul(Kseq, T, tmp, N), memcpy(Kseq, tmp, N * N * sizeof *T);
        matmul(Ksym, S, tmp, N), memcpy(Ksym, tmp, N * N * sizeof *T);
    }
    cr_expect(lt(dbl, prev, 1e-10), "after 24 sweeps the sequential kernel meets LDB, residual %g", prev);
    void *v[] = {T, R, S, Kseq, Ksym, tmp, K};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) free(v[i]);
}

/* The work, heat and EP increments of one production step (ideal and actual
 * sampler) against sums over the states of brute-force phi, and the chains'
 * law against tau applications of the brute-force sweep matrix. */
Test(eq51, step_work_heat_and_ep_match_the_definitions_summed_over_states) {
    fvbm_t m;
    rng_t r;
    setup(&m, 4, &r, 5151, 0);
    size_t N = m.N;
    bm_data_t d = random_data(&m, 30, &r);
    double th0[10];
    random_theta(&m, th0, &r, 0.5);
    bm_model_t md;
    bm_model_alloc(&md, &m, 5, 4);
    bm_model_start(&md, th0, 0.3, 2, 12, 0);
    bm_model_step(&md, &d, 1);
    double thold[10], qold[16], T[256];
    memcpy(thold, md.theta, sizeof thold);
    memcpy(qold, md.q, sizeof qold);
    bm_thermo_t a0 = md.acc;
    bm_model_step(&md, &d, 2);
    double W = 0, Q = 0, D = 0, Wa = 0, Qa = 0, q[16] = {0}, q1[16];
    brute_sweep_matrix(&m, md.theta, T);
    for (size_t x = 0; x < N; x++)
        for (size_t y = 0; y < N; y++) q[y] += qold[x] * T[x * N + y];
    for (size_t x = 0; x < N; x++) q1[x] = 0;
    for (size_t x = 0; x < N; x++)
        for (size_t y = 0; y < N; y++) q1[y] += q[x] * T[x * N + y]; /* tau = 2 sweeps */
    for (size_t x = 0; x < N; x++) {
        double po = exp(-brute_phi(&m, thold, x)), pn = exp(-brute_phi(&m, md.theta, x));
        double dphi = brute_phi(&m, md.theta, x) - brute_phi(&m, thold, x);
        W += po * dphi, Q += (pn - po) * brute_phi(&m, md.theta, x), D += po * log(po / pn);
        Wa += qold[x] * dphi, Qa += (q1[x] - qold[x]) * brute_phi(&m, md.theta, x);
        cr_expect(epsilon_eq(dbl, md.q[x], q1[x], 1e-13), "chain law at state %zu", x);
    }
    cr_expect(epsilon_eq(dbl, md.acc.W - a0.W, W, 1e-12), "work, Eq 51");
    cr_expect(epsilon_eq(dbl, md.acc.Q - a0.Q, Q, 1e-12), "heat, Eq 52");
    cr_expect(epsilon_eq(dbl, md.acc.Sig - a0.Sig, D, 1e-12), "<sigma> = D(p_{t-1}||p_t), Eq 41");
    cr_expect(epsilon_eq(dbl, md.acc.Wa - a0.Wa, Wa, 1e-12), "work, actual sampler");
    cr_expect(epsilon_eq(dbl, md.acc.Qa - a0.Qa, Qa, 1e-12), "heat, actual sampler");
    cr_expect(gt(dbl, fabs(W), 1e-3), "the step must move the model for the test to mean anything");
    bm_model_free(&md);
    bm_data_free(&d);
}

/* Residual of Eq 44 for one model: Delta I - (-Q + Delta S_X - Sigma_{X|Theta}). */
static double eq44_residual(double dI, double Q, double dSX, double sigma) { return fabs(dI - (-Q + dSX - sigma)); }
/* Residual of the first law, Eqs 51-52: W + Q - Delta U. */
static double first_law_residual(double W, double Q, double dU) { return fabs(W + Q - dU); }

/* Eqs 44, 45, 51, 52 along a production training run of an ensemble sharing
 * theta_0: the L-info, entropies and ensemble marginal are recomputed here
 * from brute-force phi; the production observe agrees with them. Negative
 * controls: the same residual checks reject a conditional EP with the KL's
 * arguments exchanged (Eq 44) and a work evaluated on the new distribution
 * instead of the old one (Eq 51). */
Test(eq44, boltzmann_l_info_balance_is_exact_along_training) {
    fvbm_t m;
    rng_t r;
    setup(&m, 5, &r, 4444, 0);
    enum { M = 3, T = 25, NS = 32 };
    bm_data_t d = random_data(&m, 50, &r);
    double th0[15];
    random_theta(&m, th0, &r, 0.3);
    bm_ensemble_t e;
    bm_ensemble_init(&e, &m, M, 10, 5, th0, 0.2, 1, 77);
    bm_obs_t o;
    bm_ensemble_observe(&e, &d, &o);
    double p0[M][NS], rev[M] = {0}, Wwrong[M] = {0}, Qind[M] = {0};
    for (int k = 0; k < M; k++) memcpy(p0[k], e.md[k].p, sizeof p0[k]);
    for (int t = 1; t <= T; t++) {
        double pold[M][NS], thold[M][15];
        for (int k = 0; k < M; k++) memcpy(pold[k], e.md[k].p, sizeof pold[k]), memcpy(thold[k], e.md[k].theta, sizeof thold[k]);
        bm_ensemble_step(&e, &d, t);
        for (int k = 0; k < M; k++) {
            rev[k] += thermo_kl(e.md[k].p, pold[k], NS); /* perturbed: D(p_t || p_{t-1}) */
            for (size_t x = 0; x < NS; x++) { /* perturbed: work on the new distribution */
                Wwrong[k] += e.md[k].p[x] * (brute_phi(&m, e.md[k].theta, x) - brute_phi(&m, thold[k], x));
                Qind[k] += (exp(-brute_phi(&m, e.md[k].theta, x)) - pold[k][x]) * brute_phi(&m, e.md[k].theta, x); /* Eq 52 */
            }
        }
    }
    bm_ensemble_observe(&e, &d, &o);
    double marg0[NS] = {0}, marg[NS] = {0}, linfo = 0, dSX = 0, worst44 = 0, worst_bad44 = 0, worst51 = 0, worst_bad51 = 0;
    for (int k = 0; k < M; k++)
        for (size_t x = 0; x < NS; x++) marg0[x] += p0[k][x] / M, marg[x] += exp(-brute_phi(&m, e.md[k].theta, x)) / M;
    for (int k = 0; k < M; k++) {
        double S0 = 0, S = 0, SX0 = 0, SX = 0, L0 = 0, L = 0;
        for (size_t x = 0; x < NS; x++) {
            double p = exp(-brute_phi(&m, e.md[k].theta, x));
            S0 -= p0[k][x] * log(p0[k][x]), S -= p * log(p);
            SX0 -= p0[k][x] * log(marg0[x]), SX -= p * log(marg[x]);
            L0 += p0[k][x] * log(p0[k][x] / marg0[x]), L += p * log(p / marg[x]); /* Eq 25 */
        }
        const bm_thermo_t *a = &e.md[k].acc;
        cr_expect(epsilon_eq(dbl, L0, 0, 1e-14), "shared theta_0: no L-info at t = 0");
        worst44 = fmax(worst44, eq44_residual(L - L0, a->Q, SX - SX0, a->Sig));
        worst_bad44 = fmax(worst_bad44, eq44_residual(L - L0, a->Q, SX - SX0, rev[k]));
        worst51 = fmax(worst51, first_law_residual(a->W, a->Q, S - S0));
        worst_bad51 = fmax(worst_bad51, first_law_residual(Wwrong[k], a->Q, S - S0));
        cr_expect(epsilon_eq(dbl, (SX - SX0) - a->Q - a->Sig, L - L0, 1e-11), "Eq 45: ignorance EP is the L-info gained");
        cr_expect(gt(dbl, a->Sig, 0.0));
        /* per model, for Eq 24's coefficients of variation: heat and L-info as recomputed here */
        cr_expect(epsilon_eq(dbl, e.Ik[k], L, 1e-12), "model %d: per-model L-info", k);
        cr_expect(epsilon_eq(dbl, e.Qk[k], Qind[k], 1e-11), "model %d: per-model heat against Eq 52 summed here", k);
        dSX += (SX - SX0) / M;
        linfo += L / M;
    }
    cr_expect(epsilon_eq(dbl, o.dSX, dSX, 1e-12), "Delta S_X against the recomputation");
    cr_expect(lt(dbl, worst44, 1e-11), "Eq 44 misses by %g", worst44);
    cr_expect(lt(dbl, worst51, 1e-11), "first law misses by %g", worst51);
    cr_expect(gt(dbl, worst_bad44, 1e-5), "negative control: Eq 44 with D(p_t||p_{t-1}) must fail, residual %g", worst_bad44);
    cr_expect(gt(dbl, worst_bad51, 1e-3), "negative control: work on the new law must fail, residual %g", worst_bad51);
    cr_expect(epsilon_eq(dbl, o.linfo, linfo, 1e-12), "production L-info against the recomputation");
    cr_expect(lt(dbl, o.eq44_worst, 1e-11), "production Eq 44 residual %g", o.eq44_worst);
    cr_expect(lt(dbl, o.first_worst, 1e-11), "production first-law residual %g", o.first_worst);
    cr_expect(gt(dbl, linfo, 1e-4), "the models must diverge for the test to mean anything");
    cr_expect(le(dbl, linfo, log(M)), "L-info <= ln M");
    bm_ensemble_free(&e);
    bm_data_free(&d);
}

/* The Gaussian parameter entropy against its closed form: M = 4 vectors
 * (+-a, 0), (0, +-b) have sample covariance diag(2a^2/3, 2b^2/3). */
Test(bm_model, gaussian_parameter_entropy_matches_the_closed_form) {
    const double a = 0.37, b = 1.9;
    double th[4 * 3] = {a, 0, 9, -a, 0, 9, 0, b, 9, 0, -b, 9}; /* stride 3, third coordinate ignored */
    double want = 0.5 * (2 * log(2 * M_PI * M_E) + log(2 * a * a / 3) + log(2 * b * b / 3));
    cr_expect(epsilon_eq(dbl, bm_gaussian_entropy(th, 4, 3, 2), want, 1e-13));
    cr_expect(eq(int, isinf(bm_gaussian_entropy(th, 4, 3, 3)), -1), "a constant coordinate: singular, -inf");
}

/* The ensemble's standard errors against the delete-one jackknife done the long way:
 * each model left out in turn, the mixture of the rest summed afresh and the L-info taken
 * as the mean of D(p_k || mixture) by thermo_kl (not the entropy identity the library
 * uses), the Gaussian entropy recomputed on copies of the other models' fields; then
 * se^2 = (M - 1)/M sum_j (S_(j) - S_(.))^2 here. */
static double jk_se(const double *rep, int M) {
    double mean = 0, ss = 0;
    for (int j = 0; j < M; j++) mean += rep[j] / M;
    for (int j = 0; j < M; j++) ss += (rep[j] - mean) * (rep[j] - mean);
    return sqrt((M - 1.0) / M * ss);
}

Test(bm_model, ensemble_standard_errors_are_the_delete_one_jackknife) {
    fvbm_t m;
    rng_t r;
    setup(&m, 4, &r, 9191, 0);
    enum { M = 6, T = 12, NS = 16, NPAR = 10 };
    bm_data_t d = random_data(&m, 40, &r);
    double th0[NPAR];
    random_theta(&m, th0, &r, 0.3);
    bm_ensemble_t e;
    bm_ensemble_init(&e, &m, M, 3, 5, th0, 0.3, 1, 78);
    bm_obs_t o;
    bm_ensemble_observe(&e, &d, &o);
    cr_expect(eq(dbl, o.linfo_se, 0), "shared theta_0: every replicate's L-info is 0");
    cr_expect(isnan(o.S_theta_h_se), "no parameter entropy at t = 0, no error");
    for (int t = 1; t <= T; t++) bm_ensemble_step(&e, &d, t);
    bm_ensemble_observe(&e, &d, &o);
    double rep[M], repa[M], reps[M];
    for (int j = 0; j < M; j++) {
        double mix[NS] = {0}, mixa[NS] = {0}, fields[(M - 1) * 4];
        for (int k = 0, i = 0; k < M; k++) {
            if (k == j) continue;
            for (size_t x = 0; x < NS; x++) mix[x] += e.md[k].p[x] / (M - 1), mixa[x] += e.md[k].q[x] / (M - 1);
            memcpy(fields + 4 * i++, e.md[k].theta, 4 * sizeof(double)); /* the n = 4 fields come first */
        }
        rep[j] = repa[j] = 0;
        for (int k = 0; k < M; k++)
            if (k != j) rep[j] += thermo_kl(e.md[k].p, mix, NS) / (M - 1), repa[j] += thermo_kl(e.md[k].q, mixa, NS) / (M - 1);
        reps[j] = bm_gaussian_entropy(fields, M - 1, 4, 4);
    }
    cr_expect(gt(dbl, jk_se(rep, M), 1e-4), "the replicates must differ for the test to mean anything");
    cr_expect(epsilon_eq(dbl, o.linfo_se, jk_se(rep, M), 1e-12), "L-info se %.15g, long way %.15g", o.linfo_se, jk_se(rep, M));
    cr_expect(epsilon_eq(dbl, o.linfo_a_se, jk_se(repa, M), 1e-12), "actual sampler's L-info se");
    cr_expect(epsilon_eq(dbl, o.S_theta_h_se, jk_se(reps, M), 1e-12), "S_theta se %.15g, long way %.15g", o.S_theta_h_se, jk_se(reps, M));
    cr_expect(isnan(bm_jackknife_linfo_se(NULL, NULL, 1, NS)), "one model: no error");
    bm_ensemble_free(&e);
    bm_data_free(&d);
}

/* The jackknife error of the Gaussian entropy against its sampling law: for M draws from
 * N(0, I_d) the sample covariance is Wishart, and ln det of it has variance
 * sum_{i=1..d} psi'((M - i)/2), so sd(S) = sqrt(sum psi'((M - i)/2))/2. The jackknife
 * variance averaged over R = 400 independent ensembles must match it within 15 % (its own
 * spread over the ensembles, and the jackknife's known small upward bias, are within that). */
static double trigamma(double x) { /* recurrence to x >= 20, then the asymptotic series */
    double s = 0;
    for (; x < 20; x++) s += 1 / (x * x);
    double x2 = 1 / (x * x);
    return s + 1 / x + x2 / 2 + x2 / x * (1.0 / 6 - x2 * (1.0 / 30 - x2 / 42));
}

Test(bm_model, gaussian_entropy_jackknife_error_matches_the_wishart_spread) {
    enum { M = 40, D = 3, R = 400 };
    rng_t r;
    rng_init(&r, 515, 0);
    double th[M * D], v = 0, want = 0;
    for (int rep = 0; rep < R; rep++) {
        for (int i = 0; i < M * D; i++) th[i] = rng_normal(&r);
        double se = bm_gaussian_entropy_se(th, M, D, D);
        v += se * se / R;
    }
    for (int i = 1; i <= D; i++) want += trigamma((M - i) / 2.0) / 4;
    cr_expect(epsilon_eq(dbl, trigamma(1), M_PI * M_PI / 6, 1e-9), "trigamma(1) = pi^2/6");
    cr_expect(epsilon_eq(dbl, sqrt(v), sqrt(want), 0.15 * sqrt(want)), "jackknife sd %g, Wishart %g", sqrt(v), sqrt(want));
}

/* Eq 37's stationary law: the heat-bath conditionals are P(x_i = 1 | rest) of
 * p_theta, computed here from brute-force energies, and one sweep in either
 * site order leaves p_theta unchanged (to round-off). A conditional at another
 * temperature (E times 1.05) would move p_theta by more than 1e-3. */
Test(eq37, heat_bath_sweep_leaves_p_theta_invariant_with_the_exact_conditionals) {
    fvbm_t m;
    rng_t r;
    setup(&m, 6, &r, 3707, 0);
    double th[21], E[64], p[64], cond[6 * 32], q[64];
    random_theta(&m, th, &r, 0.7);
    fvbm_energies(&m, th, E);
    fvbm_probs(&m, E, p);
    fvbm_conditionals(&m, E, cond);
    for (int i = 0; i < m.n; i++) {
        size_t bit = (size_t)1 << i;
        for (size_t x = 0, k = 0; x < m.N; x++) {
            if (x & bit) continue;
            double on = exp(-brute_energy(&m, th, x | bit)), off = exp(-brute_energy(&m, th, x));
            /* entries of site i are stored in the order of the states with bit i clear */
            cr_expect(epsilon_eq(dbl, cond[(size_t)i * 32 + k], on / (on + off), 1e-13), "site %d state %zu", i, x);
            k++;
        }
    }
    for (int reverse = 0; reverse < 2; reverse++) {
        memcpy(q, p, sizeof q);
        if (reverse) fvbm_sweep_dist_reverse(&m, cond, q);
        else fvbm_sweep_dist(&m, cond, q);
        for (size_t x = 0; x < m.N; x++)
            cr_expect(epsilon_eq(dbl, q[x], p[x], 1e-13), "%s sweep, state %zu", reverse ? "reverse" : "forward", x);
    }
}

/* Eq 41 as a path ratio (bm_model_probes). Along a short training run with
 * either scan, the probes' mean of sigma = ln q_0(x_0)/q_n(x_n) + sum ln K(x,y)/K(y,x)
 * must match its exact mean from the one-sweep matrices built here from
 * brute-force energies, sum_t sum_xy q_{t-1}(x) K_t(x,y) ln K_t(x,y)/K_t(y,x)
 * + S(q_n) - S(q_0), within 4 standard errors. For the symmetric scan
 * (reversible) that exact mean is the drop of D(q||p) the model sums (acc.Siga)
 * to round-off; for the sequential sweep it differs by more than 0.01 nats. */
Test(eq41, path_ratio_ep_of_a_reversible_scan_equals_the_drop_of_the_divergence) {
    fvbm_t m;
    rng_t r;
    setup(&m, 4, &r, 4141, 0);
    size_t N = m.N;
    bm_data_t d = random_data(&m, 30, &r);
    double th0[10], *F = xmalloc(N * N * sizeof *F), *B = xmalloc(N * N * sizeof *B), *K = xmalloc(N * N * sizeof *K);
    random_theta(&m, th0, &r, 1.2);
    const int P = 20000, T = 8;
    for (int scan = 0; scan < 2; scan++) {
        bm_model_t md;
        bm_model_alloc(&md, &m, 5, 6);
        bm_model_start(&md, th0, 0.4, 1, 41, (uint64_t)scan);
        md.scan = scan ? FVBM_SCAN_SYMMETRIC : FVBM_SCAN_SEQUENTIAL;
        bm_model_probes(&md, P, 41, 100 + (uint64_t)scan);
        double exact = -thermo_entropy(md.q, N);
        for (int t = 1; t <= T; t++) {
            bm_model_step(&md, &d, t);
            brute_sweep_matrix_order(&m, md.theta, F, 0);
            if (scan) {
                brute_sweep_matrix_order(&m, md.theta, B, 1);
                matmul(F, B, K, N);
            } else memcpy(K, F, N * N * sizeof *K);
            for (size_t x = 0; x < N; x++)
                for (size_t y = 0; y < N; y++) exact += md.qold[x] * K[x * N + y] * log(K[x * N + y] / K[y * N + x]);
        }
        exact += thermo_entropy(md.q, N);
        double sd, got = bm_model_path_ep(&md, &sd);
        cr_expect(lt(dbl, fabs(got - exact), 4 * sd / sqrt(P)), "scan %d: probes %.5f +- %.5f, exact %.5f", scan, got,
                  sd / sqrt(P), exact);
        if (scan) cr_expect(epsilon_eq(dbl, exact, md.acc.Siga, 1e-12), "reversible: path EP %.15g = D drop %.15g", exact, md.acc.Siga);
        else cr_expect(gt(dbl, fabs(exact - md.acc.Siga), 0.01), "sequential: path EP %.5f vs D drop %.5f", exact, md.acc.Siga);
        bm_model_free(&md);
    }
    free(F), free(B), free(K);
    bm_data_free(&d);
}

/* The distance of the tau-step kernel's rows from p_theta (Eq 37, bm ldb):
 * fvbm_kernel_tv against the total variation's other definition, the largest
 * |K(x, A) - p(A)| over the 2^N events A, on random stochastic matrices. */
Test(fvbm, kernel_tv_is_the_largest_row_distance_over_all_events) {
    fvbm_t m;
    rng_t r;
    setup(&m, 3, &r, 3939, 0);
    size_t N = m.N;
    double K[64], p[8];
    for (int rep = 0; rep < 20; rep++) {
        for (size_t x = 0; x < N; x++) {
            double s = 0;
            for (size_t y = 0; y < N; y++) s += K[x * N + y] = rng_uniform(&r) * (rng_uniform(&r) < 0.3 ? 0 : 1);
            for (size_t y = 0; y < N; y++) K[x * N + y] = s > 0 ? K[x * N + y] / s : (y == x);
        }
        double s = 0;
        for (size_t y = 0; y < N; y++) s += p[y] = 0.1 + rng_uniform(&r);
        for (size_t y = 0; y < N; y++) p[y] /= s;
        double want = 0;
        for (size_t x = 0; x < N; x++)
            for (unsigned A = 0; A < (1u << N); A++) {
                double k = 0, q = 0;
                for (size_t y = 0; y < N; y++)
                    if (A >> y & 1) k += K[x * N + y], q += p[y];
                want = fmax(want, fabs(k - q));
            }
        cr_expect(epsilon_eq(dbl, fvbm_kernel_tv(&m, K, p), want, 1e-14), "draw %d: %.17g vs %.17g", rep,
                  fvbm_kernel_tv(&m, K, p), want);
    }
}
