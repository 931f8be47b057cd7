/* ebm_train.c - one EBM training run with heat/work bookkeeping (ebm_train.h). */
#include "ebm_train.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define PCT_LO 0.025
#define PCT_HI 0.975

static float uniform01(rng_t *r) { return (float)rng_uniform(r); }

/* Every energy finite and within the bound, else stop naming the update. */
static void check_energies(const ebm_train_t *s, const float *E, const char *what) {
    for (int i = 0; i < s->c.n; i++)
        if (!isfinite(E[i]) || fabs(E[i]) > s->c.bound)
            die("ebm: tau %d, update %ld: energy %g of chain %d (%s) is not finite or exceeds energy_bound = %g", s->c.tau,
                s->t, (double)E[i], i, what, s->c.bound);
}

static void check_samples(const ebm_train_t *s) {
    size_t len = (size_t)s->c.n * s->m->size[0];
    for (size_t k = 0; k < len; k++)
        if (!isfinite(s->x[k]))
            die("ebm: tau %d, update %ld: sample %zu has a non-finite pixel (%g)", s->c.tau, s->t,
                k / (size_t)s->m->size[0], (double)s->x[k]);
}

/* Chains b: n distinct buffer slots, each restarted from noise with prob. reinit. */
static void draw_chains(ebm_train_t *s) {
    int n = s->c.n, d = s->m->size[0];
    rng_distinct(&s->r_chain, (uint32_t)s->c.nbuf, n, s->pick);
    for (int i = 0; i < n; i++) {
        s->bidx[i] = (int)s->pick[i];
        float *xi = s->x + (size_t)i * d;
        if (rng_uniform(&s->r_chain) < s->c.reinit)
            for (int j = 0; j < d; j++) xi[j] = uniform01(&s->r_chain);
        else memcpy(xi, s->buf + (size_t)s->bidx[i] * d, (size_t)d * sizeof(float));
    }
}

/* tau Langevin steps of the chains at the current theta: E_b before, E_c after;
 * the chains go back into their buffer slots. */
static void sample(ebm_train_t *s) {
    int n = s->c.n, d = s->m->size[0];
    for (int k = 0; k < s->c.tau; k++) {
        ebm_langevin_step(s->m, s->theta, &s->c.L, s->x, n, s->w, s->dx, s->noise, &s->r_chain);
        if (k == 0) memcpy(s->E_b, s->w->E, (size_t)n * sizeof(float));
    }
    s->steps += (long)s->c.tau;
    check_samples(s);
    ebm_energy(s->m, s->theta, s->x, n, s->w);
    memcpy(s->E_c, s->w->E, (size_t)n * sizeof(float));
    check_energies(s, s->E_b, "before sampling");
    check_energies(s, s->E_c, "after sampling");
    for (int i = 0; i < n; i++) memcpy(s->buf + (size_t)s->bidx[i] * d, s->x + (size_t)i * d, (size_t)d * sizeof(float));
}

void ebm_train_init(ebm_train_t *s, const mlp_t *m, const ebm_train_cfg_t *c, const float *theta0, const float *data,
                    int K, uint64_t seed, uint64_t stream) {
    memset(s, 0, sizeof *s);
    if (c->nbuf < c->n) die("ebm: buffer of %d states is smaller than the %d chains per update", c->nbuf, c->n);
    if (c->n > K) die("ebm: batch of %d exceeds the %d training images", c->n, K);
    s->m = m, s->c = *c, s->data = data, s->K = K;
    size_t d = (size_t)m->size[0], n = (size_t)c->n;
    s->theta = xmalloc(m->nparam * sizeof(float));
    memcpy(s->theta, theta0, m->nparam * sizeof(float));
    ebm_opt_init(&s->opt, m, c->opt_kind, c->rate, c->beta1, c->beta2);
    s->w = ebm_work_alloc(m, 2 * c->n);
    s->buf = xmalloc((size_t)c->nbuf * d * sizeof(float));
    s->bidx = xmalloc(n * sizeof(int));
    s->pick = xmalloc(n * sizeof(uint32_t));
    s->x = xmalloc(n * d * sizeof(float));
    s->xdata = xmalloc(n * d * sizeof(float));
    s->xcat = xmalloc(2 * n * d * sizeof(float));
    s->dx = xmalloc(n * d * sizeof(float));
    s->noise = xmalloc((n * d + 1) * sizeof(float));
    float **E[] = {&s->E_a_prev, &s->E_a_new, &s->E_b, &s->E_c};
    for (int k = 0; k < 4; k++) *E[k] = xmalloc(n * sizeof(float));
    s->cnt = xmalloc(n * sizeof(int));
    double **B[] = {&s->bW, &s->bQ, &s->bR, &s->bU};
    for (int k = 0; k < 4; k++) *B[k] = xcalloc((size_t)c->boot, sizeof(double));
    rng_init(&s->r_data, seed, stream);
    rng_init(&s->r_chain, seed, stream + 1);
    rng_init(&s->r_boot, seed, stream + 2);
    for (size_t k = 0; k < (size_t)c->nbuf * d; k++) s->buf[k] = uniform01(&s->r_chain);
    draw_chains(s);
    sample(s);
}

