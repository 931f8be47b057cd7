/* gauss_ensemble.c - the Gaussian PPM ensemble (see gauss_ensemble.h for the equations). */
#include "gauss_ensemble.h"

#include <math.h>
#include <stdlib.h>

#include "thermo.h"
#include "util.h"

#define LN_2PI 1.8378770664093453
/* The quadrature grid for the mixture marginal extends this many sigma beyond the ensemble. */
#define GRID_MARGIN_SIGMAS 8

double *gppm_data(gauss_t *g, double mstar, double sstar, uint64_t seed) {
    rng_t r;
    rng_init(&r, seed, GPPM_STREAM_DATA);
    double *data = xmalloc((size_t)g->K * sizeof *data);
    g->xbar = g->s2 = 0;
    for (int k = 0; k < g->K; k++) g->xbar += (data[k] = mstar + sstar * rng_normal(&r)) / g->K;
    for (int k = 0; k < g->K; k++) g->s2 += (data[k] - g->xbar) * (data[k] - g->xbar) / g->K;
    return data;
}

gppm_t gppm_model(const gauss_t *g, const double *data, double eps, int tau) {
    return (gppm_t){.g = *g, .data = data, .eps = eps, .c = exp(-eps * g->h), .tau = tau};
}

// ---- one trial ------------------------------------------------------------

void gppm_trial_init(const gppm_t *p, gppm_trial_t *s, double m0, double v0, rng_t *r) {
    double m = v0 > 0 ? m0 + sqrt(v0) * rng_normal(r) : m0;
    *s = (gppm_trial_t){.mu = m, .qm = m, .qs = p->g.sigma * p->g.sigma};
    s->x = m + p->g.sigma * rng_normal(r); /* x_0 ~ p(x|theta_0) */
    s->U0 = gauss_mean_phi(&p->g, m, s->qm, s->qs);
}

double gppm_sgd_step(const gppm_t *p, double mu, rng_t *r, uint32_t *idx, double *eta) {
    const gauss_t *g = &p->g;
    double xb = 0;
    rng_distinct(r, (uint32_t)g->K, g->b, idx); /* |b| distinct indices */
    for (int i = 0; i < g->b; i++) xb += p->data[idx[i]] / g->b;
    *eta = g->h * (xb - g->xbar);
    return mu - g->r * g->h * (mu - xb);
}

double gppm_sampler_step(const gppm_t *p, double mu, double x, rng_t *r) {
    double mean, sd;
    gauss_sampler(&p->g, p->eps, 1, mu, x, &mean, &sd);
    return mean + sd * rng_normal(r);
}

void gppm_sampler_law(const gppm_t *p, double mu, double *qm, double *qs) {
    double C = pow(p->c, p->tau), C2 = pow(p->c, 2 * p->tau);
    *qm = mu + (*qm - mu) * C;
    *qs = C2 * *qs + p->g.sigma * p->g.sigma * (1 - C2);
}

void gppm_trial_step(const gppm_t *p, gppm_trial_t *s, rng_t *r, uint32_t *idx) {
    const gauss_t *g = &p->g;
    double prev = s->mu, eta, m = gppm_sgd_step(p, prev, r, idx, &eta);
    s->eta_residual = fmax(s->eta_residual, fabs((m - prev) - (-g->r * g->h * (prev - g->xbar) + g->r * eta)));
    s->mu = m;
    s->Q_ideal -= 0.5 * g->h * (m - prev) * (m - prev);
    s->W_actual += gauss_mean_phi(g, m, s->qm, s->qs) - gauss_mean_phi(g, prev, s->qm, s->qs);
    double qm = s->qm, qs = s->qs;
    gppm_sampler_law(p, m, &qm, &qs);
    s->Q_actual += gauss_mean_phi(g, m, qm, qs) - gauss_mean_phi(g, m, s->qm, s->qs);
    s->qm = qm, s->qs = qs;
    double xold = s->x;
    for (int i = 0; i < p->tau; i++) s->x = gppm_sampler_step(p, m, s->x, r);
    s->q_stoch += gauss_phi(g, m, s->x) - gauss_phi(g, m, xold);
}

