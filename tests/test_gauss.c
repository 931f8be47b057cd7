/* The Gaussian PPM: the production ensemble of src/lib/gauss_ensemble.c (the functions
 * src/prog/ppm_gauss.c runs) and the closed forms of src/lib/gauss_exact.c, each checked by
 * an independent route: enumeration of every mini-batch, the exact Gaussian
 * moments, direct density evaluation, quadrature written here, or Monte Carlo
 * with its standard error (bounds of 4 standard errors unless stated). */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <math.h>
#include <string.h>

#include "gauss_exact.h"
#include "gauss_ensemble.h"
#include "rng.h"
#include "stats.h"
#include "thermo.h"

static const double data8[8] = {0.3, 2.9, -1.2, 1.7, 0.8, 3.4, -0.4, 1.1};

static gauss_t model(int b, double r) {
    gauss_t g = {.sigma = 1.3, .r = r, .K = 8, .b = b};
    g.h = 1 / (g.sigma * g.sigma);
    g.xbar = g.s2 = 0;
    for (int k = 0; k < 8; k++) g.xbar += data8[k] / 8;
    for (int k = 0; k < 8; k++) g.s2 += (data8[k] - g.xbar) * (data8[k] - g.xbar) / 8;
    return g;
}

/* N(x; m, v) written out, independent of gauss_phi. */
static double ln_normal(double x, double m, double v) { return -0.5 * log(2 * M_PI * v) - 0.5 * (x - m) * (x - m) / v; }

/* An ensemble of M production trials of n updates (the caller frees it). */
static gppm_ensemble_t run_ensemble(const gppm_t *p, int M, int n, double m0, double v0, uint64_t seed) {
    gppm_ensemble_t e;
    gppm_ensemble_alloc(&e, M, n);
    for (int k = 0; k < M; k++) gppm_ensemble_trial(p, &e, k, m0, v0, seed);
    return e;
}

/* Eq 20's noise power by enumerating all C(8,b) batches of distinct indices. */
Test(eq20, noise_variance_formula_matches_enumeration_of_all_batches) {
    for (int b = 1; b <= 7; b++) {
        gauss_t g = model(b, 0.1);
        double s = 0, s2 = 0;
        int count = 0;
        for (int mask = 0; mask < 256; mask++) {
            if (__builtin_popcount(mask) != b) continue;
            double xb = 0;
            for (int k = 0; k < 8; k++)
                if (mask >> k & 1) xb += data8[k] / b;
            double eta = g.h * (xb - g.xbar); /* Eq 19's noise */
            s += eta, s2 += eta * eta, count++;
        }
        cr_expect(epsilon_eq(dbl, s / count, 0, 1e-14), "eta has mean zero");
        cr_expect(epsilon_eq(dbl, s2 / count, gauss_noise_var(&g), 1e-13), "b = %d", b);
    }
}

/* The production SGD step draws batches of distinct indices: the variance of
 * its eta matches the without-replacement formula (4 SE), which differs from
 * the with-replacement one, h^2 s2 / b, by the factor (K - b)/(K - 1) = 5/7. */
Test(eq20, production_batches_have_the_without_replacement_noise_power) {
    gauss_t g = model(3, 0.1);
    gppm_t p = gppm_model(&g, data8, 0.1, 1);
    rng_t r;
    rng_init(&r, 2020, 0);
    enum { N = 200000 };
    static double eta[N];
    uint32_t idx[3];
    for (int i = 0; i < N; i++) gppm_sgd_step(&p, 0.0, &r, idx, &eta[i]);
    double m = stats_mean(eta, NULL, N), m2 = 0, m4 = 0;
    for (int i = 0; i < N; i++) m2 += eta[i] * eta[i] / N, m4 += pow(eta[i], 4) / N;
    double se = sqrt((m4 - m2 * m2) / N), V = gauss_noise_var(&g);
    cr_expect(lt(dbl, fabs(m), 4 * stats_sd(eta, NULL, N) / sqrt(N)), "mean %g", m);
    cr_expect(lt(dbl, fabs(m2 - V), 4 * se), "Var(eta) = %g +- %g vs %g", m2, se, V);
    cr_expect(gt(dbl, fabs(m2 - g.h * g.h * g.s2 / 3), 10 * se), "with replacement would be rejected");
}

/* Eq 19: the production SGD step is exactly -r grad U_B + r eta, and eta does
 * not depend on mu (the same batch from three mu gives the same eta). */
Test(eq19, gaussian_sgd_step_is_drift_plus_noise) {
    gauss_t g = model(3, 0.2);
    gppm_t p = gppm_model(&g, data8, 0.1, 1);
    const double mus[] = {-2.5, 0.1, 4.0};
    for (int rep = 0; rep < 20; rep++)
        for (int i = 0; i < 3; i++) {
            rng_t r;
            rng_init(&r, 19, (uint64_t)rep); /* same stream: same batch for every mu */
            uint32_t idx[3];
            double eta, mu = mus[i], next = gppm_sgd_step(&p, mu, &r, idx, &eta);
            double xb = (data8[idx[0]] + data8[idx[1]] + data8[idx[2]]) / 3;
            cr_assert(idx[0] != idx[1] && idx[1] != idx[2] && idx[0] != idx[2], "distinct indices");
            double gradU = g.h * (mu - g.xbar);
            cr_expect(epsilon_eq(dbl, next - mu, -g.r * gradU + g.r * eta, 1e-14));
            cr_expect(epsilon_eq(dbl, eta, g.h * (xb - g.xbar), 1e-14), "eta is independent of mu");
        }
}

/* Eq 22 and the temperature of Eq 20: the AR(1) dynamics has stationary
 * variance T_eff/h with T_eff = r Var(eta)/(2 - r h); the FDT reading
 * T = r Var(eta)/2 is exact only as r h -> 0; the paper's T = 1 is not it. */
