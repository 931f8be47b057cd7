/*
 * ppm_gauss - the Gaussian PPM ensemble through the dual-timescale dynamics of
 * Sec. 5.2.1, every measured quantity next to its closed form (src/gauss.c).
 *
 *   ppm_gauss PARAMS MOMENTS.tsv EP.tsv NUMBERS.tsv
 *
 * M trials share the data set and differ only in their mini-batch draws (and
 * theta_0 when init = random). Each update is followed by tau exact OU sampler
 * steps at the new parameter (Eq 33). Outputs: ensemble moments, L-info,
 * heat and parameter entropy along training (MOMENTS), the distribution of
 * the stochastic entropy production sigma over x-trajectories (EP).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gauss.h"
#include "rng.h"
#include "thermo.h"
#include "util.h"

#define LN_2PI 1.8378770664093453
#define STREAM_DATA (1ull << 62)
#define STREAM_IFT (1ull << 61)

/* Mean over the grid of N(x; mu, s2) * f(x), trapezoid on a uniform grid. */
static double gauss_average(const double *xg, const double *f, int G, double mu, double s2) {
    double dx = xg[1] - xg[0], acc = 0;
    for (int i = 0; i < G; i++) {
        double w = exp(-0.5 * (xg[i] - mu) * (xg[i] - mu) / s2) / sqrt(2 * M_PI * s2);
        acc += (i == 0 || i == G - 1 ? 0.5 : 1.0) * w * f[i];
    }
    return acc * dx;
}

