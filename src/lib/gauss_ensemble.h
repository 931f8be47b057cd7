/*
 * gauss_ensemble.h - the Gaussian PPM ensemble of Sec. 5.2.1 (prefix gppm_): the
 * simulated dual-timescale dynamics whose every average src/lib/gauss_exact.c knows in
 * closed form. src/prog/ppm_gauss.c drives it; tests/test_gauss.c checks it.
 *
 * Model (gauss.h): data B = {x_k}, K points; p_mu(x) = N(x; mu, sigma^2),
 * theta = mu, h = 1/sigma^2, phi_mu(x) = h (x - mu)^2/2 + ln(2 pi sigma^2)/2.
 * One update t-1 -> t of one trial (Eq 33's fast/slow alternation):
 *   SGD (Algorithm 1)   mu_t = mu_{t-1} - r h (mu_{t-1} - xbar_b), |b| distinct indices;
 *   Eq 19               mu_t - mu_{t-1} = -r grad U_B(mu_{t-1}) + r eta_t,
 *                       eta_t = h (xbar_b - xbar_B) (independent of mu);
 *   ideal heat (Eq 52, x_i ~ p(.|mu_i))  Q += -h (mu_t - mu_{t-1})^2 / 2;
 *   actual sampler law q = N(qm, qs) (tau exact OU steps, C = c^tau, c = exp(-eps h)):
 *     work at fixed q (Eq 51)  W += <phi_{mu_t}>_q - <phi_{mu_{t-1}}>_q,
 *     relaxation               qm' = mu_t + (qm - mu_t) C, qs' = C^2 qs + sigma^2 (1 - C^2),
 *     heat (Eq 52)             Q += <phi_{mu_t}>_{q'} - <phi_{mu_t}>_q;
 *   sampled chain: tau OU steps x' = mu_t + (x - mu_t) c + sigma sqrt(1 - c^2) xi
 *     (gauss_sampler with tau = 1), and Eq 42's heat q_x += phi_t(x_new) - phi_t(x_old).
 * Random streams: the data set uses (seed, GPPM_STREAM_DATA); trial k uses
 * (seed, k): theta_0 (when v0 > 0), x_0, then per update the batch indices and
 * tau normals. Observables are ensemble statistics of the stored paths mu[k][t].
 */
#ifndef GAUSS_ENSEMBLE_H
#define GAUSS_ENSEMBLE_H

#include <stdint.h>

#include "gauss_exact.h"
#include "rng.h"

#define GPPM_STREAM_DATA (1ull << 62)
#define GPPM_STREAM_IFT (1ull << 61)

/* The model and its sampler. */
typedef struct {
    gauss_t g;          /* closed-form model; xbar, s2 from the data */
    const double *data; /* the K data points */
    double eps, c;      /* OU step size and its contraction exp(-eps h) */
    int tau;            /* sampler steps per update */
} gppm_t;

/* One trial's state and its accumulated heat and work. */
typedef struct {
    double mu, x;       /* parameter and sampled chain */
    double qm, qs;      /* law of the actual sampler, N(qm, qs) */
    double U0;          /* <phi_{mu_0}>_{q_0} */
    double Q_ideal;     /* Eq 52 with a perfect sampler */
    double Q_actual, W_actual; /* Eqs 52, 51 with the actual sampler's law */
    double q_stoch;     /* Eq 42 along the sampled chain */
    double eta_residual; /* worst |dmu - (-r grad U_B + r eta)| (Eq 19) */
} gppm_trial_t;

/* M trials of n updates: paths and per-trial totals. */
typedef struct {
    int M, n;
    double *mu;         /* mu[k (n + 1) + t] */
    double *Q_ideal, *Q_actual, *W_actual, *q_stoch; /* per trial */
    double worst_eta, worst_first_law; /* Eq 19 and W + Q = Delta U, worst trial */
} gppm_ensemble_t;

/* Stochastic EP statistics over S sampled x-paths on one parameter path. */
typedef struct {
    double mean_exp, ci, mean_sigma; /* <exp(-sigma)>, its 95% half-width, <sigma> */
} gppm_ift_t;

/* Draws K = g->K points from N(mstar, sstar^2) and sets g->xbar, g->s2. */
double *gppm_data(gauss_t *g, double mstar, double sstar, uint64_t seed);
/* Model with data, sampler step eps and tau steps per update. */
gppm_t gppm_model(const gauss_t *g, const double *data, double eps, int tau);

/* ---- one trial ----------------------------------------------------------- */
/* theta_0 = m0 (+ sqrt(v0) xi when v0 > 0), x_0 ~ p(.|theta_0), q_0 = p_0. */
void gppm_trial_init(const gppm_t *p, gppm_trial_t *s, double m0, double v0, rng_t *r);
/* Algorithm 1 from mu on a fresh batch (idx: b slots); *eta gets Eq 19's noise. */
double gppm_sgd_step(const gppm_t *p, double mu, rng_t *r, uint32_t *idx, double *eta);
/* One exact OU step of the sampler at mu from x (gauss_sampler, tau = 1). */
double gppm_sampler_step(const gppm_t *p, double mu, double x, rng_t *r);
/* tau OU steps applied to the sampler's Gaussian law N(*qm, *qs) at mu. */
void gppm_sampler_law(const gppm_t *p, double mu, double *qm, double *qs);
/* One update of a trial: SGD, heat and work of both samplers, tau sampler steps. */
void gppm_trial_step(const gppm_t *p, gppm_trial_t *s, rng_t *r, uint32_t *idx);
/* |W_actual + Q_actual - Delta U| (the first law of Eqs 51-52). */
double gppm_first_law_residual(const gppm_t *p, const gppm_trial_t *s);

