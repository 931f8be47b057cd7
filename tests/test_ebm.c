/* The Langevin energy-based model (src/lib/ebm.c, src/lib/ebm_train.c, src/lib/ebm_eval.c):
 * gradients against central finite differences of an independent double
 * precision forward pass; the Langevin step's stationary law on a quadratic
 * energy (closed form of the discrete chain); the heat/work estimators of
 * Eqs 51-52 on Gaussian energies with known Z (bias of the exponential
 * average against the delta method, W and Q against closed forms); the first
 * law per update, on arrays and along a production run. */
#define _DEFAULT_SOURCE
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <math.h>
#include <string.h>

#include "ebm.h"
#include "ebm_eval.h"
#include "ebm_train.h"
#include "mlp.h"
#include "rng.h"
#include "util.h"

// ---- an independent double-precision energy of the same parameter layout ----

static double ref_energy(const mlp_t *m, const double *th, const double *x) {
    double a[64], z[64];
    int in = m->size[0];
    memcpy(a, x, (size_t)in * sizeof(double));
    for (int l = 0; l < m->nlayer; l++) {
        int out = m->size[l + 1];
        for (int j = 0; j < out; j++) {
            z[j] = th[m->boff[l] + j];
            for (int i = 0; i < in; i++) z[j] += a[i] * th[m->woff[l] + (size_t)i * out + j];
        }
        for (int j = 0; j < out; j++) a[j] = l + 1 < m->nlayer ? z[j] / (1 + exp(-z[j])) : z[j];
        in = out;
    }
    return a[0];
}

/* An energy net 784-h-h-1 with the production initialisation (caller frees). */
static float *mnist_energy_net(mlp_t *m, int h, rng_t *r) {
    const int sizes[] = {MNIST_PIXELS, h, h, 1};
    mlp_init(m, sizes, 3);
    float *theta = xmalloc(m->nparam * sizeof(float));
    mlp_init_uniform(m, theta, r);
    return theta;
}

/* A small net with O(1) weights so that every SiLU is in its curved range. */
static void small_net(mlp_t *m, float *theta, double *thd, rng_t *r) {
    const int sizes[] = {6, 5, 4, 1};
    mlp_init(m, sizes, 3);
    for (size_t k = 0; k < m->nparam; k++) {
        theta[k] = (float)(0.9 * rng_normal(r));
        thd[k] = theta[k];
    }
}

Test(ebm, energy_and_grad_x_match_an_independent_double_forward_and_finite_differences) {
    rng_t r;
    rng_init(&r, 2385, 0);
    mlp_t m;
    float theta[128], x[3 * 6], dx[3 * 6], g[3] = {1, 1, 1};
    double thd[128];
    small_net(&m, theta, thd, &r);
    cr_assert(m.nparam <= 128);
    for (int k = 0; k < 18; k++) x[k] = (float)rng_uniform(&r);
    ebm_work_t *w = ebm_work_alloc(&m, 3);
    ebm_energy(&m, theta, x, 3, w);
    ebm_backward(&m, theta, x, 3, w, g, NULL, dx);
    const double h = 1e-5;
    for (int i = 0; i < 3; i++) {
        double xd[6];
        for (int j = 0; j < 6; j++) xd[j] = x[i * 6 + j];
        double E = ref_energy(&m, thd, xd);
        cr_expect(epsilon_eq(dbl, w->E[i], E, 1e-5 * (1 + fabs(E))), "energy of example %d: %g vs %g", i, w->E[i], E);
        for (int j = 0; j < 6; j++) {
            double xp[6], xm[6];
            memcpy(xp, xd, sizeof xp), memcpy(xm, xd, sizeof xm);
            xp[j] += h, xm[j] -= h;
            double fd = (ref_energy(&m, thd, xp) - ref_energy(&m, thd, xm)) / (2 * h);
            cr_expect(epsilon_eq(dbl, dx[i * 6 + j], fd, 1e-4 * (1 + fabs(fd))), "dE/dx[%d][%d]: %g vs %g", i, j,
                      dx[i * 6 + j], fd);
        }
    }
    ebm_work_free(w);
}

