/* Secs. 3-4 and 6 of the paper on random discrete distributions: what holds
 * (asserted to round-off) and, for the paper's literal statements, the sign
 * and size of what does not (src/identities.c records the residuals). */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <math.h>
#include <string.h>

#include "rng.h"
#include "thermo.h"

#define N 16

static void rand_dist(rng_t *r, double *p, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += p[i] = -log(1.0 - rng_uniform(r));
    for (int i = 0; i < n; i++) p[i] /= s;
}

/* Eq 5: F[p_eq] = <H> - S/beta = -ln Z/beta, Z = sum_x exp(-beta H(x)). */
Test(eq5, equilibrium_free_energy_is_minus_log_partition_over_beta) {
    rng_t r;
    rng_init(&r, 51, 0);
    double H[N], p[N];
    for (int i = 0; i < N; i++) H[i] = 4 * rng_uniform(&r) - 2;
    const double betas[] = {0.3, 1.0, 1.7, 5.0};
    for (int b = 0; b < 4; b++) {
        double beta = betas[b], Z = 0;
        for (int i = 0; i < N; i++) Z += exp(-beta * H[i]); /* direct sum, no log-sum-exp */
        canonical(H, beta, p, N);
        double F = free_energy(p, H, beta, N);
        cr_expect(epsilon_eq(dbl, F, -log(Z) / beta, 1e-12), "beta %g", beta);
    }
}

/* Eq 6: F[p] = F[p_eq] + D(p||p_eq)/beta for every p, so F[p] >= F[p_eq]. */
Test(eq6, nonequilibrium_free_energy_exceeds_equilibrium_by_kl_over_beta) {
    rng_t r;
    rng_init(&r, 6, 0);
    double H[N], peq[N], p[N];
    for (int i = 0; i < N; i++) H[i] = rng_normal(&r);
    double beta = 0.7, lnZ = canonical(H, beta, peq, N);
    for (int k = 0; k < 20; k++) {
        rand_dist(&r, p, N);
        double F = free_energy(p, H, beta, N);
        cr_expect(epsilon_eq(dbl, F, -lnZ / beta + kl(p, peq, N) / beta, 1e-12));
        cr_expect(gt(dbl, F, -lnZ / beta));
    }
}

/* Eq 7: the mini-batch loss is the cross-entropy S(p_hat) + D(p_hat||p_theta);
 * it equals the KL of Eq 7 only up to S(p_hat) = ln|b| for distinct samples. */
Test(eq7, loss_is_kl_plus_the_batch_entropy) {
    rng_t r;
    rng_init(&r, 7, 0);
    double q[N], hat[N] = {0};
    rand_dist(&r, q, N);
    const int b[5] = {2, 5, 5, 11, 14}; /* a batch with one repeat */
    double loss = 0;
    for (int k = 0; k < 5; k++) {
        hat[b[k]] += 0.2;
        loss -= log(q[b[k]]) / 5;
    }
    cr_expect(epsilon_eq(dbl, loss, entropy(hat, N) + kl(hat, q, N), 1e-12));
    cr_expect(epsilon_eq(dbl, loss - kl(hat, q, N), -(0.4 * log(0.4) + 3 * 0.2 * log(0.2)), 1e-12));
    cr_expect(gt(dbl, loss - kl(hat, q, N), 1.0), "the gap is not small: S(p_hat) > 1 nat here");
}

/* Eq 8: with H = -ln p*, F[p_theta] - F[p*] = D(p_theta||p*). The paper's
 * D(p*||p_theta) agrees only to second order: the gap shrinks like eps^3. */
