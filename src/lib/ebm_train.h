/*
 * ebm_train.h - one EBM training run on images: contrastive updates
 * interleaved with tau Langevin steps at fixed theta (the dual timescale of
 * Sec. 5.2.1), persistent chains in a replay buffer, and the cumulative
 * heat/work bookkeeping of Eqs 51-52 with a bootstrap over chains.
 *
 * Update t (theta_{t-1} -> theta_t), with a = the samples of update t-1:
 *   1. theta_t = theta_{t-1} - step(grad L) on n data images and the samples a;
 *   2. E_t(a): work W_t and Delta ln Z_t from the energies of a under both thetas;
 *   3. n chains b drawn from the buffer (each re-initialised from U[0,1]^d with
 *      probability `reinit`), tau Langevin steps at theta_t give c; c goes back
 *      into the buffer and is the next a. Heat Q_t = <E_t>_c - <E_t>_b; exchange
 *      with the buffer R_t = <E_t>_b - <E_t>_a.
 * Units of T throughout (ebm.h). ln Z is tracked as the cumulative estimate
 * sum_t Delta ln Z_t from ln Z_0 := 0, so <phi_t>_c = <E_t>_c/T + ln Z_t.
 * t = 0 draws chains and runs tau steps at theta_0 (no bookkeeping).
 */
#ifndef EBM_TRAIN_H
#define EBM_TRAIN_H

#include <stdint.h>

#include "ebm.h"
#include "mlp.h"
#include "rng.h"

typedef struct {
    int n;            /* data images and chains per update */
    int tau;          /* Langevin steps per update */
    ebm_langevin_t L;
    float alpha;      /* energy-magnitude regulariser */
    float dequant;    /* data x -> (1 - dequant) x + dequant U(0,1) */
    int nbuf;         /* replay buffer states, >= n */
    double reinit;    /* probability a drawn chain restarts from U[0,1]^d */
    double bound;     /* |E| beyond this stops the run */
    int boot;         /* bootstrap replicas */
    int opt_kind;
    float rate, beta1, beta2;
} ebm_train_cfg_t;

/* Cumulative quantities since t = 0 (nats). */
typedef struct {
    double W, Q, R, dU, lnZ; /* dU = <phi_t>_c - <phi_0>_{c_0} computed directly */
    double first_worst;      /* max_t |W_t + Q_t + R_t - dU_t| / (|W_t| + |Q_t| + |R_t|) */
    double d_sd_max;         /* largest per-update sd of (E_t - E_{t-1})/T over a */
} ebm_cum_t;

typedef struct {
    const mlp_t *m;
    ebm_train_cfg_t c;
    const float *data; /* K images (K, d) */
    int K;
    float *theta;
    ebm_opt_t opt;
    ebm_work_t *w;
    float *buf;              /* nbuf states (nbuf, d) */
    int *bidx;               /* buffer slots of the current chains */
    uint32_t *pick;          /* scratch indices */
    float *x;                /* the current samples (n, d): c of the last update */
    float *xdata, *xcat, *dx, *noise;
    float *E_a_prev, *E_a_new, *E_b, *E_c; /* energies of one update (n each) */
    int *cnt;                /* bootstrap counts (n) */
    double *bW, *bQ, *bR, *bU; /* cumulative per bootstrap replica (boot each) */
    rng_t r_data, r_chain, r_boot;
    long t, steps;           /* updates done, Langevin steps done */
    ebm_loss_t loss;         /* of the last update */
    ebm_thermo_t last;       /* of the last update */
    ebm_cum_t cum;
} ebm_train_t;

/* Allocates, copies theta0, fills the buffer with U[0,1]^d and runs the t = 0
 * sampling at theta0. Streams: data, chains and bootstrap of (seed, stream + 0..2). */
void ebm_train_init(ebm_train_t *s, const mlp_t *m, const ebm_train_cfg_t *c, const float *theta0, const float *data,
                    int K, uint64_t seed, uint64_t stream);
/* One update (steps 1-3 above) with its bookkeeping. Dies naming the update
 * and tau on a non-finite energy or sample, or |E| > bound. */
void ebm_train_step(ebm_train_t *s);
void ebm_train_free(ebm_train_t *s);

/* Bootstrap standard error and 2.5/97.5% percentiles of a cumulative quantity
  * over the replicas rep[0..boot). */
typedef struct {
    double se, lo, hi;
} ebm_interval_t;
ebm_interval_t ebm_train_interval(const double *rep, int boot);

#endif