Test(ebm, grad_theta_matches_finite_differences_of_the_weighted_energy_sum) {
    rng_t r;
    rng_init(&r, 4711, 0);
    mlp_t m;
    float theta[128], x[4 * 6], g[4] = {0.7f, -1.3f, 0.25f, 2.1f}, dth[128] = {0};
    double thd[128];
    small_net(&m, theta, thd, &r);
    for (int k = 0; k < 24; k++) x[k] = (float)rng_uniform(&r);
    ebm_work_t *w = ebm_work_alloc(&m, 4);
    ebm_energy(&m, theta, x, 4, w);
    ebm_backward(&m, theta, x, 4, w, g, dth, NULL);
    const double h = 1e-5;
    for (size_t k = 0; k < m.nparam; k++) {
        double sp = 0, sm = 0, save = thd[k];
        for (int i = 0; i < 4; i++) {
            double xd[6];
            for (int j = 0; j < 6; j++) xd[j] = x[i * 6 + j];
            thd[k] = save + h, sp += g[i] * ref_energy(&m, thd, xd);
            thd[k] = save - h, sm += g[i] * ref_energy(&m, thd, xd);
            thd[k] = save;
        }
        double fd = (sp - sm) / (2 * h);
        cr_expect(epsilon_eq(dbl, dth[k], fd, 1e-4 * (1 + fabs(fd))), "parameter %zu: %g vs %g", k, dth[k], fd);
    }
    ebm_work_free(w);
}

Test(ebm, sgd_update_steps_along_minus_the_contrastive_loss_gradient) {
    rng_t r;
    rng_init(&r, 99, 0);
    mlp_t m;
    float theta[128], before[128], xd[2 * 6], xn[2 * 6], xcat[4 * 6];
    double thd[128];
    small_net(&m, theta, thd, &r);
    memcpy(before, theta, sizeof before);
    for (int k = 0; k < 12; k++) xd[k] = (float)rng_uniform(&r), xn[k] = (float)rng_uniform(&r);
    const float alpha = 0.3f, rate = 1e-3f;
    ebm_opt_t o;
    ebm_opt_init(&o, &m, EBM_OPT_SGD, rate, 0, 0);
    ebm_work_t *w = ebm_work_alloc(&m, 4);
    ebm_update(&m, theta, xd, xn, 2, alpha, &o, w, xcat);
    /* L = <E>_d - <E>_n + alpha (<E^2>_d + <E^2>_n), differentiated numerically */
    const double h = 1e-5;
    for (size_t k = 0; k < m.nparam; k++) {
        double L[2], save = thd[k];
        for (int s = 0; s < 2; s++) {
            thd[k] = save + (s ? -h : h);
            L[s] = 0;
            for (int i = 0; i < 2; i++) {
                double a[6], b[6];
                for (int j = 0; j < 6; j++) a[j] = xd[i * 6 + j], b[j] = xn[i * 6 + j];
                double Ed = ref_energy(&m, thd, a), En = ref_energy(&m, thd, b);
                L[s] += (Ed - En + alpha * (Ed * Ed + En * En)) / 2;
            }
        }
        thd[k] = save;
        double want = before[k] - rate * (L[0] - L[1]) / (2 * h);
        cr_expect(epsilon_eq(dbl, theta[k], want, 1e-6 + 1e-4 * rate * fabs((L[0] - L[1]) / (2 * h))),
                  "parameter %zu: %g vs %g", k, theta[k], want);
    }
    ebm_opt_free(&o);
    ebm_work_free(w);
}

// ---- Eq 26: the Langevin step -----------------------------------------------

/* Stationary variance of x' = x - eps k x + sqrt(2 eps T) xi: the AR(1) closed
 * form T / (k (1 - eps k / 2)), not the continuous-time T / k. */
