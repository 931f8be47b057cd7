/* The energy-based model (src/lib/ebm.c, src/lib/ebm_train.c, src/lib/ebm_exact.c,
 * src/lib/ebm_eval.c), each piece against a route of its own:
 *   - the network's energy and gradients against an independent double
 *     precision forward pass and central differences;
 *   - the normals against the scalar Philox stream and a double Box-Muller;
 *   - MALA: its acceptance ratio against the formula evaluated here, and its
 *     law after many steps from exact draws (inverse CDF of a quadrature done
 *     here) against that law, the unadjusted step resolved as wrong;
 *   - the estimators (exponential average, BAR, W, Q, R) on Gaussian
 *     energies whose free energies and KL are closed forms, with a stale
 *     replay-buffer law so that R is not zero;
 *   - AIS and the grid quadrature against a quadrature written here;
 *   - the exact case: the MNIST trainer's functions on a 2-D model, summed
 *     estimates against quadrature along the same trajectory.
 * The first law W + Q + R = Delta U holds by construction of the estimators:
 * its test checks arithmetic only and is labelled so. */
#define _DEFAULT_SOURCE
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <math.h>
#include <string.h>

#include "ebm.h"
#include "ebm_eval.h"
#include "ebm_exact.h"
#include "ebm_train.h"
#include "mlp.h"
#include "rng.h"
#include "util.h"

// ---- an independent double-precision energy of the same parameter layout ----

