/* The MLP of Fig. 5.1 (src/lib/mlp.c): gradients, loss, the SGD/noise split of
 * Eq 19, the per-example gradient-norm identity, and the sparse and dense
 * first-layer paths, each against an independent reference. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <math.h>
#include <string.h>

#include "idx.h"
#include "mlp.h"
#include "stats.h"
#include "sgdnoise.h"
#include "util.h"

/* ---- an independent double-precision reference: naive loops, no BLAS ---- */

/* Loss of example x with label y for parameters theta (double copy). */
static double ref_loss(const mlp_t *m, const double *th, const float *x, int y, double *prob) {
    double a[1024] = {0}, z[1024];
    int in = m->size[0];
    for (int j = 0; j < in; j++) a[j] = x[j];
    for (int l = 0; l < m->nlayer; l++) {
        int out = m->size[l + 1];
        for (int o = 0; o < out; o++) {
            z[o] = th[m->boff[l] + o];
            for (int j = 0; j < in; j++) z[o] += a[j] * th[m->woff[l] + (size_t)j * out + o];
        }
        for (int o = 0; o < out; o++) a[o] = (l + 1 < m->nlayer && z[o] < 0) ? 0 : z[o];
        in = out;
    }
    double mx = a[0], s = 0;
    for (int c = 1; c < in; c++) mx = fmax(mx, a[c]);
    for (int c = 0; c < in; c++) s += exp(a[c] - mx);
    if (prob)
        for (int c = 0; c < in; c++) prob[c] = exp(a[c] - mx) / s;
    return mx + log(s) - a[y];
}

static double ref_mean_loss(const mlp_t *m, const double *th, const float *x, const uint8_t *y, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += ref_loss(m, th, x + (size_t)i * m->size[0], y[i], NULL);
    return s / n;
}

/* Random inputs with about 60% exact zeros (like MNIST) and random labels. */
static void make_data(rng_t *r, float *x, uint8_t *y, int n, int in, int classes) {
    for (int i = 0; i < n * in; i++) x[i] = rng_uniform(r) < 0.6 ? 0.0f : (float)rng_uniform(r);
    for (int i = 0; i < n; i++) y[i] = (uint8_t)rng_below(r, (uint32_t)classes);
}

static const int small[] = {12, 9, 7, 4};

/* grad of the mean loss by mlp_backward vs central differences of the double
 * reference, for a batch of n (n <= 128 runs the sparse first layer). */
static void check_gradient(int n) {
    mlp_t m;
    mlp_init(&m, small, 3);
    rng_t r;
    rng_init(&r, 2385, (uint64_t)n);
    float *th = xmalloc(m.nparam * sizeof(float)), *g = xcalloc(m.nparam, sizeof(float));
    float *x = xmalloc((size_t)n * 12 * sizeof(float));
    uint8_t *y = xmalloc((size_t)n);
    mlp_init_uniform(&m, th, &r);
    make_data(&r, x, y, n, 12, 4);
    mlp_work_t *w = mlp_work_alloc(&m, n);
    mlp_forward(&m, th, x, y, n, w, NULL);
    mlp_backward(&m, th, x, y, n, w, g, 1.0f / (float)n, NULL);
    double *thd = xmalloc(m.nparam * sizeof(double)), gmax = 0, errmax = 0;
    for (size_t i = 0; i < m.nparam; i++) thd[i] = th[i];
    for (size_t i = 0; i < m.nparam; i++) {
        const double h = 1e-6;
        double keep = thd[i];
        thd[i] = keep + h;
        double lp = ref_mean_loss(&m, thd, x, y, n);
        thd[i] = keep - h;
        double lm = ref_mean_loss(&m, thd, x, y, n);
        thd[i] = keep;
        double fd = (lp - lm) / (2 * h);
        gmax = fmax(gmax, fabs(fd));
        errmax = fmax(errmax, fabs(fd - g[i]));
    }
    /* float32 arithmetic: ~1e-7 relative per operation; 1e-5 of the largest
     * component leaves room for the accumulation depth, not for a wrong term */
    cr_expect(lt(dbl, errmax, 1e-5 * gmax), "n=%d: max |backprop - FD| = %g, max |FD| = %g", n, errmax, gmax);
    mlp_work_free(w);
    free(th), free(g), free(x), free(y), free(thd);
}