static void quadratic_chain(double eps, double k, double T, double *var, double *se) {
    enum { LEN = 20000, BURN = 200, SAMPLES = 40, GAP = 10 };
    static float x[LEN], grad[LEN], noise[LEN];
    ebm_langevin_t L = {(float)eps, (float)T, 0};
    rng_t r;
    rng_init(&r, 31337, 7);
    memset(x, 0, sizeof x);
    double v[SAMPLES];
    for (int s = 0; s < BURN + SAMPLES * GAP; s++) {
        for (int i = 0; i < LEN; i++) grad[i] = (float)(k * x[i]);
        ebm_langevin_move(&L, x, grad, LEN, noise, &r);
        if (s >= BURN && (s - BURN) % GAP == 0) {
            double ss = 0;
            for (int i = 0; i < LEN; i++) ss += (double)x[i] * x[i];
            v[(s - BURN) / GAP] = ss / LEN;
        }
    }
    double m = 0, sd = 0;
    for (int i = 0; i < SAMPLES; i++) m += v[i] / SAMPLES;
    for (int i = 0; i < SAMPLES; i++) sd += (v[i] - m) * (v[i] - m) / (SAMPLES - 1);
    *var = m, *se = sqrt(sd / SAMPLES);
}

Test(eq26, langevin_move_has_the_closed_form_stationary_law_of_a_quadratic_energy) {
    const double eps = 0.05, k = 10, T = 0.37; /* eps k = 0.5: a 33% discretisation effect */
    double var, se;
    quadratic_chain(eps, k, T, &var, &se);
    double exact = T / (k * (1 - eps * k / 2)), continuum = T / k;
    cr_expect(fabs(var - exact) < 4 * se + 1e-6 * exact, "variance %g +- %g, closed form %g", var, se, exact);
    /* negative control: the continuous-time law is resolved as wrong */
    cr_expect(fabs(var - continuum) > 20 * se, "variance %g is not distinguished from T/k = %g", var, continuum);
}

Test(eq26, langevin_step_moves_minus_eps_grad_x_plus_noise_of_the_stated_size) {
    rng_t r;
    rng_init(&r, 8, 0);
    mlp_t m;
    float *theta = mnist_energy_net(&m, 16, &r);
    enum { N = 50 };
    float *x = xmalloc(N * MNIST_PIXELS * sizeof(float)), *x0 = xmalloc(N * MNIST_PIXELS * sizeof(float));
    float *dx = xmalloc(N * MNIST_PIXELS * sizeof(float)), *g = xmalloc(N * MNIST_PIXELS * sizeof(float));
    float *noise = xmalloc(N * MNIST_PIXELS * sizeof(float)), ones[N];
    for (int k = 0; k < N * MNIST_PIXELS; k++) x0[k] = x[k] = (float)rng_uniform(&r);
    for (int i = 0; i < N; i++) ones[i] = 1;
    ebm_work_t *w = ebm_work_alloc(&m, N);
    ebm_energy(&m, theta, x0, N, w);
    ebm_backward(&m, theta, x0, N, w, ones, NULL, g);
    ebm_langevin_t L = {0.5f, 0.02f, 0};
    ebm_langevin_step(&m, theta, &L, x, N, w, dx, noise, &r);
    double s1 = 0, s2 = 0, n = N * (double)MNIST_PIXELS;
    for (int k = 0; k < N * MNIST_PIXELS; k++) {
        double res = (double)x[k] - (x0[k] - L.eps * g[k]);
        s1 += res, s2 += res * res;
    }
    double sd = sqrt(s2 / n - (s1 / n) * (s1 / n)), want = sqrt(2.0 * L.eps * L.T);
    cr_expect(fabs(s1 / n) < 4 * want / sqrt(n), "noise mean %g", s1 / n);
    cr_expect(fabs(sd - want) < 4 * want / sqrt(2 * n), "noise sd %g, sqrt(2 eps T) = %g", sd, want);
    free(theta), free(x), free(x0), free(dx), free(g), free(noise);
    ebm_work_free(w);
}

// ---- Eqs 51-52: estimators on a Gaussian energy with known Z -----------------

