/*
 * ppm_gauss - the Gaussian PPM ensemble through the dual-timescale dynamics of
 * Sec. 5.2.1, every measured quantity next to its closed form. The model and
 * its observables are in src/lib/gauss_ensemble.c (closed forms in src/lib/gauss_exact.c); this
 * program reads the parameters, runs the ensemble and writes the tables.
 *
 *   ppm_gauss PARAMS MOMENTS.tsv EP.tsv SWEEP.tsv NUMBERS.tsv
 *   ppm_gauss keys      (the parameter keys and what they mean)
 *
 * M trials share the data set and differ only in their mini-batch draws (and
 * theta_0 when init = random). Each update is followed by tau exact OU sampler
 * steps at the new parameter (Eq 33). Outputs: ensemble moments, L-info,
 * heat and parameter entropy along training (MOMENTS), the distribution of
 * the stochastic entropy production sigma over x-trajectories (EP), the
 * conditional EP against tau from a drifting and a stationary start (SWEEP).
 * The numbers add Eq 47's two sign conventions on stationary paths, the
 * stationary rates of Eq 49, and Eqs 48-50 in closed form against the start
 * variance v0 and in the quasi-static limit r -> 0 at fixed n r.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gauss_exact.h"
#include "gauss_ensemble.h"
#include "stats.h"
#include "util.h"

#define EP_BINS 60     /* histogram bins of sigma */
#define STREAM_SWEEP (1ull << 60) /* + k: trial k of the tau sweep from theta_0 ~ N(m0, v0) */
#define STREAM_STAT (1ull << 59)  /* + k: trial k of the tau sweep from the stationary law */
#define STREAM_RETRACE (1ull << 58) /* + k: trial k of the backward runs (Appendix A) */
#define STREAM_STARTS (1ull << 57)  /* the start laws of the Delta S_X check; + (j << 32) + k: start j, trial k */

// ---- parameters: one table documents, bounds and reads every key ----------------

#define LIST_MAX GPPM_MAX_TAUS

typedef struct { /* the keys as read (conf_read_spec fills it) */
    long seed, K, batch, trials, steps, tau, ift, every, grid, starts, start_trials;
    double mstar, sstar, sigma, rate, m0, v0, eps, start_lo, start_hi;
    int init;
    long taus[LIST_MAX], log_v0[LIST_MAX], qs_div[LIST_MAX], windows[LIST_MAX];
    int ntaus, nlog_v0, nqs_div, nwindows;
} keys_t;

static const char *const INITS[] = {"fixed", "random", NULL};
#define F(field) offsetof(keys_t, field)
/* Bounds that involve two keys are checked in params_load. */
static const conf_spec_t KEYS[] = {
    {"seed", CONF_INT, F(seed), 0, SEED_MAX, .doc = "seed of every random stream"},
    {"K", CONF_INT, F(K), 2, 1e7, .doc = "data points, drawn once from N(m_star, s_star^2)",
     .quote = "K", .unit = "points"},
    {"m_star", CONF_DOUBLE, F(mstar), -1e6, 1e6, .doc = "mean of the data distribution"},
    {"s_star", CONF_DOUBLE, F(sstar), 1e-9, 1e6, .doc = "std of the data distribution"},
    {"sigma", CONF_DOUBLE, F(sigma), 1e-9, 1e6, .doc = "model std (fixed); h = 1/sigma^2"},
    {"learning_rate", CONF_DOUBLE, F(rate), 1e-12, 1e6, .doc = "r; needs r h < 2", .quote = "rate", .unit = "1"},
    {"batch", CONF_INT, F(batch), 1, 1e7, .doc = "|b| distinct indices per update, <= K",
     .quote = "batch", .unit = "points"},
    {"trials", CONF_INT, F(trials), 2, 1e7, .doc = "ensemble size M", .quote = "trials", .unit = "trials"},
    {"steps", CONF_INT, F(steps), 1, 1e7, .doc = "updates n", .quote = "steps", .unit = "updates"},
    {"init", CONF_CHOICE, F(init), .choices = INITS, .doc = "theta_0 = m0 (fixed) or ~ N(m0, v0) (random)"},
    {"m0", CONF_DOUBLE, F(m0), -1e6, 1e6, .doc = "mean of theta_0"},
    {"v0", CONF_DOUBLE, F(v0), 0, 1e6, .doc = "variance of theta_0, > 0 with init = random"},
    {"tau", CONF_INT, F(tau), 1, 1e8, .doc = "sampler steps per update (Eq 33)", .quote = "tau", .unit = "steps"},
    {"eps", CONF_DOUBLE, F(eps), 1e-12, 1e6, .doc = "OU sampler step: c = exp(-eps/sigma^2)", .quote = "eps", .unit = "1"},
    {"ift_samples", CONF_INT, F(ift), 100, 1e9, .doc = "x-paths for <exp(-sigma)>",
     .quote = "ift_samples", .unit = "paths"},
    {"record_every", CONF_INT, F(every), 1, 1e7, .doc = "updates between table rows, <= steps"},
    {"grid", CONF_INT, F(grid), 100, 1e6, .doc = "quadrature points for the mixture marginal"},
    {"sweep_taus", CONF_LIST, F(taus), 1, 1e5, .count_offset = F(ntaus), .max_count = LIST_MAX,
     .doc = "tau values of the sweep (same r, eps, n, trials)"},
    {"clausius_log10_v0", CONF_LIST, F(log_v0), -12, 2, .count_offset = F(nlog_v0), .max_count = LIST_MAX,
     .doc = "starting variances 10^k of the Eqs 48-50 table"},
    {"quasistatic_divisors", CONF_LIST, F(qs_div), 1, 1e5, .count_offset = F(nqs_div), .max_count = LIST_MAX,
     .doc = "d: r/d for n d updates (r -> 0 at fixed n r)"},
    {"retrace_windows", CONF_LIST, F(windows), 1, 1e7, .count_offset = F(nwindows), .max_count = LIST_MAX,
     .doc = "Appendix A: backward runs of L updates from theta_n, each L <= steps"},
    {"starts", CONF_INT, F(starts), 2, 1e5, .doc = "Delta S_X sign: start laws N(m0, v0), log10 v0 ~ U(lo, hi)",
     .quote = "starts", .unit = "start laws"},
    {"start_trials", CONF_INT, F(start_trials), 2, 1e7, .doc = "trials per start law", .quote = "start_trials", .unit = "trials"},
    {"start_log10_v0_lo", CONF_DOUBLE, F(start_lo), -12, 2, .doc = "lower end of log10 v0 for the start laws",
     .quote = "start_lo", .unit = "1"},
    {"start_log10_v0_hi", CONF_DOUBLE, F(start_hi), -12, 2, .doc = "upper end of log10 v0, > lower end",
     .quote = "start_hi", .unit = "1"},
};
#define NKEYS ((int)(sizeof KEYS / sizeof KEYS[0]))

