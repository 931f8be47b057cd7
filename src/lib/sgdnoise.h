/*
 * sgdnoise.h - the SGD noise of Eq 19 and its statistics (Fig. 5.1 c, d).
 *
 * Algorithm 1 moves theta by -r grad phi_theta(b_t), the mean per-example
 * gradient of the mini-batch b_t. Eq 19 splits this into a drift and a noise:
 *     theta_{t+1} - theta_t = -r grad U_B(theta_t) + r eta_t,
 *     eta_t = grad U_B(theta_t) - grad phi_theta(b_t),
 * with U_B the mean loss over the K training examples (Eq 18). Over the draw
 * of |b| distinct indices, E[eta_t | theta_t] = 0 and
 *     E||eta||^2 = c(K, |b|) ((1/K) sum_n ||g_n||^2 - ||grad U_B||^2),
 *     c(K, b) = (K - b) / (b (K - 1))                       (sampling without
 * replacement), where g_n is the gradient of example n; both terms come from
 * one full-data pass (mlp_full_grad returns sum_n ||g_n||^2 exactly).
 *
 * Autocorrelation (panel d). C(l) = E[eta_t . eta_{t+l}] / E||eta_t||^2 needs
 * eta at consecutive steps; the exact eta costs a full-data pass per step. The
 * window estimator replaces grad U_B(theta_t) by the mean gradient of an
 * independent batch of M distinct examples drawn from a stream the training
 * never sees, giving eta^_t = eta_t + e_t with E[e_t | theta_t] = 0. Since e_t
 * is fresh at every step and does not move theta, E[eta^_t . eta^_{t+l}] =
 * E[eta_t . eta_{t+l}] for l >= 1 (no bias), while the lag-0 power is inflated
 * by Var(e)/Var(eta) = c(K, M) / c(K, |b|) (the same per-example covariance
 * enters both), which is divided out:
 *     C(l) = mean_t eta^_t . eta^_{t+l} / (mean_t ||eta^_t||^2 / (1 + c(K,M)/c(K,|b|))).
 * Pairs are pooled over W reference times t in [t0, t0 + W) of a trial.
 */
#ifndef SGDNOISE_H
#define SGDNOISE_H

#include <stddef.h>
#include <stdint.h>

#include "mlp.h"

/* c(K, b) = (K - b) / (b (K - 1)): variance factor of a mean of b distinct of K. */
double sgdnoise_factor(long K, long b);

/* eta = G - grad phi(b): G (grad U_B or an estimate) minus the batch's mean
 * gradient at theta, on the same kernels as the SGD step. */
void sgdnoise_eta(const mlp_t *m, const float *theta, const float *G, const float *xb, const uint8_t *yb, int b,
                  mlp_work_t *w, float *eta);

/* One exact measurement of the noise at theta_t for the batch (xb, yb). */
typedef struct {
    double var_measured;  /* (1/dim) ||eta_t||^2 for this batch */
    double var_expected;  /* (1/dim) E||eta||^2 over the batch draw, exact */
    double drift_msq;     /* (1/dim) ||grad U_B||^2 */
    double grad_max;      /* max_i |grad U_B|_i */
    double loss_full;     /* U_B(theta_t) */
} sgdnoise_t;
/* Needs w->cap >= max(b, chunk); G and eta are dim-sized scratch (G returns
 * grad U_B, eta returns eta_t). groups, if not NULL, receives the same
 * measurement restricted to each parameter group (sgdnoise_ngroups of them:
 * [2l] the weights of layer l, [2l+1] its biases), each per its own dimension,
 * from the same passes: Sec. 5.1.2's per-layer temperatures
 * T_g = r E||eta_g||^2 / (2 dim_g). */
sgdnoise_t sgdnoise_measure(const mlp_t *m, const float *theta, const float *x, const uint8_t *y, long K,
                            const float *xb, const uint8_t *yb, int b, mlp_work_t *w, float *G, float *eta,
                            sgdnoise_t *groups);
int sgdnoise_ngroups(const mlp_t *m);
/* Group g's first parameter and size in theta. */
void sgdnoise_group_range(const mlp_t *m, int g, size_t *offset, size_t *size);

/* Window accumulator of the autocorrelation estimator above. */
typedef struct {
    size_t dim;
    int lags, window, pushed;
    float *ring;          /* (lags + 1) past eta^ vectors */
    double *dot;          /* dot[l] = sum over reference times of eta^_t . eta^_{t+l} */
    double inflation;     /* 1 + c(K,M)/c(K,|b|) */
} sgdnoise_acf_t;
void sgdnoise_acf_init(sgdnoise_acf_t *a, size_t dim, int lags, int window, long K, long b, long M);
/* Feed eta^ of consecutive steps t0, t0+1, ..., t0+window+lags-1. */
void sgdnoise_acf_push(sgdnoise_acf_t *a, const float *eta_hat);
/* Steps still to push (0 when every pair of the window is in). */
int sgdnoise_acf_remaining(const sgdnoise_acf_t *a);
/* C(l) from summed dots and the count W of reference times (l = 0 gives 1). */
double sgdnoise_acf_value(const double *dot, double inflation, int lag);
void sgdnoise_acf_free(sgdnoise_acf_t *a);

#endif