/* E(x) = |x - mu|^2 / (2 s^2) in D dimensions, mu = (mu1, 0, ...); x ~ p exactly. */
enum { D = 5 };
static float gauss_E(const double *x, double mu1, double s) {
    double e = 0;
    for (int j = 0; j < D; j++) e += (x[j] - (j ? 0 : mu1)) * (x[j] - (j ? 0 : mu1));
    return (float)(e / (2 * s * s));
}
static void gauss_draw(rng_t *r, double mu1, double s, double *x) {
    for (int j = 0; j < D; j++) x[j] = (j ? 0 : mu1) + s * rng_normal(r);
}

typedef struct {
    double mu0, s0, mu1, s1;
} gpath_t;

/* One update on n chains of each set: a, b ~ p_{t-1}, c ~ p_t. */
static ebm_thermo_t gauss_update(const gpath_t *p, int n, rng_t *r) {
    float Ea0[2000], Ea1[2000], Eb[2000], Ec[2000];
    double x[D];
    for (int i = 0; i < n; i++) {
        gauss_draw(r, p->mu0, p->s0, x);
        Ea0[i] = gauss_E(x, p->mu0, p->s0), Ea1[i] = gauss_E(x, p->mu1, p->s1);
        gauss_draw(r, p->mu0, p->s0, x);
        Eb[i] = gauss_E(x, p->mu1, p->s1);
        gauss_draw(r, p->mu1, p->s1, x);
        Ec[i] = gauss_E(x, p->mu1, p->s1);
    }
    return ebm_thermo_update(n, Ea0, Ea1, Eb, Ec, NULL, 1.0);
}

Test(eq51, exponential_average_bias_follows_the_delta_method_and_vanishes_with_n) {
    /* A shift of the mean: d = E_t - E_{t-1} ~ N(v/2, v) under p_{t-1}, v = dmu^2/s^2,
     * so Delta ln Z = 0 exactly and the estimator's leading bias is -(e^v - 1)/(2n). */
    const gpath_t p = {0.3, 1.1, 0.3 + 0.88, 1.1};
    double v = (p.mu1 - p.mu0) * (p.mu1 - p.mu0) / (p.s0 * p.s0);
    rng_t r;
    rng_init(&r, 51, 1);
    const int ns[] = {20, 200, 2000};
    for (int a = 0; a < 3; a++) {
        int reps = 600000 / ns[a];
        double m = 0, m2 = 0;
        for (int k = 0; k < reps; k++) {
            double e = gauss_update(&p, ns[a], &r).dlnZ;
            m += e / reps, m2 += e * e / reps;
        }
        double se = sqrt((m2 - m * m) / reps), bias = -(exp(v) - 1) / (2.0 * ns[a]);
        /* the delta method is exact to O(1/n^2): allow the next terms, |k3|/3 + 3 s^4/4
         * over n^2 (k3, s^2 the third cumulant and variance of exp(-d)), besides 4 SE */
        double k3 = exp(3 * v) - 3 * exp(v) + 2, s2 = exp(v) - 1;
        double o2 = (fabs(k3) / 3 + 3 * s2 * s2 / 4) / ((double)ns[a] * ns[a]);
        cr_expect(fabs(m - bias) < 4 * se + o2, "n = %d: mean estimate %g +- %g, delta-method bias %g", ns[a], m, se, bias);
        cr_expect(fabs((m2 - m * m) * ns[a] - (exp(v) - 1)) < 0.25 * (exp(v) - 1),
                  "n = %d: n Var = %g, delta method %g", ns[a], (m2 - m * m) * ns[a], exp(v) - 1);
        if (a == 0) cr_expect(fabs(m) > 4 * se, "negative control: the bias at n = 20 is resolved (%g +- %g)", m, se);
    }
}