Test(eq22, stationary_variance_is_gibbs_at_the_discrete_temperature) {
    gauss_t g = model(2, 0.4);
    double v = 0;
    for (int t = 0; t < 20000; t++) v = pow(1 - g.r * g.h, 2) * v + g.r * g.r * gauss_noise_var(&g);
    cr_expect(epsilon_eq(dbl, v, gauss_var_stationary(&g), 1e-12));
    cr_expect(epsilon_eq(dbl, gauss_T_eff(&g), g.r * gauss_noise_var(&g) / (2 - g.r * g.h), 1e-12));
    cr_expect(epsilon_eq(dbl, gauss_T_eff(&g) / gauss_T_fdt(&g), 2 / (2 - g.r * g.h), 1e-12));
    cr_expect(gt(dbl, fabs(gauss_T_eff(&g) - 1), 0.1), "T = 1 is not the stationary temperature here");
    for (int t = 0; t < 50; t++) /* the closed form v_t agrees with the recursion at every t */
        cr_expect(epsilon_eq(dbl, gauss_var_t(&g, 0.3, t + 1), pow(1 - g.r * g.h, 2) * gauss_var_t(&g, 0.3, t) + g.r * g.r * gauss_noise_var(&g), 1e-12));
}

/* The production ensemble's mean and variance of mu_t follow the exact
 * moments at every t (Monte Carlo, 4 standard errors; variance SE for a
 * Gaussian ensemble: v sqrt(2/(M-1))). */
Test(eq22, production_ensemble_follows_the_exact_moments) {
    gauss_t g = model(2, 0.3);
    gppm_t p = gppm_model(&g, data8, 0.1, 2);
    const int M = 4000, n = 40;
    gppm_ensemble_t e = run_ensemble(&p, M, n, -1.0, 0.2, 22);
    for (int t = 0; t <= n; t += 5) {
        double mean, var, lo, hi, mex = gauss_mean_t(&g, -1.0, t), vex = gauss_var_t(&g, 0.2, t);
        gppm_moments(&e, t, &mean, &var, &lo, &hi);
        cr_expect(lt(dbl, fabs(mean - mex), 4 * sqrt(vex / M)), "t %d: mean %g vs %g", t, mean, mex);
        cr_expect(lt(dbl, fabs(var - vex), 4 * vex * sqrt(2.0 / (M - 1))), "t %d: var %g vs %g", t, var, vex);
        cr_expect(le(dbl, lo, mean), "t %d", t);
        cr_expect(ge(dbl, hi, mean), "t %d", t);
    }
    cr_expect(lt(dbl, e.worst_eta, 1e-13), "Eq 19 inside the ensemble: %g", e.worst_eta);
    gppm_ensemble_free(&e);
}

/* The standard error of the ensemble variance (the error bars of the moments figure)
 * against the spread of s^2 itself over R = 4000 independent ensembles of M = 200 values,
 * for exponential values (fourth moment 9 sigma^4: the normal-theory sqrt(2/(M - 1)) s^2
 * would be half the spread) and for normal ones: the root mean of se^2 must match the sd of
 * s^2 within 6 % (the sd's own Monte Carlo error is 1.1 % for the normal case, about 3 %
 * for the heavy-tailed s^2 of the exponential; the plug-in m4's O(1/M) bias about 2 %). */
Test(eq22, ensemble_variance_error_matches_the_spread_over_ensembles) {
    enum { M = 200, R = 4000 };
    gppm_ensemble_t e;
    gppm_ensemble_alloc(&e, M, 0);
    rng_t r;
    rng_init(&r, 2222, 0);
    for (int law = 0; law < 2; law++) {
        double s2[R], se2 = 0;
        for (int j = 0; j < R; j++) {
            for (int k = 0; k < M; k++) e.mu[k] = law ? rng_normal(&r) : -log(1 - rng_uniform(&r));
            double mean, lo, hi;
            gppm_moments(&e, 0, &mean, &s2[j], &lo, &hi);
            double se = gppm_var_se(&e, 0);
            se2 += se * se / R;
        }
        double sd = stats_sd(s2, NULL, R);
        cr_expect(epsilon_eq(dbl, sqrt(se2), sd, 0.06 * sd), "%s values: se %g, spread of s^2 %g",
                  law ? "normal" : "exponential", sqrt(se2), sd);
    }
    gppm_ensemble_free(&e);
}

/* Eq 23: the AR(1) kernel with Gaussian noise obeys detailed balance with
 * respect to exp(-U_B/T_eff) - at T_eff, not at the paper's T = 1. */
Test(eq23, detailed_balance_holds_at_t_eff_not_at_t_one) {
    gauss_t g = model(2, 0.3);
    double T = gauss_T_eff(&g), worst1 = 0;
    rng_t r;
    rng_init(&r, 23, 0);
    for (int i = 0; i < 100; i++) {
        double a = g.xbar + rng_normal(&r), b = g.xbar + rng_normal(&r);
        double lhs = gauss_ln_kernel(&g, b, a) - gauss_ln_kernel(&g, a, b);
        cr_expect(epsilon_eq(dbl, lhs, -(gauss_U(&g, b) - gauss_U(&g, a)) / T, 1e-9 * (1 + fabs(lhs))));
        worst1 = fmax(worst1, fabs(lhs + (gauss_U(&g, b) - gauss_U(&g, a))));
    }
    cr_expect(gt(dbl, worst1, 1.0), "the literal T = 1 version misses by %g", worst1);
}

/* Eqs 37-38: the sampler's memory of its start decays like c^tau: the KL
 * from the tau-step kernel to p(.|mu) falls by c^2 per extra step. */
