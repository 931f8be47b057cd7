/*
 * ebm.h - an energy-based model E_theta(x) on OpenBLAS sgemm: an MLP with
 * SiLU hidden layers and one linear output, its gradients in x and theta,
 * the overdamped Langevin step of Eq 26, the contrastive SGD/Adam update,
 * and the per-update heat/work estimators of Eqs 51-52.
 *
 * The parameter buffer has the layout of src/lib/mlp.h (mlp_init: layer l holds
 * W_l (in, out) row-major, then b_l (out)); the last layer has one output,
 * the energy. Shapes are (rows, cols); x is (n, size[0]).
 *
 * Model and sampler at temperature T (T = 1 is Eq 26 on phi = E + ln Z):
 *   p_theta(x) = exp(-E_theta(x)/T) / Z_theta,  phi_theta = E/T + ln Z,
 *   x' = x - eps grad_x E(x) + sqrt(2 eps T) xi,  xi ~ N(0, I),
 *   optionally clipped to [0, 1] after each step.
 */
#ifndef EBM_H
#define EBM_H

#include <stddef.h>

#include "mlp.h"
#include "rng.h"

/* Work space for batches of up to cap examples. */
typedef struct {
    int cap;
    float *z[MLP_MAX_LAYERS];  /* pre-activations (cap, size[l+1]) */
    float *s[MLP_MAX_LAYERS];  /* sigmoid(z) of hidden layers */
    float *h[MLP_MAX_LAYERS];  /* SiLU outputs z sigmoid(z) of hidden layers */
    float *dz, *dh;            /* back-propagated deltas (cap, maxwidth) */
    float *E;                  /* energies of the last ebm_energy (cap) */
    float *g;                  /* dL/dE per example (cap) */
    pool_t pool;               /* owns every buffer above */
} ebm_work_t;

/* Checks the shape (last layer of width 1) and allocates work for cap examples. */
ebm_work_t *ebm_work_alloc(const mlp_t *m, int cap);
void ebm_work_free(ebm_work_t *w);

/* Forward pass: w->E[i] = E_theta(x_i) for n <= cap examples; keeps the
 * activations for ebm_backward. */
void ebm_energy(const mlp_t *m, const float *theta, const float *x, int n, ebm_work_t *w);

/* Back-propagation after ebm_energy on the same x, with g[i] = dL/dE_i:
 *   dtheta += sum_i g_i grad_theta E(x_i)   (skipped when dtheta is NULL),
 *   dx_i    = g_i grad_x E(x_i)             (skipped when dx is NULL). */
void ebm_backward(const mlp_t *m, const float *theta, const float *x, int n, ebm_work_t *w, const float *g,
                  float *dtheta, float *dx);

/* ---- Langevin sampler (Eq 26) ----------------------------------------- */
typedef struct {
    float eps;  /* step */
    float T;    /* temperature: noise sqrt(2 eps T) */
    int clip;   /* clip to [0, 1] after each step */
} ebm_langevin_t;

/* n standard normals as float (Box-Muller on both outputs of one pair). */
void ebm_gauss_fill(rng_t *r, float *out, size_t n);

/* x <- x - eps grad + sqrt(2 eps T) xi (then clipped), over len floats;
 * noise is scratch of len floats. */
void ebm_langevin_move(const ebm_langevin_t *L, float *x, const float *grad, size_t len, float *noise, rng_t *r);

/* One Langevin step of n chains x (n, size[0]) at theta. Returns nothing;
 * w->E holds E_theta of the chains BEFORE the move. dx and noise are scratch
 * of n * size[0] floats. */
void ebm_langevin_step(const mlp_t *m, const float *theta, const ebm_langevin_t *L, float *x, int n, ebm_work_t *w,
                       float *dx, float *noise, rng_t *r);

/* ---- learning ------------------------------------------------------------- */
enum { EBM_OPT_SGD, EBM_OPT_ADAM };
typedef struct {
    int kind;
    float rate, beta1, beta2, adam_eps;
    long t;        /* steps taken */
    float *mom, *var; /* Adam moments (nparam each), NULL for SGD */
    float *grad;   /* scratch (nparam) */
} ebm_opt_t;

void ebm_opt_init(ebm_opt_t *o, const mlp_t *m, int kind, float rate, float beta1, float beta2);
void ebm_opt_free(ebm_opt_t *o);

/* Loss terms of one contrastive update, means over the batch. */
typedef struct {
    double e_data, e_neg; /* <E>_data, <E>_samples at theta before the step */
    double loss;          /* e_data - e_neg + alpha (<E^2>_data + <E^2>_samples) */
} ebm_loss_t;

/* One update of theta on the contrastive loss
 *   L = <E>_data - <E>_neg + alpha (<E^2>_data + <E^2>_neg)
 * over n data images and n samples (both (n, size[0])); work for 2n. */
ebm_loss_t ebm_update(const mlp_t *m, float *theta, const float *xdata, const float *xneg, int n, float alpha,
                      ebm_opt_t *o, ebm_work_t *w, float *xcat);

/* ---- heat and work per update (Eqs 51, 52) ----------------------------- */
/* Energies of one update theta_{t-1} -> theta_t, n chains each:
 *   prev_old[i] = E_{t-1}(a_i), new_old[i] = E_t(a_i): a = the samples of update t-1
 *   new_before[i] = E_t(b_i), new_after[i] = E_t(c_i): the chains of update t
 *   before (b, drawn from the replay buffer) and after (c) the tau Langevin steps.
 * All in units of T (d = (E_t - E_{t-1})/T). With weights cnt[i] (a bootstrap
 * resample; NULL = every chain once):
 *   dlnZ = ln <exp(-d)>_a              exponential average (Jarzynski)
 *   W    = <d>_a + dlnZ                work (Eq 51); = D(p_{t-1} || p_t) for exact samples
 *   Q    = <E_t>_c - <E_t>_b           heat of the Langevin steps (Eq 52)
 *   R    = <E_t>_b - <E_t>_a           exchange with the buffer (chains swapped)
 *   dU   = (<E_t>_c + ln Z_t) - (<E_{t-1}>_a + ln Z_{t-1}) = <phi_t>_c - <phi_{t-1}>_a,
 * computed directly, so W + Q + R - dU is the first-law residual. */
typedef struct {
    double dlnZ, W, Q, R, dU, d_sd; /* d_sd: standard deviation of d over a */
} ebm_thermo_t;

ebm_thermo_t ebm_thermo_update(int n, const float *prev_old, const float *new_old, const float *new_before,
                               const float *new_after, const int *cnt, double T);

#endif