double gppm_first_law_residual(const gppm_t *p, const gppm_trial_t *s) {
    double dU = gauss_mean_phi(&p->g, s->mu, s->qm, s->qs) - s->U0;
    return fabs(s->W_actual + s->Q_actual - dU);
}

// ---- the ensemble ------------------------------------------------------------

void gppm_ensemble_alloc(gppm_ensemble_t *e, int M, int n) {
    *e = (gppm_ensemble_t){.M = M, .n = n};
    e->mu = xmalloc((size_t)M * (n + 1) * sizeof *e->mu);
    e->Q_ideal = xcalloc((size_t)M, sizeof *e->Q_ideal);
    e->Q_actual = xcalloc((size_t)M, sizeof *e->Q_actual);
    e->W_actual = xcalloc((size_t)M, sizeof *e->W_actual);
    e->q_stoch = xcalloc((size_t)M, sizeof *e->q_stoch);
}

void gppm_ensemble_free(gppm_ensemble_t *e) {
    free(e->mu), free(e->Q_ideal), free(e->Q_actual), free(e->W_actual), free(e->q_stoch);
}

void gppm_ensemble_trial(const gppm_t *p, gppm_ensemble_t *e, int k, double m0, double v0, uint64_t seed) {
    rng_t r;
    rng_init(&r, seed, (uint64_t)k);
    uint32_t *idx = xmalloc((size_t)p->g.b * sizeof *idx);
    double *path = e->mu + (size_t)k * (e->n + 1);
    gppm_trial_t s;
    gppm_trial_init(p, &s, m0, v0, &r);
    path[0] = s.mu;
    for (int t = 1; t <= e->n; t++) {
        gppm_trial_step(p, &s, &r, idx);
        path[t] = s.mu;
    }
    CHECK_FINITE(s.mu, "mu is not finite in trial %d", k);
    e->Q_ideal[k] = s.Q_ideal, e->Q_actual[k] = s.Q_actual, e->W_actual[k] = s.W_actual, e->q_stoch[k] = s.q_stoch;
    e->worst_eta = fmax(e->worst_eta, s.eta_residual);
    e->worst_first_law = fmax(e->worst_first_law, gppm_first_law_residual(p, &s));
    free(idx);
}

void gppm_moments(const gppm_ensemble_t *e, int t, double *mean, double *var, double *lo, double *hi) {
    int M = e->M;
    *mean = *var = 0, *lo = INFINITY, *hi = -INFINITY;
    for (int k = 0; k < M; k++) {
        double v = e->mu[(size_t)k * (e->n + 1) + t];
        *mean += v / M;
        *lo = fmin(*lo, v), *hi = fmax(*hi, v);
    }
    for (int k = 0; k < M; k++) {
        double d = e->mu[(size_t)k * (e->n + 1) + t] - *mean;
        *var += d * d / (M - 1);
    }
}

double gppm_var_se(const gppm_ensemble_t *e, int t) {
    int M = e->M;
    if (M < 2) return NAN;
    double mean, var, lo, hi, m4 = 0;
    gppm_moments(e, t, &mean, &var, &lo, &hi);
    for (int k = 0; k < M; k++) {
        double d = e->mu[(size_t)k * (e->n + 1) + t] - mean;
        m4 += d * d * d * d / M;
    }
    return sqrt((m4 - var * var * (M - 3.0) / (M - 1)) / M);
}

/* Mean over the grid of N(x; mu, s2) f(x): trapezoid on a uniform grid. */
static double grid_average(const double *xg, const double *f, int G, double mu, double s2) {
    double dx = xg[1] - xg[0], acc = 0;
    for (int i = 0; i < G; i++) {
        double w = exp(-0.5 * (xg[i] - mu) * (xg[i] - mu) / s2) / sqrt(2 * M_PI * s2);
        acc += (i == 0 || i == G - 1 ? 0.5 : 1.0) * w * f[i];
    }
    return acc * dx;
}

