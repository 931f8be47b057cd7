/*
 * expfam.h - the parametric reservoir's heat capacity (issue 23, point 3): an exponential
 * family on n binary units, exact by enumeration of the N = 2^n states, whose number of
 * parameters d grows at fixed dim X = n (prefix expfam_).
 *
 *   p_theta(x) = exp(theta . f(x)) / Z_theta,   f_k(x) = prod_{i in S_k} (2 x_i - 1),
 * the Walsh functions of the nonempty subsets S_k of the units, ordered by size and then
 * by their bit pattern: d = n gives the independent-unit model, d = n(n+1)/2 the fully
 * visible Boltzmann machine, d = N - 1 every distribution with full support.
 * Loss U_B(theta) = ln Z - theta . <f>_B, gradient <f>_theta - <f>_B, Hessian Cov_theta(f).
 * SGD (Algorithm 1) on |b| distinct patterns: theta' = theta - r (<f>_theta - <f>_b); the
 * noise of Eq 19, eta = <f>_b - <f>_B, does not depend on theta (as for the Gaussian PPM),
 * so its power is exact: E|eta|^2 = (K - b) / (b (K - 1)) sum_k (1 - <f_k>_B^2).
 *
 * The reservoir: theta, with energy U_B(theta) - U_B(theta*) and the temperature of the
 * original's Eq 20 per component, T = r E|eta|^2 / (2 d). Its heat capacity is measured as
 * C = dE/dT between two batch sizes (two temperatures) at stationarity; 1/C is how far its
 * temperature moves per unit of heat it absorbs. Equipartition over d stiff modes (small r,
 * noise covariance matching the Hessian) gives C = d/2.
 */
#ifndef EXPFAM_H
#define EXPFAM_H

#include <stddef.h>
#include <stdint.h>

#include "rng.h"

#define EXPFAM_MAX_N 12

typedef struct {
    int n, d;
    size_t N;
    double *f; /* f[x d + k] */
} expfam_t;

void expfam_init(expfam_t *m, int n, int d);
void expfam_free(expfam_t *m);
/* p over the N states at theta; returns ln Z. */
double expfam_probs(const expfam_t *m, const double *theta, double *p);
/* mom[k] = <f_k>_p over a distribution p on the states. */
void expfam_moments(const expfam_t *m, const double *p, double *mom);
/* U_B(theta) = ln Z - theta . mdata (mdata = <f>_B); p gets p_theta (N slots). */
double expfam_loss(const expfam_t *m, const double *theta, const double *mdata, double *p);
/* theta* = argmin U_B by Newton's method from theta (in place), to |grad| < tol;
 * returns the final gradient norm. Dies if the Hessian is singular (data without full
 * support in some direction). */
double expfam_newton(const expfam_t *m, const double *mdata, double *theta, double tol);
/* One SGD step on b distinct patterns of x[0..K) (idx: b slots, p and mb: N and d slots). */
void expfam_sgd_step(const expfam_t *m, double *theta, const uint32_t *x, int K, int b, double r, rng_t *rng,
                     uint32_t *idx, double *p, double *mb);
/* E|eta|^2 for batch size b from K patterns with feature means mdata. */
double expfam_noise_power(const expfam_t *m, const double *mdata, int K, int b);

/* Stationary energy of the reservoir: M models from theta*, each on stream (seed, stream0 + k),
 * burn SGD steps then steps more, averaging U_B(theta_t) - U_B(theta*) over the latter;
 * E its mean over models, se its standard error (models are independent). */
typedef struct {
    double E, se;
} expfam_energy_t;
expfam_energy_t expfam_stationary_energy(const expfam_t *m, const uint32_t *x, int K, int b, double r,
                                         const double *theta_star, int M, int burn, int steps, uint64_t seed,
                                         uint64_t stream0);

/* Weighted least squares of y on ln d (w = 1/se_y^2) over n points: the slope and its
 * standard error. */
void expfam_fit_slope(const double *lnd, const double *y, const double *se_y, int n, double *slope, double *se);

#endif