Test(mlp, backprop_matches_central_differences_sparse_first_layer) { check_gradient(7); }
Test(mlp, backprop_matches_central_differences_dense_first_layer) { check_gradient(150); }

Test(mlp, forward_logits_match_naive_loops_on_both_paths) {
    const int sizes[] = {MNIST_PIXELS, 200, 200, 200, MNIST_CLASSES};
    mlp_t m;
    mlp_init(&m, sizes, 4);
    rng_t r;
    rng_init(&r, 77, 0);
    int n = 200;
    float *th = xmalloc(m.nparam * sizeof(float)), *x = xmalloc((size_t)n * MNIST_PIXELS * sizeof(float));
    uint8_t *y = xmalloc((size_t)n);
    mlp_init_uniform(&m, th, &r);
    make_data(&r, x, y, n, MNIST_PIXELS, MNIST_CLASSES);
    double *thd = xmalloc(m.nparam * sizeof(double));
    for (size_t i = 0; i < m.nparam; i++) thd[i] = th[i];
    mlp_work_t *w = mlp_work_alloc(&m, n);
    /* n = 200 takes the sgemm path, n = 100 the sparse one */
    int ns[2] = {200, 100};
    for (int t = 0; t < 2; t++) {
        double loss = mlp_forward(&m, th, x, y, ns[t], w, NULL) / ns[t];
        double want = ref_mean_loss(&m, thd, x, y, ns[t]);
        cr_expect(lt(dbl, fabs(loss - want), 1e-5 * fabs(want)), "n=%d: %.9g vs naive %.9g", ns[t], loss, want);
    }
    mlp_work_free(w);
    free(th), free(x), free(y), free(thd);
}

/* Eq 2: the loss the SGD code minimises is the mean surprisal -ln p(y|x). */
Test(eq2, mean_loss_equals_mean_surprisal) {
    mlp_t m;
    mlp_init(&m, small, 3);
    rng_t r;
    rng_init(&r, 3, 2);
    int n = 9;
    float th[400], x[9 * 12];
    uint8_t y[9];
    cr_assert(le(sz, m.nparam, 400));
    mlp_init_uniform(&m, th, &r);
    make_data(&r, x, y, n, 12, 4);
    double thd[400], surprisal = 0, p[8];
    for (size_t i = 0; i < m.nparam; i++) thd[i] = th[i];
    for (int i = 0; i < n; i++) {
        ref_loss(&m, thd, x + i * 12, y[i], p);
        surprisal += -log(p[y[i]]) / n; /* phi = -ln p, averaged over the batch */
    }
    mlp_work_t *w = mlp_work_alloc(&m, n);
    double loss = mlp_forward(&m, th, x, y, n, w, NULL) / n;
    cr_expect(lt(dbl, fabs(loss - surprisal), 1e-6 * surprisal), "%.12g vs %.12g", loss, surprisal);
    mlp_work_free(w);
}

/* Softmax cross-entropy is unchanged by a constant added to every logit
 * (here through the last layer's biases), for shifts far beyond exp's range. */
Test(mlp, cross_entropy_is_invariant_to_a_constant_logit_shift) {
    mlp_t m;
    mlp_init(&m, small, 3);
    rng_t r;
    rng_init(&r, 5, 5);
    float th[400], x[6 * 12];
    uint8_t y[6];
    mlp_init_uniform(&m, th, &r);
    make_data(&r, x, y, 6, 12, 4);
    mlp_work_t *w = mlp_work_alloc(&m, 6);
    double base = mlp_forward(&m, th, x, y, 6, w, NULL);
    const float shifts[] = {-1000.0f, -3.7f, 0.25f, 88.0f, 1000.0f};
    for (int s = 0; s < 5; s++) {
        float sh[400];
        memcpy(sh, th, sizeof sh);
        for (int c = 0; c < 4; c++) sh[m.boff[2] + c] += shifts[s];
        double got = mlp_forward(&m, sh, x, y, 6, w, NULL);
        cr_expect(lt(dbl, fabs(got - base), 2e-3 * fabs(base) + 1e-4),
                  "shift %g: %.9g vs %.9g (float logits lose ~|shift|*1e-7)", shifts[s], got, base);
        cr_expect(eq(int, isfinite(got) != 0, 1), "shift %g overflowed", shifts[s]);
    }
    mlp_work_free(w);
}