static double ref_f(const mlp_t *m, const double *th, const double *x) {
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

/* E(x) = |x - m|^2 / (2 s^2) + f(x), all in double */
static double ref_E(const mlp_t *m, const double *th, const double *mean, double sd, const double *x) {
    double q = 0;
    for (int j = 0; j < m->size[0]; j++) q += (x[j] - mean[j]) * (x[j] - mean[j]);
    return q / (2 * sd * sd) + ref_f(m, th, x);
}

/* A small net d-5-4-1 with O(1) weights so that every SiLU is in its curved range. */
static void small_net(mlp_t *m, int d, float *theta, double *thd, double scale, rng_t *r) {
    const int sizes[] = {d, 5, 4, 1};
    mlp_init(m, sizes, 3);
    for (size_t k = 0; k < m->nparam; k++) {
        theta[k] = (float)(scale * rng_normal(r));
        thd[k] = theta[k];
    }
}

/* An energy net 784-h-h-1 with the production initialisation (caller frees). */
static float *mnist_energy_net(mlp_t *m, int h, rng_t *r) {
    const int sizes[] = {MNIST_PIXELS, h, h, 1};
    mlp_init(m, sizes, 3);
    float *theta = xmalloc(m->nparam * sizeof(float));
    mlp_init_uniform(m, theta, r);
    return theta;
}

// ---- the network and the model -------------------------------------------------

Test(ebm, energy_and_grad_x_match_an_independent_double_forward_and_finite_differences) {
    rng_t r;
    rng_init(&r, 2385, 0);
    mlp_t m;
    float theta[128], x[3 * 6], dx[3 * 6], g[3] = {1, 1, 1};
    double thd[128];
    small_net(&m, 6, theta, thd, 0.9, &r);
    cr_assert(m.nparam <= 128);
    for (int k = 0; k < 18; k++) x[k] = (float)rng_uniform(&r);
    ebm_work_t *w = ebm_work_alloc(&m, 3);
    ebm_energy(&m, theta, x, 3, w);
    ebm_backward(&m, theta, x, 3, w, g, NULL, dx);
    const double h = 1e-5;
    for (int i = 0; i < 3; i++) {
        double xd[6];
        for (int j = 0; j < 6; j++) xd[j] = x[i * 6 + j];
        double E = ref_f(&m, thd, xd);
        cr_expect(epsilon_eq(dbl, w->E[i], E, 1e-5 * (1 + fabs(E))), "energy of example %d: %g vs %g", i, w->E[i], E);
        for (int j = 0; j < 6; j++) {
            double xp[6], xm[6];
            memcpy(xp, xd, sizeof xp), memcpy(xm, xd, sizeof xm);
            xp[j] += h, xm[j] -= h;
            double fd = (ref_f(&m, thd, xp) - ref_f(&m, thd, xm)) / (2 * h);
            cr_expect(epsilon_eq(dbl, dx[i * 6 + j], fd, 1e-4 * (1 + fabs(fd))), "df/dx[%d][%d]: %g vs %g", i, j,
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
    small_net(&m, 6, theta, thd, 0.9, &r);
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
            thd[k] = save + h, sp += g[i] * ref_f(&m, thd, xd);
            thd[k] = save - h, sm += g[i] * ref_f(&m, thd, xd);
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
    small_net(&m, 6, theta, thd, 0.9, &r);
    memcpy(before, theta, sizeof before);
    for (int k = 0; k < 12; k++) xd[k] = (float)rng_uniform(&r), xn[k] = (float)rng_uniform(&r);
    const float alpha = 0.3f, rate = 1e-3f;
    ebm_opt_t o;
    ebm_opt_init(&o, &m, EBM_OPT_SGD, rate, 0, 0);
    ebm_work_t *w = ebm_work_alloc(&m, 4);
    ebm_update(&m, theta, xd, xn, 2, alpha, &o, w, xcat);
    /* L = <f>_d - <f>_n + alpha (<f^2>_d + <f^2>_n), differentiated numerically */
    const double h = 1e-5;
    for (size_t k = 0; k < m.nparam; k++) {
        double L[2], save = thd[k];
        for (int s = 0; s < 2; s++) {
            thd[k] = save + (s ? -h : h);
            L[s] = 0;
            for (int i = 0; i < 2; i++) {
                double a[6], b[6];
                for (int j = 0; j < 6; j++) a[j] = xd[i * 6 + j], b[j] = xn[i * 6 + j];
                double Ed = ref_f(&m, thd, a), En = ref_f(&m, thd, b);
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

Test(ebm, model_energy_is_the_gaussian_base_plus_f_and_theta0_has_f_zero) {
    rng_t r;
    rng_init(&r, 31, 0);
    mlp_t m;
    float theta[128], mean[6], x[5 * 6];
    double thd[128], md[6];
    small_net(&m, 6, theta, thd, 0.7, &r);
    for (int j = 0; j < 6; j++) md[j] = mean[j] = (float)rng_normal(&r);
    for (int k = 0; k < 30; k++) x[k] = (float)(2 * rng_normal(&r));
    const double sd = 0.785;
    ebm_t e;
    ebm_model(&e, &m, mean, sd);
    ebm_chains_t *c = ebm_chains_alloc(5, 6);
    memcpy(c->x, x, sizeof x);
    ebm_work_t *w = ebm_work_alloc(&m, 2); /* smaller than the batch: chunks */
    ebm_chains_refresh(&e, theta, c, w);
    for (int i = 0; i < 5; i++) {
        double xd[6];
        for (int j = 0; j < 6; j++) xd[j] = x[i * 6 + j];
        double E = ref_E(&m, thd, md, sd, xd);
        cr_expect(epsilon_eq(dbl, c->E[i], E, 1e-5 * (1 + fabs(E))), "E of chain %d: %g vs %g", i, c->E[i], E);
        for (int j = 0; j < 6; j++) {
            double xp[6], xm[6], h = 1e-5;
            memcpy(xp, xd, sizeof xp), memcpy(xm, xd, sizeof xm);
            xp[j] += h, xm[j] -= h;
            double fd = (ref_E(&m, thd, md, sd, xp) - ref_E(&m, thd, md, sd, xm)) / (2 * h);
            cr_expect(epsilon_eq(dbl, c->g[i * 6 + j], fd, 1e-4 * (1 + fabs(fd))), "dE/dx[%d][%d]: %g vs %g", i, j,
                      c->g[i * 6 + j], fd);
        }
    }
    /* beta moves without a network pass: E = base + beta f */
    ebm_chains_set_beta(&e, c, 0.3);
    for (int i = 0; i < 5; i++) {
        double xd[6];
        for (int j = 0; j < 6; j++) xd[j] = x[i * 6 + j];
        double f = ref_f(&m, thd, xd), E = ref_E(&m, thd, md, sd, xd) - 0.7 * f;
        cr_expect(epsilon_eq(dbl, c->E[i], E, 1e-5 * (1 + fabs(E))), "E_0.3 of chain %d: %g vs %g", i, c->E[i], E);
    }
    /* theta_0: f = 0 everywhere, ln Z = (d/2) ln(2 pi s^2) */
    ebm_init_theta(&m, theta, &r);
    ebm_chains_set_beta(&e, c, 1);
    ebm_chains_refresh(&e, theta, c, w);
    for (int i = 0; i < 5; i++) cr_expect(eq(dbl, c->f[i], 0.0), "f_theta0 of chain %d = %g", i, c->f[i]);
    cr_expect(epsilon_eq(dbl, ebm_base_lnZ(&e), 3 * log(2 * M_PI * sd * sd), 1e-13));
    ebm_chains_free(c);
    ebm_work_free(w);
}

// ---- random normals -----------------------------------------------------------------

Test(ebm, normals_are_box_muller_on_the_scalar_philox_stream_at_any_length_and_offset) {
    /* lengths across the block boundaries, starting mid-block of the stream */
    const size_t lens[] = {1, 7, 255, 256, 257, 1023, 1024, 1025, 3001};
    for (int a = 0; a < 9; a++) {
        rng_t r1, r2;
        rng_init(&r1, 2385, 5 + a), rng_init(&r2, 2385, 5 + a);
        for (int k = 0; k < a; k++) rng_u32(&r1), rng_u32(&r2); /* a words already read */
        size_t n = lens[a];
        float *out = xmalloc(n * sizeof(float));
        ebm_gauss_fill(&r1, out, n);
        for (size_t s0 = 0; s0 < n; s0 += 1024) { /* pairs within each block of 1024, the twin of an odd tail dropped */
            size_t k = n - s0 < 1024 ? n - s0 : 1024;
            for (size_t i = 0; i < k; i += 2) {
                /* the uniforms as the library forms them: 24 bits + 1/2, rounded to float */
                float w1 = (float)(rng_u32(&r2) >> 8) + 0.5f, w2 = (float)(rng_u32(&r2) >> 8) + 0.5f;
                double u1 = w1 * 0x1.0p-24, u2 = w2 * 0x1.0p-24;
                double rad = sqrt(-2 * log(u1));
                cr_expect(fabs(out[s0 + i] - rad * cos(2 * M_PI * u2)) < 2e-6 * (1 + rad), "length %zu, normal %zu", n, s0 + i);
                if (i + 1 < k)
                    cr_expect(fabs(out[s0 + i + 1] - rad * sin(2 * M_PI * u2)) < 2e-6 * (1 + rad), "length %zu, normal %zu",
                              n, s0 + i + 1);
            }
        }
        cr_expect(eq(u32, rng_u32(&r1), rng_u32(&r2)), "length %zu: the streams continue in step", n);
        free(out);
    }
}

Test(ebm, normals_have_the_moments_of_a_standard_normal) {
    enum { N = 1 << 20 };
    float *x = xmalloc(N * sizeof(float));
    rng_t r;
    rng_init(&r, 77, 1);
    ebm_gauss_fill(&r, x, N);
    double m1 = 0, m2 = 0, m4 = 0;
    for (int i = 0; i < N; i++) m1 += x[i], m2 += (double)x[i] * x[i], m4 += pow(x[i], 4);
    m1 /= N, m2 /= N, m4 /= N;
    cr_expect(fabs(m1) < 4 / sqrt(N), "mean %g", m1);
    cr_expect(fabs(m2 - 1) < 4 * sqrt(2.0 / N), "variance %g", m2);
    cr_expect(fabs(m4 - 3) < 4 * sqrt(96.0 / N), "fourth moment %g", m4);
    free(x);
}

// ---- Eq 26: Langevin steps ------------------------------------------------------------

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

Test(eq26, unadjusted_langevin_has_the_closed_form_stationary_law_not_the_target_law) {
    const double eps = 0.05, k = 10, T = 0.37; /* eps k = 0.5: a 33% discretisation effect */
    double var, se;
    quadratic_chain(eps, k, T, &var, &se);
    double exact = T / (k * (1 - eps * k / 2)), target = T / k;
    cr_expect(fabs(var - exact) < 4 * se + 1e-6 * exact, "variance %g +- %g, closed form %g", var, se, exact);
    /* the short-run contrast's law is not exp(-E/T): the target is resolved as wrong */
    cr_expect(fabs(var - target) > 20 * se, "variance %g is not distinguished from T/k = %g", var, target);
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

Test(eq26, mala_log_ratio_is_the_metropolis_hastings_ratio_of_the_langevin_proposal) {
    /* ln [p(y) q(x|y) / (p(x) q(y|x))] with q(y|x) = N(y; x - eps g(x), 2 eps), in double here */
    rng_t r;
    rng_init(&r, 12, 0);
    mlp_t m;
    float theta[128], mean[6], x[6], y[6], gx[6], gy[6];
    double thd[128], md[6], xd[6], yd[6];
    small_net(&m, 6, theta, thd, 0.8, &r);
    for (int j = 0; j < 6; j++) md[j] = mean[j] = (float)rng_normal(&r);
    for (int j = 0; j < 6; j++) xd[j] = x[j] = (float)rng_normal(&r), yd[j] = y[j] = (float)(x[j] + 0.3 * rng_normal(&r));
    const double sd = 1.3, eps = 0.07;
    double Ex = ref_E(&m, thd, md, sd, xd), Ey = ref_E(&m, thd, md, sd, yd);
    for (int j = 0; j < 6; j++) { /* gradients by central differences */
        double p[6], q[6], h = 1e-6;
        memcpy(p, xd, sizeof p), memcpy(q, xd, sizeof q), p[j] += h, q[j] -= h;
        gx[j] = (float)((ref_E(&m, thd, md, sd, p) - ref_E(&m, thd, md, sd, q)) / (2 * h));
        memcpy(p, yd, sizeof p), memcpy(q, yd, sizeof q), p[j] += h, q[j] -= h;
        gy[j] = (float)((ref_E(&m, thd, md, sd, p) - ref_E(&m, thd, md, sd, q)) / (2 * h));
    }
    double lq_yx = 0, lq_xy = 0; /* ln q(y|x), ln q(x|y) up to the same constant */
    for (int j = 0; j < 6; j++) {
        double a = yd[j] - (xd[j] - eps * gx[j]), b = xd[j] - (yd[j] - eps * gy[j]);
        lq_yx -= a * a / (4 * eps), lq_xy -= b * b / (4 * eps);
    }
    double want = -Ey + Ex + lq_xy - lq_yx;
    double got = ebm_mala_log_ratio(6, x, y, Ex, Ey, gx, gy, eps);
    cr_expect(epsilon_eq(dbl, got, want, 1e-9 * (1 + fabs(want))), "log ratio %.12g vs %.12g", got, want);
    cr_expect(epsilon_eq(dbl, ebm_mala_log_ratio(6, y, x, Ey, Ex, gy, gx, eps), -want, 1e-9 * (1 + fabs(want))),
              "reverse move");
}

/* The 1-D law p ~ exp(-E) of a small net on a Gaussian base, by quadrature on
 * G midpoints of [lo, hi]: cumulative distribution for exact draws. */
typedef struct {
    int G;
    double lo, h, cdf[20001], mean, var;
} law1d_t;

static void law1d(law1d_t *L, const mlp_t *m, const double *thd, double mean, double sd) {
    L->G = 20000, L->lo = mean - 9 * sd, L->h = 18 * sd / L->G;
    double *p = xmalloc((size_t)L->G * sizeof(double)), Emin = INFINITY, Z = 0;
    for (int k = 0; k < L->G; k++) {
        double x = L->lo + (k + 0.5) * L->h;
        p[k] = ref_E(m, thd, &mean, sd, &x);
        Emin = fmin(Emin, p[k]);
    }
    for (int k = 0; k < L->G; k++) Z += p[k] = exp(-(p[k] - Emin));
    L->cdf[0] = 0, L->mean = 0, L->var = 0;
    for (int k = 0; k < L->G; k++) {
        double x = L->lo + (k + 0.5) * L->h;
        L->cdf[k + 1] = L->cdf[k] + p[k] / Z;
        L->mean += x * p[k] / Z, L->var += x * x * p[k] / Z;
    }
    L->var -= L->mean * L->mean;
    free(p);
}

/* an exact draw: the inverse of the piecewise-linear cdf */
static double law1d_draw(const law1d_t *L, rng_t *r) {
    double u = rng_uniform(r);
    int lo = 0, hi = L->G;
    while (hi - lo > 1) {
        int mid = (lo + hi) / 2;
        if (L->cdf[mid] <= u) lo = mid;
        else hi = mid;
    }
    return L->lo + L->h * (lo + (u - L->cdf[lo]) / (L->cdf[lo + 1] - L->cdf[lo]));
}

Test(eq26, mala_keeps_the_law_exp_minus_E_over_Z_exactly_where_the_unadjusted_step_drifts) {
    rng_t r;
    rng_init(&r, 2024, 3);
    mlp_t m;
    float theta[128], mean = 0.4f;
    double thd[128], md = 0.4;
    const int sizes[] = {1, 8, 8, 1};
    mlp_init(&m, sizes, 3);
    for (size_t k = 0; k < m.nparam; k++) thd[k] = theta[k] = (float)(1.1 * rng_normal(&r));
    const double sd = 1.1;
    static law1d_t L;
    law1d(&L, &m, thd, md, sd);
    ebm_t e;
    ebm_model(&e, &m, &mean, sd);
    enum { N = 40000, STEPS = 30 };
    ebm_chains_t *mala = ebm_chains_alloc(N, 1), *ula = ebm_chains_alloc(N, 1);
    for (int i = 0; i < N; i++) mala->x[i] = ula->x[i] = (float)law1d_draw(&L, &r);
    ebm_work_t *w = ebm_work_alloc(&m, N);
    ebm_chains_refresh(&e, theta, mala, w);
    const float eps = 0.35f; /* a large step: the unadjusted chain's bias is resolved */
    ebm_langevin_t U = {eps, 1, 0};
    float *noise = xmalloc(N * sizeof(float));
    for (int s = 0; s < STEPS; s++) {
        ebm_mala_step(&e, theta, mala, eps, w, &r);
        ebm_chains_refresh(&e, theta, ula, w);
        ebm_langevin_move(&U, ula->x, ula->g, N, noise, &r);
    }
    double acc = (double)mala->accepted / mala->tried;
    cr_expect(acc > 0.3 && acc < 0.95, "acceptance %g", acc);
    /* chains are independent: mean and variance against the law, standard errors from the law */
    double m1 = 0, m2 = 0, u1 = 0, u2 = 0;
    for (int i = 0; i < N; i++) m1 += mala->x[i], m2 += (double)mala->x[i] * mala->x[i], u1 += ula->x[i],
                                u2 += (double)ula->x[i] * ula->x[i];
    m1 /= N, m2 = m2 / N - m1 * m1, u1 /= N, u2 = u2 / N - u1 * u1;
    double se_m = sqrt(L.var / N), se_v = L.var * sqrt(3.0 / N); /* the fourth moment bounded generously */
    cr_expect(fabs(m1 - L.mean) < 4 * se_m, "MALA mean %g, law %g +- %g", m1, L.mean, se_m);
    cr_expect(fabs(m2 - L.var) < 4 * se_v, "MALA variance %g, law %g +- %g", m2, L.var, se_v);
    /* a histogram of 20 equal-probability bins: chi^2 with 19 degrees of freedom */
    double chi = 0, chu = 0;
    for (int b = 0; b < 20; b++) {
        int lo = 0, hi = 0;
        while (lo < L.G && L.cdf[lo] < b / 20.0) lo++;
        while (hi < L.G && L.cdf[hi] < (b + 1) / 20.0) hi++;
        double a = b ? L.lo + L.h * lo : -INFINITY, z = b < 19 ? L.lo + L.h * hi : INFINITY, pb = L.cdf[hi] - L.cdf[lo];
        if (b == 0) pb = L.cdf[hi];
        if (b == 19) pb = 1 - L.cdf[lo];
        int cm = 0, cu = 0;
        for (int i = 0; i < N; i++) cm += mala->x[i] >= a && mala->x[i] < z, cu += ula->x[i] >= a && ula->x[i] < z;
        chi += (cm - N * pb) * (cm - N * pb) / (N * pb), chu += (cu - N * pb) * (cu - N * pb) / (N * pb);
    }
    cr_expect(chi < 50, "MALA histogram chi^2 = %g (19 dof; P(> 50) < 1e-4)", chi); /* bin edges on the grid: +-1 cell */
    /* negative control: the unadjusted step at the same eps is resolved as another law */
    cr_expect(fabs(u2 - L.var) > 10 * se_v || chu > 200, "unadjusted variance %g, chi^2 %g: not distinguished", u2, chu);
    free(noise);
    ebm_chains_free(mala), ebm_chains_free(ula);
    ebm_work_free(w);
}

// ---- Eqs 51-52: estimators on Gaussian energies with known Z -----------------------

/* E(x) = |x - mu|^2 / (2 s^2) in D dimensions, mu = (mu1, 0, ...); draws exact. */
enum { D = 5 };
static double gauss_E(const double *x, double mu1, double s) {
    double e = 0;
    for (int j = 0; j < D; j++) e += (x[j] - (j ? 0 : mu1)) * (x[j] - (j ? 0 : mu1));
    return e / (2 * s * s);
}
static void gauss_draw(rng_t *r, double mu1, double s, double *x) {
    for (int j = 0; j < D; j++) x[j] = (j ? 0 : mu1) + s * rng_normal(r);
}

typedef struct {
    double mu0, s0, mu1, s1, mub, sb; /* p_{t-1}, p_t, and a stale law b of a replay buffer */
} gpath_t;

/* One update on n chains of each set: a ~ p_{t-1}, b ~ the stale law, c ~ p_t. */
static ebm_thermo_t gauss_update(const gpath_t *p, int n, rng_t *r) {
    static double pa[4000], na[4000], nb[4000], nc[4000], pc[4000];
    double x[D];
    for (int i = 0; i < n; i++) {
        gauss_draw(r, p->mu0, p->s0, x);
        pa[i] = gauss_E(x, p->mu0, p->s0), na[i] = gauss_E(x, p->mu1, p->s1);
        gauss_draw(r, p->mub, p->sb, x);
        nb[i] = gauss_E(x, p->mu1, p->s1);
        gauss_draw(r, p->mu1, p->s1, x);
        nc[i] = gauss_E(x, p->mu1, p->s1), pc[i] = gauss_E(x, p->mu0, p->s0);
    }
    return ebm_thermo_update(n, pa, na, nb, nc, pc, NULL);
}

/* <E_1>_q for E_1 = |x - mu1 e_1|^2 / (2 s1^2) and q = N(mu e_1, s^2 I) */
static double gauss_cross(double mu, double s, double mu1, double s1) {
    return (D * s * s + (mu - mu1) * (mu - mu1)) / (2 * s1 * s1);
}

Test(eq51, exponential_average_equals_the_lognormal_closed_form) {
    /* dE ~ N(mu, v): ln <exp(-dE)> = -mu + v/2 exactly; n large, v small: the
     * estimator's bias (e^v - 1)/(2n) is 1e-6, far below its error */
    enum { N = 200000 };
    double *dE = xmalloc(N * sizeof(double));
    const double mu = 3.1, v = 0.45;
    rng_t r;
    rng_init(&r, 5151, 0);
    for (int i = 0; i < N; i++) dE[i] = mu + sqrt(v) * rng_normal(&r);
    double got = ebm_exp_average(N, dE, NULL), want = -mu + v / 2, se = sqrt((exp(v) - 1) / N);
    cr_expect(fabs(got - want) < 4 * se, "ln <exp(-dE)> = %g, closed form %g +- %g", got, want, se);
    free(dE);
}

Test(eq51, exponential_average_bias_follows_the_delta_method_and_vanishes_with_n) {
    /* A shift of the mean: dE ~ N(v/2, v) under p_{t-1}, v = dmu^2/s^2, so
     * Delta ln Z = 0 exactly and the estimator's leading bias is -(e^v - 1)/(2n). */
    const gpath_t p = {0.3, 1.1, 0.3 + 0.88, 1.1, 0.3, 1.1};
    double v = (p.mu1 - p.mu0) * (p.mu1 - p.mu0) / (p.s0 * p.s0);
    rng_t r;
    rng_init(&r, 51, 1);
    const int ns[] = {20, 200, 2000};
    for (int a = 0; a < 3; a++) {
        int reps = 600000 / ns[a];
        double m = 0, m2 = 0;
        for (int k = 0; k < reps; k++) {
            double e = gauss_update(&p, ns[a], &r).dlnZ_exp;
            m += e / reps, m2 += e * e / reps;
        }
        double se = sqrt((m2 - m * m) / reps), bias = -(exp(v) - 1) / (2.0 * ns[a]);
        double k3 = exp(3 * v) - 3 * exp(v) + 2, s2 = exp(v) - 1;
        double o2 = (fabs(k3) / 3 + 3 * s2 * s2 / 4) / ((double)ns[a] * ns[a]);
        cr_expect(fabs(m - bias) < 4 * se + o2, "n = %d: mean estimate %g +- %g, delta-method bias %g", ns[a], m, se, bias);
        if (a == 0) cr_expect(fabs(m) > 4 * se, "negative control: the bias at n = 20 is resolved (%g +- %g)", m, se);
    }
}

Test(eq51, bar_is_unbiased_for_delta_lnZ_and_its_standard_error_is_honest) {
    /* mean and width move: Delta ln Z = D ln(s1/s0) exactly */
    const gpath_t p = {0.2, 1.0, 0.55, 0.9, 0.2, 1.0};
    const double exact = D * log(p.s1 / p.s0);
    rng_t r;
    rng_init(&r, 1976, 2);
    enum { REPS = 900, N = 1000 };
    double m = 0, m2 = 0, mse2 = 0;
    for (int k = 0; k < REPS; k++) {
        ebm_thermo_t t = gauss_update(&p, N, &r);
        m += t.dlnZ / REPS, m2 += t.dlnZ * t.dlnZ / REPS, mse2 += t.dlnZ_se * t.dlnZ_se / REPS;
    }
    double var = m2 - m * m, se = sqrt(var / REPS);
    cr_expect(fabs(m - exact) < 4 * se, "BAR %.5f +- %.5f, exact %.5f", m, se, exact);
    cr_expect(se < 0.002, "resolution %g: a shift of 0.01 must be resolved", se);
    cr_expect(fabs(sqrt(mse2) / sqrt(var) - 1) < 0.2, "asymptotic error %g against the spread %g", sqrt(mse2), sqrt(var));
}

Test(eq51, work_is_the_kl_divergence_and_heat_and_exchange_match_closed_forms) {
    /* W = D(p_{t-1} || p_t); Q = <E_t>_{p_t} - <E_t>_b; R = <E_t>_b - <E_t>_{p_{t-1}},
     * b a stale law (a replay buffer's): R is not zero, so Q and R are told apart */
    const gpath_t p = {0.2, 1.0, 0.45, 0.93, -0.6, 1.25};
    double ratio = p.s0 * p.s0 / (p.s1 * p.s1), dm2 = (p.mu1 - p.mu0) * (p.mu1 - p.mu0);
    double kl = D * 0.5 * (ratio - 1 - log(ratio)) + dm2 / (2 * p.s1 * p.s1);
    double Ec = gauss_cross(p.mu1, p.s1, p.mu1, p.s1), Eb = gauss_cross(p.mub, p.sb, p.mu1, p.s1);
    double Ea = gauss_cross(p.mu0, p.s0, p.mu1, p.s1), dlnZ = D * log(p.s1 / p.s0);
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
    double v[8] = {MEAN_SE(sW, sW2), MEAN_SE(sQ, sQ2), MEAN_SE(sR, sR2), MEAN_SE(sZ, sZ2)};
    cr_expect(fabs(v[0] - kl) < 4 * v[1], "W %g +- %g, D(p||p') = %g", v[0], v[1], kl);
    cr_expect(fabs(v[2] - (Ec - Eb)) < 4 * v[3], "Q %g +- %g, closed form %g", v[2], v[3], Ec - Eb);
    cr_expect(fabs(v[4] - (Eb - Ea)) < 4 * v[5], "R %g +- %g, closed form %g", v[4], v[5], Eb - Ea);
    cr_expect(fabs(Eb - Ea) > 20 * v[5], "the exchange R = %g is resolved from 0", Eb - Ea);
    cr_expect(fabs(v[6] - dlnZ) < 4 * v[7], "Delta ln Z %g +- %g, exact %g", v[6], v[7], dlnZ);
    cr_expect(v[1] < 0.002 && v[7] < 0.002, "resolution: W +- %g, Delta ln Z +- %g", v[1], v[7]);
}

Test(eq52, first_law_is_an_identity_of_the_estimators_a_check_of_arithmetic_only) {
    rng_t r;
    rng_init(&r, 77, 3);
    enum { N = 100 };
    double a0[N], a1[N], b[N], c[N], c0[N];
    int cnt[N] = {0};
    for (int i = 0; i < N; i++) {
        a0[i] = 300 + 4 * rng_normal(&r), a1[i] = a0[i] + 0.3 * rng_normal(&r);
        b[i] = 500 + 6 * rng_normal(&r), c[i] = 280 + 3 * rng_normal(&r), c0[i] = c[i] - 0.2 + 0.3 * rng_normal(&r);
        cnt[rng_below(&r, N)]++;
    }
    for (int boot = 0; boot < 2; boot++) {
        ebm_thermo_t t = ebm_thermo_update(N, a0, a1, b, c, c0, boot ? cnt : NULL);
        double scale = fabs(t.Q) + fabs(t.R) + fabs(t.W);
        cr_expect(fabs(t.W + t.Q + t.R - t.dU) < 1e-13 * scale, "residual %g of scale %g", t.W + t.Q + t.R - t.dU, scale);
    }
}

// ---- AIS and the grid quadrature ----------------------------------------------------

/* ln Z of a 2-D model by the midpoint rule here (double forward pass) */
static double ref_lnZ2(const mlp_t *m, const double *thd, const double *md, double sd, int G) {
    double box = 8 * sd, h = 2 * box / G, Emin = INFINITY;
    double *E = xmalloc((size_t)G * G * sizeof(double)), s = 0;
    for (int i = 0; i < G; i++)
        for (int j = 0; j < G; j++) {
            double x[2] = {md[0] - box + (i + 0.5) * h, md[1] - box + (j + 0.5) * h};
            E[i * G + j] = ref_E(m, thd, md, sd, x);
            Emin = fmin(Emin, E[i * G + j]);
        }
    for (int k = 0; k < G * G; k++) s += exp(-(E[k] - Emin));
    free(E);
    return -Emin + log(s * h * h);
}

Test(ebm_exact, grid_quadrature_matches_an_independent_quadrature_and_the_base_closed_form) {
    rng_t r;
    rng_init(&r, 99, 4);
    mlp_t m;
    float theta[256], mean[2] = {0.3f, -0.2f};
    double thd[256], md[2] = {0.3f, -0.2f};
    small_net(&m, 2, theta, thd, 1.0, &r);
    const double sd = 1.2;
    ebm_t e;
    ebm_model(&e, &m, mean, sd);
    ebm_grid_t *g = ebm_grid_alloc(2, 300, mean, sd, 7);
    ebm_work_t *w = ebm_work_alloc(&m, 4096);
    double *E = xmalloc((size_t)g->npts * sizeof(double));
    double got = ebm_grid_energies(&e, theta, g, w, E), want = ref_lnZ2(&m, thd, md, sd, 500);
    cr_expect(fabs(got - want) < 1e-5, "ln Z %.9g, independent quadrature %.9g", got, want);
    ebm_init_theta(&m, theta, &r);
    got = ebm_grid_energies(&e, theta, g, w, E);
    /* float grid coordinates: the midpoints are off by ~1e-8 */
    cr_expect(fabs(got - ebm_base_lnZ(&e)) < 1e-7, "ln Z_0 %.12g, closed form %.12g", got, ebm_base_lnZ(&e));
    free(E);
    ebm_grid_free(g);
    ebm_work_free(w);
}

Test(ebm_exact, grid_update_gives_the_gaussian_kl_delta_lnZ_and_heat) {
    /* a 1-D grid holding two Gaussian energies: closed forms for everything */
    float mean = 0;
    ebm_grid_t *g = ebm_grid_alloc(1, 4000, &mean, 1.0, 12);
    double *E0 = xmalloc((size_t)g->npts * sizeof(double)), *E1 = xmalloc((size_t)g->npts * sizeof(double));
    const double m0 = 0.1, s0 = 0.8, m1 = -0.35, s1 = 1.1;
    for (long p = 0; p < g->npts; p++) {
        double x = g->x[p];
        E0[p] = (x - m0) * (x - m0) / (2 * s0 * s0), E1[p] = (x - m1) * (x - m1) / (2 * s1 * s1);
    }
    double l0 = 0.5 * log(2 * M_PI * s0 * s0), l1 = 0.5 * log(2 * M_PI * s1 * s1);
    ebm_exact_update_t u = ebm_grid_update(g, E0, l0, E1, l1);
    double r = s0 * s0 / (s1 * s1), kl = 0.5 * (r - 1 - log(r)) + (m1 - m0) * (m1 - m0) / (2 * s1 * s1);
    double Q = 0.5 - (s0 * s0 + (m0 - m1) * (m0 - m1)) / (2 * s1 * s1);
    cr_expect(fabs(u.W - kl) < 1e-9, "KL %.12g vs %.12g", u.W, kl);
    cr_expect(fabs(u.Q - Q) < 1e-9, "Q %.12g vs %.12g", u.Q, Q);
    cr_expect(fabs(u.dlnZ - (l1 - l0)) < 1e-12, "Delta ln Z");
    free(E0), free(E1);
    ebm_grid_free(g);
}

Test(ebm_exact, ais_from_the_base_matches_quadrature_within_its_error) {
    rng_t r;
    rng_init(&r, 7, 5);
    mlp_t m;
    float theta[256], mean[2] = {0.0f, 0.5f};
    double thd[256], md[2] = {0.0, 0.5};
    small_net(&m, 2, theta, thd, 1.0, &r);
    const double sd = 1.0;
    ebm_t e;
    ebm_model(&e, &m, mean, sd);
    double want = ref_lnZ2(&m, thd, md, sd, 400) - ebm_base_lnZ(&e);
    ebm_chains_t *c = ebm_chains_alloc(400, 2);
    ebm_work_t *w = ebm_work_alloc(&m, 400);
    ebm_ais_t a = ebm_ais(&e, theta, c, 200, 2.0, 2, 0.3f, w, &r);
    cr_expect(fabs(a.lnZ - want) < 4 * a.se, "AIS %g +- %g (ess %g), quadrature %g", a.lnZ, a.se, a.ess, want);
    cr_expect(a.se < 0.05 && fabs(want) > 0.2, "the check has power: se %g, ln Z - ln Z_base %g", a.se, want);
    ebm_chains_free(c);
    ebm_work_free(w);
}

// ---- the exact case: the trainer's functions against quadrature ----------------------

static ebm_exact_cfg_t small_exact(void) {
    ebm_exact_cfg_t c = {.d = 2, .hidden = 16, .G = 96, .K = 1000, .box = 7, .sep = 2.0, .width = 0.5, .base_sd = 1.2};
    c.tc = (ebm_train_cfg_t){.n = 100, .nm = 100, .tau = 30, .warmup = 10, .updates = 60, .eps0 = 0.1f, .target = 0.65,
                             .bound = 1e6, .boot = 50, .opt_kind = EBM_OPT_ADAM, .rate = 5e-3f, .beta2 = 0.999f};
    return c;
}

Test(eq51, exact_case_work_delta_lnZ_and_heat_agree_with_quadrature_along_the_trajectory) {
    ebm_exact_cfg_t c = small_exact();
    double dW = 0, dZ = 0, dQ = 0, vW = 0, vZ = 0, vQ = 0, kl = 0;
    enum { REPS = 4 };
    for (int k = 0; k < REPS; k++) {
        ebm_exact_result_t x = ebm_exact_run(&c, 11, (uint64_t)k << 20);
        dW += x.W - x.W_exact, dZ += x.dlnZ - x.dlnZ_exact, dQ += x.Q - x.Q_exact;
        vW += x.W_se * x.W_se, vZ += x.dlnZ_se * x.dlnZ_se, vQ += x.Q_se * x.Q_se;
        kl += x.kl_mean_exact / REPS;
        cr_expect(fabs(x.lnZ0_err) < 1e-7, "ln Z_0 by quadrature off by %g", x.lnZ0_err);
        cr_expect(x.accept > 0.5 && x.accept < 0.8, "acceptance %g", x.accept);
    }
    cr_expect(fabs(dW / sqrt(vW)) < 4, "W: summed estimate - exact = %g, z = %g", dW, dW / sqrt(vW));
    cr_expect(fabs(dZ / sqrt(vZ)) < 4, "ln Z_T - ln Z_0: estimate - exact = %g, z = %g", dZ, dZ / sqrt(vZ));
    cr_expect(fabs(dQ / sqrt(vQ)) < 4, "Q: summed estimate - exact = %g, z = %g", dQ, dQ / sqrt(vQ));
    /* power: the errors are small against what a 0.01-per-update shift would do */
    cr_expect(sqrt(vZ) < 0.01 * c.tc.updates * REPS / 4, "summed ln Z error %g", sqrt(vZ));
    cr_expect(kl > 1e-3, "the updates move the law (mean KL %g)", kl);
}

Test(ebm, a_non_finite_energy_stops_the_run, .exit_code = 1) {
    const int sizes[] = {MNIST_PIXELS, 4, 4, 1};
    mlp_t m;
    mlp_init(&m, sizes, 3);
    float *theta = xcalloc(m.nparam, sizeof(float)), *data = xcalloc(10 * MNIST_PIXELS, sizeof(float));
    float *mean = xcalloc(MNIST_PIXELS, sizeof(float));
    theta[m.boff[2]] = NAN; /* the output bias */
    ebm_t e;
    ebm_model(&e, &m, mean, 0.3);
    ebm_train_cfg_t c = {.n = 5, .nm = 5, .tau = 1, .updates = 1, .eps0 = 0.01f, .target = 0.6, .bound = 1e6, .boot = 2,
                         .rate = 1e-3f};
    ebm_train_t s;
    ebm_train_init(&s, &e, &c, theta, data, 10, 1, 0);
}

// ---- sample quality ----------------------------------------------------------------

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
