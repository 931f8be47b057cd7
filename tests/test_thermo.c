/* Secs. 3-4 and 6 of the paper on random discrete distributions: what holds
 * (asserted to round-off) and, for the paper's literal statements, the sign
 * and size of what does not (src/prog/identities.c records the residuals). */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <math.h>
#include <string.h>

#include "chains.h"
#include "rng.h"
#include "thermo.h"

#define N 16

static void rand_dist(rng_t *r, double *p, int n) { ident_random_dist(r, p, (size_t)n); }

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
        thermo_canonical(H, beta, p, N);
        double F = thermo_free_energy(p, H, beta, N);
        cr_expect(epsilon_eq(dbl, F, -log(Z) / beta, 1e-12), "beta %g", beta);
    }
}

/* Eq 6: F[p] = F[p_eq] + D(p||p_eq)/beta for every p, so F[p] >= F[p_eq]. */
Test(eq6, nonequilibrium_free_energy_exceeds_equilibrium_by_kl_over_beta) {
    rng_t r;
    rng_init(&r, 6, 0);
    double H[N], peq[N], p[N];
    for (int i = 0; i < N; i++) H[i] = rng_normal(&r);
    double beta = 0.7, lnZ = thermo_canonical(H, beta, peq, N);
    for (int k = 0; k < 20; k++) {
        rand_dist(&r, p, N);
        double F = thermo_free_energy(p, H, beta, N);
        cr_expect(epsilon_eq(dbl, F, -lnZ / beta + thermo_kl(p, peq, N) / beta, 1e-12));
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
    cr_expect(epsilon_eq(dbl, loss, thermo_entropy(hat, N) + thermo_kl(hat, q, N), 1e-12));
    cr_expect(epsilon_eq(dbl, loss - thermo_kl(hat, q, N), -(0.4 * log(0.4) + 3 * 0.2 * log(0.2)), 1e-12));
    cr_expect(gt(dbl, loss - thermo_kl(hat, q, N), 1.0), "the gap is not small: S(p_hat) > 1 nat here");
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
        double dF = thermo_free_energy(q, H, 1, N) - thermo_free_energy(ps, H, 1, N);
        cr_expect(epsilon_eq(dbl, dF, thermo_kl(q, ps, N), 1e-12));
        gap[e] = fabs(dF - thermo_kl(ps, q, N));
        cr_expect(gt(dbl, gap[e], 1e-6), "the paper's direction is not exact");
    }
    cr_expect(gt(dbl, gap[0] / gap[1], 6.0), "halving eps divides the gap by ~8, got %g", gap[0] / gap[1]);
    cr_expect(lt(dbl, gap[0] / gap[1], 10.0), "got %g", gap[0] / gap[1]);
}

/* Eq 8 read with the model's own energy as the Hamiltonian (Eq 6 with
 * p_eq = p_theta): F_theta[p*] - F_theta[p_theta] = D(p*||p_theta) exactly,
 * for energies E_theta = -theta (any additive constant cancels). The KL is
 * summed here term by term. Negative control: the same check with the
 * target's Hamiltonian -ln p* rejects it. */
Test(eq8, loss_is_the_excess_free_energy_of_the_data_in_the_models_own_energy) {
    rng_t r;
    rng_init(&r, 88, 0);
    double ps[N], th[N], E[N], q[N], Hs[N];
    for (int k = 0; k < 10; k++) {
        rand_dist(&r, ps, N);
        for (int i = 0; i < N; i++) th[i] = 1.5 * rng_normal(&r), E[i] = -th[i] + 7.25, Hs[i] = -log(ps[i]);
        double Z = 0, D = 0;
        for (int i = 0; i < N; i++) Z += exp(th[i]);
        for (int i = 0; i < N; i++) q[i] = exp(th[i]) / Z;
        for (int i = 0; i < N; i++) D += ps[i] * log(ps[i] / q[i]);
        double own = thermo_free_energy(ps, E, 1, N) - thermo_free_energy(q, E, 1, N);
        double target = thermo_free_energy(ps, Hs, 1, N) - thermo_free_energy(q, Hs, 1, N);
        cr_expect(epsilon_eq(dbl, own, D, 1e-12), "draw %d", k);
        cr_expect(gt(dbl, fabs(target - D), 1e-3), "negative control, draw %d: target Hamiltonian misses by %g", k, fabs(target - D));
    }
}

/* Eqs 9-10: learning (gradient descent on D(p*||p_theta)) LOWERS the
 * non-equilibrium free energy towards F[p*]; it does not maximise it. */