Test(eq8, free_energy_gap_is_the_reverse_kl_not_the_forward_one) {
    rng_t r;
    rng_init(&r, 8, 0);
    double ps[N], H[N], d[N], q[N];
    rand_dist(&r, ps, N);
    for (int i = 0; i < N; i++) H[i] = -log(ps[i]);
    for (int i = 0; i < N; i++) d[i] = rng_normal(&r);
    double gap[2];
    for (int e = 0; e < 2; e++) {
        double eps = e == 0 ? 0.2 : 0.1, s = 0;
        for (int i = 0; i < N; i++) s += q[i] = ps[i] * exp(eps * d[i]);
        for (int i = 0; i < N; i++) q[i] /= s;
        double dF = free_energy(q, H, 1, N) - free_energy(ps, H, 1, N);
        cr_expect(epsilon_eq(dbl, dF, kl(q, ps, N), 1e-12));
        gap[e] = fabs(dF - kl(ps, q, N));
        cr_expect(gt(dbl, gap[e], 1e-6), "the paper's direction is not exact");
    }
    cr_expect(gt(dbl, gap[0] / gap[1], 6.0), "halving eps divides the gap by ~8, got %g", gap[0] / gap[1]);
    cr_expect(lt(dbl, gap[0] / gap[1], 10.0), "got %g", gap[0] / gap[1]);
}

/* Eqs 9-10: learning (gradient descent on D(p*||p_theta)) LOWERS the
 * non-equilibrium free energy towards F[p*]; it does not maximise it. */
Test(eq9, learning_decreases_the_nonequilibrium_free_energy) {
    rng_t r;
    rng_init(&r, 9, 0);
    double ps[N], H[N], th[N], p[N];
    rand_dist(&r, ps, N);
    for (int i = 0; i < N; i++) H[i] = -log(ps[i]), th[i] = 2 * rng_normal(&r);
    canonical(th, -1, p, N);
    double F0 = free_energy(p, H, 1, N), F = F0, D = kl(ps, p, N);
    for (int s = 0; s < 300; s++) {
        for (int i = 0; i < N; i++) th[i] -= 0.5 * (p[i] - ps[i]);
        canonical(th, -1, p, N);
        double F1 = free_energy(p, H, 1, N), D1 = kl(ps, p, N);
        cr_assert(le(dbl, D1, D + 1e-15), "step %d: the loss went up", s);
        cr_expect(ge(dbl, F1, free_energy(ps, H, 1, N) - 1e-12), "F is bounded below by F[p*]");
        D = D1;
        F = F1;
    }
    cr_expect(lt(dbl, F - F0, -0.1), "Delta F = %g should be clearly negative", F - F0);
}

/* A chain B -> Theta -> X with random kernels. */
typedef struct {
    double pb[4], tb[4][5], xt[5][6];
    double bt[20], bx[24], tx[30];
} chain_t;

static void chain(rng_t *r, chain_t *c, int det) {
    memset(c, 0, sizeof *c);
    rand_dist(r, c->pb, 4);
    for (int b = 0; b < 4; b++) {
        if (det) c->tb[b][b] = 1; /* theta = b: a deterministic statistic */
        else rand_dist(r, c->tb[b], 5);
    }
    for (int t = 0; t < 5; t++) rand_dist(r, c->xt[t], 6);
    for (int b = 0; b < 4; b++)
        for (int t = 0; t < 5; t++)
            for (int x = 0; x < 6; x++) {
                double p = c->pb[b] * c->tb[b][t] * c->xt[t][x];
                c->bt[b * 5 + t] += p, c->bx[b * 6 + x] += p, c->tx[t * 6 + x] += p;
            }
}

/* Eq 13 (DPI): I(Theta;B) >= I(X;B) for every chain. */
Test(eq13, data_processing_inequality_holds_on_random_chains) {
    rng_t r;
    rng_init(&r, 13, 0);
    for (int k = 0; k < 200; k++) {
        chain_t c;
        chain(&r, &c, 0);
        cr_assert(ge(dbl, mutual_information(c.bt, 4, 5), mutual_information(c.bx, 4, 6) - 1e-14));
    }
}

/* Eq 14: I(Theta;B) = S(Theta) - S(Theta|B): equal to S(Theta) only when
 * Theta is a function of B. */