typedef struct { /* an integer list of the parameter file */
    const long *v;
    int n;
} list_t;

typedef struct {
    conf_t *conf;
    const keys_t *keys; /* as read: the numbers quote some of them */
    uint64_t seed;
    gauss_t g;
    double mstar, sstar, m0, v0, eps;
    int M, n, tau, random_init, every, G;
    long S;
    list_t taus, log_v0, qs_div, windows; /* sweep_taus, clausius_log10_v0, quasistatic_divisors, retrace_windows */
} run_t;

/* The parameters, with the bounds that involve two keys. */
static run_t params_load(const char *path) {
    static keys_t k;
    run_t p = {.conf = conf_read_file(path, KEYS, NKEYS, &k), .keys = &k};
    p.seed = (uint64_t)k.seed;
    p.g = (gauss_t){.sigma = k.sigma, .h = 1.0 / (k.sigma * k.sigma), .r = k.rate, .K = (int)k.K, .b = (int)k.batch};
    p.mstar = k.mstar, p.sstar = k.sstar, p.m0 = k.m0, p.v0 = k.v0, p.eps = k.eps;
    p.M = (int)k.trials, p.n = (int)k.steps, p.tau = (int)k.tau, p.random_init = k.init;
    p.every = (int)k.every, p.G = (int)k.grid, p.S = k.ift;
    p.taus = (list_t){k.taus, k.ntaus}, p.log_v0 = (list_t){k.log_v0, k.nlog_v0}, p.qs_div = (list_t){k.qs_div, k.nqs_div};
    p.windows = (list_t){k.windows, k.nwindows};
    for (int j = 0; j < p.windows.n; j++)
        if (p.windows.v[j] > p.n) die("%s: key 'retrace_windows': %ld exceeds steps = %d", path, p.windows.v[j], p.n);
    if (k.start_hi <= k.start_lo) die("%s: key 'start_log10_v0_hi' must exceed 'start_log10_v0_lo'", path);
    if (p.g.b > p.g.K) die("%s: key 'batch' = %d exceeds K = %d", path, p.g.b, p.g.K);
    if (p.g.r * p.g.h >= 2) die("%s: key 'learning_rate': r/sigma^2 = %g >= 2 makes SGD diverge", path, p.g.r * p.g.h);
    if (p.random_init && p.v0 <= 0) die("%s: key 'v0' must be > 0 with init = random", path);
    if (p.every > p.n) die("%s: key 'record_every' = %d exceeds steps = %d", path, p.every, p.n);
    return p;
}

// ---- outputs -----------------------------------------------------------------

typedef struct { /* worst deviations from the closed forms, and the last recorded row */
    double mean_z, var_z, linfo, I0, I, Iex, var, dS;
} moments_t;