double gppm_linfo(const gppm_t *p, const gppm_ensemble_t *e, int t, int G, double *xg, double *lnp, double *comp) {
    return gppm_linfo_trials(p, e, t, G, xg, lnp, comp, NULL);
}

double gppm_linfo_trials(const gppm_t *p, const gppm_ensemble_t *e, int t, int G, double *xg, double *lnp, double *comp,
                         double *each) {
    const gauss_t *g = &p->g;
    int M = e->M;
    double mean, var, lo, hi, s2 = g->sigma * g->sigma;
    gppm_moments(e, t, &mean, &var, &lo, &hi);
    for (int i = 0; i < G; i++) { /* ln p_t(x) = ln (1/M) sum_k N(x; mu_k, sigma^2) */
        xg[i] = lo - GRID_MARGIN_SIGMAS * g->sigma + (hi - lo + 2 * GRID_MARGIN_SIGMAS * g->sigma) * i / (G - 1);
        for (int k = 0; k < M; k++) {
            double d = xg[i] - e->mu[(size_t)k * (e->n + 1) + t];
            comp[k] = -0.5 * g->h * d * d;
        }
        lnp[i] = thermo_logsumexp(comp, M) - log((double)M) - 0.5 * (LN_2PI + log(s2));
    }
    double I = 0, Scond = 0.5 * (LN_2PI + 1 + log(s2)); /* S_{X|Theta}, the same for every mu */
    for (int k = 0; k < M; k++) { /* S_X(mu): cross-entropy of p(.|mu) with p_t */
        double SX = -grid_average(xg, lnp, G, e->mu[(size_t)k * (e->n + 1) + t], s2);
        if (each) each[k] = SX - Scond;
        I += (SX - Scond) / M;
    }
    return I;
}

void gppm_heat_cumulative(const gppm_t *p, const gppm_ensemble_t *e, double *cumQ) {
    int M = e->M, n = e->n;
    for (int t = 0; t <= n; t++) cumQ[t] = 0;
    for (int k = 0; k < M; k++)
        for (int t = 1; t <= n; t++) {
            double d = e->mu[(size_t)k * (n + 1) + t] - e->mu[(size_t)k * (n + 1) + t - 1];
            cumQ[t] += 0.5 * p->g.h * d * d / M;
        }
    for (int t = 1; t <= n; t++) cumQ[t] += cumQ[t - 1];
}

// ---- observables on one parameter path -----------------------------------------

double gppm_ep_ideal(const gppm_t *p, const double *path, int n, rng_t *r, double *xs) {
    double sgm = 0;
    for (int t = 0; t < n; t++) {
        double x = path[t] + p->g.sigma * rng_normal(r);
        if (xs) xs[t] = x;
        sgm += gauss_phi(&p->g, path[t + 1], x) - gauss_phi(&p->g, path[t], x);
    }
    return sgm;
}

double gppm_ep_actual(const gppm_t *p, const double *path, int n, rng_t *r, double *xs) {
    double x = path[0] + p->g.sigma * rng_normal(r), q = 0, x0 = x;
    if (xs) xs[0] = x;
    for (int t = 1; t <= n; t++) {
        double xold = x;
        for (int i = 0; i < p->tau; i++) x = gppm_sampler_step(p, path[t], x, r);
        if (xs) xs[t] = x;
        q += gauss_phi(&p->g, path[t], x) - gauss_phi(&p->g, path[t], xold);
    }
    return -q + gauss_phi(&p->g, path[n], x) - gauss_phi(&p->g, path[0], x0);
}

gppm_ift_t gppm_ift(const gppm_t *p, const double *path, int n, long S, int actual, rng_t *r, double *sig) {
    double se = 0, se2 = 0, ss = 0;
    for (long s = 0; s < S; s++) {
        double sgm = actual ? gppm_ep_actual(p, path, n, r, NULL) : gppm_ep_ideal(p, path, n, r, NULL);
        double e = exp(-sgm);
        se += e, se2 += e * e, ss += sgm;
        if (sig) sig[s] = sgm;
    }
    gppm_ift_t out = {.mean_exp = se / S, .mean_sigma = ss / S};
    out.ci = 1.96 * sqrt((se2 / S - out.mean_exp * out.mean_exp) / (S - 1)); /* 95%, normal */
    return out;
}