Test(eq37, sampler_memory_decays_at_the_ou_rate) {
    gauss_t g = model(2, 0.1);
    double eps = 0.2, c = exp(-eps * g.h), mu = 0.7, x = 3.1, prev = INFINITY;
    for (int tau = 1; tau <= 60; tau++) {
        double m, sd;
        gauss_sampler(&g, eps, tau, mu, x, &m, &sd);
        double d = gauss_kl(m, sd * sd, mu, g.sigma * g.sigma);
        cr_assert(lt(dbl, d, prev));
        if (tau > 40) cr_expect(epsilon_eq(dbl, d / prev, c * c, 2e-3 * c * c), "tau %d", tau);
        prev = d;
    }
}

/* The production sampler step, iterated tau times from x, has the mean
 * mu + (x - mu) c^tau and variance sigma^2 (1 - c^{2 tau}) (Monte Carlo, 4 SE),
 * and its Gaussian-law update (gppm_sampler_law) is the same map in closed form. */
Test(eq37, production_sampler_steps_have_the_ou_law) {
    gauss_t g = model(2, 0.1);
    const int taus[] = {1, 3, 10};
    for (int j = 0; j < 3; j++) {
        gppm_t p = gppm_model(&g, data8, 0.15, taus[j]);
        double mu = -0.4, x0 = 2.6, C = pow(exp(-0.15 * g.h), taus[j]);
        double mex = mu + (x0 - mu) * C, vex = g.sigma * g.sigma * (1 - C * C);
        enum { N = 100000 };
        static double xs[N];
        rng_t r;
        rng_init(&r, 37, (uint64_t)j);
        for (int i = 0; i < N; i++) {
            double x = x0;
            for (int s = 0; s < taus[j]; s++) x = gppm_sampler_step(&p, mu, x, &r);
            xs[i] = x;
        }
        double m = stats_mean(xs, NULL, N), sd = stats_sd(xs, NULL, N);
        cr_expect(lt(dbl, fabs(m - mex), 4 * sqrt(vex / N)), "tau %d mean %g vs %g", taus[j], m, mex);
        cr_expect(lt(dbl, fabs(sd * sd - vex), 4 * vex * sqrt(2.0 / (N - 1))), "tau %d var %g vs %g", taus[j], sd * sd, vex);
        double qm = x0, qs = 0; /* the law of a chain started at x0 */
        gppm_sampler_law(&p, mu, &qm, &qs);
        cr_expect(epsilon_eq(dbl, qm, mex, 1e-12));
        cr_expect(epsilon_eq(dbl, qs, vex, 1e-12));
    }
}

/* Eq 39 (LDB): the exact OU sampler is reversible w.r.t. p(.|mu), so the log
 * ratio of forward and backward tau-step transitions is -Delta phi for ANY tau,
 * not only tau >> 1. */
Test(eq39, local_detailed_balance_holds_for_every_tau) {
    gauss_t g = model(2, 0.1);
    rng_t r;
    rng_init(&r, 39, 0);
    for (int tau = 1; tau <= 8; tau *= 2)
        for (int i = 0; i < 50; i++) {
            double mu = rng_normal(&r), x = 2 * rng_normal(&r), y = 2 * rng_normal(&r);
            double lhs = gauss_ln_sampler(&g, 0.1, tau, mu, x, y) - gauss_ln_sampler(&g, 0.1, tau, mu, y, x);
            cr_expect(epsilon_eq(dbl, lhs, -(gauss_phi(&g, mu, y) - gauss_phi(&g, mu, x)), 1e-10 * (1 + fabs(lhs))));
        }
}

#define NS 30

/* Eqs 40-42 per trajectory, on a production parameter path and production
 * x-paths: sigma = ln P_F/P_B from Eq 40's products of normal densities
 * (written here) equals what gppm_ep_ideal returns, -q + Delta s of Eq 41;
 * with the actual sampler, P_F and P_B use its tau-step transition density. */
Test(eq41, stochastic_ep_equals_minus_heat_plus_surprisal_change) {
    gauss_t g = model(2, 0.3);
    gppm_t p = gppm_model(&g, data8, 0.2, 3);
    gppm_ensemble_t e = run_ensemble(&p, 2, NS, -1.0, 0, 41);
    const double *th = e.mu, s2 = g.sigma * g.sigma;
    rng_t r;
    rng_init(&r, 41, 7);
    double x[NS + 1];
    for (int rep = 0; rep < 20; rep++) {
        double sigma = gppm_ep_ideal(&p, th, NS, &r, x), lnPF = 0, lnPB = 0;
        for (int t = 0; t < NS; t++) lnPF += ln_normal(x[t], th[t], s2), lnPB += ln_normal(x[t], th[t + 1], s2);
        cr_expect(epsilon_eq(dbl, sigma, lnPF - lnPB, 1e-11), "ideal sampler, x_n drops out");
        double sa = gppm_ep_actual(&p, th, NS, &r, x);
        lnPF = ln_normal(x[0], th[0], s2), lnPB = ln_normal(x[NS], th[NS], s2);
        for (int t = 1; t <= NS; t++) {
            lnPF += gauss_ln_sampler(&g, p.eps, p.tau, th[t], x[t - 1], x[t]);
            lnPB += gauss_ln_sampler(&g, p.eps, p.tau, th[t], x[t], x[t - 1]);
        }
        cr_expect(epsilon_eq(dbl, sa, lnPF - lnPB, 1e-9 * (1 + fabs(sa))), "actual sampler: %g vs %g", sa, lnPF - lnPB);
    }
    gppm_ensemble_free(&e);
}

/* The integral fluctuation theorem <exp(-sigma)> = 1 for both samplers, and the
 * second law <sigma> = sum_i D(p_i || p_{i+1}) >= 0 for the ideal one, by
 * Monte Carlo with the production estimator (4 standard errors). */