/* One row per recorded update: ensemble moments and L-info against their closed forms. */
static moments_t write_moments(const char *path, const run_t *p, const gppm_t *m, const gppm_ensemble_t *e) {
    const gauss_t *g = &m->g;
    int n = p->n, M = p->M;
    table_t *tb = table_open(path, "Gaussian PPM: ensemble moments, L-info, heat and parameter entropy vs update", p->conf, p->seed, "%.10g");
    int c_t = table_col(tb, "1", "SGD update t", "step");
    int c_mean = table_col(tb, "1", "ensemble mean of mu_t", "mean_sim");
    int c_mex = table_col(tb, "1", "closed form xbar + a^t (m0 - xbar)", "mean_exact");
    int c_var = table_col(tb, "1", "ensemble variance of mu_t (unbiased)", "var_sim");
    int c_vex = table_col(tb, "1", "closed form a^2t v0 + r^2 Var(eta)(1-a^2t)/(1-a^2)", "var_exact");
    int c_vse = table_col(tb, "1", "standard error of var_sim over the trials (gppm_var_se)", "var_se");
    int c_I = table_col(tb, "nats", "ensemble mean of conditional L-info D(p(.|mu)||p_t), mixture p_t", "linfo_sim");
    int c_Iex = table_col(tb, "nats", "ln(1 + v_t/sigma^2)/2", "linfo_exact");
    int c_Q = table_col(tb, "nats", "ensemble mean of -Q_X up to t, ideal sampler", "minusQ_ideal");
    int c_dS = table_col(tb, "nats", "S[Theta_t] - S[Theta_0], Gaussian entropy of the ensemble", "dS_theta");
    int c_dI = table_col(tb, "nats", "linfo_sim(t) - linfo_sim(0)", "dI");
    double *xg = xmalloc((size_t)p->G * sizeof *xg), *lnp = xmalloc((size_t)p->G * sizeof *lnp);
    double *comp = xmalloc((size_t)M * sizeof *comp), *cumQ = xmalloc(((size_t)n + 1) * sizeof *cumQ);
    gppm_heat_cumulative(m, e, cumQ);
    moments_t w = {0};
    double var0 = 0;
    for (int t = 0; t <= n; t++) {
        if (t % p->every && t != n) continue;
        double mean, var, lo, hi, I = gppm_linfo(m, e, t, p->G, xg, lnp, comp);
        gppm_moments(e, t, &mean, &var, &lo, &hi);
        double mex = gauss_mean_t(g, p->m0, t), vex = gauss_var_t(g, p->random_init ? p->v0 : 0, t);
        double Iex = 0.5 * log(1 + vex / (g->sigma * g->sigma));
        if (t == 0) var0 = var, w.I0 = I;
        double dS = p->random_init ? 0.5 * log(var / var0) : NAN;
        table_set(tb, c_t, t), table_set(tb, c_mean, mean), table_set(tb, c_mex, mex), table_set(tb, c_var, var);
        table_set(tb, c_vex, vex), table_set(tb, c_I, I), table_set(tb, c_Iex, Iex), table_set(tb, c_Q, cumQ[t]);
        table_set(tb, c_dS, dS), table_set(tb, c_dI, I - w.I0), table_set(tb, c_vse, gppm_var_se(e, t));
        table_row(tb);
        if (vex > 0) { /* z-scores of the moments against the closed forms (standard errors) */
            w.mean_z = fmax(w.mean_z, fabs(mean - mex) / sqrt(vex / M));
            w.var_z = fmax(w.var_z, fabs(var - vex) / (vex * sqrt(2.0 / (M - 1))));
        }
        w.linfo = fmax(w.linfo, fabs(I - Iex));
        w.I = I, w.Iex = Iex, w.var = var, w.dS = dS;
    }
    table_close(tb);
    free(xg), free(lnp), free(comp), free(cumQ);
    return w;
}

/* Histogram of sigma over the S x-paths of the ideal sampler. */
static void write_ep(const char *path, const run_t *p, const double *sig) {
    long S = p->S;
    double smin = INFINITY, smax = -INFINITY;
    for (long s = 0; s < S; s++) smin = fmin(smin, sig[s]), smax = fmax(smax, sig[s]);
    long hist[EP_BINS] = {0};
    for (long s = 0; s < S; s++) {
        int bin = (int)((sig[s] - smin) / (smax - smin) * EP_BINS);
        hist[bin < EP_BINS ? bin : EP_BINS - 1]++;
    }
    table_t *tb = table_open(path, "Gaussian PPM: distribution of the stochastic EP sigma over x-trajectories (trial 0's parameter path)", p->conf, p->seed, "%.8g");
    int c_s = table_col(tb, "nats", "bin centre", "sigma");
    int c_d = table_col(tb, "1/nats", "histogram of sigma, ideal sampler", "density");
    int c_w = table_col(tb, "1/nats", "density * exp(-sigma): integrates to <exp(-sigma)> = 1", "exp_minus_sigma_weight");
    double wbin = (smax - smin) / EP_BINS;
    for (int i = 0; i < EP_BINS; i++) {
        double cen = smin + (i + 0.5) * wbin, d = hist[i] / (S * wbin);
        table_set(tb, c_s, cen), table_set(tb, c_d, d), table_set(tb, c_w, d * exp(-cen));
        table_row(tb);
    }
    table_close(tb);
}

typedef struct { /* the fluctuation theorem on trial 0's path, both samplers */
    gppm_ift_t ideal, actual;
    double D; /* exact <sigma> of the ideal sampler: sum_t D(p_t || p_{t+1}) */
} ift_result_t;

static ift_result_t run_ift(const run_t *p, const gppm_t *m, const gppm_ensemble_t *e, double *sig) {
    const double *path = e->mu;
    ift_result_t res = {0};
    double s2 = m->g.sigma * m->g.sigma;
    for (int t = 0; t < p->n; t++) res.D += gauss_kl(path[t], s2, path[t + 1], s2);
    rng_t r;
    rng_init(&r, p->seed, GPPM_STREAM_IFT);
    res.ideal = gppm_ift(m, path, p->n, p->S, 0, &r, sig);
    res.actual = gppm_ift(m, path, p->n, p->S, 1, &r, NULL);
    return res;
}

