/*
 * chains.h - the random discrete objects on which src/prog/identities.c measures the
 * information-theoretic statements of Secs. 3-4 (Eqs 5-15, 27-29), shared with
 * tests/test_thermo.c so that the tests check the objects the program uses.
 *
 * Chain B -> Theta -> X (Eq 12) on alphabets of at most IDENT_MAX symbols:
 *   p(b, theta, x) = p(b) p(theta|b) p(x|theta),
 * with the pair tables bt = p(b, theta), bx = p(b, x), tx = p(theta, x),
 * row-major. Along such a chain
 *   I(X;B) = I(X;Theta) - I(X;Theta|B)                        (the sign of Eq 15)
 *   I(X;Theta|B) = sum_b p(b) I(X;Theta | B = b),
 * which vanishes when Theta is a deterministic function of B (Eq 11's premise),
 * so epsilon = I(X;B) - I(X;Theta) = 0 there and < 0 otherwise.
 *
 * Entropy-conserving joint dynamics (Eqs 27-29): a permutation of the joint
 * states of (X, Theta) keeps S(X, Theta); then
 *   Sigma = Delta S_X + Delta S_Theta = Delta I(X;Theta)         (Eq 28 with Delta S_joint = 0).
 */
#ifndef CHAINS_H
#define CHAINS_H

#include <stddef.h>

#include "rng.h"

#define IDENT_MAX 16

/* A random distribution with Dirichlet(1) weights (normalised exponential draws). */
void ident_random_dist(rng_t *r, double *p, size_t n);
/* An index drawn from p. */
size_t ident_draw(rng_t *r, const double *p, size_t n);

typedef struct {
    size_t nb, nt, nx;
    double pb[IDENT_MAX], pt_b[IDENT_MAX][IDENT_MAX], px_t[IDENT_MAX][IDENT_MAX];
    double bt[IDENT_MAX * IDENT_MAX], bx[IDENT_MAX * IDENT_MAX], tx[IDENT_MAX * IDENT_MAX];
} ident_chain_t;

/* Random p(b), p(theta|b), p(x|theta); deterministic: theta = f(b) with f a
 * random map (one uniform draw per b). Then the pair tables. */
void ident_chain_random(rng_t *r, ident_chain_t *c, size_t nb, size_t nt, size_t nx, int deterministic);
/* I(X;Theta|B) = sum_b p(b) I(X;Theta | B=b). */
double ident_chain_cmi(const ident_chain_t *c);
/* The original's epsilon of Eq 15: I(X;B) - I(X;Theta). */
double ident_chain_eps(const ident_chain_t *c);

/* A uniformly random permutation of 0..n-1 (Fisher-Yates from the top). */
void ident_random_permutation(rng_t *r, int *perm, int n);
/* The joint table (nx, nt) moved by perm (state i goes to perm[i]) into after;
 * returns Sigma = Delta S_X + Delta S_Theta and sets *dI = Delta I(X;Theta).
 * nx, nt <= IDENT_MAX. */
double ident_permutation_sigma(const double *start, const int *perm, size_t nx, size_t nt, double *after, double *dI);

#endif
