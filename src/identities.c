/*
 * identities - the residuals of the paper's information-theoretic statements
 * (Eqs 5-15, 27-29) on seeded random discrete distributions, written as a
 * numbers file. tests/test_thermo.c asserts what is true about each; this
 * program records by how much the paper's literal statements miss.
 * usage: identities PARAMS NUMBERS.tsv
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "thermo.h"
#include "util.h"

/* A random distribution with Dirichlet(1)-like weights (exponential draws). */
static void random_dist(rng_t *r, double *p, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; i++) s += p[i] = -log(1.0 - rng_uniform(r));
    for (size_t i = 0; i < n; i++) p[i] /= s;
}

/* Index drawn from p. */
static size_t draw(rng_t *r, const double *p, size_t n) {
    double u = rng_uniform(r), c = 0;
    for (size_t i = 0; i < n; i++)
        if (u < (c += p[i])) return i;
    return n - 1;
}

/* Chain B -> Theta -> X: joint tables p(b,theta) and p(b,x), p(theta,x) from
 * p(b), p(theta|b) and p(x|theta). Sizes nb, nt, nx <= 16. */
typedef struct {
    size_t nb, nt, nx;
    double pb[16], pt_b[16][16], px_t[16][16];
    double bt[256], bx[256], tx[256];
    double btx[4096]; /* (b*nt + t)*nx + x */
} chain_t;

static void chain_tables(chain_t *c) {
    memset(c->bt, 0, sizeof c->bt);
    memset(c->bx, 0, sizeof c->bx);
    memset(c->tx, 0, sizeof c->tx);
    for (size_t b = 0; b < c->nb; b++)
        for (size_t t = 0; t < c->nt; t++)
            for (size_t x = 0; x < c->nx; x++) {
                double p = c->pb[b] * c->pt_b[b][t] * c->px_t[t][x];
                c->btx[(b * c->nt + t) * c->nx + x] = p;
                c->bt[b * c->nt + t] += p;
                c->bx[b * c->nx + x] += p;
                c->tx[t * c->nx + x] += p;
            }
}

static void random_chain(rng_t *r, chain_t *c, int deterministic) {
    c->nb = 6, c->nt = 5, c->nx = 7;
    random_dist(r, c->pb, c->nb);
    for (size_t b = 0; b < c->nb; b++) {
        if (deterministic) { /* theta = f(b) */
            memset(c->pt_b[b], 0, sizeof c->pt_b[b]);
            c->pt_b[b][rng_below(r, (uint32_t)c->nt)] = 1;
        } else {
            random_dist(r, c->pt_b[b], c->nt);
        }
    }
    for (size_t t = 0; t < c->nt; t++) random_dist(r, c->px_t[t], c->nx);
    chain_tables(c);
}

/* I(X;Theta|B) = sum_b p(b) I(X;Theta | B=b) */
static double cmi_x_theta_given_b(const chain_t *c) {
    double s = 0;
    for (size_t b = 0; b < c->nb; b++) {
        double tab[256];
        for (size_t t = 0; t < c->nt; t++)
            for (size_t x = 0; x < c->nx; x++) tab[t * c->nx + x] = c->pt_b[b][t] * c->px_t[t][x];
        s += c->pb[b] * mutual_information(tab, c->nt, c->nx);
    }
    return s;
}