/* ---- Eq 18-19 on a small data set: U_B, the SGD step and eta ------------- */

typedef struct {
    mlp_t m;
    int K;
    float *x;
    uint8_t *y;
    float *th;
    mlp_work_t *w;
} toy_t;

static toy_t toy(int K) {
    toy_t t;
    mlp_init(&t.m, small, 3);
    rng_t r;
    rng_init(&r, 2024, 19);
    t.K = K;
    t.x = xmalloc((size_t)K * 12 * sizeof(float));
    t.y = xmalloc((size_t)K);
    t.th = xmalloc(t.m.nparam * sizeof(float));
    mlp_init_uniform(&t.m, t.th, &r);
    make_data(&r, t.x, t.y, K, 12, 4);
    t.w = mlp_work_alloc(&t.m, K);
    return t;
}

static void toy_free(toy_t *t) {
    free(t->x), free(t->y), free(t->th);
    mlp_work_free(t->w);
}

/* Per-example gradient g_n (of phi(x_n), not divided by anything). */
static void example_grad(toy_t *t, int i, float *g) {
    memset(g, 0, t->m.nparam * sizeof(float));
    mlp_forward(&t->m, t->th, t->x + (size_t)i * 12, t->y + i, 1, t->w, NULL);
    mlp_backward(&t->m, t->th, t->x + (size_t)i * 12, t->y + i, 1, t->w, g, 1.0f, NULL);
}

/* Eq 18: grad U_B = (1/K) sum_n g_n, computed in one pass. */
Test(eq18, full_gradient_is_the_mean_of_per_example_gradients) {
    toy_t t = toy(40);
    size_t P = t.m.nparam;
    float *G = xmalloc(P * sizeof(float)), *g = xmalloc(P * sizeof(float));
    double *mean = xcalloc(P, sizeof(double));
    mlp_full_grad(&t.m, t.th, t.x, t.y, t.K, t.w, G, NULL);
    for (int i = 0; i < t.K; i++) {
        example_grad(&t, i, g);
        for (size_t p = 0; p < P; p++) mean[p] += g[p] / (double)t.K;
    }
    for (size_t p = 0; p < P; p++) cr_expect(lt(dbl, fabs(G[p] - mean[p]), 1e-6), "component %zu", p);
    free(G), free(g), free(mean);
    toy_free(&t);
}

/* Identity used for Fig. 5.1c: ||g_n||^2 = sum_l ||delta_l||^2 (||a_{l-1}||^2 + 1). */
/* The full-data gradient, loss and summed per-example norms do not depend on how
 * the K examples are cut into chunks (the paper-scale runs use chunks of 1000 of
 * 60000): a work space of 7 (chunks 7, ..., 7, 5) against the mean of per-example
 * gradients, and the loss and norms against one chunk of all 40. */
Test(eq18, full_gradient_is_the_same_for_any_chunk_size) {
    toy_t t = toy(40);
    size_t P = t.m.nparam;
    float *G = xmalloc(P * sizeof(float)), *G1 = xmalloc(P * sizeof(float)), *g = xmalloc(P * sizeof(float));
    double *mean = xcalloc(P, sizeof(double)), pe7, pe1;
    mlp_work_t *w7 = mlp_work_alloc(&t.m, 7);
    double loss7 = mlp_full_grad(&t.m, t.th, t.x, t.y, t.K, w7, G, &pe7);
    double loss1 = mlp_full_grad(&t.m, t.th, t.x, t.y, t.K, t.w, G1, &pe1);
    for (int i = 0; i < t.K; i++) {
        example_grad(&t, i, g);
        for (size_t p = 0; p < P; p++) mean[p] += g[p] / (double)t.K;
    }
    for (size_t p = 0; p < P; p++) cr_expect(lt(dbl, fabs(G[p] - mean[p]), 1e-6), "component %zu", p);
    cr_expect(epsilon_eq(dbl, loss7, loss1, 1e-6 * loss1), "loss %.9g vs %.9g", loss7, loss1);
    cr_expect(epsilon_eq(dbl, pe7, pe1, 1e-6 * pe1), "sum of per-example norms %.9g vs %.9g", pe7, pe1);
    mlp_work_free(w7);
    free(G), free(G1), free(g), free(mean);
    toy_free(&t);
}