Test(eq41, integral_fluctuation_theorem_and_mean_ep_by_monte_carlo) {
    gauss_t g = model(2, 0.3);
    gppm_t p = gppm_model(&g, data8, 0.2, 3);
    gppm_ensemble_t e = run_ensemble(&p, 1, NS, -1.0, 0, 4141);
    const double *th = e.mu, s2 = g.sigma * g.sigma;
    double D = 0;
    for (int t = 0; t < NS; t++) D += gauss_kl(th[t], s2, th[t + 1], s2);
    enum { S = 200000 };
    static double sig[S];
    rng_t r;
    rng_init(&r, 4141, 1);
    gppm_ift_t ideal = gppm_ift(&p, th, NS, S, 0, &r, sig), actual = gppm_ift(&p, th, NS, S, 1, &r, NULL);
    double sems = stats_sd(sig, NULL, S) / sqrt(S), se_ideal = ideal.ci / 1.96, se_actual = actual.ci / 1.96;
    cr_expect(epsilon_eq(dbl, ideal.mean_sigma, stats_mean(sig, NULL, S), 1e-12));
    cr_expect(lt(dbl, fabs(ideal.mean_exp - 1), 4 * se_ideal), "<exp(-sigma)> = %g +- %g", ideal.mean_exp, se_ideal);
    cr_expect(lt(dbl, fabs(actual.mean_exp - 1), 4 * se_actual), "actual: %g +- %g", actual.mean_exp, se_actual);
    cr_expect(lt(dbl, fabs(ideal.mean_sigma - D), 4 * sems), "<sigma> = %g +- %g vs sum D = %g", ideal.mean_sigma, sems, D);
    cr_expect(gt(dbl, D, 10 * sems), "the path must produce entropy for the test to mean anything");
    cr_expect(gt(dbl, actual.mean_sigma, 0.0), "second law, actual sampler");
    gppm_ensemble_free(&e);
}

/* The 95% interval gppm_ift reports for <exp(-sigma)> is calibrated: over 400
 * independent replicates of 400 paths each, it covers the exact value 1 in
 * 88-98.5% of them (binomial spread of the coverage: 1.1%; an interval 10 times
 * too wide would cover in all, one half as wide in about 68%). */
Test(eq41, ift_interval_covers_one_in_95_percent_of_replicates) {
    gauss_t g = model(2, 0.3);
    gppm_t p = gppm_model(&g, data8, 0.2, 3);
    gppm_ensemble_t e = run_ensemble(&p, 1, NS, -1.0, 0, 4142);
    rng_t r;
    rng_init(&r, 4142, 3);
    int covered = 0;
    const int R = 400;
    for (int k = 0; k < R; k++) {
        gppm_ift_t f = gppm_ift(&p, e.mu, NS, 400, 0, &r, NULL);
        covered += fabs(f.mean_exp - 1) <= f.ci;
    }
    double cov = (double)covered / R;
    cr_expect(gt(dbl, cov, 0.88), "coverage %.3f", cov);
    cr_expect(lt(dbl, cov, 0.985), "coverage %.3f", cov);
    gppm_ensemble_free(&e);
}

/* Simpson's rule for D(N(m, s2) || mixture of N(c_k, s2)), independent of gppm_linfo's trapezoid. */
static double kl_to_mixture(double m, const double *c, int M, double s2) {
    const int G = 20001;
    double lo = -30, hi = 30, dx = (hi - lo) / (G - 1), acc = 0, comp[8];
    for (int i = 0; i < G; i++) {
        double x = lo + dx * i;
        for (int k = 0; k < M; k++) comp[k] = ln_normal(x, c[k], s2);
        double lp = ln_normal(x, m, s2), w = i == 0 || i == G - 1 ? 1 : (i % 2 ? 4 : 2);
        acc += w * exp(lp) * (lp - (thermo_logsumexp(comp, M) - log(M)));
    }
    return acc * dx / 3;
}

/* Eqs 43-44 on a production ensemble: the mixture L-info of gppm_linfo against
 * Simpson quadrature, the heat of each trial against Eq 52 summed here, and the
 * balance Delta I = -Q_X + Delta S_X - Sigma_{X|Theta} with Sigma = sum D(p_{t-1}||p_t). */
Test(eq44, l_info_change_equals_marginal_minus_conditional_ep) {
    gauss_t g = model(2, 0.3);
    gppm_t p = gppm_model(&g, data8, 0.2, 3);
    enum { M = 5, G = 3000 };
    gppm_ensemble_t e = run_ensemble(&p, M, NS, -1.0, 0.3, 44);
    double xg[G], lnp[G], comp[M], c[M], s2 = g.sigma * g.sigma, Scond = 0.5 * (log(2 * M_PI * s2) + 1);
    double li[2], SX[2], Q = 0, Sig = 0;
    for (int end = 0; end < 2; end++) {
        int t = end ? NS : 0;
        for (int k = 0; k < M; k++) c[k] = e.mu[k * (NS + 1) + t];
        li[end] = gppm_linfo(&p, &e, t, G, xg, lnp, comp);
        double Iq = 0;
        for (int k = 0; k < M; k++) Iq += kl_to_mixture(c[k], c, M, s2) / M;
        cr_expect(epsilon_eq(dbl, li[end], Iq, 1e-7), "t %d: L-info %g vs quadrature %g", t, li[end], Iq);
        SX[end] = li[end] + Scond; /* S_X = I + S_{X|Theta} (Eq 25) */
    }
    for (int k = 0; k < M; k++) {
        const double *th = e.mu + k * (NS + 1);
        double Qk = 0;
        for (int t = 1; t <= NS; t++) {
            Qk += gauss_mean_phi(&g, th[t], th[t], s2) - gauss_mean_phi(&g, th[t], th[t - 1], s2); /* Eq 52 */
            Sig += gauss_kl(th[t - 1], s2, th[t], s2) / M;
        }
        cr_expect(epsilon_eq(dbl, e.Q_ideal[k], Qk, 1e-12), "trial %d: heat", k);
        Q += Qk / M;
    }
    cr_expect(epsilon_eq(dbl, li[1] - li[0], -Q + (SX[1] - SX[0]) - Sig, 1e-12), "Eq 44");
    cr_expect(epsilon_eq(dbl, -Q, Sig, 1e-12), "perfect sampling: all EP is dissipated heat");
    double cumQ[NS + 1];
    gppm_heat_cumulative(&p, &e, cumQ);
    cr_expect(epsilon_eq(dbl, cumQ[NS], -Q, 1e-12), "cumulative heat from the stored paths");
    gppm_ensemble_free(&e);
}

