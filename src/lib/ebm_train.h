/*
 * ebm_train.h - one EBM training run: contrastive updates interleaved with tau
 * MALA steps at fixed theta (the dual timescale of Sec. 5.2.1) on persistent
 * chains, with the per-update free-energy differences and the heat/work
 * bookkeeping of Eqs 51-52 (src/ebm.h for the model and the estimators).
 * The same functions train the MNIST model and the low-dimensional exact case
 * (src/ebm_exact.h); nothing here knows the data's dimension.
 *
 * Two sets of persistent chains run the same sampler: n gradient chains,
 * whose states enter the contrastive gradient, and nm measurement chains,
 * which never do. The thermodynamics is measured on the second set only: a
 * chain whose state entered the update theta_{t-1} -> theta_t has its energy
 * raised by that very update (its own term of the gradient), so on the
 * gradient chains E_t - E_{t-1} is biased upwards, by O(rate |grad f|^2 / n)
 * per update (the exact case resolves it: Delta ln Z and Q many standard
 * errors off).
 *
 * t = 0: chains drawn exactly from the base (f_theta0 = 0, so that is p_theta0),
 * then `warmup` segments of tau MALA steps at theta_0 that only adapt the step.
 * Update t (theta_{t-1} -> theta_t), with a = the measurement chains after update t-1:
 *   1. theta_t = theta_{t-1} - step(grad L) on n data images and the n gradient chains;
 *   2. E_t(a) (one pass over all chains, which also refreshes their gradients);
 *   3. tau MALA steps of all chains at theta_t with the step eps_t give c (the next a);
 *   4. E_{t-1}(c); BAR on (a, c) gives Delta ln Z_t, then W_t, Q_t (R_t = 0:
 *      the chains are persistent, no buffer swaps states in) and the controls;
 *   5. eps_{t+1} = eps_t exp(gain (acceptance of step 3 - target)): the step
 *      changes only between segments, never within one, so every segment is
 *      a MALA kernel with p_theta_t exactly invariant;
 *   6. with dE_target > 0, the optimizer's rate r_{t+1} = r_t (dE_target / s_t)^(1/2),
 *      s_t the spread of E_t - E_{t-1} over the gradient chains (the measurement
 *      chains stay out of the protocol): a constant-speed protocol, each update
 *      moving p_theta by about the same relative entropy (~ dE_target^2 / 2).
 * Standard errors of cumulative quantities: a bootstrap over chains, each
 * replicate one fixed resample of chain identities for the whole run (a
 * chain's states are correlated from update to update; resampling whole
 * chains keeps that correlation).
 */
#ifndef EBM_TRAIN_H
#define EBM_TRAIN_H

#include <stdint.h>

#include "ebm.h"
#include "mlp.h"
#include "rng.h"

/* Whitening of the data law (symmetric, ZCA): z = (x - m) W with W = C^(-1/2)
 * and back x = m + z A with A = C^(1/2), C the covariance of the noised data
 * (the pixel covariance plus (dequant^2/12 + data_noise^2) I). The model then
 * lives on z with an isotropic base: its Gaussian part already has the data's
 * covariance, and MALA meets no direction 100 times slower than another. A
 * constant Jacobian: ln Z, KL, W and Q are the same in x and in z. */
typedef struct {
    int d;
    float *mean, *W, *A; /* (d), (d, d), (d, d) */
    double eig_min, eig_max; /* extreme eigenvalues of C */
    double logdetA;          /* ln |det A| = (1/2) ln det C: ln Z_x = ln Z_z + logdetA */
} ebm_whiten_t;
ebm_whiten_t *ebm_whiten_alloc(const float *data, int K, int d, float dequant, float data_noise);
void ebm_whiten_free(ebm_whiten_t *wh);
/* File: int32 header (magic, version, d) then double eig_min, eig_max, logdetA, then float mean, W, A. */
void ebm_whiten_save(const char *path, const ebm_whiten_t *wh);
/* Dies naming the file on any mismatch, a dimension other than d included. */
ebm_whiten_t *ebm_whiten_load(const char *path, int d);
void ebm_whiten_to_z(const ebm_whiten_t *wh, const float *x, int n, float *z); /* z, x: (n, d) */
void ebm_whiten_to_x(const ebm_whiten_t *wh, const float *z, int n, float *x);

typedef struct {
    int n;            /* data images and gradient chains per update */
    int nm;           /* measurement chains */
    int tau;          /* MALA steps per update */
    int warmup;       /* adaptation segments of tau steps at theta_0 */
    long updates;     /* capacity of the per-update history */
    float eps0;       /* initial MALA step */
    double target;    /* acceptance the step adaptation aims at */
    float alpha;      /* f-magnitude regulariser (0: the maximum-likelihood gradient) */
    float dequant;    /* data x -> (1 - dequant) x + dequant U(0,1) ... */
    float data_noise; /* ... + data_noise N(0, 1) per coordinate */
    const ebm_whiten_t *whiten; /* then z = (x - m) W; NULL: the model lives on x */
    double bound;     /* |f| beyond this stops the run */
    int boot;         /* bootstrap replicates over chains (>= 2) */
    int opt_kind;
    float rate, beta1, beta2;
    double dE_target; /* > 0: the rate is rescaled between updates to hold the spread of E_t - E_{t-1} there */
} ebm_train_cfg_t;