Test(eq14, m_info_equals_parameter_entropy_only_for_deterministic_maps) {
    rng_t r;
    rng_init(&r, 14, 0);
    chain_t c;
    double pt[5];
    chain(&r, &c, 1);
    marginals(c.bt, 4, 5, NULL, pt);
    cr_expect(epsilon_eq(dbl, mutual_information(c.bt, 4, 5), entropy(pt, 5), 1e-12));
    chain(&r, &c, 0);
    marginals(c.bt, 4, 5, NULL, pt);
    double cond = 0;
    for (int b = 0; b < 4; b++) cond += c.pb[b] * entropy(c.tb[b], 5);
    cr_expect(epsilon_eq(dbl, mutual_information(c.bt, 4, 5), entropy(pt, 5) - cond, 1e-12));
    cr_expect(gt(dbl, cond, 0.1));
}

/* Eq 15: for B -> Theta -> X, I(X;B) = I(X;Theta) - I(X;Theta|B): the paper's
 * epsilon = I(X;B) - I(X;Theta) is <= 0, not >= 0. */
Test(eq15, epsilon_is_minus_the_conditional_information_so_never_positive) {
    rng_t r;
    rng_init(&r, 15, 0);
    for (int k = 0; k < 50; k++) {
        chain_t c;
        chain(&r, &c, 0);
        double cmi = 0;
        for (int b = 0; b < 4; b++) {
            double tab[30];
            for (int t = 0; t < 5; t++)
                for (int x = 0; x < 6; x++) tab[t * 6 + x] = c.tb[b][t] * c.xt[t][x];
            cmi += c.pb[b] * mutual_information(tab, 5, 6);
        }
        double eps = mutual_information(c.bx, 4, 6) - mutual_information(c.tx, 5, 6);
        cr_expect(epsilon_eq(dbl, eps, -cmi, 1e-12));
        cr_expect(lt(dbl, eps, 0.0));
    }
}

/* Eq 28: S(X,Theta) = S(X) + S(Theta) - I(X;Theta). Eq 27 and 29: when the
 * joint dynamics conserves joint entropy (a permutation of joint states),
 * Sigma = Delta S_X + Delta S_Theta equals Delta I exactly; it is >= 0 from
 * an uncorrelated start, but can be negative from a correlated one. */
Test(eq28, joint_entropy_bookkeeping_and_eq29_under_permutations) {
    rng_t r;
    rng_init(&r, 28, 0);
    double px[8], pt[8], prod[64], corr[64];
    rand_dist(&r, px, 8);
    rand_dist(&r, pt, 8);
    rand_dist(&r, corr, 64);
    for (int i = 0; i < 64; i++) prod[i] = px[i / 8] * pt[i % 8];
    int negative = 0;
    for (int k = 0; k < 500; k++) {
        int perm[64];
        for (int i = 0; i < 64; i++) perm[i] = i;
        for (int i = 63; i > 0; i--) {
            int j = (int)rng_below(&r, (uint32_t)(i + 1)), t = perm[i];
            perm[i] = perm[j], perm[j] = t;
        }
        const double *start[2] = {prod, corr};
        for (int s = 0; s < 2; s++) {
            double after[64], a0[8], b0[8], a1[8], b1[8];
            for (int i = 0; i < 64; i++) after[perm[i]] = start[s][i];
            marginals(start[s], 8, 8, a0, b0);
            marginals(after, 8, 8, a1, b1);
            cr_assert(epsilon_eq(dbl, entropy(after, 64), entropy(start[s], 64), 1e-12));
            cr_assert(epsilon_eq(dbl, entropy(after, 64), entropy(a1, 8) + entropy(b1, 8) - mutual_information(after, 8, 8), 1e-12));
            double sigma = entropy(a1, 8) - entropy(a0, 8) + entropy(b1, 8) - entropy(b0, 8);
            cr_assert(epsilon_eq(dbl, sigma, mutual_information(after, 8, 8) - mutual_information(start[s], 8, 8), 1e-12));
            if (s == 0) cr_assert(ge(dbl, sigma, -1e-12));
            else negative |= sigma < 0;
        }
    }
    cr_expect(eq(int, negative, 1), "some permutation lowers I from a correlated start");
}
