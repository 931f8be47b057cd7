/*
 * fvbm.h - fully visible Boltzmann machine on x in {0,1}^n, exact by
 * enumeration of all N = 2^n states (n <= 24), double precision.
 *
 *   E_theta(x) = -(sum_i h_i x_i + sum_{i<j} J_ij x_i x_j),
 *   phi_theta(x) = E_theta(x) + ln Z_theta,   p_theta = exp(-phi_theta).
 * theta = (h_0..h_{n-1}, J_01, J_02, .., J_0(n-1), J_12, ..): npar = n(n+1)/2.
 * State x is the integer with bit i = x_i.
 */
#ifndef FVBM_H
#define FVBM_H

#include <stddef.h>
#include <stdint.h>

#include "rng.h"

#define FVBM_MAX_N 24

typedef struct {
    int n, npar;
    size_t N;
    int pair[FVBM_MAX_N][FVBM_MAX_N]; /* index of J_ij in theta, i != j */
} fvbm_t;

void fvbm_init(fvbm_t *m, int n);
/* Energies of all states, by adding one bit at a time: O(N n). */
void fvbm_energies(const fvbm_t *m, const double *theta, double *E);
/* ln Z and p = exp(-E - ln Z) from energies. */
double fvbm_probs(const fvbm_t *m, const double *E, double *p);
/* Sufficient statistics under a distribution p over states: <x_i> and
 * <x_i x_j> in theta's layout, by a superset-sum transform in O(N n). */
void fvbm_moments(const fvbm_t *m, const double *p, double *mom, double *work);
/* Sufficient statistics of a list of states (mean over them). */
void fvbm_data_moments(const fvbm_t *m, const uint32_t *x, int count, double *mom);
/* Heat-bath conditional P(x_i = 1 | rest) for every state with x_i = 0
 * (table of N/2 entries per site, from the energies): n N/2 doubles. */
void fvbm_conditionals(const fvbm_t *m, const double *E, double *cond);
/* One sweep (sites 0..n-1) of heat-bath updates applied to a distribution q
 * over states, exactly (O(N) per site). */
void fvbm_sweep_dist(const fvbm_t *m, const double *cond, double *q);
/* The same sweep with the sites in reverse order (n-1..0). A forward sweep
 * followed by a reverse one (symmetric scan) is reversible with respect to
 * p_theta; a forward sweep alone is not (its time reverse is the reverse sweep). */
void fvbm_sweep_dist_reverse(const fvbm_t *m, const double *cond, double *q);
typedef enum { FVBM_SCAN_SEQUENTIAL, FVBM_SCAN_SYMMETRIC } fvbm_scan_t;
/* The tau-step transition matrix of the chain, K[x*N + y] = P(x -> y after tau
 * applications of the sweep), by propagating each point mass exactly:
 * O(N^2 n tau); N x N doubles. Sequential: one forward sweep per step;
 * symmetric: a forward then a reverse sweep per step. */
void fvbm_kernel(const fvbm_t *m, const double *cond, fvbm_scan_t scan, long tau, double *K);
/* Residual of local detailed balance (Eq 39) with the same kernel forward and
 * backward: max over x, y of |ln K(x,y) - ln K(y,x) + E(y) - E(x)|. It is 0
 * for a kernel reversible w.r.t. exp(-E) (every tau), and tends to 0 as
 * tau -> inf for any ergodic kernel with stationary law exp(-E)/Z, since then
 * K(x,y) -> p(y). Infinite if some K(x,y) = 0 < K(y,x). */
double fvbm_ldb_residual(const fvbm_t *m, const double *K, const double *E);
/* max_x of the total-variation distance between row x of K and p: how far the
 * tau-step kernel is from drawing fresh samples (Eq 37). */
double fvbm_kernel_tv(const fvbm_t *m, const double *K, const double *p);
/* One sweep applied to sampled chains, and the same in reverse site order. */
void fvbm_sweep_chains(const fvbm_t *m, const double *cond, uint32_t *x, int count, rng_t *r);
void fvbm_sweep_chains_reverse(const fvbm_t *m, const double *cond, uint32_t *x, int count, rng_t *r);
/* <phi>_q = sum_x q(x) (E(x) + lnZ) */
double fvbm_mean_phi(const fvbm_t *m, const double *q, const double *E, double lnZ);

#endif