Test(eq51, work_heat_and_exchange_match_closed_forms_for_a_moving_gaussian) {
    /* mean and width move: W = D(p_{t-1} || p_t) per coordinate summed,
     * Q = <E_t>_{p_t} - <E_t>_{p_{t-1}}, R = 0 (b and a from the same law). */
    const gpath_t p = {0.2, 1.0, 0.45, 0.93};
    double ratio = p.s0 * p.s0 / (p.s1 * p.s1), dm2 = (p.mu1 - p.mu0) * (p.mu1 - p.mu0);
    double kl = D * 0.5 * (ratio - 1 - log(ratio)) + dm2 / (2 * p.s1 * p.s1);
    double Et_new = D / 2.0, Et_old = (D * p.s0 * p.s0 + dm2) / (2 * p.s1 * p.s1);
    double dlnZ = D * log(p.s1 / p.s0);
    rng_t r;
    rng_init(&r, 52, 2);
    enum { REPS = 400, N = 1000 };
    double sW = 0, sW2 = 0, sQ = 0, sQ2 = 0, sR = 0, sR2 = 0, sZ = 0, sZ2 = 0;
    for (int k = 0; k < REPS; k++) {
        ebm_thermo_t t = gauss_update(&p, N, &r);
        sW += t.W, sW2 += t.W * t.W, sQ += t.Q, sQ2 += t.Q * t.Q, sR += t.R, sR2 += t.R * t.R;
        sZ += t.dlnZ, sZ2 += t.dlnZ * t.dlnZ;
    }
#define MEAN_SE(s, s2) (s) / REPS, sqrt(((s2) / REPS - ((s) / REPS) * ((s) / REPS)) / REPS)
    double mW, eW, mQ, eQ, mR, eR, mZ, eZ;
    double v[8] = {MEAN_SE(sW, sW2), MEAN_SE(sQ, sQ2), MEAN_SE(sR, sR2), MEAN_SE(sZ, sZ2)};
    mW = v[0], eW = v[1], mQ = v[2], eQ = v[3], mR = v[4], eR = v[5], mZ = v[6], eZ = v[7];
    cr_expect(fabs(mW - kl) < 4 * eW + 0.01 * kl, "W %g +- %g, D(p||p') = %g", mW, eW, kl);
    cr_expect(fabs(mQ - (Et_new - Et_old)) < 4 * eQ, "Q %g +- %g, closed form %g", mQ, eQ, Et_new - Et_old);
    cr_expect(fabs(mR) < 4 * eR, "R %g +- %g, closed form 0", mR, eR);
    cr_expect(fabs(mZ - dlnZ) < 4 * eZ + 0.01 * fabs(dlnZ), "Delta ln Z %g +- %g, exact %g", mZ, eZ, dlnZ);
}

Test(eq52, first_law_holds_per_update_to_round_off_and_fails_without_delta_lnZ) {
    rng_t r;
    rng_init(&r, 77, 3);
    enum { N = 100 };
    float a0[N], a1[N], b[N], c[N];
    int cnt[N] = {0};
    for (int i = 0; i < N; i++) {
        a0[i] = (float)(300 + 40 * rng_normal(&r)), a1[i] = a0[i] + (float)(3 * rng_normal(&r));
        b[i] = (float)(500 + 60 * rng_normal(&r)), c[i] = (float)(280 + 30 * rng_normal(&r));
        cnt[rng_below(&r, N)]++;
    }
    const double T = 0.0123;
    for (int boot = 0; boot < 2; boot++) {
        ebm_thermo_t t = ebm_thermo_update(N, a0, a1, b, c, boot ? cnt : NULL, T);
        double scale = fabs(t.Q) + fabs(t.R) + fabs(t.W);
        cr_expect(fabs(t.W + t.Q + t.R - t.dU) < 1e-13 * scale, "residual %g of scale %g", t.W + t.Q + t.R - t.dU, scale);
        cr_expect(fabs(t.W - t.dlnZ + t.Q + t.R - t.dU) > 1e-3 * scale, "negative control: W without Delta ln Z");
        cr_expect(t.W >= 0, "W = <d> + ln <e^-d> >= 0 by Jensen: %g", t.W);
    }
}

/* A production run on a small net and random images: the first law holds at
 * every update, and the cumulative sums equal the sum of the per-update terms. */