/* Eqs 51-52 with the actual sampler: every production trial obeys the first
 * law W + Q = Delta U, with U = <phi>_q of the sampler's law. */
Test(eq51, first_law_holds_for_every_production_trial) {
    gauss_t g = model(2, 0.3);
    gppm_t p = gppm_model(&g, data8, 0.2, 3);
    gppm_ensemble_t e = run_ensemble(&p, 50, NS, -1.0, 0.3, 51);
    cr_expect(lt(dbl, e.worst_first_law, 1e-12), "%g", e.worst_first_law);
    for (int k = 0; k < 50; k++) cr_expect(gt(dbl, e.W_actual[k], 0.0), "work is done on X in trial %d", k);
    gppm_ensemble_free(&e);
}

/* Eq 43 per trajectory, on a production x-path of the actual sampler: the
 * stochastic L-info i_t = ln p(x_t|theta_t) - ln p_t(x_t) (mixture marginal of a
 * production ensemble, written here) changes by -q + s[p_n(x_n)] - s[p_0(x_0)] - sigma,
 * with q of Eq 42 summed here and sigma from gppm_ep_actual. */
Test(eq43, stochastic_l_info_balance_holds_per_trajectory) {
    gauss_t g = model(2, 0.3);
    gppm_t p = gppm_model(&g, data8, 0.2, 2);
    enum { M = 5 };
    gppm_ensemble_t e = run_ensemble(&p, M, NS, -1.0, 0.3, 43);
    const double *th = e.mu, s2 = g.sigma * g.sigma;
    rng_t r;
    rng_init(&r, 43, 9);
    double x[NS + 1];
    for (int rep = 0; rep < 20; rep++) {
        double sigma = gppm_ep_actual(&p, th, NS, &r, x), q = 0, lnpt[2], comp[M];
        for (int t = 1; t <= NS; t++) q += -ln_normal(x[t], th[t], s2) + ln_normal(x[t - 1], th[t], s2);
        for (int end = 0; end < 2; end++) {
            int t = end ? NS : 0;
            for (int k = 0; k < M; k++) comp[k] = ln_normal(x[t], e.mu[k * (NS + 1) + t], s2);
            lnpt[end] = thermo_logsumexp(comp, M) - log(M);
        }
        double di = (ln_normal(x[NS], th[NS], s2) - lnpt[1]) - (ln_normal(x[0], th[0], s2) - lnpt[0]);
        cr_expect(epsilon_eq(dbl, di, -q - lnpt[1] + lnpt[0] - sigma, 1e-10), "rep %d", rep);
    }
    gppm_ensemble_free(&e);
}

/* ln N(x; mean, cov) of a d-vector by Cholesky (d <= 8): written here, independent of gauss.c. */
static double ln_mvn(const double *x, const double *mean, const double *cov, int d) {
    double L[8][8] = {{0}}, z[8], ld = 0, q = 0;
    for (int i = 0; i < d; i++)
        for (int j = 0; j <= i; j++) {
            double s = cov[i * d + j];
            for (int k = 0; k < j; k++) s -= L[i][k] * L[j][k];
            L[i][j] = i == j ? sqrt(s) : s / L[j][j];
        }
    for (int i = 0; i < d; i++) {
        double s = x[i] - mean[i];
        for (int k = 0; k < i; k++) s -= L[i][k] * z[k];
        z[i] = s / L[i][i], q += z[i] * z[i], ld += log(L[i][i]);
    }
    return -0.5 * q - ld - 0.5 * d * log(2 * M_PI);
}

/* ln of the joint density of a Gaussian-noise AR(1) path y_0..y_n from y_0 ~ N(m0, v0):
 * means m_t, Cov(y_i, y_j) = a^{j-i} v_i (i <= j). */
static double ln_path_joint(const gauss_t *g, const double *y, int n, double m0, double v0) {
    double mean[8], cov[64], a = 1 - g->r * g->h;
    for (int i = 0; i <= n; i++) {
        mean[i] = gauss_mean_t(g, m0, i);
        for (int j = 0; j <= n; j++) {
            int lo = i < j ? i : j;
            cov[i * (n + 1) + j] = pow(a, abs(j - i)) * gauss_var_t(g, v0, lo);
        }
    }
    return ln_mvn(y, mean, cov, n + 1);
}

/* Worst |sigma_theta - (-sign q_theta + Delta s)| over random paths, where
 * sigma_theta = ln P[theta_n]/P[~theta_n] from the joint path densities (the
 * backward path: the same process from p_n(theta), at the reversed sequence)
 * and q_theta from gauss_param_heat (Eq 46's convention, sign = +1). */
static double eq46_residual(double sign) {
    gauss_t g = model(2, 0.3);
    enum { N = 5 };
    const double m0 = -1.2, v0 = 0.3;
    rng_t r;
    rng_init(&r, 46, 0);
    double worst = 0, y[N + 1], rev[N + 1];
    for (int rep = 0; rep < 50; rep++) {
        for (int t = 0; t <= N; t++) y[t] = gauss_mean_t(&g, m0, t) + 0.8 * rng_normal(&r), rev[N - t] = y[t];
        double mn = gauss_mean_t(&g, m0, N), vn = gauss_var_t(&g, v0, N);
        double sig = ln_path_joint(&g, y, N, m0, v0) - ln_path_joint(&g, rev, N, mn, vn);
        double ds = gauss_surprisal_t(&g, m0, v0, N, y[N]) - gauss_surprisal_t(&g, m0, v0, 0, y[0]);
        double rhs = -sign * gauss_param_heat(&g, y, N) + ds;
        if (sign > 0) cr_expect(epsilon_eq(dbl, gauss_param_ep(&g, m0, v0, y, N), rhs, 1e-12));
        worst = fmax(worst, fabs(sig - rhs));
    }
    return worst;
}

