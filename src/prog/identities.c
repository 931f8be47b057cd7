/*
 * identities - the residuals of the paper's information-theoretic statements
 * (Eqs 5-15, 27-29) on seeded random discrete distributions, written as a
 * numbers file. tests/test_thermo.c asserts what is true about each; this
 * program records by how much the paper's literal statements miss.
 * The random objects come from src/lib/chains.c, the functionals from src/thermo.c.
 * usage: identities PARAMS NUMBERS.tsv, or identities keys (the parameter keys).
 *
 * One function per group of equations; they share one random stream and
 * run in a fixed order, so every key depends only on the parameter file.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chains.h"
#include "rng.h"
#include "thermo.h"
#include "util.h"

#define STATES_MAX 4096
#define CHAIN_NB 6 /* alphabet sizes of the chain B -> Theta -> X */
#define CHAIN_NT 5
#define CHAIN_NX 7
#define PERM_NX 8 /* joint (X, Theta) states for Eqs 27-29 */
#define PERM_NT 8
#define H_SPAN 3.0   /* Eq 5's energies are uniform on [H_LOW, H_LOW + H_SPAN) */
#define H_LOW (-1.0)

/* ---------------------------------------------------------------------- */
/* parameters                                                             */

typedef struct {
    long seed, states, batch, gd_steps, perms;
    double beta, gd_rate;
} idparams_t;

#define P(f) offsetof(idparams_t, f)
static const conf_spec_t id_keys[] = {
    {"seed", CONF_INT, P(seed), 0, SEED_MAX, .doc = "one Philox stream for the whole run"},
    {"states", CONF_INT, P(states), 2, STATES_MAX, .doc = "size of the discrete state space"},
    {"beta", CONF_DOUBLE, P(beta), 1e-6, 1e6, .doc = "inverse temperature for Eqs 5-6"},
    {"batch", CONF_INT, P(batch), 1, 100000, .doc = "mini-batch size for Eq 7"},
    {"gd_steps", CONF_INT, P(gd_steps), 1, 10000000, .doc = "gradient-descent steps on D(p*||p_theta), Eqs 9-10"},
    {"gd_rate", CONF_DOUBLE, P(gd_rate), 1e-9, 1e3, .doc = "its step size"},
    {"permutations", CONF_INT, P(perms), 1, 10000000, .doc = "entropy-conserving joint dynamics tried, Eqs 27-29"},
};
#undef P
#define NID_KEYS ((int)(sizeof id_keys / sizeof id_keys[0]))

/* ---------------------------------------------------------------------- */
/* the equations, in the order they draw from the stream                  */

typedef struct {
    rng_t r;
    numbers_t *nb;
    size_t n;
    double beta;
    double *H, *peq, *ps, *q, *Hs; /* energies, canonical state, p*, p_theta, -ln p* */
} run_t;

/* Eqs 5-6: F[p_eq] = <H> - S/beta = -ln Z/beta with Z = sum exp(-beta H);
 * F[p] = F[p_eq] + D(p || p_eq)/beta for any p. */
static void eqs_5_6(run_t *u) {
    size_t n = u->n;
    for (size_t i = 0; i < n; i++) u->H[i] = H_SPAN * rng_uniform(&u->r) + H_LOW;
    double lnZ = thermo_canonical(u->H, u->beta, u->peq, n);
    double F_eq = thermo_free_energy(u->peq, u->H, u->beta, n);
    numbers_put(u->nb, "eq5_residual", fabs(F_eq + lnZ / u->beta), "nats");
    double *a = xmalloc(n * sizeof *a);
    for (size_t i = 0; i < n; i++) a[i] = -u->H[i];
    /* the paper's Z omits beta */
    numbers_put(u->nb, "eq5_paper_Z_gap", fabs(F_eq + thermo_logsumexp(a, n) / u->beta), "nats");
    numbers_put(u->nb, "eq5_beta", u->beta, "1");
    double *p = a; /* reused */
    ident_random_dist(&u->r, p, n);
    numbers_put(u->nb, "eq6_residual",
                fabs(thermo_free_energy(p, u->H, u->beta, n) - F_eq - thermo_kl(p, u->peq, n) / u->beta), "nats");
    free(a);
}