static void write_numbers(numbers_t *nb, const run_t *p, const gppm_t *m, const gppm_ensemble_t *e,
                          const moments_t *w, const ift_result_t *ift) {
    const gauss_t *g = &m->g;
    int M = p->M;
    double mQi = 0, mQa = 0, mWa = 0, cl_mean = 0, cl_sq = 0;
    for (int k = 0; k < M; k++) mQi += e->Q_ideal[k] / M, mQa += e->Q_actual[k] / M, mWa += e->W_actual[k] / M;
    for (int k = 0; k < M && p->random_init; k++) { /* Eq 48 per trajectory */
        const double *mu = e->mu + (size_t)k * (p->n + 1);
        double d = gppm_eq48(m, p->m0, p->v0, p->n, mu[0], mu[p->n], e->q_stoch[k]);
        cl_mean += d / M, cl_sq += d * d / M;
    }
    numbers_put_params(nb, "gauss_", KEYS, NKEYS, p->keys);
    numbers_put(nb, "gauss_rh", g->r * g->h, "1");
    numbers_put(nb, "gauss_eq19_residual", e->worst_eta, "1");
    numbers_put(nb, "gauss_mean_max_z", w->mean_z, "standard errors");
    numbers_put(nb, "gauss_var_max_z", w->var_z, "standard errors");
    numbers_put(nb, "gauss_var_final_sim", w->var, "1");
    numbers_put(nb, "gauss_var_stationary", gauss_var_stationary(g), "1");
    numbers_put(nb, "gauss_T_eff", gauss_T_eff(g), "1");
    numbers_put(nb, "gauss_T_fdt", gauss_T_fdt(g), "1");
    numbers_put(nb, "gauss_T_ratio", gauss_T_eff(g) / gauss_T_fdt(g), "1");
    numbers_put(nb, "gauss_linfo_final_sim", w->I, "nats");
    numbers_put(nb, "gauss_linfo_final_exact", w->Iex, "nats");
    numbers_put(nb, "gauss_linfo_max_abs_err", w->linfo, "nats");
    numbers_put(nb, "gauss_linfo_initial", w->I0, "nats");
    numbers_put(nb, "gauss_minusQ_ideal", -mQi, "nats");
    numbers_put(nb, "gauss_minusQ_actual", -mQa, "nats");
    numbers_put(nb, "gauss_W_actual", mWa, "nats");
    numbers_put(nb, "gauss_first_law_residual", e->worst_first_law, "nats");
    if (p->random_init) {
        numbers_put(nb, "gauss_dS_theta", w->dS, "nats");
        numbers_put(nb, "gauss_clausius_gap", -mQi - w->dS, "nats");
        numbers_put(nb, "gauss_eq48_mean", cl_mean, "nats");
        numbers_put(nb, "gauss_eq48_sd", sqrt(fmax(cl_sq - cl_mean * cl_mean, 0)), "nats");
    }
    numbers_put(nb, "gauss_dI", w->I - w->I0, "nats");
    numbers_put(nb, "gauss_ep_mean_ideal", ift->ideal.mean_sigma, "nats");
    numbers_put(nb, "gauss_ep_exact", ift->D, "nats");
    numbers_put(nb, "gauss_ift_ideal", ift->ideal.mean_exp, "1");
    numbers_put(nb, "gauss_ift_ideal_ci", ift->ideal.ci, "1");
    numbers_put(nb, "gauss_ift_actual", ift->actual.mean_exp, "1");
    numbers_put(nb, "gauss_ift_actual_ci", ift->actual.ci, "1");
    numbers_put(nb, "gauss_ep_mean_actual", ift->actual.mean_sigma, "nats");
}


// ---- the tau sweep, Eq 47 at stationarity, Eqs 48-50 against v0 and r ---------------

enum { START_DRIFT, START_STAT, STARTS }; /* theta_0 ~ N(m0, v0) (drifting), or the stationary law */

typedef struct {
    double *ep[STARTS];           /* ep[s][j M + k]: conditional EP, start s, tau j, trial k */
    double *heat_rate, *ends[2];  /* stationary start: ideal -Q_X per update, mu_0 and mu_n per trial */
    double q46_max, sig_max, inline_abs, ds_abs, literal_abs; /* Eq 47 on the stationary paths */
} sweep_t;

/* Eq 47's two conventions on one stationary path (mu_0 ~ N(xbar, v_inf)). */
static void eq47_path(const gauss_t *g, const double *path, int n, int M, sweep_t *sw) {
    double vinf = gauss_var_stationary(g), q46 = gauss_param_heat(g, path, n);
    double ds = gauss_surprisal_t(g, g->xbar, vinf, n, path[n]) - gauss_surprisal_t(g, g->xbar, vinf, 0, path[0]);
    double dU = gauss_U(g, path[n]) - gauss_U(g, path[0]);
    sw->q46_max = fmax(sw->q46_max, fabs(q46 - ds));
    sw->sig_max = fmax(sw->sig_max, fabs(gauss_param_ep(g, g->xbar, vinf, path, n)));
    sw->inline_abs += fabs(-q46 - ds) / M, sw->ds_abs += fabs(ds) / M, sw->literal_abs += fabs(q46 - dU) / M;
}

/* Both starts, every tau, on common parameter paths per start (the sampler does not act back on mu). */
static sweep_t sweep_run(const run_t *p, const gppm_t *m) {
    const gauss_t *g = &m->g;
    int M = p->M, n = p->n, nt = p->taus.n, taus[LIST_MAX];
    for (int j = 0; j < nt; j++) taus[j] = (int)p->taus.v[j];
    sweep_t sw = {0};
    double *path = xmalloc(((size_t)n + 1) * sizeof *path), ep[LIST_MAX];
    for (int s = 0; s < STARTS; s++) sw.ep[s] = xmalloc((size_t)nt * M * sizeof *sw.ep[s]);
    sw.heat_rate = xmalloc((size_t)M * sizeof *sw.heat_rate);
    sw.ends[0] = xmalloc((size_t)M * sizeof *sw.ends[0]), sw.ends[1] = xmalloc((size_t)M * sizeof *sw.ends[1]);
    for (int k = 0; k < M; k++)
        for (int s = 0; s < STARTS; s++) {
            rng_t r;
            rng_init(&r, p->seed, (s == START_DRIFT ? STREAM_SWEEP : STREAM_STAT) + (uint64_t)k);
            double m0 = s == START_DRIFT ? p->m0 : g->xbar, v0 = s == START_DRIFT ? (p->random_init ? p->v0 : 0) : gauss_var_stationary(g);
            gppm_sweep_trial(m, taus, nt, n, m0, v0, &r, path, ep);
            for (int j = 0; j < nt; j++) sw.ep[s][(size_t)j * M + k] = ep[j];
            if (s != START_STAT) continue;
            double heat = 0;
            for (int t = 1; t <= n; t++) heat += 0.5 * g->h * (path[t] - path[t - 1]) * (path[t] - path[t - 1]);
            sw.heat_rate[k] = heat / n, sw.ends[0][k] = path[0], sw.ends[1][k] = path[n];
            eq47_path(g, path, n, M, &sw);
        }
    free(path);
    return sw;
}