/* Eq 46: sigma_theta from the marginals p_0, p_n and the joint path densities
 * equals -q_theta + Delta s with q_theta = -ln P[theta_n|theta_0]/P[~theta_n|theta_n]. */
Test(eq46, parameter_ep_from_joint_path_densities_matches_the_decomposition) {
    double w = eq46_residual(+1);
    cr_expect(lt(dbl, w, 1e-9), "worst residual %g", w);
}

/* Negative control: the original's inline definition q_theta = +ln P/P~ (the
 * opposite sign) is rejected by the same comparison. */
Test(eq46, negative_control_the_inline_sign_of_q_theta_is_rejected) {
    double w = eq46_residual(-1);
    cr_expect(gt(dbl, w, 0.5), "the wrong sign must miss by order 1, not %g", w);
}

/* The integral fluctuation theorem of the parameter EP, <exp(-sigma_theta)> = 1,
 * and <sigma_theta> >= 0, on Gaussian-noise AR(1) paths drawn here (4 SE). */
Test(eq46, parameter_ep_obeys_the_fluctuation_theorem) {
    gauss_t g = model(2, 0.3);
    enum { N = 5, S = 200000 };
    const double m0 = -1.2, v0 = 0.3, a = 1 - g.r * g.h, sd = g.r * sqrt(gauss_noise_var(&g));
    static double e[S], sg[S];
    rng_t r;
    rng_init(&r, 4646, 0);
    double y[N + 1];
    for (int s = 0; s < S; s++) {
        y[0] = m0 + sqrt(v0) * rng_normal(&r);
        for (int t = 1; t <= N; t++) y[t] = g.xbar + a * (y[t - 1] - g.xbar) + sd * rng_normal(&r);
        sg[s] = gauss_param_ep(&g, m0, v0, y, N), e[s] = exp(-sg[s]);
    }
    double me = stats_mean(e, NULL, S), se = stats_sd(e, NULL, S) / sqrt(S), ms = stats_mean(sg, NULL, S);
    cr_expect(lt(dbl, fabs(me - 1), 4 * se), "<exp(-sigma_theta)> = %g +- %g", me, se);
    cr_expect(gt(dbl, ms, 4 * stats_sd(sg, NULL, S) / sqrt(S)), "<sigma_theta> = %g > 0 (non-stationary start)", ms);
}

/* Eq 47: at stationarity, with Eq 46's convention, q_theta = Delta s = Delta U_B / T_eff
 * on every path (so sigma_theta = 0 to round-off); the inline convention gives
 * -Delta s, and the literal q_theta = Delta U_B misses the temperature. */
Test(eq47, parameter_heat_is_the_surprisal_change_at_stationarity) {
    gauss_t g = model(2, 0.3);
    rng_t r;
    rng_init(&r, 47, 0);
    double th[NS + 1], vinf = gauss_var_stationary(&g), T = gauss_T_eff(&g), a = 1 - g.r * g.h, worst_inline = 0, worst_lit = 0;
    double sd = g.r * sqrt(gauss_noise_var(&g));
    th[0] = g.xbar + sqrt(vinf) * rng_normal(&r);
    for (int t = 1; t <= NS; t++) th[t] = g.xbar + a * (th[t - 1] - g.xbar) + sd * rng_normal(&r);
    for (int n = 1; n <= NS; n++) {
        double q = gauss_param_heat(&g, th, n), dU = gauss_U(&g, th[n]) - gauss_U(&g, th[0]);
        double ds = gauss_surprisal_t(&g, g.xbar, vinf, n, th[n]) - gauss_surprisal_t(&g, g.xbar, vinf, 0, th[0]);
        cr_expect(epsilon_eq(dbl, q, ds, 1e-9 * (1 + fabs(q))), "n %d", n);
        cr_expect(epsilon_eq(dbl, q, dU / T, 1e-9 * (1 + fabs(q))), "n %d", n);
        cr_expect(lt(dbl, fabs(gauss_param_ep(&g, g.xbar, vinf, th, n)), 1e-9), "sigma_theta vanishes");
        worst_inline = fmax(worst_inline, fabs(-q - ds)), worst_lit = fmax(worst_lit, fabs(q - dU));
    }
    cr_expect(gt(dbl, worst_inline, 1.0), "the inline sign misses by %g", worst_inline);
    cr_expect(gt(dbl, worst_lit, 1.0), "T = 1 misses by %g", worst_lit);
}

/* The closed-form ensemble heat and EP of gauss_heat_exact against the
 * production sweep (Monte Carlo, 4 SE), for a drifting and a stationary start:
 * a slow sampler adds EP above the perfect-sampler floor while the parameters
 * drift, and from the stationary law it gives less than the floor. */
