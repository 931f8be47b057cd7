/*
 * gauss_exact.h - the Gaussian PPM, solvable in closed form (double precision).
 *
 * Data B = {x_k}, K points; model p_mu(x) = N(x; mu, sigma^2), theta = mu,
 * phi_mu(x) = (x - mu)^2 / (2 sigma^2) + ln(2 pi sigma^2)/2, h = 1/sigma^2.
 * SGD (Algorithm 1): mu' = mu - r h (mu - xbar_b), |b| distinct indices.
 * Noise (Eq 19): eta = h (xbar_b - xbar_B), independent of mu.
 * Sampler (Eq 26) at fixed mu: the exact Ornstein-Uhlenbeck step of size eps,
 *   x' = mu + (x - mu) c + sigma sqrt(1 - c^2) xi,  c = exp(-eps h).
 */
#ifndef GAUSS_EXACT_H
#define GAUSS_EXACT_H

typedef struct {
    double sigma, h, r;   /* model std, 1/sigma^2, learning rate */
    int K, b;             /* data size, batch size */
    double xbar, s2;      /* data mean and (population) variance */
} gauss_t;

/* <phi_mu>_{N(m, s)}: mean surprisal of the model at mu under a Gaussian N(m, s) (s = variance). */
double gauss_mean_phi(const gauss_t *g, double mu, double m, double s);
double gauss_phi(const gauss_t *g, double mu, double x);
/* D(N(m1, s1) || N(m2, s2)), variances s1, s2. */
double gauss_kl(double m1, double s1, double m2, double s2);
/* Var(eta) = h^2 s2 (K - b) / (b (K - 1)): mini-batch mean without replacement. */
double gauss_noise_var(const gauss_t *g);
/* Ensemble moments of mu_t from mu_0 ~ N(m0, v0) (exact, any t). */
double gauss_mean_t(const gauss_t *g, double m0, int t);
double gauss_var_t(const gauss_t *g, double v0, int t);
/* Stationary variance r^2 Var(eta) / (1 - a^2), a = 1 - r h. */
double gauss_var_stationary(const gauss_t *g);
/* Temperatures: T_eff = h v_inf makes exp(-U_B/T) the stationary law;
 * T_fdt = r Var(eta)/2 is the continuous-time (FDT) reading of Eq 20. */
double gauss_T_eff(const gauss_t *g);
double gauss_T_fdt(const gauss_t *g);
/* ln p(theta'|theta) for the AR(1) kernel with Gaussian noise of variance r^2 Var(eta). */
double gauss_ln_kernel(const gauss_t *g, double to, double from);
/* U_B(mu) up to a constant: h (mu - xbar)^2 / 2. */
double gauss_U(const gauss_t *g, double mu);
/* The sampler's law after tau OU steps from x: mean mu + (x - mu) C and standard
 * deviation sigma sqrt(1 - C^2), C = exp(-eps h tau). */
void gauss_sampler(const gauss_t *g, double eps, int tau, double mu, double x, double *mean, double *sd);
/* ln of the sampler's tau-step transition density x -> y at mu. */
double gauss_ln_sampler(const gauss_t *g, double eps, int tau, double mu, double x, double y);


/* ---- parameter trajectories (Eqs 46-47) ---------------------------------------
 * The parameter kernel is the Gaussian-noise AR(1) kernel of gauss_ln_kernel
 * (SGD's first two moments; the mini-batch mean is Gaussian only approximately).
 * Its marginals from theta_0 ~ N(m0, v0) are N(m_t, v_t) (gauss_mean_t, gauss_var_t). */
/* s[p_t(theta)] = -ln N(theta; m_t, v_t), v0 > 0. */
double gauss_surprisal_t(const gauss_t *g, double m0, double v0, int t, double theta);
/* Parameter heat with the convention of Eqs 42 and 46,
 *   q_theta = -ln P[theta_n|theta_0] / P[~theta_n|theta_n]
 *           = -sum_t [ln k(theta_t|theta_{t-1}) - ln k(theta_{t-1}|theta_t)],
 * which Eq 46's second line needs. The original's inline definition below
 * Eq 46 has the opposite sign. Detailed balance at T_eff makes it +Delta U_B/T_eff. */
double gauss_param_heat(const gauss_t *g, const double *path, int n);
/* Eq 46: sigma_theta = -q_theta + s[p_n(theta_n)] - s[p_0(theta_0)], from theta_0 ~ N(m0, v0). */
double gauss_param_ep(const gauss_t *g, double m0, double v0, const double *path, int n);

/* ---- ensemble heat and work in closed form (Eqs 49-52) -------------------------- */
typedef struct {
    double minusQ; /* -Q_X: dissipated heat (Eq 52) */
    double W;      /* W_X: work (Eq 51) */
    double ep;     /* <sigma>: conditional EP, -Q_X + Delta <phi> (= W_X here) */
    double lag2;   /* E[(qm_n - mu_n)^2]: the sampler law's lag behind the parameter */
} gauss_heat_t;
/* Exact ensemble means over n updates from mu_0 ~ N(m0, v0) with the sampler
 * started in p_0 and contracted by C = c^tau after each update (C = 0: perfect
 * sampling, x_t ~ p(.|mu_t)). */
gauss_heat_t gauss_heat_exact(const gauss_t *g, double m0, double v0, double C, int n);

/* ---- Appendix A: retracing error of SGD run backward (gauss_ensemble.h) ---------
 * One forward step from mu on a batch of mean xb, then one backward step (gradient
 * ascent at the new point, same batch), lands at mu + gauss_retrace_step(mu, xb):
 *   -r^2 h^2 (mu - xb). */
double gauss_retrace_step(const gauss_t *g, double mu, double xb);
/* The backward run from mu[n] on batches xb[n-1..0]: err[t] = back_t - mu_t (n + 1 slots),
 * err[n] = 0, err[t] = (1 + r h) err[t+1] - r^2 h^2 (mu_t - xb_t): each backward step
 * multiplies the error it inherits by 1 + r h (gradient ascent on a convex loss). */
void gauss_retrace_run(const gauss_t *g, const double *mu, const double *xb, int n, double *err);

#endif