Test(eq9, learning_decreases_the_nonequilibrium_free_energy) {
    rng_t r;
    rng_init(&r, 9, 0);
    double ps[N], H[N], th[N], p[N];
    rand_dist(&r, ps, N);
    for (int i = 0; i < N; i++) H[i] = -log(ps[i]), th[i] = 2 * rng_normal(&r);
    thermo_canonical(th, -1, p, N);
    double F0 = thermo_free_energy(p, H, 1, N), F = F0, D = thermo_kl(ps, p, N);
    for (int s = 0; s < 300; s++) {
        for (int i = 0; i < N; i++) th[i] -= 0.5 * (p[i] - ps[i]);
        thermo_canonical(th, -1, p, N);
        double F1 = thermo_free_energy(p, H, 1, N), D1 = thermo_kl(ps, p, N);
        cr_assert(le(dbl, D1, D + 1e-15), "step %d: the loss went up", s);
        cr_expect(ge(dbl, F1, thermo_free_energy(ps, H, 1, N) - 1e-12), "F is bounded below by F[p*]");
        D = D1;
        F = F1;
    }
    cr_expect(lt(dbl, F - F0, -0.1), "Delta F = %g should be clearly negative", F - F0);
}

/* Chains B -> Theta -> X from the production generator (src/lib/chains.c). */
#define NB 4
#define NT 5
#define NX 6

/* I(X;Theta|B) = S(B,Theta) + S(B,X) - S(B,Theta,X) - S(B) from the three-way
 * table built here from the chain's kernels; pxtb, when not NULL, replaces
 * p(x|theta) by p(x|theta,b) (a chain that is not Markov). */
static double cmi_by_entropies(const ident_chain_t *c, const double (*pxtb)[NT][NX], double *ixb, double *ixt) {
    double btx[NB * NT * NX], bt[NB * NT] = {0}, bx[NB * NX] = {0}, tx[NT * NX] = {0};
    for (int b = 0; b < NB; b++)
        for (int t = 0; t < NT; t++)
            for (int x = 0; x < NX; x++) {
                double p = c->pb[b] * c->pt_b[b][t] * (pxtb ? pxtb[b][t][x] : c->px_t[t][x]);
                btx[(b * NT + t) * NX + x] = p;
                bt[b * NT + t] += p, bx[b * NX + x] += p, tx[t * NX + x] += p;
            }
    *ixb = thermo_mutual_information(bx, NB, NX), *ixt = thermo_mutual_information(tx, NT, NX);
    return thermo_entropy(bt, NB * NT) + thermo_entropy(bx, NB * NX) - thermo_entropy(btx, NB * NT * NX) -
           thermo_entropy(c->pb, NB);
}

/* Eq 13 (DPI): I(Theta;B) >= I(X;B) for every chain. */
Test(eq13, data_processing_inequality_holds_on_random_chains) {
    rng_t r;
    rng_init(&r, 13, 0);
    for (int k = 0; k < 200; k++) {
        ident_chain_t c;
        ident_chain_random(&r, &c, NB, NT, NX, 0);
        cr_assert(ge(dbl, thermo_mutual_information(c.bt, NB, NT), thermo_mutual_information(c.bx, NB, NX) - 1e-14));
    }
}

/* The mutual information used by Eqs 13-15 against its definition by
 * entropies, S(A) + S(B) - S(A,B), each a direct sum -p ln p written here (not
 * thermo_entropy), on random joint tables of several shapes, to 1e-12 nats:
 * a relative error of 1% (0.99 I) is seen, since I exceeds 1e-3 nats on every table. */
Test(eq13, mutual_information_equals_entropies_of_the_marginals_minus_the_joint) {
    rng_t r;
    rng_init(&r, 1313, 0);
    const int shapes[4][2] = {{2, 3}, {4, 4}, {5, 7}, {8, 3}};
    for (int s = 0; s < 4; s++) {
        int na = shapes[s][0], nb = shapes[s][1];
        for (int k = 0; k < 10; k++) {
            double pab[64], pa[8] = {0}, pb[8] = {0}, Sab = 0, Sa = 0, Sb = 0;
            rand_dist(&r, pab, na * nb);
            for (int i = 0; i < na; i++)
                for (int j = 0; j < nb; j++) pa[i] += pab[i * nb + j], pb[j] += pab[i * nb + j];
            for (int i = 0; i < na * nb; i++) Sab -= pab[i] * log(pab[i]);
            for (int i = 0; i < na; i++) Sa -= pa[i] * log(pa[i]);
            for (int j = 0; j < nb; j++) Sb -= pb[j] * log(pb[j]);
            double want = Sa + Sb - Sab;
            cr_expect(epsilon_eq(dbl, thermo_mutual_information(pab, (size_t)na, (size_t)nb), want, 1e-12),
                      "%d x %d table %d: I = %.15g", na, nb, k, want);
            cr_expect(gt(dbl, want, 1e-3), "the table is correlated enough to see a 1%% error");
        }
    }
    /* a product table has I = 0 exactly, whatever its marginals */
    double pa[3] = {0.2, 0.3, 0.5}, pb[2] = {0.625, 0.375}, prod[6];
    for (int i = 0; i < 6; i++) prod[i] = pa[i / 2] * pb[i % 2];
    cr_expect(lt(dbl, fabs(thermo_mutual_information(prod, 3, 2)), 1e-15));
}

/* Eq 14: I(Theta;B) = S(Theta) - S(Theta|B): equal to S(Theta) only when
 * Theta is a function of B. */