/* The sweep table (closed form and ensemble per tau and start) and its numbers keys. */
static void sweep_write(const char *path, const run_t *p, const gppm_t *m, const sweep_t *sw, numbers_t *nb) {
    const gauss_t *g = &m->g;
    int M = p->M, n = p->n;
    static const char *const start_name[STARTS] = {"", "stat_"}, *const start_desc[STARTS] = {"from theta_0 ~ N(m0, v0)", "from the stationary law"};
    table_t *tb = table_open(path, "Gaussian PPM: conditional EP against the sampler's steps per update tau", p->conf, p->seed, "%.10g");
    int c_tau = table_col(tb, "steps", "sampler steps per update", "tau"), c_mem = table_col(tb, "1", "memory kept per update, c^tau", "memory");
    int c_ex[STARTS], c_sim[STARTS], c_se[STARTS], c_fl[STARTS];
    for (int s = 0; s < STARTS; s++) {
        c_ex[s] = table_col(tb, "nats", start_desc[s], "ep_%sexact", start_name[s]);
        c_sim[s] = table_col(tb, "nats", "ensemble mean of the same", "ep_%ssim", start_name[s]);
        c_se[s] = table_col(tb, "nats", "its standard error", "ep_%sse", start_name[s]);
        c_fl[s] = table_col(tb, "nats", "perfect sampler (tau -> infinity)", "floor_%s", s ? "stat" : "drift");
    }
    double worst_z = 0;
    for (int j = 0; j < p->taus.n; j++) {
        long tau = p->taus.v[j];
        double C = pow(m->c, (double)tau);
        table_set(tb, c_tau, tau), table_set(tb, c_mem, C);
        for (int s = 0; s < STARTS; s++) {
            double m0 = s == START_DRIFT ? p->m0 : g->xbar, v0 = s == START_DRIFT ? (p->random_init ? p->v0 : 0) : gauss_var_stationary(g);
            double ex = gauss_heat_exact(g, m0, v0, C, n).ep, fl = gauss_heat_exact(g, m0, v0, 0, n).ep;
            double sim = stats_mean(sw->ep[s] + (size_t)j * M, NULL, M), se = stats_sd(sw->ep[s] + (size_t)j * M, NULL, M) / sqrt(M);
            table_set(tb, c_ex[s], ex), table_set(tb, c_sim[s], sim), table_set(tb, c_se[s], se), table_set(tb, c_fl[s], fl);
            numbers_putf(nb, ex, "nats", "gauss_tausweep_%stau%ld_ep", start_name[s], tau);
            numbers_putf(nb, sim, "nats", "gauss_tausweep_%stau%ld_ep_sim", start_name[s], tau);
            numbers_putf(nb, se, "nats", "gauss_tausweep_%stau%ld_ep_se", start_name[s], tau);
            if (j == 0) numbers_putf(nb, fl, "nats", "gauss_tausweep_%sfloor", start_name[s]);
            worst_z = fmax(worst_z, fabs(sim - ex) / se);
        }
        numbers_putf(nb, C, "1", "gauss_tausweep_tau%ld_memory", tau);
        table_row(tb);
    }
    table_close(tb);
    numbers_put(nb, "gauss_tausweep_max_z", worst_z, "standard errors");
}

/* Eq 47's conventions and the stationary rates of Eq 49 (from the stationary sweep paths). */
static void stationary_write(const run_t *p, const gppm_t *m, const sweep_t *sw, numbers_t *nb) {
    const gauss_t *g = &m->g;
    int M = p->M;
    numbers_put(nb, "gauss_eq47_q46_max_residual", sw->q46_max, "nats");
    numbers_put(nb, "gauss_eq47_sigma_theta_max", sw->sig_max, "nats");
    numbers_put(nb, "gauss_eq47_inline_mean_abs_residual", sw->inline_abs, "nats");
    numbers_put(nb, "gauss_eq47_ds_mean_abs", sw->ds_abs, "nats");
    numbers_put(nb, "gauss_eq47_literal_mean_abs_residual", sw->literal_abs, "nats");
    numbers_put(nb, "gauss_stat_minusQ_rate_exact", g->r * g->h * gauss_T_eff(g), "nats/update");
    numbers_put(nb, "gauss_stat_minusQ_rate_sim", stats_mean(sw->heat_rate, NULL, M), "nats/update");
    numbers_put(nb, "gauss_stat_minusQ_rate_se", stats_sd(sw->heat_rate, NULL, M) / sqrt(M), "nats/update");
    double s0 = stats_sd(sw->ends[0], NULL, M), sn = stats_sd(sw->ends[1], NULL, M);
    numbers_put(nb, "gauss_stat_dS_sim", log(sn / s0), "nats"); /* (1/2) ln(var_n / var_0) */
    numbers_put(nb, "gauss_stat_dS_se", 1 / sqrt(M - 1.0), "nats");
}