Test(fig51, per_example_norm_identity_matches_explicit_gradients) {
    toy_t t = toy(30);
    size_t P = t.m.nparam;
    float *g = xmalloc(P * sizeof(float));
    double pe[30];
    mlp_forward(&t.m, t.th, t.x, t.y, t.K, t.w, NULL);
    float *sink = xcalloc(P, sizeof(float));
    mlp_backward(&t.m, t.th, t.x, t.y, t.K, t.w, sink, 1.0f, pe);
    for (int i = 0; i < t.K; i++) {
        example_grad(&t, i, g);
        double s = 0;
        for (size_t p = 0; p < P; p++) s += (double)g[p] * g[p];
        cr_expect(lt(dbl, fabs(pe[i] - s), 1e-6 * s + 1e-12), "example %d: identity %.10g, explicit %.10g", i, pe[i], s);
    }
    free(g), free(sink);
    toy_free(&t);
}

/* Eq 19 is a rearrangement of Algorithm 1: the update applied by the fused SGD
 * code equals -r grad U_B + r eta with eta from the noise code, to round-off. */
Test(eq19, sgd_update_equals_drift_plus_noise) {
    toy_t t = toy(50);
    size_t P = t.m.nparam;
    const int b = 5;
    const float r = 0.05f;
    int idx[5] = {3, 17, 22, 40, 8};
    float xb[5 * 12];
    uint8_t yb[5];
    for (int i = 0; i < b; i++) {
        memcpy(xb + i * 12, t.x + idx[i] * 12, 12 * sizeof(float));
        yb[i] = t.y[idx[i]];
    }
    float *G = xmalloc(P * sizeof(float)), *eta = xmalloc(P * sizeof(float));
    float *before = xmalloc(P * sizeof(float));
    memcpy(before, t.th, P * sizeof(float));
    mlp_full_grad(&t.m, t.th, t.x, t.y, t.K, t.w, G, NULL);
    sgdnoise_eta(&t.m, t.th, G, xb, yb, b, t.w, eta); /* the noise code of src/prog/fig51.c */
    mlp_sgd_step(&t.m, t.th, xb, yb, b, r, t.w);
    double scale = 0;
    size_t rejected_flip = 0;
    for (size_t p = 0; p < P; p++) {
        double step = (double)t.th[p] - before[p], langevin = -r * (double)G[p] + r * (double)eta[p];
        /* round-off: theta's own ulp, plus float rounding of G and eta */
        double tol = 4 * nextafterf(fabsf(before[p]), INFINITY) - 4 * fabsf(before[p]) + 1e-6 * r * fabs(G[p]) + 1e-9;
        scale = fmax(scale, fabs(step));
        cr_expect(lt(dbl, fabs(step - langevin), tol), "component %zu: step %.9g, drift+noise %.9g", p, step, langevin);
        /* negative control: the noise with the wrong sign, -r grad U_B - r eta */
        rejected_flip += fabs(step - (-r * (double)G[p] - r * (double)eta[p])) >= tol;
    }
    cr_expect(gt(dbl, scale, 1e-4), "the step must move theta for the test to mean anything");
    cr_expect(gt(sz, rejected_flip, P / 2), "the same check must reject eta with the wrong sign (%zu of %zu)",
              rejected_flip, P);
    free(G), free(eta), free(before);
    toy_free(&t);
}

/* Eq 20's power: sgdnoise_measure's exact E||eta||^2 against the plain average
 * of ||eta||^2 over EVERY batch of b distinct indices (K = 10, b = 3: 120 batches),
 * with eta from the full gradient. A formula with the wrong batch size fails. */