/* Eq 7: the mini-batch loss is a cross-entropy, S(p_hat_b) + D(p_hat_b||p_theta). */
static void eq_7(run_t *u, long batch) {
    size_t n = u->n;
    double *hat = xcalloc(n, sizeof *hat);
    ident_random_dist(&u->r, u->ps, n); /* p* */
    ident_random_dist(&u->r, u->q, n);  /* p_theta */
    double loss = 0;
    for (long k = 0; k < batch; k++) {
        size_t x = ident_draw(&u->r, u->ps, n);
        hat[x] += 1.0 / batch;
        loss -= log(u->q[x]) / batch;
    }
    numbers_put(u->nb, "eq7_gap", loss - thermo_kl(hat, u->q, n), "nats");
    numbers_put(u->nb, "eq7_batch_entropy", thermo_entropy(hat, n), "nats");
    numbers_put(u->nb, "eq7_batch", (double)batch, "samples");
    free(hat);
}

/* Eq 8 with two readings of the Hamiltonian. The target's, H = -ln p*:
 * F[p_theta] - F[p*] = D(p_theta || p*), not the D(p* || p_theta) Eq 8 writes.
 * The model's own, H_theta = -ln p_theta (Eq 6 with p_eq = p_theta):
 * F_theta[p*] - F_theta[p_theta] = D(p* || p_theta) exactly, the loss as the
 * excess free energy of the data in the model's landscape. */
static void eq_8(run_t *u) {
    size_t n = u->n;
    for (size_t i = 0; i < n; i++) u->Hs[i] = -log(u->ps[i]);
    double dF = thermo_free_energy(u->q, u->Hs, 1, n) - thermo_free_energy(u->ps, u->Hs, 1, n);
    numbers_put(u->nb, "eq8_dF", dF, "nats");
    numbers_put(u->nb, "eq8_residual_true_direction", fabs(dF - thermo_kl(u->q, u->ps, n)), "nats");
    numbers_put(u->nb, "eq8_paper_residual", dF - thermo_kl(u->ps, u->q, n), "nats");
    double *Hq = xmalloc(n * sizeof *Hq);
    for (size_t i = 0; i < n; i++) Hq[i] = -log(u->q[i]);
    double dFq = thermo_free_energy(u->ps, Hq, 1, n) - thermo_free_energy(u->q, Hq, 1, n);
    numbers_put(u->nb, "eq8_dF_model_energy", dFq, "nats");
    numbers_put(u->nb, "eq8_residual_model_energy", fabs(dFq - thermo_kl(u->ps, u->q, n)), "nats");
    free(Hq);
}

/* Eqs 9-10 along learning: gradient descent on D(p*||p_theta), theta = logits;
 * F is taken with the target's Hamiltonian -ln p* (set by eq_8). */
static void eqs_9_10(run_t *u, long steps, double rate) {
    size_t n = u->n;
    double *th = xcalloc(n, sizeof *th), *pt = xmalloc(n * sizeof *pt);
    for (size_t i = 0; i < n; i++) th[i] = rng_normal(&u->r);
    thermo_canonical(th, -1, pt, n); /* p_theta = softmax(theta) */
    double F0 = thermo_free_energy(pt, u->Hs, 1, n), D0 = thermo_kl(u->ps, pt, n);
    for (long s = 0; s < steps; s++) {
        for (size_t i = 0; i < n; i++) th[i] -= rate * (pt[i] - u->ps[i]); /* grad of D(p*||softmax) */
        thermo_canonical(th, -1, pt, n);
    }
    double Fn = thermo_free_energy(pt, u->Hs, 1, n), Dn = thermo_kl(u->ps, pt, n);
    numbers_put(u->nb, "eq9_dF_true", Fn - F0, "nats");
    numbers_put(u->nb, "eq9_dF_paper", -(D0 - Dn), "nats");
    numbers_put(u->nb, "eq9_residual", (Fn - F0) + (D0 - Dn), "nats");
    numbers_put(u->nb, "eq9_D_initial", D0, "nats");
    numbers_put(u->nb, "eq9_D_final", Dn, "nats");
    free(th);
    free(pt);
}

/* Eqs 13-15 on a random chain B -> Theta -> X, stochastic and deterministic
 * (Eq 11's premise, Theta = f(B)). */