Test(eq14, m_info_equals_parameter_entropy_only_for_deterministic_maps) {
    rng_t r;
    rng_init(&r, 14, 0);
    ident_chain_t c;
    double pt[NT];
    ident_chain_random(&r, &c, NB, NT, NX, 1);
    thermo_marginals(c.bt, NB, NT, NULL, pt);
    cr_expect(epsilon_eq(dbl, thermo_mutual_information(c.bt, NB, NT), thermo_entropy(pt, NT), 1e-12));
    ident_chain_random(&r, &c, NB, NT, NX, 0);
    thermo_marginals(c.bt, NB, NT, NULL, pt);
    double cond = 0;
    for (int b = 0; b < NB; b++) cond += c.pb[b] * thermo_entropy(c.pt_b[b], NT);
    cr_expect(epsilon_eq(dbl, thermo_mutual_information(c.bt, NB, NT), thermo_entropy(pt, NT) - cond, 1e-12));
    cr_expect(gt(dbl, cond, 0.1));
}

/* Eq 15: for B -> Theta -> X, I(X;B) = I(X;Theta) - I(X;Theta|B), so the
 * paper's epsilon = I(X;B) - I(X;Theta) is < 0 for a stochastic map and 0
 * under Eq 11's premise (Theta = f(B)). The production epsilon and conditional
 * information against joint entropies of a three-way table built here.
 * Negative control: when X also depends on B directly (no Markov chain), the
 * same identity check rejects it. */
Test(eq15, epsilon_is_minus_the_conditional_information_so_never_positive) {
    rng_t r;
    rng_init(&r, 15, 0);
    for (int k = 0; k < 50; k++) {
        for (int det = 0; det < 2; det++) {
            ident_chain_t c;
            ident_chain_random(&r, &c, NB, NT, NX, det);
            double ixb, ixt, cmi = cmi_by_entropies(&c, NULL, &ixb, &ixt);
            cr_expect(epsilon_eq(dbl, ident_chain_cmi(&c), cmi, 1e-12));
            cr_expect(epsilon_eq(dbl, ident_chain_eps(&c), ixb - ixt, 1e-12));
            cr_expect(epsilon_eq(dbl, ident_chain_eps(&c), -cmi, 1e-12), "draw %d det %d", k, det);
            if (det) cr_expect(lt(dbl, fabs(ident_chain_eps(&c)), 1e-14), "Theta = f(B): epsilon = 0");
            else cr_expect(lt(dbl, ident_chain_eps(&c), -1e-3), "stochastic map: epsilon < 0");
        }
        ident_chain_t c;
        ident_chain_random(&r, &c, NB, NT, NX, 0);
        double direct[NB][NT][NX], ixb, ixt;
        for (int b = 0; b < NB; b++)
            for (int t = 0; t < NT; t++) rand_dist(&r, direct[b][t], NX);
        double cmi = cmi_by_entropies(&c, (const double (*)[NT][NX])direct, &ixb, &ixt);
        cr_expect(gt(dbl, fabs((ixb - ixt) + cmi), 1e-3), "negative control, draw %d: not a Markov chain", k);
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
        int perm[64], seen[64] = {0};
        ident_random_permutation(&r, perm, 64);
        for (int i = 0; i < 64; i++) seen[perm[i]]++;
        for (int i = 0; i < 64; i++) cr_assert(eq(int, seen[i], 1), "a permutation");
        const double *start[2] = {prod, corr};
        for (int s = 0; s < 2; s++) {
            double after[64], dI, a0[8] = {0}, b0[8] = {0}, a1[8] = {0}, b1[8] = {0};
            double sigma = ident_permutation_sigma(start[s], perm, 8, 8, after, &dI);
            for (int i = 0; i < 64; i++) { /* marginals by direct sums */
                cr_assert(eq(dbl, after[perm[i]], start[s][i]));
                a0[i / 8] += start[s][i], b0[i % 8] += start[s][i], a1[i / 8] += after[i], b1[i % 8] += after[i];
            }
            cr_assert(epsilon_eq(dbl, thermo_entropy(after, 64), thermo_entropy(start[s], 64), 1e-12));
            cr_assert(epsilon_eq(dbl, thermo_entropy(after, 64),
                                 thermo_entropy(a1, 8) + thermo_entropy(b1, 8) - thermo_mutual_information(after, 8, 8),
                                 1e-12));
            cr_assert(epsilon_eq(
                dbl, sigma,
                thermo_entropy(a1, 8) - thermo_entropy(a0, 8) + thermo_entropy(b1, 8) - thermo_entropy(b0, 8), 1e-12));
            cr_assert(epsilon_eq(dbl, sigma, dI, 1e-12), "Eq 29 with Delta S_joint = 0");
            if (s == 0) cr_assert(ge(dbl, sigma, -1e-12));
            else negative |= sigma < 0;
        }
    }
    cr_expect(eq(int, negative, 1), "some permutation lowers I from a correlated start");
}