/* Eqs 48-50 in closed form against the arbitrary start v0 (and from stationarity). */
static void v0_write(const run_t *p, const gppm_t *m, numbers_t *nb) {
    const gauss_t *g = &m->g;
    int n = p->n;
    double s2 = g->sigma * g->sigma, C = pow(m->c, p->tau);
    for (int j = 0; j <= p->log_v0.n; j++) {
        int stat = j == p->log_v0.n;
        long e = stat ? 0 : p->log_v0.v[j];
        double v0 = stat ? gauss_var_stationary(g) : pow(10.0, (double)e), vn = gauss_var_t(g, v0, n);
        char name[32];
        if (stat) snprintf(name, sizeof name, "stat");
        else snprintf(name, sizeof name, "%c%ld", e < 0 ? 'm' : 'p', labs(e));
        double dS = 0.5 * log(vn / v0), mQ = gauss_heat_exact(g, p->m0, v0, 0, n).minusQ;
        numbers_putf(nb, dS, "nats", "gauss_v0_%s_dS", name);
        numbers_putf(nb, mQ, "nats", "gauss_v0_%s_minusQ", name);
        numbers_putf(nb, gauss_heat_exact(g, p->m0, v0, C, n).minusQ, "nats", "gauss_v0_%s_minusQ_actual", name);
        numbers_putf(nb, 0.5 * log((s2 + vn) / (s2 + v0)), "nats", "gauss_v0_%s_dI", name);
        numbers_putf(nb, mQ - dS, "nats", "gauss_v0_%s_gap", name);
        /* Eq 27 on the learning machine (X | Theta ~ N(Theta, sigma^2), ideal sampler):
         * Sigma = Delta S_X + Delta S_Theta, with Delta S_X = Delta I since S_{X|Theta} is fixed;
         * I(0) > 0 says how correlated the start is */
        numbers_putf(nb, dS + 0.5 * log((s2 + vn) / (s2 + v0)), "nats", "gauss_v0_%s_sigma", name);
        numbers_putf(nb, 0.5 * log(1 + v0 / s2), "nats", "gauss_v0_%s_I0", name);
    }
    /* Eqs 28-29 at the run's own start: the joint entropy S_{X,Theta} = S_Theta + S_{X|Theta}
     * changes by Delta S_Theta, so Sigma - Delta I = Delta S_{X,Theta}, not 0 (Eq 29's premise) */
    if (p->random_init) {
        double v0 = p->v0, vn = gauss_var_t(g, v0, n), dS = 0.5 * log(vn / v0), dI = 0.5 * log((s2 + vn) / (s2 + v0));
        numbers_put(nb, "gauss_eq29_dS_joint", dS, "nats");
        numbers_put(nb, "gauss_eq29_sigma", dS + dI, "nats");
        numbers_put(nb, "gauss_eq29_dI", dI, "nats");
    }
}

/* The quasi-static limit of Eqs 49-50: r/d for n d updates (fixed n r), same v0. */
static void quasistatic_write(const run_t *p, const gppm_t *m, numbers_t *nb) {
    const gauss_t *g0 = &m->g;
    double s2 = g0->sigma * g0->sigma, v0 = p->v0;
    for (int j = 0; j < p->qs_div.n; j++) {
        long d = p->qs_div.v[j];
        gauss_t g = *g0;
        g.r = g0->r / (double)d;
        int n = (int)(p->n * d);
        double vn = gauss_var_t(&g, v0, n);
        gauss_heat_t ideal = gauss_heat_exact(&g, p->m0, v0, 0, n);
        numbers_putf(nb, g.r, "1", "gauss_qs_d%ld_rate", d);
        numbers_putf(nb, ideal.minusQ, "nats", "gauss_qs_d%ld_minusQ", d);
        numbers_putf(nb, 0.5 * log(vn / v0), "nats", "gauss_qs_d%ld_dS", d);
        numbers_putf(nb, 0.5 * log((s2 + vn) / (s2 + v0)), "nats", "gauss_qs_d%ld_dI", d);
        numbers_putf(nb, gauss_var_stationary(&g), "1", "gauss_qs_d%ld_vinf", d);
    }
    numbers_put(nb, "gauss_qs_nr", p->n * g0->r, "1");
    numbers_put(nb, "gauss_qs_limit_dS", -g0->h * p->n * g0->r, "nats");
}

// ---- Appendix A: SGD run backward, against the closed form ----------------------------

/* M trials: forward n updates, then the backward run from theta_n on the reversed batches
 * (gppm_retrace_trial). Per step: the backward step from theta_{t+1} misses theta_t by
 * gauss_retrace_step; along the run the error obeys gauss_retrace_run. Numbers: the
 * worst deviation of both from the closed form, the lazy surrogate's worst miss, and per
 * window L the mean distance |back_{n-L} - mu_{n-L}| with its standard error, relative to
 * the mean forward displacement |mu_n - mu_{n-L}| over the same window. */
