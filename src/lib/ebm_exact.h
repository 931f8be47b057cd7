/*
 * ebm_exact.h - the exact case: a one- or two-dimensional member of the EBM
 * family of src/ebm.h (Gaussian base times exp(-f), f a small SiLU MLP),
 * trained and sampled by the very functions of the MNIST run
 * (src/ebm_train.h), with ln Z, Delta ln Z, the work KL(p_{t-1} || p_t) and
 * the heat of ideal sampling computed per update by quadrature on a grid.
 *
 * Quadrature: the midpoint rule on G points per axis over the box
 * m_j +- box * s (s the base sd), which holds every law of the family whose f
 * stays bounded below on the box; for smooth integrands its error falls
 * faster than any power of the spacing.
 *
 * Data: K points of a two-component Gaussian mixture at +-sep/2 on the first
 * axis (second axis: centred), each of standard deviation `width`.
 */
#ifndef EBM_EXACT_H
#define EBM_EXACT_H

#include <stdint.h>

#include "ebm.h"
#include "ebm_train.h"

typedef struct {
    int d, G;
    long npts;
    double h;          /* spacing */
    float *x;          /* the midpoints (npts, d) */
    double *eb, *f;    /* scratch (npts) */
} ebm_grid_t;

/* G points per axis on mean_j +- box * sd. */
ebm_grid_t *ebm_grid_alloc(int d, int G, const float *mean, double sd, double box);
void ebm_grid_free(ebm_grid_t *g);

/* E_theta at every grid point into E (npts) and ln Z_theta by the midpoint rule. */
double ebm_grid_energies(const ebm_t *e, const float *theta, ebm_grid_t *g, ebm_work_t *w, double *E);

/* Exact quantities of one update from the grid energies of theta_{t-1} and theta_t:
 *   dlnZ = ln Z_t - ln Z_{t-1},
 *   W    = <E_t - E_{t-1}>_{p_{t-1}} + dlnZ = KL(p_{t-1} || p_t),
 *   Q    = <E_t>_{p_t} - <E_t>_{p_{t-1}}   (Eq 52 for a sampler at stationarity). */
typedef struct {
    double dlnZ, W, Q;
} ebm_exact_update_t;
ebm_exact_update_t ebm_grid_update(const ebm_grid_t *g, const double *Eprev, double lnZprev, const double *Enew,
                                   double lnZnew);

typedef struct {
    int d, hidden, G, K;
    double box;        /* grid half-width in base sds */
    double sep, width; /* the data mixture */
    double base_sd;
    ebm_train_cfg_t tc; /* the trainer's settings (tc.updates updates) */
} ebm_exact_cfg_t;

/* One exact-case run: cumulative estimates with their bootstrap standard
 * errors beside the quadrature values along the same trajectory of theta. */
typedef struct {
    double W, W_se, W_exact;          /* sum of per-update work */
    double dlnZ, dlnZ_se, dlnZ_exact; /* ln Z_T - ln Z_0 */
    double dlnZ_exp;                  /* the control: sum of exponential averages */
    double Q, Q_se, Q_exact;          /* sum of per-update heat */
    double lnZ0_err;                  /* quadrature ln Z_0 - (d/2) ln(2 pi s^2): the grid's own check */
    double kl_mean_exact;             /* mean exact KL per update */
    double accept;                    /* MALA acceptance after the warm-up */
    double first_worst;
} ebm_exact_result_t;
ebm_exact_result_t ebm_exact_run(const ebm_exact_cfg_t *c, uint64_t seed, uint64_t stream);

#endif
