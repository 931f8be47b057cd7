/*
 * ebm.h - an energy-based model on a Gaussian base, its exact sampler and the
 * free-energy and heat/work estimators of Eqs 51-52.
 *
 * Model (T = 1, energies in nats): x in R^d continuous,
 *   E_theta(x) = |x - m|^2 / (2 s^2) + f_theta(x),   p_theta = exp(-E_theta) / Z_theta,
 * f_theta an MLP with SiLU hidden layers and one linear output on OpenBLAS
 * sgemm (parameter layout of src/lib/mlp.h: layer l holds W_l (in, out)
 * row-major, then b_l (out)). With the last layer zero, f = 0 and
 * ln Z = (d/2) ln(2 pi s^2) exactly: the anchor of every ln Z estimate.
 *
 * Sampler: Metropolis-adjusted Langevin (MALA) on E_beta = base + beta f,
 *   y = x - eps grad E(x) + sqrt(2 eps) xi, accepted with probability
 *   min(1, exp(-E(y) + E(x) - |x - y + eps grad E(y)|^2/(4 eps) + |xi|^2/2)),
 * which leaves p_beta exactly invariant (detailed balance) for any eps > 0.
 * The unadjusted clipped step of the short-run practice (Du and Mordatch) is
 * kept for the contrast run only: its law is not p_theta.
 *
 * Shapes are (rows, cols); x is (n, d).
 */
#ifndef EBM_H
#define EBM_H

#include <stddef.h>

#include "mlp.h"
#include "rng.h"

/* ---- the network f_theta --------------------------------------------------- */
/* Work space for batches of up to cap examples. */
typedef struct {
    int cap;
    float *z[MLP_MAX_LAYERS];  /* pre-activations (cap, size[l+1]) */
    float *s[MLP_MAX_LAYERS];  /* sigmoid(z) of hidden layers */
    float *h[MLP_MAX_LAYERS];  /* SiLU outputs z sigmoid(z) of hidden layers */
    float *dz, *dh;            /* back-propagated deltas (cap, maxwidth) */
    float *E;                  /* network outputs f of the last ebm_energy (cap) */
    float *g;                  /* dL/df per example (cap) */
    pool_t pool;               /* owns every buffer above */
} ebm_work_t;

/* Checks the shape (last layer of width 1) and allocates work for cap examples. */
ebm_work_t *ebm_work_alloc(const mlp_t *m, int cap);
void ebm_work_free(ebm_work_t *w);

/* Forward pass: w->E[i] = f_theta(x_i) for n <= cap examples; keeps the
 * activations for ebm_backward. */
void ebm_energy(const mlp_t *m, const float *theta, const float *x, int n, ebm_work_t *w);

/* Back-propagation after ebm_energy on the same x, with g[i] = dL/df_i:
 *   dtheta += sum_i g_i grad_theta f(x_i)   (skipped when dtheta is NULL),
 *   dx_i    = g_i grad_x f(x_i)             (skipped when dx is NULL). */
void ebm_backward(const mlp_t *m, const float *theta, const float *x, int n, ebm_work_t *w, const float *g,
                  float *dtheta, float *dx);

/* theta ~ mlp_init_uniform, then the output layer's weights and bias zero:
 * f_theta0 = 0 everywhere, so p_theta0 is the base Gaussian. */
void ebm_init_theta(const mlp_t *m, float *theta, rng_t *r);

/* ---- the model: Gaussian base times exp(-f) ------------------------------- */
typedef struct {
    const mlp_t *net;   /* f_theta, size[0] = d inputs, one output */
    int d;
    const float *mean;  /* base mean m (d) */
    double sd;          /* base standard deviation s */
} ebm_t;

/* Fills e, checking the shapes; mean is kept by pointer. */
void ebm_model(ebm_t *e, const mlp_t *net, const float *mean, double sd);
/* ln Z of the base alone, (d/2) ln(2 pi s^2): ln Z_theta when f_theta = 0. */
double ebm_base_lnZ(const ebm_t *e);