double gppm_eq48(const gppm_t *p, double m0, double v0, int n, double mu_start, double mu_end, double q_x) {
    double mt = gauss_mean_t(&p->g, m0, n), vt = gauss_var_t(&p->g, v0, n);
    double ds = 0.5 * (log(2 * M_PI * vt) + (mu_end - mt) * (mu_end - mt) / vt) -
                0.5 * (log(2 * M_PI * v0) + (mu_start - m0) * (mu_start - m0) / v0);
    return ds + q_x;
}

// ---- the tau sweep -----------------------------------------------------------------

void gppm_sweep_trial(const gppm_t *p, const int *taus, int ntau, int n, double m0, double v0, rng_t *r,
                      double *path, double *ep) {
    const gauss_t *g = &p->g;
    if (ntau > GPPM_MAX_TAUS) die("gppm_sweep_trial: %d tau values, at most %d", ntau, GPPM_MAX_TAUS);
    double s2 = g->sigma * g->sigma, mu = v0 > 0 ? m0 + sqrt(v0) * rng_normal(r) : m0, mu0 = mu, eta;
    double qm[GPPM_MAX_TAUS], qs[GPPM_MAX_TAUS], Q[GPPM_MAX_TAUS];
    gppm_t pj[GPPM_MAX_TAUS];
    for (int j = 0; j < ntau; j++) pj[j] = *p, pj[j].tau = taus[j], qm[j] = mu, qs[j] = s2, Q[j] = 0;
    uint32_t *idx = xmalloc((size_t)g->b * sizeof *idx);
    if (path) path[0] = mu;
    for (int t = 1; t <= n; t++) {
        mu = gppm_sgd_step(p, mu, r, idx, &eta);
        if (path) path[t] = mu;
        for (int j = 0; j < ntau; j++) {
            double before = gauss_mean_phi(g, mu, qm[j], qs[j]);
            gppm_sampler_law(&pj[j], mu, &qm[j], &qs[j]);
            Q[j] += gauss_mean_phi(g, mu, qm[j], qs[j]) - before;
        }
    }
    for (int j = 0; j < ntau; j++) ep[j] = -Q[j] + gauss_mean_phi(g, mu, qm[j], qs[j]) - gauss_mean_phi(g, mu0, mu0, s2);
    free(idx);
}

// ---- Appendix A: retracing the path by running SGD backward ---------------------------

double gppm_backward_step(const gppm_t *p, double mu, double xb) {
    return mu + p->g.r * p->g.h * (mu - xb); /* theta_t^dag = theta_{t+1} + r grad phi_{theta_{t+1}}(b_t) */
}

void gppm_retrace_trial(const gppm_t *p, int n, double m0, double v0, int lazy, rng_t *r, double *mu, double *xb,
                        double *back) {
    const gauss_t *g = &p->g;
    double eta, rh = g->r * g->h;
    uint32_t *idx = xmalloc((size_t)g->b * sizeof *idx);
    mu[0] = v0 > 0 ? m0 + sqrt(v0) * rng_normal(r) : m0;
    for (int t = 0; t < n; t++) {
        double next = gppm_sgd_step(p, mu[t], r, idx, &eta);
        xb[t] = g->xbar + eta / g->h;
        /* lazy (Eq 21): the gradient frozen at theta* = xbar_B, h (xbar_B - xbar_b), whatever mu is */
        mu[t + 1] = lazy ? mu[t] - rh * (g->xbar - xb[t]) : next;
    }
    back[n] = mu[n];
    for (int t = n - 1; t >= 0; t--)
        back[t] = lazy ? back[t + 1] + rh * (g->xbar - xb[t]) : gppm_backward_step(p, back[t + 1], xb[t]);
    free(idx);
}