static void gather_toy(const toy_t *t, const uint32_t *idx, int b, float *xb, uint8_t *yb) {
    for (int i = 0; i < b; i++) {
        memcpy(xb + i * 12, t->x + idx[i] * 12, 12 * sizeof(float));
        yb[i] = t->y[idx[i]];
    }
}

/* Calls use(eta, ctx) with eta of every batch of 3 distinct of the 10 examples
 * (G the full gradient); returns the number of batches (120). */
static int every_batch_of_3(toy_t *t, float *G, float *eta, void (*use)(const float *eta, void *ctx), void *ctx) {
    float xb[3 * 12];
    uint8_t yb[3];
    uint32_t idx[3];
    int count = 0;
    for (idx[0] = 0; idx[0] < 10; idx[0]++)
        for (idx[1] = idx[0] + 1; idx[1] < 10; idx[1]++)
            for (idx[2] = idx[1] + 1; idx[2] < 10; idx[2]++, count++) {
                gather_toy(t, idx, 3, xb, yb);
                sgdnoise_eta(&t->m, t->th, G, xb, yb, 3, t->w, eta);
                use(eta, ctx);
            }
    return count;
}

typedef struct {
    const mlp_t *m;
    double *sum; /* [0]: all parameters; or one per group */
} power_sum_t;
static void add_power(const float *eta, void *ctx) {
    power_sum_t *c = ctx;
    for (size_t p = 0; p < c->m->nparam; p++) c->sum[0] += (double)eta[p] * eta[p];
}
static void add_group_power(const float *eta, void *ctx) {
    power_sum_t *c = ctx;
    for (int g = 0; g < sgdnoise_ngroups(c->m); g++) {
        size_t off, n;
        sgdnoise_group_range(c->m, g, &off, &n);
        for (size_t i = off; i < off + n; i++) c->sum[g] += (double)eta[i] * eta[i] / (double)n;
    }
}

Test(eq20, expected_noise_power_equals_the_average_over_every_batch) {
    toy_t t = toy(10);
    size_t P = t.m.nparam;
    const int b = 3;
    float *G = xmalloc(P * sizeof(float)), *eta = xmalloc(P * sizeof(float));
    sgdnoise_t s = sgdnoise_measure(&t.m, t.th, t.x, t.y, t.K, t.x, t.y, b, t.w, G, eta, NULL);
    double sum = 0;
    int count = every_batch_of_3(&t, G, eta, add_power, &(power_sum_t){&t.m, &sum});
    cr_assert_eq(count, 120);
    double avg = sum / count / (double)P;
    cr_expect(lt(dbl, fabs(s.var_expected - avg), 1e-5 * avg), "exact %.9g vs average over all batches %.9g",
              s.var_expected, avg);
    double wrong_b = s.var_expected * sgdnoise_factor(10, 2) / sgdnoise_factor(10, 3);
    cr_expect(gt(dbl, fabs(wrong_b - avg), 0.3 * avg), "the check must tell b = 2 from b = 3");
    free(G), free(eta);
    toy_free(&t);
}

/* Sec. 5.1.2's per-group noise (sgdnoise_measure's groups): the groups tile
 * theta exactly, and each group's exact E||eta_g||^2 / dim_g equals the plain
 * average over every batch of b = 3 of K = 10, the measured value that of the
 * batch given, and the drift that of grad U_B restricted to the group. A
 * group with a wrong range, a weight term without its activation factor, a
 * bias term counted with the weights or a wrong dimension fails. */