Test(eq44, conditional_ep_against_tau_matches_the_closed_form) {
    gauss_t g = model(2, 0.3);
    gppm_t p = gppm_model(&g, data8, 0.1, 1);
    enum { M = 20000, NT = 3 };
    const int taus[NT] = {1, 4, 400};
    static double ep[NT][M];
    for (int start = 0; start < 2; start++) {
        double m0 = start ? g.xbar : -2.0, v0 = start ? gauss_var_stationary(&g) : 0.01, e[NT], ex[NT];
        for (int k = 0; k < M; k++) {
            rng_t r;
            rng_init(&r, 4400 + start, (uint64_t)k);
            gppm_sweep_trial(&p, taus, NT, NS, m0, v0, &r, NULL, e);
            for (int j = 0; j < NT; j++) ep[j][k] = e[j];
        }
        for (int j = 0; j < NT; j++) {
            gauss_heat_t h = gauss_heat_exact(&g, m0, v0, pow(p.c, taus[j]), NS);
            double m = stats_mean(ep[j], NULL, M), se = stats_sd(ep[j], NULL, M) / sqrt(M);
            cr_expect(lt(dbl, fabs(m - h.ep), 4 * se), "start %d tau %d: %g +- %g vs %g", start, taus[j], m, se, h.ep);
            cr_expect(epsilon_eq(dbl, h.ep, h.W, 1e-12), "<sigma> = W_X (first law with q_0 = p_0)");
            ex[j] = h.ep;
        }
        double floor = gauss_heat_exact(&g, m0, v0, 0, NS).minusQ;
        cr_expect(epsilon_eq(dbl, ex[2], floor, 1e-6), "tau = 400 is at the floor");
        if (!start) cr_expect(gt(dbl, ex[0], ex[1]), "drifting: a slower sampler dissipates more");
        if (!start) cr_expect(gt(dbl, ex[1], 1.2 * floor), "drifting: tau sets the excess above the floor");
        else cr_expect(lt(dbl, ex[0], 0.9 * floor), "stationary: the slow sampler dissipates less");
    }
}

/* Eqs 48-49 against the closed forms on a production ensemble: the mean of
 * Delta s[p(theta)] + q_x (Eq 48) is Delta S[Theta] - (-Q_X) of the actual
 * sampler, Delta S[Theta] and -Q_X match (1/2) ln(v_n/v0) and the exact heat
 * (4 SE), and both residuals are far from the zero the original states. */
Test(eq48, clausius_residuals_match_the_closed_forms) {
    gauss_t g = model(2, 0.3);
    gppm_t p = gppm_model(&g, data8, 0.1, 3);
    enum { M = 4000 };
    const double m0 = -1.0, v0 = 0.002;
    gppm_ensemble_t e = run_ensemble(&p, M, NS, m0, v0, 48);
    static double d48[M], mq[M];
    for (int k = 0; k < M; k++) {
        d48[k] = gppm_eq48(&p, m0, v0, NS, e.mu[k * (NS + 1)], e.mu[k * (NS + 1) + NS], e.q_stoch[k]);
        mq[k] = -e.Q_ideal[k];
    }
    double dS = 0.5 * log(gauss_var_t(&g, v0, NS) / v0), Qa = gauss_heat_exact(&g, m0, v0, pow(p.c, 3), NS).minusQ;
    double m = stats_mean(d48, NULL, M), se = stats_sd(d48, NULL, M) / sqrt(M);
    cr_expect(lt(dbl, fabs(m - (dS - Qa)), 4 * se), "Eq 48 residual %g +- %g vs %g", m, se, dS - Qa);
    cr_expect(gt(dbl, fabs(dS - Qa), 10 * se), "Eq 48 fails beyond its standard error");
    double Qi = gauss_heat_exact(&g, m0, v0, 0, NS).minusQ, mQ = stats_mean(mq, NULL, M);
    cr_expect(lt(dbl, fabs(mQ - Qi), 4 * stats_sd(mq, NULL, M) / sqrt(M)), "-Q_X %g vs %g", mQ, Qi);
    double mean, v_0, v_n, lo, hi;
    gppm_moments(&e, 0, &mean, &v_0, &lo, &hi);
    gppm_moments(&e, NS, &mean, &v_n, &lo, &hi);
    cr_expect(lt(dbl, fabs(0.5 * log(v_n / v_0) - dS), 4 / sqrt(M - 1.0)), "Delta S[Theta] %g vs %g", 0.5 * log(v_n / v_0), dS);
    cr_expect(gt(dbl, fabs(Qi - dS), 10 / sqrt(M - 1.0)), "Eq 49 fails beyond its standard error");
    gppm_ensemble_free(&e);
}

/* Eq 49 as rates in the stationary regime: -Q_X grows by r h T_eff per update
 * while S[Theta] stays put (closed form, exact). */
Test(eq49, stationary_heat_rate_is_r_h_t_eff_while_the_entropy_is_constant) {
    gauss_t g = model(2, 0.3);
    double vinf = gauss_var_stationary(&g), rate = g.r * g.h * gauss_T_eff(&g);
    for (int n = 1; n <= 64; n *= 4) {
        cr_expect(epsilon_eq(dbl, gauss_heat_exact(&g, g.xbar, vinf, 0, n).minusQ, n * rate, 1e-12 * n), "n %d", n);
        cr_expect(epsilon_eq(dbl, gauss_var_t(&g, vinf, n), vinf, 1e-12), "S[Theta] constant");
    }
}

/* Eq 50 in the quasi-static limit r -> 0 at fixed n r (closed forms): the
 * perfect-sampler heat -Q_X vanishes like r; the first equality Delta I = -Q_X
 * then misses by Delta S_X = Delta I itself (Eq 44 with Sigma_{X|Theta} = -Q_X),
 * and the second, -Q_X = Delta S[Theta], by Delta S[Theta] -> -h n r. */
Test(eq50, quasi_static_limit_separates_the_two_equalities) {
    gauss_t g0 = model(2, 0.3);
    const double nrh = 1.0, v0 = 1.0, s2 = g0.sigma * g0.sigma;
    double prev = 0;
    for (int d = 1; d <= 10000; d *= 10) {
        gauss_t g = g0;
        g.r = 0.3 / d;
        int n = (int)lround(nrh / (g.r * g.h));
        double vn = gauss_var_t(&g, v0, n), mQ = gauss_heat_exact(&g, 0.0, v0, 0, n).minusQ;
        double dS = 0.5 * log(vn / v0), dI = 0.5 * log((s2 + vn) / (s2 + v0));
        if (d > 1) cr_expect(epsilon_eq(dbl, mQ * 10, prev, 0.2 * prev), "d %d: -Q_X ~ r", d);
        prev = mQ;
        if (d == 10000) {
            cr_expect(lt(dbl, mQ, 1e-3), "-Q_X -> 0: %g", mQ);
            cr_expect(epsilon_eq(dbl, dS, -g.h * n * g.r, 1e-2), "Delta S[Theta] -> -h n r: %g", dS);
            double dIlim = 0.5 * log((s2 + v0 * exp(-2 * nrh)) / (s2 + v0));
            cr_expect(epsilon_eq(dbl, dI, dIlim, 1e-3), "Delta I -> %g: %g", dIlim, dI);
            cr_expect(gt(dbl, fabs(dI - (-mQ)), 0.1), "the first equality misses by Delta S_X");
        }
    }
}