int main(int argc, char **argv) {
    prog_name = "ppm_gauss";
    if (argc != 5) die("usage: ppm_gauss PARAMS MOMENTS.tsv EP.tsv NUMBERS.tsv");
    conf_t *conf = conf_load(argv[1]);
    static const char *const known[] = {"seed", "K", "m_star", "s_star", "sigma", "learning_rate", "batch",
        "trials", "steps", "init", "m0", "v0", "tau", "eps", "ift_samples", "record_every", "grid", NULL};
    conf_known(conf, known);
    uint64_t seed = (uint64_t)conf_int(conf, "seed", 0, 0x7fffffffffffffffL);
    gauss_t g;
    g.K = (int)conf_int(conf, "K", 2, 10000000);
    double mstar = conf_double(conf, "m_star", -1e6, 1e6), sstar = conf_double(conf, "s_star", 1e-9, 1e6);
    g.sigma = conf_double(conf, "sigma", 1e-9, 1e6);
    g.h = 1.0 / (g.sigma * g.sigma);
    g.r = conf_double(conf, "learning_rate", 1e-12, 1e6);
    g.b = (int)conf_int(conf, "batch", 1, g.K);
    if (g.r * g.h >= 2) die("%s: key 'learning_rate': r/sigma^2 = %g >= 2 makes SGD diverge", argv[1], g.r * g.h);
    int M = (int)conf_int(conf, "trials", 2, 10000000), n = (int)conf_int(conf, "steps", 1, 10000000);
    static const char *const inits[] = {"fixed", "random"};
    int random_init = conf_choice(conf, "init", inits, 2);
    double m0 = conf_double(conf, "m0", -1e6, 1e6), v0 = conf_double(conf, "v0", 0, 1e6);
    if (random_init && v0 <= 0) die("%s: key 'v0' must be > 0 with init = random", argv[1]);
    int tau = (int)conf_int(conf, "tau", 1, 100000000);
    double eps = conf_double(conf, "eps", 1e-12, 1e6);
    long S = conf_int(conf, "ift_samples", 100, 1000000000);
    int every = (int)conf_int(conf, "record_every", 1, n), G = (int)conf_int(conf, "grid", 100, 1000000);
    conf_finish(conf);

    /* the data set, drawn once */
    rng_t r;
    rng_init(&r, seed, STREAM_DATA);
    double *data = xmalloc((size_t)g.K * sizeof *data);
    g.xbar = g.s2 = 0;
    for (int k = 0; k < g.K; k++) g.xbar += (data[k] = mstar + sstar * rng_normal(&r)) / g.K;
    for (int k = 0; k < g.K; k++) g.s2 += (data[k] - g.xbar) * (data[k] - g.xbar) / g.K;

    /* the ensemble: mu[k][t], actual sampler states and its Gaussian law q_t */
    double *mu = xmalloc((size_t)M * (n + 1) * sizeof *mu);
    double *Qi = xcalloc((size_t)M, sizeof *Qi), *Qa = xcalloc((size_t)M, sizeof *Qa);
    double *Wa = xcalloc((size_t)M, sizeof *Wa), *qstoch = xcalloc((size_t)M, sizeof *qstoch);
    double worst_first_law = 0, worst_eta = 0, c = exp(-eps * g.h);
    uint32_t *idx = xmalloc((size_t)g.b * sizeof *idx);
    progress_t prog;
    progress_start(&prog, "trials", M);
    for (int k = 0; k < M; k++) {
        rng_init(&r, seed, (uint64_t)k);
        double m = random_init ? m0 + sqrt(v0) * rng_normal(&r) : m0;
        mu[(size_t)k * (n + 1)] = m;
        double x = m + g.sigma * rng_normal(&r); /* x_0 ~ p(x|theta_0) */
        double qm = m, qs = g.sigma * g.sigma; /* law of the actual sampler, q_0 = p_0 */
        double U0 = gauss_mean_phi(&g, m, qm, qs);
        for (int t = 1; t <= n; t++) {
            double xb = 0;
            rng_distinct(&r, (uint32_t)g.K, g.b, idx); /* |b| distinct indices */
            for (int i = 0; i < g.b; i++) xb += data[idx[i]] / g.b;
            double prev = m;
            m = prev - g.r * g.h * (prev - xb); /* Algorithm 1 */
            /* Eq 19: the step is -r grad U_B + r eta with eta = h (xbar_b - xbar_B) */
            double eta = g.h * (xb - g.xbar);
            worst_eta = fmax(worst_eta, fabs((m - prev) - (-g.r * g.h * (prev - g.xbar) + g.r * eta)));
            mu[(size_t)k * (n + 1) + t] = m;
            Qi[k] -= 0.5 * g.h * (m - prev) * (m - prev); /* ideal sampler: Q = -sum dmu^2/(2 sigma^2) */
            /* actual sampler: work at fixed q, then heat as q relaxes towards p_m */
            Wa[k] += gauss_mean_phi(&g, m, qm, qs) - gauss_mean_phi(&g, prev, qm, qs);
            double qm1 = m + (qm - m) * pow(c, tau), qs1 = pow(c, 2 * tau) * qs + g.sigma * g.sigma * (1 - pow(c, 2 * tau));
            Qa[k] += gauss_mean_phi(&g, m, qm1, qs1) - gauss_mean_phi(&g, m, qm, qs);
            qm = qm1, qs = qs1;
            /* the sampled chain: tau exact OU steps at the new parameter; Eq 42's heat */
            double xold = x;
            for (int s = 0; s < tau; s++) x = m + (x - m) * c + g.sigma * sqrt(1 - c * c) * rng_normal(&r);
            qstoch[k] += gauss_phi(&g, m, x) - gauss_phi(&g, m, xold);
        }
        double dU = gauss_mean_phi(&g, m, qm, qs) - U0;
        worst_first_law = fmax(worst_first_law, fabs(Wa[k] + Qa[k] - dU)); /* Eqs 51-52 */
        CHECK_FINITE(m, "mu is not finite in trial %d", k);
        progress_step(&prog, 1, NULL);
    }
    progress_end(&prog, NULL);

    /* ensemble statistics along training, with L-info from the mixture marginal */
    out_t *o = out_open(argv[2]);
    FILE *f = out_file(o);
    prov_write(f, "Gaussian PPM: ensemble moments, L-info, heat and parameter entropy vs update", conf, seed);
    const column_t cols[] = {{"step", "1", "SGD update t"},
                             {"mean_sim", "1", "ensemble mean of mu_t"},
                             {"mean_exact", "1", "closed form xbar + a^t (m0 - xbar)"},
                             {"var_sim", "1", "ensemble variance of mu_t (unbiased)"},
                             {"var_exact", "1", "closed form a^2t v0 + r^2 Var(eta)(1-a^2t)/(1-a^2)"},
                             {"linfo_sim", "nats", "ensemble mean of conditional L-info D(p(.|mu)||p_t), mixture p_t"},
                             {"linfo_exact", "nats", "ln(1 + v_t/sigma^2)/2"},
                             {"minusQ_ideal", "nats", "ensemble mean of -Q_X up to t, ideal sampler"},
                             {"dS_theta", "nats", "S[Theta_t] - S[Theta_0], Gaussian entropy of the ensemble"},
                             {"dI", "nats", "linfo_sim(t) - linfo_sim(0)"}};
    columns_write(f, cols, 10);
    double *xg = xmalloc((size_t)G * sizeof *xg), *lnp = xmalloc((size_t)G * sizeof *lnp);
    double *comp = xmalloc((size_t)M * sizeof *comp), *cumQ = xcalloc((size_t)n + 1, sizeof *cumQ);
    /* cumulative ideal heat by step, ensemble mean: recompute from mu paths */
    for (int k = 0; k < M; k++)
        for (int t = 1; t <= n; t++) {
            double d = mu[(size_t)k * (n + 1) + t] - mu[(size_t)k * (n + 1) + t - 1];
            cumQ[t] += 0.5 * g.h * d * d / M;
        }
    for (int t = 1; t <= n; t++) cumQ[t] += cumQ[t - 1];
    double var0 = 0, I0 = 0, worst_moment_z = 0, worst_var_z = 0, last_I = 0, last_Iex = 0, last_var = 0, last_dS = 0;
    double worst_linfo = 0;
    for (int t = 0; t <= n; t++) {
        if (t % every && t != n) continue;
        double mean = 0, var = 0, lo = INFINITY, hi = -INFINITY;
        for (int k = 0; k < M; k++) {
            double v = mu[(size_t)k * (n + 1) + t];
            mean += v / M;
            lo = fmin(lo, v), hi = fmax(hi, v);
        }
        for (int k = 0; k < M; k++) {
            double d = mu[(size_t)k * (n + 1) + t] - mean;
            var += d * d / (M - 1);
        }
        /* ln p_t(x) on a grid: p_t = (1/M) sum_k N(x; mu_k, sigma^2) */
        for (int i = 0; i < G; i++) {
            xg[i] = lo - 8 * g.sigma + (hi - lo + 16 * g.sigma) * i / (G - 1);
            for (int k = 0; k < M; k++) {
                double d = xg[i] - mu[(size_t)k * (n + 1) + t];
                comp[k] = -0.5 * g.h * d * d;
            }
            lnp[i] = logsumexp(comp, M) - log((double)M) - 0.5 * (LN_2PI + log(g.sigma * g.sigma));
        }
        double I = 0; /* I(mu) = S_X(mu) - S_{X|Theta}: cross-entropy with p_t minus own entropy */
        double Scond = 0.5 * (LN_2PI + 1 + log(g.sigma * g.sigma));
        for (int k = 0; k < M; k++) {
            double mk = mu[(size_t)k * (n + 1) + t];
            double SX = -gauss_average(xg, lnp, G, mk, g.sigma * g.sigma);
            I += (SX - Scond) / M;
        }
        double mex = gauss_mean_t(&g, m0, t), vex = gauss_var_t(&g, random_init ? v0 : 0, t);
        double Iex = 0.5 * log(1 + vex / (g.sigma * g.sigma));
        if (t == 0) var0 = var, I0 = I;
        double dS = random_init ? 0.5 * log(var / var0) : NAN;
        fprintf(f, "%d\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\n", t, mean, mex, var, vex, I, Iex,
                cumQ[t], dS, I - I0);
        /* z-scores of the moments against the closed forms (standard errors) */
        if (vex > 0) {
            worst_moment_z = fmax(worst_moment_z, fabs(mean - mex) / sqrt(vex / M));
            worst_var_z = fmax(worst_var_z, fabs(var - vex) / (vex * sqrt(2.0 / (M - 1))));
        }
        worst_linfo = fmax(worst_linfo, fabs(I - Iex));
        last_I = I, last_Iex = Iex, last_var = var, last_dS = dS;
    }
    out_close(o);

    /* Fluctuation theorem on trial 0's parameter path: sigma over many x-paths,
     * ideal sampler (Eq 40: x_i ~ p(.|mu_i)) and the actual tau-step sampler. */
    const double *path = mu;
    double Dsum = 0;
    for (int t = 0; t < n; t++) Dsum += gauss_kl(path[t], g.sigma * g.sigma, path[t + 1], g.sigma * g.sigma);
    rng_t ri;
    rng_init(&ri, seed, STREAM_IFT);
    double se[2] = {0}, se2[2] = {0}, ss[2] = {0};
    const int NB = 60;
    double *sig = xmalloc((size_t)S * sizeof *sig);
    for (int mode = 0; mode < 2; mode++)
        for (long s = 0; s < S; s++) {
            double sgm = 0;
            if (mode == 0) { /* sigma = sum_i phi_{i+1}(x_i) - phi_i(x_i), x_i ~ p_i */
                for (int t = 0; t < n; t++) {
                    double x = path[t] + g.sigma * rng_normal(&ri);
                    sgm += gauss_phi(&g, path[t + 1], x) - gauss_phi(&g, path[t], x);
                }
            } else { /* actual sampler from x_0 ~ p_0: sigma = -q + phi_n(x_n) - phi_0(x_0) */
                double x = path[0] + g.sigma * rng_normal(&ri), q = 0, x_0 = x;
                for (int t = 1; t <= n; t++) {
                    double xold = x;
                    for (int k = 0; k < tau; k++) x = path[t] + (x - path[t]) * c + g.sigma * sqrt(1 - c * c) * rng_normal(&ri);
                    q += gauss_phi(&g, path[t], x) - gauss_phi(&g, path[t], xold);
                }
                sgm = -q + gauss_phi(&g, path[n], x) - gauss_phi(&g, path[0], x_0);
            }
            double e = exp(-sgm);
            se[mode] += e, se2[mode] += e * e, ss[mode] += sgm;
            if (mode == 0) sig[s] = sgm;
        }
    double ift[2], ci[2];
    for (int mode = 0; mode < 2; mode++) {
        ift[mode] = se[mode] / S;
        ci[mode] = 1.96 * sqrt((se2[mode] / S - ift[mode] * ift[mode]) / (S - 1));
    }
    double smin = INFINITY, smax = -INFINITY;
    for (long s = 0; s < S; s++) smin = fmin(smin, sig[s]), smax = fmax(smax, sig[s]);
    long *hist = xcalloc(NB, sizeof *hist);
    for (long s = 0; s < S; s++) {
        int bin = (int)((sig[s] - smin) / (smax - smin) * NB);
        hist[bin < NB ? bin : NB - 1]++;
    }
    o = out_open(argv[3]);
    f = out_file(o);
    prov_write(f, "Gaussian PPM: distribution of the stochastic EP sigma over x-trajectories (trial 0's parameter path)", conf, seed);
    const column_t ecols[] = {{"sigma", "nats", "bin centre"},
                              {"density", "1/nats", "histogram of sigma, ideal sampler"},
                              {"exp_minus_sigma_weight", "1/nats", "density * exp(-sigma): integrates to <exp(-sigma)> = 1"}};
    columns_write(f, ecols, 3);
    double wbin = (smax - smin) / NB;
    for (int i = 0; i < NB; i++) {
        double cen = smin + (i + 0.5) * wbin, d = hist[i] / (S * wbin);
        fprintf(f, "%.8g\t%.8g\t%.8g\n", cen, d, d * exp(-cen));
    }
    out_close(o);

    /* parameter-side Clausius (Eq 48), per trajectory, with the exact Gaussian p_t(theta) */
    double cl_mean = 0, cl_sq = 0;
    if (random_init) {
        double mt = gauss_mean_t(&g, m0, n), vt = gauss_var_t(&g, v0, n);
        for (int k = 0; k < M; k++) {
            double a = mu[(size_t)k * (n + 1)], z = mu[(size_t)k * (n + 1) + n];
            double ds = 0.5 * (log(2 * M_PI * vt) + (z - mt) * (z - mt) / vt) - 0.5 * (log(2 * M_PI * v0) + (a - m0) * (a - m0) / v0);
            double d = ds + qstoch[k]; /* Eq 48 says Delta s[p(theta)] = -q_x */
            cl_mean += d / M, cl_sq += d * d / M;
        }
    }
    double mQi = 0, mQa = 0, mWa = 0;
    for (int k = 0; k < M; k++) mQi += Qi[k] / M, mQa += Qa[k] / M, mWa += Wa[k] / M;

    numbers_t *nb = numbers_open(argv[4], "Gaussian PPM numbers", conf, seed);
    numbers_put(nb, "gauss_trials", M, "trials");
    numbers_put(nb, "gauss_steps", n, "updates");
    numbers_put(nb, "gauss_K", g.K, "points");
    numbers_put(nb, "gauss_batch", g.b, "points");
    numbers_put(nb, "gauss_rate", g.r, "1");
    numbers_put(nb, "gauss_tau", tau, "steps");
    numbers_put(nb, "gauss_eps", eps, "1");
    numbers_put(nb, "gauss_rh", g.r * g.h, "1");
    numbers_put(nb, "gauss_eq19_residual", worst_eta, "1");
    numbers_put(nb, "gauss_mean_max_z", worst_moment_z, "standard errors");
    numbers_put(nb, "gauss_var_max_z", worst_var_z, "standard errors");
    numbers_put(nb, "gauss_var_final_sim", last_var, "1");
    numbers_put(nb, "gauss_var_stationary", gauss_var_stationary(&g), "1");
    numbers_put(nb, "gauss_T_eff", gauss_T_eff(&g), "1");
    numbers_put(nb, "gauss_T_fdt", gauss_T_fdt(&g), "1");
    numbers_put(nb, "gauss_T_ratio", gauss_T_eff(&g) / gauss_T_fdt(&g), "1");
    numbers_put(nb, "gauss_linfo_final_sim", last_I, "nats");
    numbers_put(nb, "gauss_linfo_final_exact", last_Iex, "nats");
    numbers_put(nb, "gauss_linfo_max_abs_err", worst_linfo, "nats");
    numbers_put(nb, "gauss_linfo_initial", I0, "nats");
    numbers_put(nb, "gauss_minusQ_ideal", -mQi, "nats");
    numbers_put(nb, "gauss_minusQ_actual", -mQa, "nats");
    numbers_put(nb, "gauss_W_actual", mWa, "nats");
    numbers_put(nb, "gauss_first_law_residual", worst_first_law, "nats");
    if (random_init) {
        numbers_put(nb, "gauss_dS_theta", last_dS, "nats");
        numbers_put(nb, "gauss_clausius_gap", -mQi - last_dS, "nats");
        numbers_put(nb, "gauss_eq48_mean", cl_mean, "nats");
        numbers_put(nb, "gauss_eq48_sd", sqrt(fmax(cl_sq - cl_mean * cl_mean, 0)), "nats");
    }
    numbers_put(nb, "gauss_dI", last_I - I0, "nats");
    numbers_put(nb, "gauss_ep_mean_ideal", ss[0] / S, "nats");
    numbers_put(nb, "gauss_ep_exact", Dsum, "nats");
    numbers_put(nb, "gauss_ift_ideal", ift[0], "1");
    numbers_put(nb, "gauss_ift_ideal_ci", ci[0], "1");
    numbers_put(nb, "gauss_ift_actual", ift[1], "1");
    numbers_put(nb, "gauss_ift_actual_ci", ci[1], "1");
    numbers_put(nb, "gauss_ep_mean_actual", ss[1] / S, "nats");
    numbers_put(nb, "gauss_ift_samples", (double)S, "paths");
    numbers_close(nb);
    return 0;
}
