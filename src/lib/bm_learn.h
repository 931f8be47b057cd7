/*
 * bm_learn.h - the Boltzmann-machine experiment as a library: data patterns,
 * one model trained by SGD with persistent Gibbs chains (Eq 33), and the
 * ensemble observables of Secs. 6.1-6.3, all exact by enumeration over the
 * N = 2^n states of src/fvbm.h. src/prog/bm.c only reads parameters, loops and
 * writes; tests/test_fvbm.c calls these functions and checks them by brute force.
 *
 * Notation: phi_theta(x) = E_theta(x) + ln Z_theta, p_theta = exp(-phi_theta);
 * q_t is the exact law of one persistent chain (the "actual" sampler), p_t the
 * ideal one. One update t-1 -> t:
 *
 *   theta_t = theta_{t-1} - r (<x x>_model - <x x>_b)      SGD on mean phi(b);
 *       <.>_model exact under p_{t-1} (tau = inf) or over the chains' states,
 *       <.>_b over |b| distinct patterns drawn from the K training patterns;
 *   then tau heat-bath sweeps at theta_t move the chains and q (Eq 33).
 *
 * Cumulative thermodynamics along one model's path (Eqs 51, 52, 41):
 *   W  += <phi_t>_{p_{t-1}} - <phi_{t-1}>_{p_{t-1}}      work: theta moves, x fixed
 *   Q  += <phi_t>_{p_t} - <phi_t>_{p_{t-1}}             heat: x relaxes, theta fixed
 *   Sig += D(p_{t-1} || p_t)                            conditional EP, ideal sampler
 *   Wa, Qa the same with q in place of p (Qa after the tau sweeps);
 *   Siga += D(q_before || p_t) - D(q_after || p_t)      EP of relaxation at fixed theta.
 * First law: W + Q = <phi_t>_{p_t} - <phi_0>_{p_0} = S[p_t] - S[p_0] (ideal),
 *            Wa + Qa = <phi_t>_{q_t} - <phi_0>_{q_0} (actual).
 *
 * Ensemble of M models from one theta_0, each with its own stream; the
 * marginal p_t(x) = (1/M) sum_k p(x|theta_k) (q likewise). Per model:
 *   S_X = -sum p ln p_t (cross-entropy to the marginal), S = S[p],
 *   I = S_X - S = D(p(.|theta_k) || p_t), the conditional L-info (Eq 25);
 *   Eq 44: I - I_0 = -Q + (S_X - S_X0) - Sig, for both samplers;
 *   Sigma_X = (S_X - S_X0) - Q (marginal EP), Sigma_ign = Sigma_X - Sig (Eq 45).
 * All sums over models run in model order: results do not depend on threads.
 */
#ifndef BM_LEARN_H
#define BM_LEARN_H

#include <stdint.h>

#include "fvbm.h"
#include "rng.h"

/* tau value meaning "exact model expectations, no chains" (the q of the actual
 * sampler is then p_theta itself). */
#define BM_TAU_INF 0

/* ---- data -------------------------------------------------------------- */
typedef struct {
    int K;          /* number of patterns */
    uint32_t *x;    /* K states (bit a*cols+b = block (a,b) is on) */
    double *pdata;  /* empirical distribution over the 2^n states */
} bm_data_t;

/* Pools each of count images (img_rows x img_cols floats in [0,1]) to rows x
 * cols blocks of a centred crop; a block is on when its mean exceeds thr.
 * m must have n = rows*cols units. */
bm_data_t bm_data_pool(const fvbm_t *m, const float *img, int count, int img_rows, int img_cols, int rows, int cols,
                       double thr);
void bm_data_free(bm_data_t *d);

/* ---- one model along training ------------------------------------------ */
typedef struct {
    double W, Q, Sig;    /* ideal sampler p_theta */
    double Wa, Qa, Siga; /* actual sampler q */
} bm_thermo_t;

typedef struct {
    const fvbm_t *m;
    long tau;            /* sweeps per update, or BM_TAU_INF */
    int chains, batch;
    double rate;
    double *theta;       /* npar */
    double *E, *p, *q;   /* energies, p_theta and the chains' law at theta_t */
    double lnZ;
    uint32_t *x;         /* the chains' states */
    uint32_t *bx;        /* the last mini-batch's patterns */
    bm_thermo_t acc;     /* cumulative since bm_model_start */
    rng_t r;
    fvbm_scan_t scan;    /* kernel of one sampler step: sequential sweep (default) or symmetric scan */
    /* probe chains (bm_model_probes): sampled from q_0 and moved by the same kernels, on a
     * stream of their own, never fed to the gradient, so their law is exactly q_t */
    int probes;
    uint32_t *px;        /* their states */
    double *psig;        /* ln q_0(x_0) + sum_t ln K_t(x_{t-1}, x_t) / K_t(x_t, x_{t-1}) */
    double *row;         /* scratch: one row of the tau-step kernel */
    rng_t pr;
    /* scratch */
    double *Eold, *pold, *qold, *cond, *work, *mom, *dmom, lnZold;
    uint32_t *bi;
} bm_model_t;