Test(eq52, first_law_holds_along_a_production_run_of_the_trainer) {
    rng_t r;
    rng_init(&r, 5, 0);
    mlp_t m;
    float *theta = mnist_energy_net(&m, 12, &r), *data = xmalloc(300 * MNIST_PIXELS * sizeof(float));
    for (int k = 0; k < 300 * MNIST_PIXELS; k++) data[k] = rng_uniform(&r) < 0.2 ? (float)rng_uniform(&r) : 0;
    ebm_train_cfg_t c = {.n = 20, .tau = 4, .L = {0.5f, 1e-3f, 1}, .alpha = 0.1f, .dequant = 0.02f, .nbuf = 60,
                         .reinit = 0.1, .bound = 1e6, .boot = 10, .opt_kind = EBM_OPT_ADAM, .rate = 1e-3f,
                         .beta1 = 0, .beta2 = 0.999f};
    ebm_train_t s;
    ebm_train_init(&s, &m, &c, theta, data, 300, 9, 0);
    double W = 0, Q = 0, R = 0, U = 0, scale = 0;
    for (int u = 0; u < 15; u++) {
        ebm_train_step(&s);
        W += s.last.W, Q += s.last.Q, R += s.last.R, U += s.last.dU;
        scale = fmax(scale, fabs(s.last.Q) + fabs(s.last.R) + fabs(s.last.W));
    }
    cr_expect(s.cum.first_worst < 1e-12, "worst relative per-update residual %g", s.cum.first_worst);
    cr_expect(fabs(s.cum.W + s.cum.Q + s.cum.R - s.cum.dU) < 1e-11 * 15 * scale, "cumulative first law");
    cr_expect(s.cum.W == W && s.cum.Q == Q && s.cum.R == R && s.cum.dU == U, "cumulative sums");
    cr_expect(s.steps == 16L * c.tau, "Langevin steps: %ld", s.steps);
    ebm_interval_t iw = ebm_train_interval(s.bW, c.boot);
    cr_expect(iw.lo <= iw.hi && iw.se > 0, "bootstrap interval [%g, %g], se %g", iw.lo, iw.hi, iw.se);
    ebm_train_free(&s);
    free(theta), free(data);
}

Test(ebm, a_non_finite_energy_stops_the_run, .exit_code = 1) {
    const int sizes[] = {MNIST_PIXELS, 4, 4, 1};
    mlp_t m;
    mlp_init(&m, sizes, 3);
    float *theta = xcalloc(m.nparam, sizeof(float)), *data = xcalloc(10 * MNIST_PIXELS, sizeof(float));
    theta[m.boff[2]] = NAN; /* the output bias */
    ebm_train_cfg_t c = {.n = 5, .tau = 1, .L = {0.1f, 1, 1}, .nbuf = 10, .bound = 1e6, .boot = 2, .rate = 1e-3f};
    ebm_train_t s;
    ebm_train_init(&s, &m, &c, theta, data, 10, 1, 0);
}

// ---- sample quality ----------------------------------------------------------

Test(ebm_eval, nearest_neighbour_distances_match_brute_force) {
    rng_t r;
    rng_init(&r, 3, 0);
    enum { N = 7, K = 2345, DIM = 30 };
    static float x[N * DIM], ref[K * DIM];
    for (int k = 0; k < N * DIM; k++) x[k] = (float)rng_uniform(&r);
    for (int k = 0; k < K * DIM; k++) ref[k] = (float)rng_uniform(&r);
    memcpy(ref + 1234 * DIM, x + 3 * DIM, DIM * sizeof(float)); /* a copy: distance 0 */
    double dist[N];
    ebm_eval_nn_dist(x, N, ref, K, DIM, dist);
    for (int i = 0; i < N; i++) {
        double best = INFINITY;
        for (int k = 0; k < K; k++) {
            double s = 0;
            for (int j = 0; j < DIM; j++) s += ((double)x[i * DIM + j] - ref[k * DIM + j]) * ((double)x[i * DIM + j] - ref[k * DIM + j]);
            best = fmin(best, sqrt(s));
        }
        cr_expect(fabs(dist[i] - best) < 1e-3 + 1e-4 * best, "sample %d: %g vs %g", i, dist[i], best);
    }
    cr_expect(dist[3] < 2e-3, "a copied image has distance %g", dist[3]);
}