Test(eq20, per_group_noise_power_equals_the_average_over_every_batch) {
    toy_t t = toy(10);
    size_t P = t.m.nparam;
    const int b = 3, ng = sgdnoise_ngroups(&t.m);
    cr_assert_eq(ng, 2 * t.m.nlayer);
    unsigned char *seen = xcalloc(P, 1);
    for (int g = 0; g < ng; g++) {
        size_t off, n;
        sgdnoise_group_range(&t.m, g, &off, &n);
        cr_assert(off + n <= P && n > 0, "group %d [%zu, %zu) outside theta (%zu)", g, off, off + n, P);
        for (size_t i = off; i < off + n; i++) seen[i]++;
    }
    for (size_t i = 0; i < P; i++) cr_assert_eq(seen[i], 1, "parameter %zu is in %d groups", i, seen[i]);
    float *G = xmalloc(P * sizeof(float)), *eta = xmalloc(P * sizeof(float)), xb[3 * 12];
    uint8_t yb[3];
    uint32_t idx[3] = {4, 7, 9};
    gather_toy(&t, idx, b, xb, yb);
    sgdnoise_t grp[2 * MLP_MAX_LAYERS];
    sgdnoise_t all = sgdnoise_measure(&t.m, t.th, t.x, t.y, t.K, xb, yb, b, t.w, G, eta, grp);
    double sum_exp = 0;
    for (int g = 0; g < ng; g++) {
        size_t off, n;
        sgdnoise_group_range(&t.m, g, &off, &n);
        double e2 = 0, d2 = 0;
        for (size_t i = off; i < off + n; i++) e2 += (double)eta[i] * eta[i], d2 += (double)G[i] * G[i];
        cr_expect(lt(dbl, fabs(grp[g].var_measured - e2 / n), 1e-12 * (e2 / n) + 1e-300), "group %d measured", g);
        cr_expect(lt(dbl, fabs(grp[g].drift_msq - d2 / n), 1e-12 * (d2 / n) + 1e-300), "group %d drift", g);
        sum_exp += grp[g].var_expected * (double)n;
    }
    cr_expect(lt(dbl, fabs(sum_exp - all.var_expected * (double)P), 1e-9 * all.var_expected * (double)P),
              "the groups' powers add up to the whole: %.9g vs %.9g", sum_exp, all.var_expected * (double)P);
    double *avg = xcalloc((size_t)ng, sizeof *avg);
    int count = every_batch_of_3(&t, G, eta, add_group_power, &(power_sum_t){&t.m, avg});
    for (int g = 0; g < ng; g++) {
        avg[g] /= count;
        cr_expect(lt(dbl, fabs(grp[g].var_expected - avg[g]), 1e-5 * avg[g]),
                  "group %d: exact %.9g vs average over all batches %.9g", g, grp[g].var_expected, avg[g]);
    }
    free(avg), free(seen), free(G), free(eta);
    toy_free(&t);
}

/* The window estimator of C(lag) (src/lib/sgdnoise.h), by its two defining facts.
 * (1) With r = 0 theta never moves, eta(t) are independent draws: C(l >= 1) = 0
 *     and the de-inflated lag-0 power equals the exact E||eta||^2, each within
 *     4 standard errors over 30 independent windows.
 * (2) Negative control: per-epoch batches with |b| = K/2 are complementary, so
 *     eta(t+1) = -eta(t) within an epoch; pooled over reference steps, C(1) = -1/2. */
static double window_acf(toy_t *t, rng_t *r, int epoch, double *lag0_power) {
    const int b = 20, M = 30, W = 100, L = 3;
    size_t P = t->m.nparam;
    float *G = xmalloc(P * sizeof(float)), *eta = xmalloc(P * sizeof(float));
    float *xb = xmalloc(b * 12 * sizeof(float)), *xm = xmalloc(M * 12 * sizeof(float));
    uint8_t yb[20], ym[30];
    uint32_t idx[40], perm[40];
    sgdnoise_acf_t a;
    sgdnoise_acf_init(&a, P, L, W, t->K, b, M);
    for (int s = 0; sgdnoise_acf_remaining(&a) > 0; s++) {
        if (epoch && s % 2 == 0) rng_distinct(r, (uint32_t)t->K, t->K, perm); /* a random permutation */
        if (epoch) memcpy(idx, perm + (s % 2) * b, b * sizeof *idx);
        else rng_distinct(r, (uint32_t)t->K, b, idx);
        gather_toy(t, idx, b, xb, yb);
        rng_distinct(r, (uint32_t)t->K, M, idx);
        gather_toy(t, idx, M, xm, ym);
        memset(G, 0, P * sizeof(float));
        mlp_forward(&t->m, t->th, xm, ym, M, t->w, NULL);
        mlp_backward(&t->m, t->th, xm, ym, M, t->w, G, 1.0f / M, NULL);
        sgdnoise_eta(&t->m, t->th, G, xb, yb, b, t->w, eta);
        sgdnoise_acf_push(&a, eta);
    }
    *lag0_power = a.dot[0] / W / a.inflation;
    double c1 = sgdnoise_acf_value(a.dot, a.inflation, 1);
    sgdnoise_acf_free(&a);
    free(G), free(eta), free(xb), free(xm);
    return c1;
}