int main(int argc, char **argv) {
    prog_name = "identities";
    if (argc != 3) die("usage: identities PARAMS NUMBERS.tsv");
    conf_t *conf = conf_load(argv[1]);
    static const char *const known[] = {"seed", "states", "beta", "batch", "gd_steps", "gd_rate", "permutations", NULL};
    conf_known(conf, known);
    uint64_t seed = (uint64_t)conf_int(conf, "seed", 0, 0x7fffffffffffffffL);
    size_t n = (size_t)conf_int(conf, "states", 2, 4096);
    double beta = conf_double(conf, "beta", 1e-6, 1e6);
    int batch = (int)conf_int(conf, "batch", 1, 100000);
    int gd_steps = (int)conf_int(conf, "gd_steps", 1, 10000000);
    double gd_rate = conf_double(conf, "gd_rate", 1e-9, 1e3);
    int nperm = (int)conf_int(conf, "permutations", 1, 10000000);
    conf_finish(conf);
    rng_t r;
    rng_init(&r, seed, 0);
    numbers_t *nb = numbers_open(argv[2], "Residuals of the paper's Eqs 5-15 and 27-29 on random discrete distributions", conf, seed);
    double *H = xmalloc(n * sizeof *H), *peq = xmalloc(n * sizeof *peq), *p = xmalloc(n * sizeof *p);
    double *q = xmalloc(n * sizeof *q), *ps = xmalloc(n * sizeof *ps), *hat = xcalloc(n, sizeof *hat);

    /* Eq 5: F[p_eq] = <H> - S/beta = -ln Z / beta, with Z = sum exp(-beta H). */
    for (size_t i = 0; i < n; i++) H[i] = 3 * rng_uniform(&r) - 1;
    double lnZ = canonical(H, beta, peq, n);
    double F_eq = free_energy(peq, H, beta, n);
    numbers_put(nb, "eq5_residual", fabs(F_eq + lnZ / beta), "nats");
    double a[4096];
    for (size_t i = 0; i < n; i++) a[i] = -H[i];
    numbers_put(nb, "eq5_paper_Z_gap", fabs(F_eq + logsumexp(a, n) / beta), "nats"); /* the paper's Z omits beta */
    numbers_put(nb, "eq5_beta", beta, "1");

    /* Eq 6: F[p] = F[p_eq] + D(p || p_eq)/beta for any p. */
    random_dist(&r, p, n);
    numbers_put(nb, "eq6_residual", fabs(free_energy(p, H, beta, n) - F_eq - kl(p, peq, n) / beta), "nats");

    /* Eq 7: the mini-batch loss is a cross-entropy, S(p_hat_b) + D(p_hat_b||p_theta). */
    random_dist(&r, ps, n); /* p* */
    random_dist(&r, q, n);  /* p_theta */
    double loss = 0;
    for (int k = 0; k < batch; k++) {
        size_t x = draw(&r, ps, n);
        hat[x] += 1.0 / batch;
        loss -= log(q[x]) / batch;
    }
    numbers_put(nb, "eq7_gap", loss - kl(hat, q, n), "nats");
    numbers_put(nb, "eq7_batch_entropy", entropy(hat, n), "nats");
    numbers_put(nb, "eq7_batch", batch, "samples");

    /* Eq 8: with H = -ln p*, F[p_theta] - F[p*] = D(p_theta || p*), not D(p* || p_theta). */
    double *Hs = xmalloc(n * sizeof *Hs);
    for (size_t i = 0; i < n; i++) Hs[i] = -log(ps[i]);
    double dF = free_energy(q, Hs, 1, n) - free_energy(ps, Hs, 1, n);
    numbers_put(nb, "eq8_dF", dF, "nats");
    numbers_put(nb, "eq8_residual_true_direction", fabs(dF - kl(q, ps, n)), "nats");
    numbers_put(nb, "eq8_paper_residual", dF - kl(ps, q, n), "nats");

    /* Eqs 9-10 along learning: gradient descent on D(p*||p_theta), theta = logits. */
    double *th = xcalloc(n, sizeof *th), *pt = xmalloc(n * sizeof *pt);
    for (size_t i = 0; i < n; i++) th[i] = rng_normal(&r);
    canonical(th, -1, pt, n); /* p_theta = softmax(theta) */
    double F0 = free_energy(pt, Hs, 1, n), D0 = kl(ps, pt, n);
    for (int s = 0; s < gd_steps; s++) {
        for (size_t i = 0; i < n; i++) th[i] -= gd_rate * (pt[i] - ps[i]); /* grad of D(p*||softmax) */
        canonical(th, -1, pt, n);
    }
    double Fn = free_energy(pt, Hs, 1, n), Dn = kl(ps, pt, n);
    numbers_put(nb, "eq9_dF_true", Fn - F0, "nats");
    numbers_put(nb, "eq9_dF_paper", -(D0 - Dn), "nats");
    numbers_put(nb, "eq9_residual", (Fn - F0) + (D0 - Dn), "nats");
    numbers_put(nb, "eq9_D_initial", D0, "nats");
    numbers_put(nb, "eq9_D_final", Dn, "nats");

    /* Eqs 13-15 on a random chain B -> Theta -> X. */
    chain_t c;
    random_chain(&r, &c, 0);
    double Itb = mutual_information(c.bt, c.nb, c.nt), Ixb = mutual_information(c.bx, c.nb, c.nx);
    double Ixt = mutual_information(c.tx, c.nt, c.nx);
    double St[16];
    marginals(c.bt, c.nb, c.nt, NULL, St);
    numbers_put(nb, "eq13_gap", Itb - Ixb, "nats");
    numbers_put(nb, "eq14_gap_stochastic", entropy(St, c.nt) - Itb, "nats");
    numbers_put(nb, "eq15_eps", Ixb - Ixt, "nats");
    numbers_put(nb, "eq15_residual_corrected", fabs(Ixb - (Ixt - cmi_x_theta_given_b(&c))), "nats");
    chain_t d;
    random_chain(&r, &d, 1);
    marginals(d.bt, d.nb, d.nt, NULL, St);
    numbers_put(nb, "eq14_gap_deterministic", fabs(entropy(St, d.nt) - mutual_information(d.bt, d.nb, d.nt)), "nats");

    /* Eq 28 and Eqs 27, 29 under entropy-conserving (permutation) dynamics. */
    double joint[256], Sx[16], Sth[16];
    const size_t nx = 8, nt = 8;
    double px0[8], pt0[8];
    random_dist(&r, px0, nx);
    random_dist(&r, pt0, nt);
    for (size_t i = 0; i < nx; i++)
        for (size_t j = 0; j < nt; j++) joint[i * nt + j] = px0[i] * pt0[j]; /* I(0) = 0 */
    marginals(joint, nx, nt, Sx, Sth);
    numbers_put(nb, "eq28_residual",
                fabs(entropy(joint, 64) - (entropy(Sx, nx) + entropy(Sth, nt) - mutual_information(joint, nx, nt))), "nats");
    double min_from_product = INFINITY, min_from_correlated = INFINITY, worst27 = 0;
    double corr[64];
    random_dist(&r, corr, 64); /* a correlated start */
    for (int k = 0; k < nperm; k++) {
        int perm[64];
        for (int i = 0; i < 64; i++) perm[i] = i;
        for (int i = 63; i > 0; i--) {
            int j = (int)rng_below(&r, (uint32_t)(i + 1)), t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        const double *start[2] = {joint, corr};
        for (int s = 0; s < 2; s++) {
            double after[64], a0[8], b0[8], a1[8], b1[8];
            for (int i = 0; i < 64; i++) after[perm[i]] = start[s][i];
            marginals(start[s], nx, nt, a0, b0);
            marginals(after, nx, nt, a1, b1);
            double sigma = entropy(a1, nx) - entropy(a0, nx) + entropy(b1, nt) - entropy(b0, nt); /* Eq 27 */
            double dI = mutual_information(after, nx, nt) - mutual_information(start[s], nx, nt);
            worst27 = fmax(worst27, fabs(sigma - dI)); /* Eq 29 given Delta S_joint = 0 */
            if (s == 0) min_from_product = fmin(min_from_product, sigma);
            else min_from_correlated = fmin(min_from_correlated, sigma);
        }
    }
    numbers_put(nb, "eq29_residual_sigma_minus_dI", worst27, "nats");
    numbers_put(nb, "eq29_min_sigma_product_start", min_from_product, "nats");
    numbers_put(nb, "eq29_min_sigma_correlated_start", min_from_correlated, "nats");
    numbers_put(nb, "eq29_permutations", nperm, "1");
    numbers_close(nb);
    return 0;
}