void bm_model_alloc(bm_model_t *md, const fvbm_t *m, int chains, int batch);
void bm_model_free(bm_model_t *md);
/* theta = theta0, own stream (seed, stream), chains drawn exactly from p_0,
 * q_0 = p_0, accumulators zero. */
void bm_model_start(bm_model_t *md, const double *theta0, double rate, long tau, uint64_t seed, uint64_t stream);
/* One SGD update followed by tau sweeps at the new theta (Eq 33), with the
 * work, heat and EP increments above. t only names the update in errors. */
void bm_model_step(bm_model_t *md, const bm_data_t *d, long t);
/* How far the chains trail the model: D(q_t || p_t). */
double bm_model_lag(const bm_model_t *md);
/* Eq 41's entropy production as a path ratio, measured by probe chains. After
 * bm_model_start, bm_model_probes draws count probe states from q_0 on stream
 * (seed, stream); each bm_model_step then moves them by the tau-step kernel K_t
 * of the model's scan and adds ln K_t(x_{t-1}, x_t) - ln K_t(x_t, x_{t-1}), the
 * kernel entries computed exactly (a point mass propagated through the tau
 * steps: O(tau n N) per entry). bm_model_path_ep returns the mean over probes of
 *     sigma = ln q_0(x_0) - ln q_n(x_n) + sum_t ln K_t(x_{t-1}, x_t) / K_t(x_t, x_{t-1}),
 * the same kernel forward and backward, as in Eqs 39 and 41 (sd: over probes).
 * For a kernel in detailed balance with p_t its mean is Delta S[q] - Q_a, the
 * drop of D(q || p_t) that acc.Siga sums; for the sequential sweep it is not. */
void bm_model_probes(bm_model_t *md, int count, uint64_t seed, uint64_t stream);
double bm_model_path_ep(const bm_model_t *md, double *sd);

/* ---- the ensemble -------------------------------------------------------- */
/* Ensemble means (over models) of the quantities above at one update, each
 * cumulative since t = 0. */
typedef struct {
    double W, Q, dU, sigma_cond, sigma_marg, sigma_ign, linfo; /* ideal */
    double Wa, Qa, sigma_cond_a, linfo_a;                      /* actual */
    double dSX;         /* Delta S_X: change of the cross-entropy to the marginal, ideal (Eq 44) */
    double kl_data;     /* D(p_data || p_theta) */
    double S_theta_h;   /* Gaussian estimate of S[Theta] from the n fields, -inf at t = 0 */
    /* delete-one jackknife standard errors over the M models (bm_jackknife_linfo_se,
     * bm_gaussian_entropy_se); NAN for M < 2 and for S_theta_h while it is -inf */
    double linfo_se, linfo_a_se, S_theta_h_se;
    double eq44_worst;  /* max over models and updates so far of |Eq 44 residual|, both samplers */
    double first_worst; /* max of |first-law residual|, both samplers */
} bm_obs_t;

typedef struct {
    const fvbm_t *m;
    int M;
    bm_model_t *md;
    double *marg, *marga, *ths;
    double *I0, *Ia0, *SX0, *SXa0, *S0, *U0a; /* per-model values at t = 0 */
    double *Qk, *Ik;                          /* per model at the last observation: Q_X and L-info (ideal) */
    int observed;                             /* t = 0 observed */
    double eq44_worst, first_worst;
} bm_ensemble_t;

/* M models sharing theta0; model k runs on stream k of seed. */
void bm_ensemble_init(bm_ensemble_t *e, const fvbm_t *m, int M, int chains, int batch, const double *theta0,
                      double rate, long tau, uint64_t seed);
void bm_ensemble_step(bm_ensemble_t *e, const bm_data_t *d, long t);
/* The first call records the t = 0 baselines. */
void bm_ensemble_observe(bm_ensemble_t *e, const bm_data_t *d, bm_obs_t *o);
void bm_ensemble_free(bm_ensemble_t *e);

/* 1/2 ln det(2 pi e C) of the sample covariance C of the first d coordinates
 * of M vectors stored with stride npar (Cholesky); -inf when C is singular. */
double bm_gaussian_entropy(const double *th, int M, int npar, int d);
/* Its delete-one jackknife standard error over the M vectors,
 *     se^2 = (M - 1)/M sum_j (S_(j) - S_(.))^2,
 * S_(j) the estimate without vector j; NAN when M < 3 or any S_(j) is -inf. */
double bm_gaussian_entropy_se(const double *th, int M, int npar, int d);

/* Delete-one jackknife standard error over the M models of the ensemble L-info
 * <D(law_k || mix)>, mix = (1/M) sum_k law_k (Eq 25 with the mixture marginal).
 * That mean equals S[mix] - <S[law_k]>, and without model j the mixture is
 * (M mix - law_j)/(M - 1), so each replicate costs O(N). law[k] points to model
 * k's law over the N states, mix is their mean; NAN when M < 2. */
double bm_jackknife_linfo_se(const double *const *law, const double *mix, int M, size_t N);

#endif