Test(eq20, window_acf_estimator_is_unbiased_and_sees_anticorrelation) {
    toy_t t = toy(40);
    size_t P = t.m.nparam;
    float *G = xmalloc(P * sizeof(float)), *eta = xmalloc(P * sizeof(float));
    double exact = sgdnoise_measure(&t.m, t.th, t.x, t.y, t.K, t.x, t.y, 20, t.w, G, eta, NULL).var_expected * (double)P;
    rng_t r;
    rng_init(&r, 20, 1);
    const int n = 30;
    double c[30], pw[30], anti[30], unused;
    for (int i = 0; i < n; i++) c[i] = window_acf(&t, &r, 0, &pw[i]);
    for (int i = 0; i < n; i++) anti[i] = window_acf(&t, &r, 1, &unused);
    double mc = stats_mean(c, NULL, n), sc = stats_sd(c, NULL, n) / sqrt(n);
    double mp = stats_mean(pw, NULL, n), sp = stats_sd(pw, NULL, n) / sqrt(n);
    double ma = stats_mean(anti, NULL, n), sa = stats_sd(anti, NULL, n) / sqrt(n);
    cr_expect(lt(dbl, fabs(mc), 4 * sc), "white noise: C(1) = %.4f +- %.4f", mc, sc);
    cr_expect(lt(dbl, fabs(mp - exact), 4 * sp), "lag-0 power %.6g +- %.2g vs exact %.6g", mp, sp, exact);
    cr_expect(lt(dbl, fabs(ma + 0.5), 4 * sa), "complementary batches: C(1) = %.4f +- %.4f, expected -1/2", ma, sa);
    cr_expect(gt(dbl, fabs(ma - mc), 6 * sqrt(sa * sa + sc * sc)), "the estimator must tell the two apart");
    free(G), free(eta);
    toy_free(&t);
}

/* Same seed, same stream: bit-identical training; another stream differs. */
/* The lag-0 inflation of the window estimator (sgdnoise.h), by Monte Carlo at a
 * fixed theta: eta^ = (mean gradient of an independent batch of M) - (mean
 * gradient of the batch of |b|), so E||eta^||^2 / E||eta||^2 must be the
 * production factor 1 + c(K,M)/c(K,|b|), with E||eta||^2 the exact power of
 * sgdnoise_measure. 20000 draws give the ratio to about 0.5%; a factor 1.1 off
 * is 20 standard errors away. */
Test(eq20, window_lag0_inflation_is_the_variance_ratio_by_monte_carlo) {
    toy_t t = toy(40);
    const int b = 5, M = 8, D = 20000;
    size_t P = t.m.nparam;
    float *G = xmalloc(P * sizeof(float)), *eta = xmalloc(P * sizeof(float));
    float xb[5 * 12], xm[8 * 12];
    uint8_t yb[5], ym[8];
    uint32_t idx[8];
    double exact = sgdnoise_measure(&t.m, t.th, t.x, t.y, t.K, t.x, t.y, b, t.w, G, eta, NULL).var_expected * (double)P;
    sgdnoise_acf_t a;
    sgdnoise_acf_init(&a, P, 1, 1, t.K, b, M);
    rng_t r;
    rng_init(&r, 20, 7);
    double s = 0, s2 = 0;
    for (int k = 0; k < D; k++) {
        rng_distinct(&r, (uint32_t)t.K, M, idx);
        gather_toy(&t, idx, M, xm, ym);
        memset(G, 0, P * sizeof(float));
        mlp_forward(&t.m, t.th, xm, ym, M, t.w, NULL);
        mlp_backward(&t.m, t.th, xm, ym, M, t.w, G, 1.0f / M, NULL);
        rng_distinct(&r, (uint32_t)t.K, b, idx);
        gather_toy(&t, idx, b, xb, yb);
        sgdnoise_eta(&t.m, t.th, G, xb, yb, b, t.w, eta);
        double e2 = 0;
        for (size_t p = 0; p < P; p++) e2 += (double)eta[p] * eta[p];
        s += e2, s2 += e2 * e2;
    }
    double mean = s / D, se = sqrt((s2 / D - mean * mean) / (D - 1));
    cr_expect(lt(dbl, fabs(mean / exact - a.inflation), 4 * se / exact), "Monte Carlo %.5f +- %.5f vs production %.5f",
              mean / exact, se / exact, a.inflation);
    cr_expect(gt(dbl, a.inflation, 1.3), "M and |b| chosen so that the inflation is large (%.4f)", a.inflation);
    sgdnoise_acf_free(&a);
    free(G), free(eta);
    toy_free(&t);
}

