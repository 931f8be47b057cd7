/* gauss_exact.c - closed forms of the Gaussian PPM (see gauss.h). */
#include "gauss_exact.h"

#include <math.h>

#define LN_2PI 1.8378770664093453

double gauss_phi(const gauss_t *g, double mu, double x) {
    return 0.5 * g->h * (x - mu) * (x - mu) + 0.5 * (LN_2PI + log(g->sigma * g->sigma));
}

double gauss_mean_phi(const gauss_t *g, double mu, double m, double s) {
    return 0.5 * g->h * (s + (m - mu) * (m - mu)) + 0.5 * (LN_2PI + log(g->sigma * g->sigma));
}

double gauss_kl(double m1, double s1, double m2, double s2) {
    return 0.5 * (log(s2 / s1) + (s1 + (m1 - m2) * (m1 - m2)) / s2 - 1.0);
}

double gauss_noise_var(const gauss_t *g) {
    return g->h * g->h * g->s2 * (double)(g->K - g->b) / ((double)g->b * (double)(g->K - 1));
}

double gauss_mean_t(const gauss_t *g, double m0, int t) {
    return g->xbar + pow(1.0 - g->r * g->h, t) * (m0 - g->xbar);
}

double gauss_var_t(const gauss_t *g, double v0, int t) {
    double a2 = pow(1.0 - g->r * g->h, 2), a2t = pow(a2, t);
    return a2t * v0 + g->r * g->r * gauss_noise_var(g) * (1.0 - a2t) / (1.0 - a2);
}

double gauss_var_stationary(const gauss_t *g) {
    double a = 1.0 - g->r * g->h;
    return g->r * g->r * gauss_noise_var(g) / (1.0 - a * a);
}

double gauss_T_eff(const gauss_t *g) { return g->h * gauss_var_stationary(g); }
double gauss_T_fdt(const gauss_t *g) { return 0.5 * g->r * gauss_noise_var(g); }

double gauss_U(const gauss_t *g, double mu) { return 0.5 * g->h * (mu - g->xbar) * (mu - g->xbar); }

double gauss_ln_kernel(const gauss_t *g, double to, double from) {
    double a = 1.0 - g->r * g->h, s2 = g->r * g->r * gauss_noise_var(g);
    double m = g->xbar + a * (from - g->xbar);
    return -0.5 * (LN_2PI + log(s2)) - 0.5 * (to - m) * (to - m) / s2;
}

void gauss_sampler(const gauss_t *g, double eps, int tau, double mu, double x, double *mean, double *sd) {
    double C = exp(-eps * g->h * tau); /* c^tau */
    *mean = mu + (x - mu) * C;
    *sd = g->sigma * sqrt(1.0 - C * C);
}

double gauss_ln_sampler(const gauss_t *g, double eps, int tau, double mu, double x, double y) {
    double m, sd;
    gauss_sampler(g, eps, tau, mu, x, &m, &sd);
    return -0.5 * (LN_2PI + log(sd * sd)) - 0.5 * (y - m) * (y - m) / (sd * sd);
}

double gauss_surprisal_t(const gauss_t *g, double m0, double v0, int t, double theta) {
    double m = gauss_mean_t(g, m0, t), v = gauss_var_t(g, v0, t);
    return 0.5 * (LN_2PI + log(v)) + 0.5 * (theta - m) * (theta - m) / v;
}

double gauss_param_heat(const gauss_t *g, const double *path, int n) {
    double lnratio = 0; /* ln P[theta_n|theta_0] / P[~theta_n|theta_n] */
    for (int t = 1; t <= n; t++) lnratio += gauss_ln_kernel(g, path[t], path[t - 1]) - gauss_ln_kernel(g, path[t - 1], path[t]);
    return -lnratio;
}

double gauss_param_ep(const gauss_t *g, double m0, double v0, const double *path, int n) {
    return -gauss_param_heat(g, path, n) + gauss_surprisal_t(g, m0, v0, n, path[n]) - gauss_surprisal_t(g, m0, v0, 0, path[0]);
}

/* Non-central second moments of u = mu - xbar and e = qm - mu (the sampler
 * law's lag behind the parameter) evolve linearly: with d = e - dmu
 * = e + r h u - r eta, u' = a u + r eta, e' = C d, and r eta independent of
 * (u, e) with variance V = r^2 Var(eta). Per update W += h (E d^2 - E e^2)/2
 * and -Q += h (1 - C^2) E d^2 / 2; the law's variance stays sigma^2. */
gauss_heat_t gauss_heat_exact(const gauss_t *g, double m0, double v0, double C, int n) {
    double a = 1.0 - g->r * g->h, rh = g->r * g->h, V = g->r * g->r * gauss_noise_var(g);
    double Suu = v0 + (m0 - g->xbar) * (m0 - g->xbar), Sue = 0, See = 0;
    gauss_heat_t out = {0};
    for (int t = 1; t <= n; t++) {
        double Ed2 = See + 2 * rh * Sue + rh * rh * Suu + V;
        out.W += 0.5 * g->h * (Ed2 - See);
        out.minusQ += 0.5 * g->h * (1 - C * C) * Ed2;
        double Sud = a * Sue + a * rh * Suu - V; /* E[u' d] */
        Suu = a * a * Suu + V, Sue = C * Sud, See = C * C * Ed2;
    }
    out.lag2 = See;
    out.ep = out.minusQ + 0.5 * g->h * See;
    return out;
}

/* One backward step after one forward step: (1 + rh)(mu - rh(mu - xb)) - rh xb - mu
 * = -r^2 h^2 (mu - xb). */
double gauss_retrace_step(const gauss_t *g, double mu, double xb) {
    double rh = g->r * g->h;
    return -rh * rh * (mu - xb);
}

/* back_t - mu_t = (1 + rh)(back_{t+1} - mu_{t+1}) + [(1 + rh) mu_{t+1} - rh xb_t - mu_t],
 * and the bracket is gauss_retrace_step(mu_t, xb_t) because mu_{t+1} is the forward step. */
void gauss_retrace_run(const gauss_t *g, const double *mu, const double *xb, int n, double *err) {
    double rh = g->r * g->h;
    err[n] = 0;
    for (int t = n - 1; t >= 0; t--) err[t] = (1 + rh) * err[t + 1] + gauss_retrace_step(g, mu[t], xb[t]);
}