/* Eq 24 needs per-trial L-info values: each trial's D(p(.|mu_k) || p_t) from
 * gppm_linfo_trials against Simpson quadrature, and their mean is gppm_linfo. */
Test(eq24, per_trial_l_info_matches_quadrature_and_averages_to_the_ensemble_value) {
    gauss_t g = model(2, 0.3);
    gppm_t p = gppm_model(&g, data8, 0.2, 3);
    enum { M = 5, G = 3000 };
    gppm_ensemble_t e = run_ensemble(&p, M, NS, -1.0, 0.3, 24);
    double xg[G], lnp[G], comp[M], c[M], each[M], s2 = g.sigma * g.sigma, mean = 0;
    for (int k = 0; k < M; k++) c[k] = e.mu[k * (NS + 1) + NS];
    double Iens = gppm_linfo_trials(&p, &e, NS, G, xg, lnp, comp, each);
    for (int k = 0; k < M; k++) {
        cr_expect(epsilon_eq(dbl, each[k], kl_to_mixture(c[k], c, M, s2), 1e-7), "trial %d", k);
        mean += each[k] / M;
    }
    cr_expect(epsilon_eq(dbl, mean, Iens, 1e-12));
    cr_expect(epsilon_eq(dbl, gppm_linfo(&p, &e, NS, G, xg, lnp, comp), Iens, 1e-15));
    gppm_ensemble_free(&e);
}

/* Appendix A: SGD run backward from theta_n on the reversed batches. Independent route:
 * the path is replayed here from the stored batch means (each checked to be the mean of
 * some 3 distinct data points), the backward run is written out here, and its error is the
 * explicit sum e_t = -sum_{s >= t} (1 + rh)^(s - t) r^2 h^2 (mu_s - xb_s) derived by hand
 * (one backward step after a forward one: (1 + rh)(mu - rh(mu - xb)) - rh xb - mu
 * = -r^2 h^2 (mu - xb)). With the gradient frozen at theta* (Eq 21) the backward run is the
 * forward path reversed, to round-off; without, it is not (the control that makes the
 * lazy check non-vacuous). */
Test(appA, backward_sgd_retraces_the_path_only_when_the_gradient_is_frozen) {
    gauss_t g = model(3, 0.15);
    gppm_t p = gppm_model(&g, data8, 0.1, 1);
    enum { N = 60 };
    double mu[N + 1], xb[N], back[N + 1], rh = g.r * g.h;
    for (int lazy = 0; lazy < 2; lazy++) {
        rng_t r;
        rng_init(&r, 23, 5);
        gppm_retrace_trial(&p, N, 2.7, 0.4, lazy, &r, mu, xb, back);
        double worst = 0;
        for (int t = 0; t < N; t++) {
            int found = 0; /* xb[t] is the mean of 3 distinct data points */
            for (int a = 0; a < 8; a++)
                for (int b = a + 1; b < 8; b++)
                    for (int c = b + 1; c < 8; c++) found |= fabs((data8[a] + data8[b] + data8[c]) / 3 - xb[t]) < 1e-12;
            cr_expect(found, "step %d: %g is no batch mean", t, xb[t]);
            double grad = lazy ? g.h * (g.xbar - xb[t]) : g.h * (mu[t] - xb[t]);
            cr_expect(epsilon_eq(dbl, mu[t + 1], mu[t] - g.r * grad, 1e-13), "forward step %d", t);
        }
        double b = mu[N];
        for (int t = N - 1; t >= 0; t--) {
            b = lazy ? b + g.r * g.h * (g.xbar - xb[t]) : b + g.r * g.h * (b - xb[t]); /* gradient ascent at the later point */
            cr_expect(epsilon_eq(dbl, back[t], b, 1e-10 * (1 + fabs(b))), "backward step %d", t);
            double want = 0;
            for (int s = t; s < N && !lazy; s++) want -= pow(1 + rh, s - t) * rh * rh * (mu[s] - xb[s]);
            cr_expect(epsilon_eq(dbl, back[t] - mu[t], want, 1e-9 * (1e-3 + fabs(want))), "lazy %d, t %d", lazy, t);
            worst = fmax(worst, fabs(back[t] - mu[t]));
            if (!lazy) { /* one backward step from the exact theta_{t+1} */
                double miss = gppm_backward_step(&p, mu[t + 1], xb[t]) - mu[t];
                cr_expect(epsilon_eq(dbl, miss, -rh * rh * (mu[t] - xb[t]), 1e-13), "step %d", t);
                cr_expect(epsilon_eq(dbl, gauss_retrace_step(&g, mu[t], xb[t]), -rh * rh * (mu[t] - xb[t]), 1e-15));
            }
        }
        if (lazy) cr_expect(lt(dbl, worst, 1e-13), "lazy backward run misses by %g", worst);
        else cr_expect(gt(dbl, worst, 1e-2), "the real backward run must miss (%g)", worst);
        if (!lazy) {
            double err[N + 1];
            gauss_retrace_run(&g, mu, xb, N, err);
            for (int t = 0; t <= N; t++) cr_expect(epsilon_eq(dbl, err[t], back[t] - mu[t], 1e-10 * (1e-3 + fabs(err[t]))));
        }
    }
}