/* For any n (in chunks of w->cap), the two parts of the energy:
 * eb[i] = |x_i - m|^2/(2 s^2), f[i] = f(x_i) and, when gf is not NULL,
 * gf_i = grad_x f(x_i). Energies in double: the base term of a 784-dimensional
 * state is hundreds of nats, the differences that matter ~1. */
void ebm_eval(const ebm_t *e, const float *theta, const float *x, int n, ebm_work_t *w, double *eb, double *f,
              float *gf);

/* ---- random normals -------------------------------------------------------- */
/* n standard normals as float, in batch (Box-Muller on both outputs of a pair). */
void ebm_gauss_fill(rng_t *r, float *out, size_t n);

/* ---- MALA chains ----------------------------------------------------------- */
typedef struct {
    int n, d;
    double beta;         /* chains sample exp(-base - beta f): 1 for the model */
    float *x, *gf, *g;   /* states (n, d), grad_x f and grad_x E_beta there */
    double *eb, *f, *E;  /* base energy, f and E_beta = eb + beta f (n each) */
    float *y, *gfy, *gy, *xi; /* proposals, their gradients, the normals (n, d) */
    double *eby, *fy, *Ey;
    long tried, accepted; /* proposals since the counters were last reset */
    pool_t pool;
} ebm_chains_t;

ebm_chains_t *ebm_chains_alloc(int n, int d);
void ebm_chains_free(ebm_chains_t *c);
/* x_i = m + s xi_i: exact draws from the base (p_theta0, or p_beta at beta = 0). */
void ebm_chains_draw_base(const ebm_t *e, ebm_chains_t *c, rng_t *r);
/* eb, f, grad f and E_beta, g of the current states at theta (after theta changed). */
void ebm_chains_refresh(const ebm_t *e, const float *theta, ebm_chains_t *c, ebm_work_t *w);
/* Moves the chains to another beta without a network pass: E and g from eb, f, gf. */
void ebm_chains_set_beta(const ebm_t *e, ebm_chains_t *c, double beta);

/* ln of the MALA acceptance ratio of x -> y (d coordinates) with energies Ex,
 * Ey, gradients gx, gy and step eps: -(Ey - Ex) - (|x - y + eps gy|^2 -
 * |y - x + eps gx|^2) / (4 eps). */
double ebm_mala_log_ratio(int d, const float *x, const float *y, double Ex, double Ey, const float *gx,
                          const float *gy, double eps);

/* One MALA step of every chain at theta (the chains' energies and gradients
 * must be those of theta: refresh after theta changed). Returns the number of
 * accepted proposals. */
int ebm_mala_step(const ebm_t *e, const float *theta, ebm_chains_t *c, float eps, ebm_work_t *w, rng_t *r);

/* ---- the short-run contrast sampler (law unknown) --------------------------- */
typedef struct {
    float eps;  /* step */
    float T;    /* temperature: noise sqrt(2 eps T) */
    int clip;   /* clip to [0, 1] after each step */
} ebm_langevin_t;

/* x <- x - eps grad + sqrt(2 eps T) xi (then clipped), over len floats;
 * noise is scratch of len floats. */
void ebm_langevin_move(const ebm_langevin_t *L, float *x, const float *grad, size_t len, float *noise, rng_t *r);

/* One unadjusted Langevin step of n chains x (n, size[0]) on the network
 * energy f alone (no base, no accept/reject). dx and noise are scratch of
 * n * size[0] floats. */
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
    double e_data, e_neg; /* <f>_data, <f>_samples at theta before the step */
    double loss;          /* e_data - e_neg + alpha (<f^2>_data + <f^2>_samples) */
} ebm_loss_t;

/* One update of theta on the contrastive loss
 *   L = <f>_data - <f>_neg + alpha (<f^2>_data + <f^2>_neg)
 * over n data images and n samples (both (n, size[0])); work for 2n. The base
 * does not depend on theta, so at alpha = 0 and with samples of p_theta this
 * is the maximum-likelihood gradient of p_theta. */
