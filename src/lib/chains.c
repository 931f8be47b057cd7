/* chains.c - random distributions, chains B -> Theta -> X and entropy-
 * conserving joint dynamics for the Secs. 3-4 residuals (see chains.h). */
#include "chains.h"

#include <math.h>
#include <string.h>

#include "thermo.h"
#include "util.h"

void ident_random_dist(rng_t *r, double *p, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; i++) s += p[i] = -log(1.0 - rng_uniform(r));
    for (size_t i = 0; i < n; i++) p[i] /= s;
}

size_t ident_draw(rng_t *r, const double *p, size_t n) {
    double u = rng_uniform(r), c = 0;
    for (size_t i = 0; i < n; i++)
        if (u < (c += p[i])) return i;
    return n - 1;
}

static void chain_tables(ident_chain_t *c) {
    memset(c->bt, 0, sizeof c->bt);
    memset(c->bx, 0, sizeof c->bx);
    memset(c->tx, 0, sizeof c->tx);
    for (size_t b = 0; b < c->nb; b++)
        for (size_t t = 0; t < c->nt; t++)
            for (size_t x = 0; x < c->nx; x++) {
                double p = c->pb[b] * c->pt_b[b][t] * c->px_t[t][x];
                c->bt[b * c->nt + t] += p;
                c->bx[b * c->nx + x] += p;
                c->tx[t * c->nx + x] += p;
            }
}

void ident_chain_random(rng_t *r, ident_chain_t *c, size_t nb, size_t nt, size_t nx, int deterministic) {
    if (nb > IDENT_MAX || nt > IDENT_MAX || nx > IDENT_MAX)
        die("ident_chain_random: alphabet sizes %zu, %zu, %zu exceed %d", nb, nt, nx, IDENT_MAX);
    c->nb = nb, c->nt = nt, c->nx = nx;
    ident_random_dist(r, c->pb, nb);
    for (size_t b = 0; b < nb; b++) {
        if (deterministic) { /* theta = f(b) */
            memset(c->pt_b[b], 0, sizeof c->pt_b[b]);
            c->pt_b[b][rng_below(r, (uint32_t)nt)] = 1;
        } else {
            ident_random_dist(r, c->pt_b[b], nt);
        }
    }
    for (size_t t = 0; t < nt; t++) ident_random_dist(r, c->px_t[t], nx);
    chain_tables(c);
}

double ident_chain_cmi(const ident_chain_t *c) {
    double s = 0;
    for (size_t b = 0; b < c->nb; b++) {
        double tab[IDENT_MAX * IDENT_MAX];
        for (size_t t = 0; t < c->nt; t++)
            for (size_t x = 0; x < c->nx; x++) tab[t * c->nx + x] = c->pt_b[b][t] * c->px_t[t][x];
        s += c->pb[b] * thermo_mutual_information(tab, c->nt, c->nx);
    }
    return s;
}

double ident_chain_eps(const ident_chain_t *c) {
    return thermo_mutual_information(c->bx, c->nb, c->nx) - thermo_mutual_information(c->tx, c->nt, c->nx);
}

void ident_random_permutation(rng_t *r, int *perm, int n) {
    for (int i = 0; i < n; i++) perm[i] = i;
    for (int i = n - 1; i > 0; i--) {
        int j = (int)rng_below(r, (uint32_t)(i + 1)), t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
}

double ident_permutation_sigma(const double *start, const int *perm, size_t nx, size_t nt, double *after, double *dI) {
    if (nx > IDENT_MAX || nt > IDENT_MAX) die("ident_permutation_sigma: %zu x %zu exceeds %d", nx, nt, IDENT_MAX);
    double a0[IDENT_MAX], b0[IDENT_MAX], a1[IDENT_MAX], b1[IDENT_MAX];
    for (size_t i = 0; i < nx * nt; i++) after[perm[i]] = start[i];
    thermo_marginals(start, nx, nt, a0, b0);
    thermo_marginals(after, nx, nt, a1, b1);
    *dI = thermo_mutual_information(after, nx, nt) - thermo_mutual_information(start, nx, nt);
    /* Eq 27 */
    return thermo_entropy(a1, nx) - thermo_entropy(a0, nx) + thermo_entropy(b1, nt) - thermo_entropy(b0, nt);
}
