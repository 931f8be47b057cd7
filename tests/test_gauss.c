/* The Gaussian PPM (src/gauss.c): every equation of Secs. 5-6 that has a
 * closed form here, against enumeration, direct density evaluation or
 * Monte Carlo with a stated confidence level. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <math.h>
#include <string.h>

#include "gauss.h"
#include "rng.h"
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

/* Eq 20's noise power by enumerating all C(8,3) = 56 batches of distinct indices. */
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

/* Eq 19: for this model eta does not depend on mu, and the SGD step is
 * exactly -r grad U_B + r eta. */
Test(eq19, gaussian_sgd_step_is_drift_plus_noise) {
    gauss_t g = model(3, 0.2);
    const double mus[] = {-2.5, 0.1, 4.0};
    for (int i = 0; i < 3; i++) {
        double mu = mus[i], xb = (data8[1] + data8[4] + data8[6]) / 3;
        double step = -g.r * g.h * (mu - xb);
        double gradU = g.h * (mu - g.xbar), eta = -g.h * (mu - xb) + gradU;
        cr_expect(epsilon_eq(dbl, step, -g.r * gradU + g.r * eta, 1e-14));
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
        double m, v;
        gauss_sampler(&g, eps, tau, mu, x, &m, &v);
        double d = gauss_kl(m, v, mu, g.sigma * g.sigma);
        cr_assert(lt(dbl, d, prev));
        if (tau > 40) cr_expect(epsilon_eq(dbl, d / prev, c * c, 2e-3 * c * c), "tau %d", tau);
        prev = d;
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

/* One parameter path for the trajectory identities. */
#define NS 30
static void param_path(gauss_t *g, double *path, rng_t *r) {
    path[0] = -1.0;
    for (int t = 1; t <= NS; t++) path[t] = path[t - 1] - g->r * g->h * (path[t - 1] - (g->xbar + 0.8 * rng_normal(r)));
}

/* Eqs 40-42 per trajectory: sigma = ln P_F/P_B (Eq 40's products) equals
 * -q + s[p(x_n|th_n)] - s[p(x_0|th_0)] with q of Eq 42, for any x-path. */
Test(eq41, stochastic_ep_equals_minus_heat_plus_surprisal_change) {
    gauss_t g = model(2, 0.3);
    rng_t r;
    rng_init(&r, 41, 0);
    double th[NS + 1], x[NS + 1];
    param_path(&g, th, &r);
    for (int rep = 0; rep < 20; rep++) {
        for (int t = 0; t <= NS; t++) x[t] = th[t] + g.sigma * rng_normal(&r);
        double lnPF = 0, lnPB = 0, q = 0;
        for (int t = 0; t <= NS; t++) lnPF -= gauss_phi(&g, th[t], x[t]);          /* prod p(x_t|th_t) */
        for (int t = 1; t <= NS; t++) lnPB -= gauss_phi(&g, th[t], x[t - 1]);      /* prod p(x_{t-1}|th_t) */
        lnPB -= gauss_phi(&g, th[NS], x[NS]);                                      /* times p(x_n|th_n) */
        for (int t = 1; t <= NS; t++) q += gauss_phi(&g, th[t], x[t]) - gauss_phi(&g, th[t], x[t - 1]);
        double sigma = lnPF - lnPB;
        cr_expect(epsilon_eq(dbl, sigma, -q + gauss_phi(&g, th[NS], x[NS]) - gauss_phi(&g, th[0], x[0]), 1e-11));
        /* ... and equals the stochastic work: sum_i phi_{i+1}(x_i) - phi_i(x_i) */
        double w = 0;
        for (int t = 0; t < NS; t++) w += gauss_phi(&g, th[t + 1], x[t]) - gauss_phi(&g, th[t], x[t]);
        cr_expect(epsilon_eq(dbl, sigma, w, 1e-11));
    }
}

/* The integral fluctuation theorem <exp(-sigma)>_{P_F} = 1, and the second
 * law <sigma> = sum_i D(p_i || p_{i+1}) >= 0, by Monte Carlo (4 standard errors). */
Test(eq41, integral_fluctuation_theorem_and_mean_ep_by_monte_carlo) {
    gauss_t g = model(2, 0.3);
    rng_t r;
    rng_init(&r, 4141, 0);
    double th[NS + 1];
    param_path(&g, th, &r);
    double D = 0;
    for (int t = 0; t < NS; t++) D += gauss_kl(th[t], g.sigma * g.sigma, th[t + 1], g.sigma * g.sigma);
    const int S = 200000;
    double se = 0, se2 = 0, ss = 0, ss2 = 0;
    for (int s = 0; s < S; s++) {
        double sg = 0;
        for (int t = 0; t < NS; t++) {
            double x = th[t] + g.sigma * rng_normal(&r);
            sg += gauss_phi(&g, th[t + 1], x) - gauss_phi(&g, th[t], x);
        }
        se += exp(-sg), se2 += exp(-2 * sg), ss += sg, ss2 += sg * sg;
    }
    double m = se / S, sem = sqrt((se2 / S - m * m) / (S - 1));
    double ms = ss / S, sems = sqrt((ss2 / S - ms * ms) / (S - 1));
    cr_expect(lt(dbl, fabs(m - 1), 4 * sem), "<exp(-sigma)> = %g +- %g", m, sem);
    cr_expect(lt(dbl, fabs(ms - D), 4 * sems), "<sigma> = %g +- %g vs sum D = %g", ms, sems, D);
    cr_expect(gt(dbl, D, 10 * sems), "the path must produce entropy for the test to mean anything");
}

/* Eqs 43-44 with an explicit ensemble marginal (a Gaussian mixture p_t(x) at
 * each end, integrated on a grid): the averaged balance holds as an identity,
 * and Eqs 51-52 give the first law W + Q = Delta U. */
Test(eq44, l_info_change_equals_marginal_minus_conditional_ep) {
    gauss_t g = model(2, 0.3);
    rng_t r;
    rng_init(&r, 44, 0);
    double th[NS + 1];
    param_path(&g, th, &r);
    /* marginals p_0 and p_n: mixtures over 5 ensemble members around each end */
    double c0[5], cn[5];
    for (int k = 0; k < 5; k++) c0[k] = th[0] + 0.4 * rng_normal(&r), cn[k] = th[NS] + 0.4 * rng_normal(&r);
    c0[0] = th[0], cn[0] = th[NS];
    enum { G = 4001 };
    static double xg[G], lp0[G], lpn[G];
    for (int i = 0; i < G; i++) {
        xg[i] = -14 + 28.0 * i / (G - 1);
        double a[5], b[5];
        for (int k = 0; k < 5; k++) a[k] = -gauss_phi(&g, c0[k], xg[i]), b[k] = -gauss_phi(&g, cn[k], xg[i]);
        lp0[i] = logsumexp(a, 5) - log(5.0), lpn[i] = logsumexp(b, 5) - log(5.0);
    }
    double dx = xg[1] - xg[0];
    /* S_X(theta) = <-ln p_t(x)>_{p(x|theta)}, I(theta) = S_X(theta) - S_{X|Theta}(theta) */
    double SX0 = 0, SXn = 0, I0 = 0, In = 0;
    for (int i = 0; i < G; i++) {
        double w0 = exp(-gauss_phi(&g, th[0], xg[i])) * dx, wn = exp(-gauss_phi(&g, th[NS], xg[i])) * dx;
        SX0 -= w0 * lp0[i], SXn -= wn * lpn[i];
        I0 += w0 * (-gauss_phi(&g, th[0], xg[i]) - lp0[i]);
        In += wn * (-gauss_phi(&g, th[NS], xg[i]) - lpn[i]);
    }
    double s2 = g.sigma * g.sigma, Q = 0, W = 0, Sig = 0;
    for (int t = 1; t <= NS; t++) {
        Q += gauss_mean_phi(&g, th[t], th[t], s2) - gauss_mean_phi(&g, th[t], th[t - 1], s2);       /* Eq 52 */
        W += gauss_mean_phi(&g, th[t], th[t - 1], s2) - gauss_mean_phi(&g, th[t - 1], th[t - 1], s2); /* Eq 51 */
        Sig += gauss_kl(th[t - 1], s2, th[t], s2);                                                     /* <sigma> */
    }
    double Scond = 0.5 * (log(2 * M_PI * s2) + 1);
    cr_expect(epsilon_eq(dbl, In - I0, -Q + (SXn - SX0) - Sig, 1e-9), "Eq 44");
    cr_expect(epsilon_eq(dbl, I0, SX0 - Scond, 1e-9), "Eq 25 as S_X - S_{X|Theta}");
    cr_expect(epsilon_eq(dbl, W + Q, gauss_mean_phi(&g, th[NS], th[NS], s2) - gauss_mean_phi(&g, th[0], th[0], s2), 1e-12), "first law");
    cr_expect(epsilon_eq(dbl, -Q, Sig, 1e-12), "perfect sampling: all EP is dissipated heat");
}

/* Eqs 46-47: for the AR(1) kernel in detailed balance at T_eff, the parameter
 * heat q_theta = ln P[th_n|th_0]/P[~th_n|th_n] is -Delta U_B / T_eff. The
 * paper's q_theta = +Delta U_B has the wrong sign and temperature. */
Test(eq47, parameter_heat_is_minus_delta_u_over_t_eff) {
    gauss_t g = model(2, 0.3);
    rng_t r;
    rng_init(&r, 47, 0);
    double th[NS + 1];
    th[0] = g.xbar + 1.5;
    double sd = g.r * sqrt(gauss_noise_var(&g));
    for (int t = 1; t <= NS; t++) th[t] = g.xbar + (1 - g.r * g.h) * (th[t - 1] - g.xbar) + sd * rng_normal(&r);
    double qth = 0;
    for (int t = 1; t <= NS; t++) qth += gauss_ln_kernel(&g, th[t], th[t - 1]) - gauss_ln_kernel(&g, th[t - 1], th[t]);
    double dU = gauss_U(&g, th[NS]) - gauss_U(&g, th[0]);
    cr_expect(epsilon_eq(dbl, qth, -dU / gauss_T_eff(&g), 1e-8 * (1 + fabs(qth))));
    cr_expect(gt(dbl, fabs(qth - dU), 1.0), "the paper's literal form misses by %g", fabs(qth - dU));
}