/* n distinct training images, dequantised. */
static void data_batch(ebm_train_t *s) {
    int n = s->c.n, d = s->m->size[0];
    rng_distinct(&s->r_data, (uint32_t)s->K, n, s->pick);
    for (int i = 0; i < n; i++) {
        const float *src = s->data + (size_t)s->pick[i] * d;
        float *dst = s->xdata + (size_t)i * d;
        for (int j = 0; j < d; j++)
            dst[j] = s->c.dequant > 0 ? (1.0f - s->c.dequant) * src[j] + s->c.dequant * uniform01(&s->r_data) : src[j];
    }
}

/* Point estimates and bootstrap replicas of one update's W, Q, R, dU. */
static void account(ebm_train_t *s) {
    int n = s->c.n;
    double T = s->c.L.T;
    ebm_thermo_t th = ebm_thermo_update(n, s->E_a_prev, s->E_a_new, s->E_b, s->E_c, NULL, T);
    s->last = th;
    ebm_cum_t *u = &s->cum;
    u->W += th.W, u->Q += th.Q, u->R += th.R, u->dU += th.dU, u->lnZ += th.dlnZ;
    double scale = fabs(th.W) + fabs(th.Q) + fabs(th.R);
    if (scale > 0) u->first_worst = fmax(u->first_worst, fabs(th.W + th.Q + th.R - th.dU) / scale);
    u->d_sd_max = fmax(u->d_sd_max, th.d_sd);
    for (int b = 0; b < s->c.boot; b++) {
        memset(s->cnt, 0, (size_t)n * sizeof(int));
        for (int i = 0; i < n; i++) s->cnt[rng_below(&s->r_boot, (uint32_t)n)]++;
        ebm_thermo_t tb = ebm_thermo_update(n, s->E_a_prev, s->E_a_new, s->E_b, s->E_c, s->cnt, T);
        s->bW[b] += tb.W, s->bQ[b] += tb.Q, s->bR[b] += tb.R, s->bU[b] += tb.dU;
    }
}

void ebm_train_step(ebm_train_t *s) {
    int n = s->c.n;
    s->t++;
    memcpy(s->E_a_prev, s->E_c, (size_t)n * sizeof(float)); /* E_{t-1}(a) */
    data_batch(s);
    s->loss = ebm_update(s->m, s->theta, s->xdata, s->x, n, s->c.alpha, &s->opt, s->w, s->xcat);
    ebm_energy(s->m, s->theta, s->x, n, s->w);
    memcpy(s->E_a_new, s->w->E, (size_t)n * sizeof(float)); /* E_t(a) */
    check_energies(s, s->E_a_new, "samples of the previous update");
    draw_chains(s);
    sample(s);
    account(s);
}

void ebm_train_free(ebm_train_t *s) {
    ebm_opt_free(&s->opt);
    ebm_work_free(s->w);
    void *v[] = {s->theta, s->buf, s->bidx, s->pick, s->x, s->xdata, s->xcat, s->dx, s->noise, s->E_a_prev,
                 s->E_a_new, s->E_b, s->E_c, s->cnt, s->bW, s->bQ, s->bR, s->bU};
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) free(v[k]);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

ebm_interval_t ebm_train_interval(const double *rep, int boot) {
    ebm_interval_t r = {NAN, NAN, NAN};
    if (boot < 2) return r;
    double *v = xmalloc((size_t)boot * sizeof *v);
    memcpy(v, rep, (size_t)boot * sizeof *v);
    double mean = 0, ss = 0;
    for (int b = 0; b < boot; b++) mean += v[b] / boot;
    for (int b = 0; b < boot; b++) ss += (v[b] - mean) * (v[b] - mean);
    r.se = sqrt(ss / (boot - 1));
    qsort(v, (size_t)boot, sizeof *v, cmp_double);
    r.lo = v[(int)floor(PCT_LO * (boot - 1))];
    r.hi = v[(int)ceil(PCT_HI * (boot - 1))];
    free(v);
    return r;
}