Test(fig51, same_seed_is_bit_identical_and_streams_differ) {
    float *res[3];
    uint64_t streams[3] = {7, 7, 8};
    for (int s = 0; s < 3; s++) {
        toy_t t = toy(60);
        rng_t r;
        rng_init(&r, 99, streams[s]);
        for (int step = 0; step < 50; step++) {
            int i = (int)rng_below(&r, 60);
            mlp_sgd_step(&t.m, t.th, t.x + (size_t)i * 12, t.y + i, 1, 0.1f, t.w);
        }
        res[s] = t.th;
        t.th = NULL; /* kept in res; the rest freed */
        toy_free(&t);
    }
    size_t P;
    {
        mlp_t m;
        mlp_init(&m, small, 3);
        P = m.nparam;
    }
    cr_expect(eq(int, memcmp(res[0], res[1], P * sizeof(float)), 0));
    cr_expect(ne(int, memcmp(res[0], res[2], P * sizeof(float)), 0));
    for (int s = 0; s < 3; s++) free(res[s]);
}

/* sparse_max = 0 forces the dense first layer for a small batch: the same SGD
 * step in another summation order. It must agree with the sparse step to float
 * round-off (this is the perturbation `make test` uses to stand in for another
 * BLAS kernel), and it must actually differ somewhere, or it perturbs nothing. */
Test(mlp, dense_and_sparse_first_layer_give_the_same_step_to_round_off) {
    const int sizes[] = {MNIST_PIXELS, 200, 200, 200, MNIST_CLASSES};
    mlp_t sp, de;
    mlp_init(&sp, sizes, 4);
    mlp_init(&de, sizes, 4);
    de.sparse_max = 0;
    rng_t r;
    rng_init(&r, 51, 7);
    const int n = 10;
    float *a = xmalloc(sp.nparam * sizeof(float)), *b = xmalloc(sp.nparam * sizeof(float));
    float *x = xmalloc((size_t)n * MNIST_PIXELS * sizeof(float));
    uint8_t *y = xmalloc(n);
    mlp_init_uniform(&sp, a, &r);
    memcpy(b, a, sp.nparam * sizeof(float));
    make_data(&r, x, y, n, MNIST_PIXELS, MNIST_CLASSES);
    mlp_work_t *w = mlp_work_alloc(&sp, n);
    double la = mlp_sgd_step(&sp, a, x, y, n, 0.01f, w), lb = mlp_sgd_step(&de, b, x, y, n, 0.01f, w);
    double dmax = 0, amax = 0;
    long differ = 0;
    for (size_t i = 0; i < sp.nparam; i++) {
        dmax = fmax(dmax, fabs((double)a[i] - b[i]));
        amax = fmax(amax, fabs(a[i]));
        differ += a[i] != b[i];
    }
    cr_expect(epsilon_eq(dbl, la, lb, 1e-6 * fabs(la)), "losses %.9g vs %.9g", la, lb);
    cr_expect(lt(dbl, dmax, 1e-6 * amax), "max |sparse - dense| = %g of max |theta| = %g", dmax, amax);
    cr_expect(gt(i64, differ, 0), "the dense path must change the summation order somewhere");
    mlp_work_free(w);
    free(a), free(b), free(x), free(y);
}