ebm_loss_t ebm_update(const mlp_t *m, float *theta, const float *xdata, const float *xneg, int n, float alpha,
                      ebm_opt_t *o, ebm_work_t *w, float *xcat);

/* ---- free-energy differences and heat/work per update (Eqs 51, 52) ---------- */
/* Weights cnt[i] (a bootstrap resample of the chains; NULL = every chain once)
 * apply to every per-chain array below. */

/* One-sided exponential average (Zwanzig/Jarzynski) over samples of p_{t-1}
 * with energy changes dE_i = E_t - E_{t-1}: ln Z_t/Z_{t-1} = ln <exp(-dE)>.
 * Biased once sd(dE) exceeds ~1: kept as a control. */
double ebm_exp_average(int n, const double *dE, const int *cnt);

/* Bennett's acceptance ratio: ln Z_t - ln Z_{t-1} from dEa_i (on n samples of
 * p_{t-1}) and dEc_j (on n samples of p_t), both E_t - E_{t-1}; solves
 *   sum_i 1/(1 + exp(dEa_i + D)) = sum_j 1/(1 + exp(-dEc_j - D)),  D = ln Z_t/Z_{t-1},
 * (equal sample sizes) by safeguarded Newton from start. *se, when not NULL,
 * receives the asymptotic standard error (Bennett 1976, Eq 10a as in pymbar)
 * for independent samples. */
double ebm_bar(int n, const double *dEa, const double *dEc, const int *cnt, double start, double *se);

/* Energies of one update theta_{t-1} -> theta_t, n chains each:
 *   a: the samples of update t-1 (law p_{t-1}): prev_a = E_{t-1}(a), new_a = E_t(a);
 *   b: the chains before the tau MALA steps at theta_t: new_b = E_t(b) (b = a for
 *      persistent chains; a replay buffer would swap other states in);
 *   c: the chains after them (law p_t when they have relaxed): new_c = E_t(c),
 *      prev_c = E_{t-1}(c).
 * Then, with D = ln Z_t/Z_{t-1} by BAR on (a, c):
 *   W  = <E_t - E_{t-1}>_a + D        work (Eq 51); KL(p_{t-1} || p_t) >= 0 for exact samples
 *   Q  = <E_t>_c - <E_t>_b            heat of the MALA steps (Eq 52)
 *   R  = <E_t>_b - <E_t>_a            exchange with a buffer (0 for persistent chains)
 *   dU = <E_t>_c + D - <E_{t-1}>_a    = <phi_t>_c - <phi_{t-1}>_a, phi = E + ln Z,
 * dU computed directly, so W + Q + R - dU is only a check of arithmetic. */
typedef struct {
    double dlnZ, dlnZ_se; /* BAR and its asymptotic standard error */
    double dlnZ_exp;      /* the one-sided exponential average over a (control) */
    double W, Q, R, dU;
    double dE_sd;         /* standard deviation over a of E_t - E_{t-1} (nats) */
    double ess;           /* effective sample size of the weights exp(-dE) over a, as a fraction */
} ebm_thermo_t;

ebm_thermo_t ebm_thermo_update(int n, const double *prev_a, const double *new_a, const double *new_b,
                               const double *new_c, const double *prev_c, const int *cnt);

/* ---- annealed importance sampling from the base ---------------------------- */
/* ln Z_theta - ln Z_base from c->n chains drawn from the base and carried
 * through K laws exp(-base - beta_k f), beta_k = (k/K)^power, by `steps` MALA
 * steps of size eps at each; log-weights sum -(beta_k - beta_{k-1}) f.
 * Returns the estimate ln mean exp(lw); se by the delta method over chains,
 * ess the weights' effective sample size as a fraction. c->beta ends at 1. */
typedef struct {
    double lnZ, se, ess, lw_sd, accept;
} ebm_ais_t;
ebm_ais_t ebm_ais(const ebm_t *e, const float *theta, ebm_chains_t *c, int K, double power, int steps, float eps,
                  ebm_work_t *w, rng_t *r);

#endif