/* ---- the ensemble ---------------------------------------------------------- */
void gppm_ensemble_alloc(gppm_ensemble_t *e, int M, int n);
void gppm_ensemble_free(gppm_ensemble_t *e);
/* Runs trial k (stream (seed, k)) from theta_0 = m0 (+ sqrt(v0) xi). */
void gppm_ensemble_trial(const gppm_t *p, gppm_ensemble_t *e, int k, double m0, double v0, uint64_t seed);
/* Mean, unbiased variance, min and max of mu_t over the ensemble. */
void gppm_moments(const gppm_ensemble_t *e, int t, double *mean, double *var, double *lo, double *hi);
/* Standard error of that unbiased variance s^2 over the M trials, from the sample's own
 * fourth central moment m4 (no normality assumed): sqrt((m4 - s^4 (M - 3)/(M - 1))/M),
 * the plug-in estimate of Var(s^2) = (mu4 - sigma^4 (M - 3)/(M - 1))/M; NAN for M < 2. */
double gppm_var_se(const gppm_ensemble_t *e, int t);
/* Ensemble mean of the conditional L-info (Eq 25) D(p(.|mu_k) || p_t) with the
 * mixture marginal p_t(x) = (1/M) sum_k N(x; mu_k, sigma^2) on a G-point grid
 * over [lo - 8 sigma, hi + 8 sigma]: I = <S_X(mu) - S_{X|Theta}>. Work arrays:
 * xg, lnp (G), comp (M). */
double gppm_linfo(const gppm_t *p, const gppm_ensemble_t *e, int t, int G, double *xg, double *lnp, double *comp);
/* The same, and each[k] (M slots, or NULL) gets trial k's D(p(.|mu_k) || p_t). */
double gppm_linfo_trials(const gppm_t *p, const gppm_ensemble_t *e, int t, int G, double *xg, double *lnp, double *comp,
                         double *each);
/* cumQ[t] = ensemble mean of the ideal dissipated heat -Q_X up to update t. */
void gppm_heat_cumulative(const gppm_t *p, const gppm_ensemble_t *e, double *cumQ);

/* ---- observables on one parameter path -------------------------------------- */
/* sigma of Eq 41 for one x-path, ideal sampler: x_i ~ p(.|path_i),
 * sigma = sum_i phi_{i+1}(x_i) - phi_i(x_i). xs (n slots or NULL) gets x_0..x_{n-1}. */
double gppm_ep_ideal(const gppm_t *p, const double *path, int n, rng_t *r, double *xs);
/* The same with the actual tau-step sampler from x_0 ~ p_0:
 * sigma = -q_x + phi_n(x_n) - phi_0(x_0). xs (n + 1 slots or NULL) gets x_0..x_n. */
double gppm_ep_actual(const gppm_t *p, const double *path, int n, rng_t *r, double *xs);
/* S x-paths (actual = 0 ideal, 1 actual sampler); sig[S] gets each sigma (or NULL). */
gppm_ift_t gppm_ift(const gppm_t *p, const double *path, int n, long S, int actual, rng_t *r, double *sig);
/* ---- the tau sweep (the sampler's relaxation per update) ------------------------ */
#define GPPM_MAX_TAUS 32
/* One trial of n SGD updates on stream r from theta_0 = m0 (+ sqrt(v0) xi when
 * v0 > 0); for each taus[j] (ntau <= GPPM_MAX_TAUS) the law of a sampler started
 * in p_0 and relaxed by taus[j] OU steps after every update (gppm_sampler_law).
 * ep[j] gets its conditional EP, <sigma> = -Q_X + <phi_n>_{q_n} - <phi_0>_{p_0}
 * (Eqs 41, 52) given this parameter path; path (n + 1 slots or NULL) gets mu_t. */
void gppm_sweep_trial(const gppm_t *p, const int *taus, int ntau, int n, double m0, double v0, rng_t *r,
                      double *path, double *ep);

/* Eq 48 per trajectory: Delta s[p(theta)] + q_x with the exact Gaussian p_t(theta)
 * (mu_0 ~ N(m0, v0), v0 > 0) at the path's ends. */
double gppm_eq48(const gppm_t *p, double m0, double v0, int n, double mu_start, double mu_end, double q_x);

/* ---- Appendix A: SGD run backward ----------------------------------------------
 * Forward step (Algorithm 1) theta_{t+1} = theta_t - r grad phi_{theta_t}(b_t); the
 * appendix's backward step on the same batch is gradient ascent at the later point,
 *   theta_t^dag = theta_{t+1} + r grad phi_{theta_{t+1}}(b_t) = theta_{t+1} + r h (theta_{t+1} - xbar_b).
 * It retraces the forward step exactly only when the gradient does not depend on theta. */
double gppm_backward_step(const gppm_t *p, double mu, double xb);
/* n forward SGD steps from theta_0 = m0 (+ sqrt(v0) xi when v0 > 0) on stream r: mu[0..n],
 * the batch means xb[0..n-1]; then the backward run from mu[n] with the batches in reverse
 * order: back[n] = mu[n], back[t] = backward step from back[t+1] on batch t. lazy = 1
 * freezes the gradient at theta* = xbar_B (the linearisation of Eq 21, with the same
 * batches), for which the backward run is the time reverse of the forward one. */
void gppm_retrace_trial(const gppm_t *p, int n, double m0, double v0, int lazy, rng_t *r, double *mu, double *xb,
                        double *back);

#endif