static void eqs_13_15(run_t *u) {
    ident_chain_t c, d;
    ident_chain_random(&u->r, &c, CHAIN_NB, CHAIN_NT, CHAIN_NX, 0);
    double Itb = thermo_mutual_information(c.bt, c.nb, c.nt), Ixb = thermo_mutual_information(c.bx, c.nb, c.nx);
    double Ixt = thermo_mutual_information(c.tx, c.nt, c.nx);
    double St[IDENT_MAX];
    thermo_marginals(c.bt, c.nb, c.nt, NULL, St);
    numbers_put(u->nb, "eq13_gap", Itb - Ixb, "nats");
    numbers_put(u->nb, "eq14_gap_stochastic", thermo_entropy(St, c.nt) - Itb, "nats");
    numbers_put(u->nb, "eq15_eps", Ixb - Ixt, "nats");
    numbers_put(u->nb, "eq15_cmi", ident_chain_cmi(&c), "nats");
    numbers_put(u->nb, "eq15_residual_corrected", fabs(Ixb - (Ixt - ident_chain_cmi(&c))), "nats");
    ident_chain_random(&u->r, &d, CHAIN_NB, CHAIN_NT, CHAIN_NX, 1);
    thermo_marginals(d.bt, d.nb, d.nt, NULL, St);
    numbers_put(u->nb, "eq14_gap_deterministic",
                fabs(thermo_entropy(St, d.nt) - thermo_mutual_information(d.bt, d.nb, d.nt)), "nats");
    numbers_put(u->nb, "eq15_eps_deterministic", ident_chain_eps(&d), "nats");
}

/* Eq 28 and Eqs 27, 29 under entropy-conserving (permutation) dynamics, from
 * an uncorrelated and from a correlated start. */
static void eqs_27_29(run_t *u, long nperm) {
    enum { NJ = PERM_NX * PERM_NT };
    double joint[NJ], corr[NJ], after[NJ], Sx[PERM_NX], Sth[PERM_NT], px0[PERM_NX], pt0[PERM_NT];
    ident_random_dist(&u->r, px0, PERM_NX);
    ident_random_dist(&u->r, pt0, PERM_NT);
    for (size_t i = 0; i < PERM_NX; i++)
        for (size_t j = 0; j < PERM_NT; j++) joint[i * PERM_NT + j] = px0[i] * pt0[j]; /* I(0) = 0 */
    thermo_marginals(joint, PERM_NX, PERM_NT, Sx, Sth);
    numbers_put(u->nb, "eq28_residual",
                fabs(thermo_entropy(joint, NJ) - (thermo_entropy(Sx, PERM_NX) + thermo_entropy(Sth, PERM_NT) -
                                                  thermo_mutual_information(joint, PERM_NX, PERM_NT))),
                "nats");
    double min_sigma[2] = {INFINITY, INFINITY}, worst27 = 0;
    ident_random_dist(&u->r, corr, NJ); /* a correlated start */
    const double *start[2] = {joint, corr};
    for (long k = 0; k < nperm; k++) {
        int perm[NJ];
        ident_random_permutation(&u->r, perm, NJ);
        for (int s = 0; s < 2; s++) {
            double dI, sigma = ident_permutation_sigma(start[s], perm, PERM_NX, PERM_NT, after, &dI);
            worst27 = fmax(worst27, fabs(sigma - dI)); /* Eq 29 given Delta S_joint = 0 */
            min_sigma[s] = fmin(min_sigma[s], sigma);
        }
    }
    numbers_put(u->nb, "eq29_residual_sigma_minus_dI", worst27, "nats");
    numbers_put(u->nb, "eq29_min_sigma_product_start", min_sigma[0], "nats");
    numbers_put(u->nb, "eq29_min_sigma_correlated_start", min_sigma[1], "nats");
    numbers_put(u->nb, "eq29_permutations", (double)nperm, "1");
}

int main(int argc, char **argv) {
    prog_name = "identities";
    if (argc == 2 && strcmp(argv[1], "keys") == 0) return conf_print_keys(id_keys, NID_KEYS), 0;
    if (argc != 3) die("usage: identities PARAMS NUMBERS.tsv, or identities keys");
    idparams_t p;
    conf_t *conf = conf_read_file(argv[1], id_keys, NID_KEYS, &p);
    run_t u = {.n = (size_t)p.states, .beta = p.beta};
    rng_init(&u.r, (uint64_t)p.seed, 0);
    u.nb = numbers_open(argv[2], "Residuals of the paper's Eqs 5-15 and 27-29 on random discrete distributions", conf,
                        (uint64_t)p.seed);
    double **v[] = {&u.H, &u.peq, &u.ps, &u.q, &u.Hs};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) *v[i] = xmalloc(u.n * sizeof(double));
    eqs_5_6(&u);
    eq_7(&u, p.batch);
    eq_8(&u);
    eqs_9_10(&u, p.gd_steps, p.gd_rate);
    eqs_13_15(&u);
    eqs_27_29(&u, p.perms);
    numbers_close(u.nb);
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) free(*v[i]);
    return 0;
}