static void retrace_write(const run_t *p, const gppm_t *m, numbers_t *nb) {
    const gauss_t *g = &m->g;
    int M = p->M, n = p->n, nw = p->windows.n;
    double *mu = xmalloc(((size_t)n + 1) * sizeof *mu), *xb = xmalloc((size_t)n * sizeof *xb);
    double *back = xmalloc(((size_t)n + 1) * sizeof *back), *err = xmalloc(((size_t)n + 1) * sizeof *err);
    double *dist = xmalloc((size_t)nw * M * sizeof *dist), *disp = xmalloc((size_t)nw * M * sizeof *disp);
    double step_resid = 0, step_rel = 0, run_resid = 0, lazy_max = 0, lazy_scale = 0;
    for (int k = 0; k < M; k++) {
        rng_t r;
        rng_init(&r, p->seed, STREAM_RETRACE + (uint64_t)k);
        rng_t r_lazy = r; /* the same batches for the lazy surrogate */
        double v0 = p->random_init ? p->v0 : 0;
        gppm_retrace_trial(m, n, p->m0, v0, 0, &r, mu, xb, back);
        for (int t = 0; t < n; t++) { /* one backward step from the exact theta_{t+1} */
            double miss = gppm_backward_step(m, mu[t + 1], xb[t]) - mu[t], want = gauss_retrace_step(g, mu[t], xb[t]);
            double scale = g->r * g->h * g->r * g->h * (fabs(mu[t]) + fabs(xb[t])); /* what cancels in miss */
            step_resid = fmax(step_resid, fabs(miss - want) / scale);
            step_rel += fabs(miss) / fabs(mu[t + 1] - mu[t]) / ((double)n * M); /* r h by the closed form */
        }
        gauss_retrace_run(g, mu, xb, n, err);
        for (int t = 0; t < n; t++) {
            double rh2 = g->r * g->h * g->r * g->h, scale = fmax(fabs(err[t]), rh2 * (fabs(mu[t]) + fabs(xb[t])));
            run_resid = fmax(run_resid, fabs(back[t] - mu[t] - err[t]) / scale);
        }
        for (int j = 0; j < nw; j++) {
            int t = n - (int)p->windows.v[j];
            dist[(size_t)j * M + k] = fabs(back[t] - mu[t]), disp[(size_t)j * M + k] = fabs(mu[n] - mu[t]);
        }
        gppm_retrace_trial(m, n, p->m0, v0, 1, &r_lazy, mu, xb, back);
        for (int t = 0; t <= n; t++) lazy_max = fmax(lazy_max, fabs(back[t] - mu[t])), lazy_scale = fmax(lazy_scale, fabs(mu[t]));
    }
    numbers_put(nb, "gauss_retrace_step_resid", step_resid, "1");
    numbers_put(nb, "gauss_retrace_step_over_move", step_rel, "1");
    numbers_put(nb, "gauss_retrace_run_resid", run_resid, "1");
    numbers_put(nb, "gauss_retrace_lazy_max", lazy_max / lazy_scale, "1");
    numbers_put(nb, "gauss_retrace_amplification", 1 + g->r * g->h, "1");
    for (int j = 0; j < nw; j++) {
        long L = p->windows.v[j];
        const double *d = dist + (size_t)j * M, *f = disp + (size_t)j * M;
        numbers_putf(nb, stats_mean(d, NULL, M), "1", "gauss_retrace_L%ld_dist", L);
        numbers_putf(nb, stats_sd(d, NULL, M) / sqrt(M), "1", "gauss_retrace_L%ld_dist_se", L);
        numbers_putf(nb, stats_mean(f, NULL, M), "1", "gauss_retrace_L%ld_move", L);
    }
    free(mu), free(xb), free(back), free(err), free(dist), free(disp);
}

// ---- Eq 24 on the Gaussian PPM: coefficients of variation over the ensemble -------------

/* Per trial: the dissipated heat -Q_X (ideal sampler), the final conditional L-info
 * D(p(.|mu_k) || p_n) with the mixture marginal, and the change of the parameters'
 * stochastic entropy s[p_t(theta)] over the run (the per-trajectory M-info change, since
 * I(Theta; B) = S[Theta] by Eq 14; exact Gaussian p_t, needs init = random). */
static void cv_write(const run_t *p, const gppm_t *m, const gppm_ensemble_t *e, numbers_t *nb) {
    int M = p->M, n = p->n;
    double *x = xmalloc((size_t)M * sizeof *x), *xg = xmalloc((size_t)p->G * sizeof *xg);
    double *lnp = xmalloc((size_t)p->G * sizeof *lnp), *comp = xmalloc((size_t)M * sizeof *comp), se, cv;
    for (int k = 0; k < M; k++) x[k] = -e->Q_ideal[k];
    cv = stats_cv(x, M, &se);
    numbers_put(nb, "gauss_cv_minusQ", cv, "1"), numbers_put(nb, "gauss_cv_minusQ_se", se, "1");
    gppm_linfo_trials(m, e, n, p->G, xg, lnp, comp, x);
    cv = stats_cv(x, M, &se);
    numbers_put(nb, "gauss_cv_linfo", cv, "1"), numbers_put(nb, "gauss_cv_linfo_se", se, "1");
    if (p->random_init) {
        for (int k = 0; k < M; k++) {
            const double *mu = e->mu + (size_t)k * (n + 1);
            x[k] = gauss_surprisal_t(&m->g, p->m0, p->v0, n, mu[n]) - gauss_surprisal_t(&m->g, p->m0, p->v0, 0, mu[0]);
        }
        cv = stats_cv(x, M, &se);
        numbers_put(nb, "gauss_cv_minfo", cv, "1"), numbers_put(nb, "gauss_cv_minfo_se", se, "1");
    }
    free(x), free(xg), free(lnp), free(comp);
}

// ---- "Delta S_X is always negative from a random start" (discussion) ---------------------