/* One update's record. */
typedef struct {
    ebm_thermo_t th;  /* point estimates (ebm.h) */
    double accept;    /* acceptance of its MALA segment */
    double eps;       /* the step used in it */
    double rate;      /* the optimizer's rate of the update */
} ebm_record_t;

/* Cumulative quantities since t = 0 (nats) and their bootstrap standard errors. */
typedef struct {
    double W, Q, R, dU, lnZ, lnZ_exp; /* lnZ: ln Z_t - ln Z_0, sum of BAR; lnZ_exp: of the control */
    double W_se, Q_se, dU_se, lnZ_se;
    double first_worst; /* max_t |W_t + Q_t + R_t - dU_t| / (|W_t| + |Q_t| + |R_t|) */
} ebm_cum_t;

typedef struct {
    const ebm_t *e;
    ebm_train_cfg_t c;
    const float *data; /* K examples (K, d) */
    int K, d;
    float *theta, *theta_prev;
    ebm_opt_t opt;
    ebm_work_t *w;
    ebm_chains_t *ch;        /* n gradient chains, then nm measurement chains */
    float eps;               /* MALA step of the next segment */
    double grad_dE_sd;       /* spread of E_t - E_{t-1} over the gradient chains, last update */
    uint32_t *pick;          /* scratch indices */
    float *xdata, *xcat, *xraw;
    double *Ea_prev, *Ea_new, *Ec_prev, *eb, *f; /* energies of one update (nm each) and scratch */
    double *Eg_prev;         /* E_{t-1} of the gradient chains (n) */
    int *cnt;                /* boot x nm bootstrap counts, fixed for the run */
    double *bW, *bQ, *bU, *bZ; /* cumulative per replicate */
    ebm_record_t *hist;      /* per update, 1..t at [0..t) */
    rng_t r_data, r_chain, r_boot;
    long t, steps;           /* updates done, MALA steps per chain done (warm-up included) */
    long warm_tried, warm_accepted;
    ebm_loss_t loss;         /* of the last update */
    ebm_cum_t cum;
} ebm_train_t;

/* Allocates, copies theta0 (whose f must vanish: ebm_init_theta), draws the
 * chains from the base and runs the warm-up. Streams: data, chains and
 * bootstrap of (seed, stream + 0..2). */
void ebm_train_init(ebm_train_t *s, const ebm_t *e, const ebm_train_cfg_t *c, const float *theta0, const float *data,
                    int K, uint64_t seed, uint64_t stream);
/* The measurement chains' states (nm, d) and their energies E_theta (nm). */
const float *ebm_train_meas_x(const ebm_train_t *s);
const double *ebm_train_meas_E(const ebm_train_t *s);
/* One update (steps 1-5 above) with its bookkeeping. Dies naming the update
 * and tau on a non-finite energy or state, or |f| > bound. */
void ebm_train_step(ebm_train_t *s);
void ebm_train_free(ebm_train_t *s);

/* Summaries of the history (updates 1..t). */
typedef struct {
    double accept;                    /* accepted / proposed over all segments after the warm-up */
    double accept_min, accept_max;    /* over segments */
    double dE_sd_median, dE_sd_max;   /* per-update sd over chains of E_t - E_{t-1} */
    double ess_median, ess_min;       /* effective sample size of exp(-dE), fraction of chains */
    double kl_mean, kl_median, kl_max; /* per-update W_t = KL(p_{t-1} || p_t) estimates */
    double W_neg_frac;                /* fraction of updates with W_t < 0 (a KL is >= 0) */
    double dlnZ_se_median;            /* BAR's asymptotic standard error per update */
    double exp_minus_bar_mean;        /* mean over updates of (exponential average - BAR) */
} ebm_summary_t;
ebm_summary_t ebm_train_summary(const ebm_train_t *s);

/* The data mean of K examples after dequantisation (E[x] = (1 - q) x + q/2):
 * the base mean m (d floats into mean). */
void ebm_data_mean(const float *data, int K, int d, float dequant, float *mean);

// ---- the short-run contrast: today's recipe, law unknown, no thermodynamics ----
/* Network energy f alone, unadjusted clipped Langevin at temperature T, a
 * replay buffer with restarts from U[0,1]^d, the alpha <f^2> regulariser. */
typedef struct {
    int n, tau, nbuf;
    ebm_langevin_t L;
    double reinit;
    float alpha, dequant;
    int opt_kind;
    float rate, beta1, beta2;
} ebm_shortrun_cfg_t;

typedef struct {
    const mlp_t *m;
    ebm_shortrun_cfg_t c;
    const float *data;
    int K;
    float *theta, *buf, *x, *xdata, *xcat, *dx, *noise;
    int *bidx;
    uint32_t *pick;
    ebm_opt_t opt;
    ebm_work_t *w;
    rng_t r_data, r_chain;
    long t;
} ebm_shortrun_t;

void ebm_shortrun_init(ebm_shortrun_t *s, const mlp_t *m, const ebm_shortrun_cfg_t *c, const float *theta0,
                       const float *data, int K, uint64_t seed, uint64_t stream);
void ebm_shortrun_step(ebm_shortrun_t *s);
void ebm_shortrun_free(ebm_shortrun_t *s);

#endif