/* Start law j: theta_0 ~ N(m0, v0_j), log10 v0_j ~ U(lo, hi) (drawn on stream STREAM_STARTS).
 * For each, start_trials trials of n updates; Delta S_X = Delta of the ensemble mean of the
 * cross-entropy S_X(mu) to the mixture marginal, = Delta of the mixture L-info since
 * S_{X|Theta} is the same for every mu (Eq 44); closed form (1/2) ln((sigma^2 + v_n)/(sigma^2 + v0)).
 * Numbers: the fraction of start laws with Delta S_X < 0 (simulated, and by the closed form),
 * the mean over start laws and its standard error, the largest |sim - exact|, and the laws
 * whose simulated sign differs from the closed form's (their count, and the largest exact
 * |Delta S_X| among them: 0 when there are none). */
static void starts_write(const run_t *p, const gppm_t *m, numbers_t *nb) {
    const gauss_t *g = &m->g;
    int J = (int)p->keys->starts, Ms = (int)p->keys->start_trials, n = p->n;
    double lo = p->keys->start_lo, hi = p->keys->start_hi, s2 = g->sigma * g->sigma;
    double *ds = xmalloc((size_t)J * sizeof *ds), *xg = xmalloc((size_t)p->G * sizeof *xg);
    double *lnp = xmalloc((size_t)p->G * sizeof *lnp), *comp = xmalloc((size_t)Ms * sizeof *comp);
    int nneg = 0, nneg_exact = 0, ndis = 0;
    double worst = 0, dis_abs = 0;
    rng_t law;
    rng_init(&law, p->seed, STREAM_STARTS);
    gppm_ensemble_t e;
    gppm_ensemble_alloc(&e, Ms, n);
    for (int j = 0; j < J; j++) {
        double v0 = pow(10.0, lo + (hi - lo) * rng_uniform(&law));
        e.worst_eta = e.worst_first_law = 0;
        for (int k = 0; k < Ms; k++)
            gppm_ensemble_trial(m, &e, k, p->m0, v0, p->seed + ((uint64_t)(j + 1) << 32)); /* own streams per law */
        ds[j] = gppm_linfo(m, &e, n, p->G, xg, lnp, comp) - gppm_linfo(m, &e, 0, p->G, xg, lnp, comp);
        double ex = 0.5 * log((s2 + gauss_var_t(g, v0, n)) / (s2 + v0));
        nneg += ds[j] < 0, nneg_exact += ex < 0;
        if ((ds[j] < 0) != (ex < 0)) ndis++, dis_abs = fmax(dis_abs, fabs(ex)); /* signs differ: how far from 0 is the truth */
        worst = fmax(worst, fabs(ds[j] - ex));
    }
    double neg = (double)nneg / J, neg_exact = (double)nneg_exact / J;
    numbers_put(nb, "gauss_starts_frac_neg", neg, "1");
    numbers_put(nb, "gauss_starts_frac_neg_se", sqrt(neg * (1 - neg) / J), "1");
    numbers_put(nb, "gauss_starts_frac_neg_exact", neg_exact, "1");
    numbers_put(nb, "gauss_starts_dSX_mean", stats_mean(ds, NULL, J), "nats");
    numbers_put(nb, "gauss_starts_dSX_se", stats_sd(ds, NULL, J) / sqrt(J), "nats");
    numbers_put(nb, "gauss_starts_max_abs_err", worst, "nats");
    numbers_put(nb, "gauss_starts_sign_disagree", ndis, "start laws");
    numbers_put(nb, "gauss_starts_sign_disagree_max_exact", dis_abs, "nats");
    numbers_put(nb, "gauss_starts_v_inf", gauss_var_stationary(g), "1");
    gppm_ensemble_free(&e);
    free(ds), free(xg), free(lnp), free(comp);
}

int main(int argc, char **argv) {
    prog_name = "ppm_gauss";
    if (argc == 2 && strcmp(argv[1], "keys") == 0) return conf_print_keys(KEYS, NKEYS), 0;
    if (argc != 6) die("usage: ppm_gauss PARAMS MOMENTS.tsv EP.tsv SWEEP.tsv NUMBERS.tsv, or ppm_gauss keys");
    run_t p = params_load(argv[1]);
    double *data = gppm_data(&p.g, p.mstar, p.sstar, p.seed);
    gppm_t m = gppm_model(&p.g, data, p.eps, p.tau);
    gppm_ensemble_t e;
    gppm_ensemble_alloc(&e, p.M, p.n);
    progress_t prog;
    progress_start(&prog, "trials", p.M);
    for (int k = 0; k < p.M; k++) {
        gppm_ensemble_trial(&m, &e, k, p.m0, p.random_init ? p.v0 : 0, p.seed);
        progress_step(&prog, 1, NULL);
    }
    progress_end(&prog, NULL);
    moments_t w = write_moments(argv[2], &p, &m, &e);
    double *sig = xmalloc((size_t)p.S * sizeof *sig);
    ift_result_t ift = run_ift(&p, &m, &e, sig);
    write_ep(argv[3], &p, sig);
    numbers_t *nb = numbers_open(argv[5], "Gaussian PPM numbers", p.conf, p.seed);
    write_numbers(nb, &p, &m, &e, &w, &ift);
    sweep_t sw = sweep_run(&p, &m);
    sweep_write(argv[4], &p, &m, &sw, nb);
    stationary_write(&p, &m, &sw, nb);
    v0_write(&p, &m, nb);
    if (p.random_init) quasistatic_write(&p, &m, nb);
    retrace_write(&p, &m, nb);
    cv_write(&p, &m, &e, nb);
    starts_write(&p, &m, nb);
    numbers_close(nb);
    for (int s = 0; s < STARTS; s++) free(sw.ep[s]);
    free(sw.heat_rate), free(sw.ends[0]), free(sw.ends[1]), free(sig), free(data);
    gppm_ensemble_free(&e);
    return 0;
}
