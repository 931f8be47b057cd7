/* ebm_train.c - one EBM training run with free-energy and heat/work
 * bookkeeping, and the short-run contrast (ebm_train.h). */
#include "ebm_train.h"

#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define ADAPT_GAIN 1.0   /* eps *= exp(gain (acceptance - target)) between segments */
#define ADAPT_MAX 2.0    /* at most this factor per segment */
#define RATE_GAIN 0.5    /* rate *= (target / spread)^gain between updates */
#define RATE_MAX 2.0     /* at most this factor per update */

static float uniform01(rng_t *r) { return (float)rng_uniform(r); }

/* Every f finite and within the bound, else stop naming the update. */
static void check_f(const ebm_train_t *s, const double *f, int n, const char *what) {
    for (int i = 0; i < n; i++)
        if (!isfinite(f[i]) || fabs(f[i]) > s->c.bound)
            die("ebm: tau %d, update %ld: f = %g of chain %d (%s) is not finite or exceeds energy_bound = %g", s->c.tau,
                s->t, f[i], i, what, s->c.bound);
}

static void check_states(const ebm_train_t *s) {
    size_t len = (size_t)s->ch->n * s->d;
    for (size_t k = 0; k < len; k++)
        if (!isfinite(s->ch->x[k]))
            die("ebm: tau %d, update %ld: chain %zu has a non-finite coordinate (%g)", s->c.tau, s->t, k / (size_t)s->d,
                (double)s->ch->x[k]);
}

/* tau MALA steps at the current theta and step; returns their acceptance. */
static double segment(ebm_train_t *s) {
    long tried = s->ch->tried, acc = s->ch->accepted;
    for (int k = 0; k < s->c.tau; k++) ebm_mala_step(s->e, s->theta, s->ch, s->eps, s->w, &s->r_chain);
    s->steps += s->c.tau;
    check_states(s);
    return (double)(s->ch->accepted - acc) / (double)(s->ch->tried - tried);
}

/* The step of the next segment, from the acceptance of the last one. */
static void adapt(ebm_train_t *s, double acc) {
    double f = exp(ADAPT_GAIN * (acc - s->c.target));
    s->eps *= (float)fmin(ADAPT_MAX, fmax(1 / ADAPT_MAX, f));
}

void ebm_data_mean(const float *data, int K, int d, float dequant, float *mean) {
    for (int j = 0; j < d; j++) {
        double m = 0;
        for (int k = 0; k < K; k++) m += data[(size_t)k * d + j];
        mean[j] = (float)((1.0 - dequant) * m / K + 0.5 * dequant);
    }
}

#define COV_CHUNK 1000 /* images per rank-k update of the covariance */

/* LAPACK (in OpenBLAS): eigenvalues and eigenvectors of a symmetric matrix */
extern void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w, double *work,
                    const int *lwork, int *iwork, const int *liwork, int *info);

ebm_whiten_t *ebm_whiten_alloc(const float *data, int K, int d, float dequant, float data_noise) {
    ebm_whiten_t *wh = xcalloc(1, sizeof *wh);
    wh->d = d;
    wh->mean = xmalloc((size_t)d * sizeof(float));
    wh->W = xmalloc((size_t)d * d * sizeof(float));
    wh->A = xmalloc((size_t)d * d * sizeof(float));
    ebm_data_mean(data, K, d, dequant, wh->mean);
    /* C = (1 - q)^2 cov(x) + (q^2/12 + sd^2) I, cov by float rank-k updates of centred chunks, summed in double */
    double *C = xcalloc((size_t)d * d, sizeof(double)), *ev = xmalloc((size_t)d * sizeof(double));
    float *chunk = xmalloc((size_t)COV_CHUNK * d * sizeof(float)), *part = xmalloc((size_t)d * d * sizeof(float));
    float *mraw = xmalloc((size_t)d * sizeof(float));
    ebm_data_mean(data, K, d, 0.0f, mraw);
    for (int s0 = 0; s0 < K; s0 += COV_CHUNK) {
        int k = K - s0 < COV_CHUNK ? K - s0 : COV_CHUNK;
        for (int i = 0; i < k; i++)
            for (int j = 0; j < d; j++) chunk[(size_t)i * d + j] = data[(size_t)(s0 + i) * d + j] - mraw[j];
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, d, k, 1.0f, chunk, d, 0.0f, part, d);
        for (int a = 0; a < d; a++)
            for (int b = a; b < d; b++) C[(size_t)a * d + b] += part[(size_t)a * d + b];
    }
    double q = dequant, floor = q * q / 12 + (double)data_noise * data_noise;
    for (int a = 0; a < d; a++)
        for (int b = a; b < d; b++) {
            double v = (1 - q) * (1 - q) * C[(size_t)a * d + b] / K + (a == b ? floor : 0);
            C[(size_t)a * d + b] = C[(size_t)b * d + a] = v;
        }
    int n = d, lwork = -1, liwork = -1, info, iw;
    double wq;
    dsyevd_("V", "U", &n, C, &n, ev, &wq, &lwork, &iw, &liwork, &info); /* workspace query */
    lwork = (int)wq, liwork = iw;
    double *work = xmalloc((size_t)lwork * sizeof(double));
    int *iwork = xmalloc((size_t)liwork * sizeof(int));
    dsyevd_("V", "U", &n, C, &n, ev, work, &lwork, iwork, &liwork, &info);
    if (info != 0) die("ebm_whiten: dsyevd failed (info %d)", info);
    if (!(ev[0] > 0)) die("ebm_whiten: the data covariance is not positive definite (eigenvalue %g): set data_noise > 0", ev[0]);
    wh->eig_min = ev[0], wh->eig_max = ev[d - 1];
    /* U[a][k] = C[k * d + a] (LAPACK's column-major eigenvectors); W = B B^T with
     * B = U diag(ev^(-1/4)), A = B' B'^T with B' = U diag(ev^(1/4)) */
    double *B = xmalloc((size_t)d * d * sizeof(double)), *P = xmalloc((size_t)d * d * sizeof(double));
    for (int pass = 0; pass < 2; pass++) {
        for (int a = 0; a < d; a++)
            for (int k = 0; k < d; k++) B[(size_t)a * d + k] = C[(size_t)k * d + a] * pow(ev[k], pass ? 0.25 : -0.25);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, d, d, d, 1.0, B, d, B, d, 0.0, P, d);
        float *out = pass ? wh->A : wh->W;
        for (size_t k = 0; k < (size_t)d * d; k++) out[k] = (float)P[k];
    }
    free(B), free(P);
    for (int k = 0; k < d; k++) wh->logdetA += 0.5 * log(ev[k]);
    free(C), free(ev), free(chunk), free(part), free(mraw), free(work), free(iwork);
    return wh;
}

void ebm_whiten_free(ebm_whiten_t *wh) {
    if (!wh) return;
    free(wh->mean), free(wh->W), free(wh->A);
    free(wh);
}

#define WHITEN_MAGIC 0x45424d57 /* "EBMW" */
#define WHITEN_VERSION 1

void ebm_whiten_save(const char *path, const ebm_whiten_t *wh) {
    out_t *o = out_open(path);
    FILE *f = out_file(o);
    int32_t hdr[3] = {WHITEN_MAGIC, WHITEN_VERSION, wh->d};
    double v[3] = {wh->eig_min, wh->eig_max, wh->logdetA};
    size_t dd = (size_t)wh->d * wh->d;
    if (fwrite(hdr, sizeof hdr, 1, f) != 1 || fwrite(v, sizeof v, 1, f) != 1 ||
        fwrite(wh->mean, sizeof(float), (size_t)wh->d, f) != (size_t)wh->d || fwrite(wh->W, sizeof(float), dd, f) != dd ||
        fwrite(wh->A, sizeof(float), dd, f) != dd)
        die("%s: write error", path);
    out_close(o);
}

ebm_whiten_t *ebm_whiten_load(const char *path, int d) {
    FILE *f = fopen(path, "rb");
    if (!f) die("%s: cannot open the whitening: %s", path, strerror(errno));
    int32_t hdr[3];
    double v[3];
    if (fread(hdr, sizeof hdr, 1, f) != 1 || fread(v, sizeof v, 1, f) != 1) die("%s: truncated whitening header", path);
    if (hdr[0] != WHITEN_MAGIC || hdr[1] != WHITEN_VERSION) die("%s: not a whitening file of version %d", path, WHITEN_VERSION);
    if (hdr[2] != d) die("%s: whitening of dimension %d, expected %d", path, hdr[2], d);
    ebm_whiten_t *wh = xcalloc(1, sizeof *wh);
    size_t dd = (size_t)d * d;
    wh->d = d, wh->eig_min = v[0], wh->eig_max = v[1], wh->logdetA = v[2];
    wh->mean = xmalloc((size_t)d * sizeof(float));
    wh->W = xmalloc(dd * sizeof(float));
    wh->A = xmalloc(dd * sizeof(float));
    if (fread(wh->mean, sizeof(float), (size_t)d, f) != (size_t)d || fread(wh->W, sizeof(float), dd, f) != dd ||
        fread(wh->A, sizeof(float), dd, f) != dd)
        die("%s: truncated whitening", path);
    if (fgetc(f) != EOF) die("%s: trailing bytes after the whitening", path);
    fclose(f);
    return wh;
}

void ebm_whiten_to_z(const ebm_whiten_t *wh, const float *x, int n, float *z) {
    int d = wh->d;
    float *c = xmalloc((size_t)n * d * sizeof(float));
    for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++) c[(size_t)i * d + j] = x[(size_t)i * d + j] - wh->mean[j];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, d, d, 1.0f, c, d, wh->W, d, 0.0f, z, d);
    free(c);
}

void ebm_whiten_to_x(const ebm_whiten_t *wh, const float *z, int n, float *x) {
    int d = wh->d;
    for (int i = 0; i < n; i++) memcpy(x + (size_t)i * d, wh->mean, (size_t)d * sizeof(float));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, d, d, 1.0f, z, d, wh->A, d, 1.0f, x, d);
}

void ebm_train_init(ebm_train_t *s, const ebm_t *e, const ebm_train_cfg_t *c, const float *theta0, const float *data,
                    int K, uint64_t seed, uint64_t stream) {
    memset(s, 0, sizeof *s);
    if (c->n > K) die("ebm: batch of %d exceeds the %d training examples", c->n, K);
    if (c->boot < 2) die("ebm: %d bootstrap replicates (at least 2)", c->boot);
    if (c->nm < 2) die("ebm: %d measurement chains (at least 2)", c->nm);
    if (c->updates < 1 || c->tau < 1) die("ebm: %ld updates of tau = %d", c->updates, c->tau);
    const mlp_t *m = e->net;
    s->e = e, s->c = *c, s->data = data, s->K = K, s->d = e->d;
    size_t d = (size_t)e->d, n = (size_t)c->n, nm = (size_t)c->nm;
    s->theta = xmalloc(m->nparam * sizeof(float));
    s->theta_prev = xmalloc(m->nparam * sizeof(float));
    memcpy(s->theta, theta0, m->nparam * sizeof(float));
    ebm_opt_init(&s->opt, m, c->opt_kind, c->rate, c->beta1, c->beta2);
    s->w = ebm_work_alloc(m, 2 * c->n > c->n + c->nm ? 2 * c->n : c->n + c->nm);
    s->ch = ebm_chains_alloc(c->n + c->nm, e->d);
    s->pick = xmalloc(n * sizeof(uint32_t));
    s->xdata = xmalloc(n * d * sizeof(float));
    s->xcat = xmalloc(2 * n * d * sizeof(float));
    s->xraw = xmalloc(n * d * sizeof(float));
    if (c->whiten && c->whiten->d != e->d) die("ebm: whitening of dimension %d, model of %d", c->whiten->d, e->d);
    double **E[] = {&s->Ea_prev, &s->Ea_new, &s->Ec_prev, &s->eb, &s->f};
    for (size_t k = 0; k < sizeof E / sizeof E[0]; k++) *E[k] = xmalloc(nm * sizeof(double));
    s->Eg_prev = xmalloc(n * sizeof(double));
    s->cnt = xcalloc((size_t)c->boot * nm, sizeof(int));
    double **B[] = {&s->bW, &s->bQ, &s->bU, &s->bZ};
    for (size_t k = 0; k < sizeof B / sizeof B[0]; k++) *B[k] = xcalloc((size_t)c->boot, sizeof(double));
    s->hist = xcalloc((size_t)c->updates, sizeof *s->hist);
    rng_init(&s->r_data, seed, stream);
    rng_init(&s->r_chain, seed, stream + 1);
    rng_init(&s->r_boot, seed, stream + 2);
    for (int b = 0; b < c->boot; b++)
        for (size_t i = 0; i < nm; i++) s->cnt[(size_t)b * nm + rng_below(&s->r_boot, (uint32_t)nm)]++;
    /* t = 0: exact samples of p_theta0 (the base), kept exact by the warm-up */
    s->eps = c->eps0;
    ebm_chains_draw_base(e, s->ch, &s->r_chain);
    ebm_chains_refresh(e, s->theta, s->ch, s->w);
    for (int i = 0; i < s->ch->n; i++)
        if (s->ch->f[i] != 0) die("ebm: f_theta0 = %g, not 0: ln Z_0 would not be known", s->ch->f[i]);
    for (int k = 0; k < c->warmup; k++) adapt(s, segment(s));
    s->warm_tried = s->ch->tried, s->warm_accepted = s->ch->accepted;
}

/* n distinct training examples, dequantised and noised. */
static void data_batch(ebm_train_t *s) {
    int n = s->c.n, d = s->d;
    rng_distinct(&s->r_data, (uint32_t)s->K, n, s->pick);
    float q = s->c.dequant, sd = s->c.data_noise;
    if (sd > 0) ebm_gauss_fill(&s->r_data, s->xcat, (size_t)n * d); /* scratch until ebm_update */
    float *out = s->c.whiten ? s->xraw : s->xdata;
    for (int i = 0; i < n; i++) {
        const float *src = s->data + (size_t)s->pick[i] * d;
        float *dst = out + (size_t)i * d;
        for (int j = 0; j < d; j++) {
            float v = q > 0 ? (1.0f - q) * src[j] + q * uniform01(&s->r_data) : src[j];
            dst[j] = sd > 0 ? v + sd * s->xcat[(size_t)i * d + j] : v;
        }
    }
    if (s->c.whiten) ebm_whiten_to_z(s->c.whiten, s->xraw, n, s->xdata);
}

const float *ebm_train_meas_x(const ebm_train_t *s) { return s->ch->x + (size_t)s->c.n * s->d; }
const double *ebm_train_meas_E(const ebm_train_t *s) { return s->ch->E + s->c.n; }

/* E = eb + f of the measurement chains' states at theta (forward only) */
static void energies_at(ebm_train_t *s, const float *theta, double *E) {
    ebm_eval(s->e, theta, ebm_train_meas_x(s), s->c.nm, s->w, s->eb, s->f, NULL);
    check_f(s, s->f, s->c.nm, "at the previous theta");
    for (int i = 0; i < s->c.nm; i++) E[i] = s->eb[i] + s->f[i];
}

/* Point estimates, bootstrap replicates and cumulative sums of one update. */
static void account(ebm_train_t *s, double acc) {
    int n = s->c.nm, B = s->c.boot;
    const double *Ec = ebm_train_meas_E(s);
    ebm_thermo_t th = ebm_thermo_update(n, s->Ea_prev, s->Ea_new, s->Ea_new, Ec, s->Ec_prev, NULL);
    s->hist[s->t - 1] = (ebm_record_t){th, acc, s->eps, s->opt.rate};
    ebm_cum_t *u = &s->cum;
    u->W += th.W, u->Q += th.Q, u->R += th.R, u->dU += th.dU, u->lnZ += th.dlnZ, u->lnZ_exp += th.dlnZ_exp;
    double scale = fabs(th.W) + fabs(th.Q) + fabs(th.R);
    if (scale > 0) u->first_worst = fmax(u->first_worst, fabs(th.W + th.Q + th.R - th.dU) / scale);
    double mW = 0, mQ = 0, mU = 0, mZ = 0, vW = 0, vQ = 0, vU = 0, vZ = 0;
    for (int b = 0; b < B; b++) {
        ebm_thermo_t tb = ebm_thermo_update(n, s->Ea_prev, s->Ea_new, s->Ea_new, Ec, s->Ec_prev, s->cnt + (size_t)b * n);
        s->bW[b] += tb.W, s->bQ[b] += tb.Q, s->bU[b] += tb.dU, s->bZ[b] += tb.dlnZ;
        mW += s->bW[b] / B, mQ += s->bQ[b] / B, mU += s->bU[b] / B, mZ += s->bZ[b] / B;
    }
    for (int b = 0; b < B; b++) {
        vW += (s->bW[b] - mW) * (s->bW[b] - mW), vQ += (s->bQ[b] - mQ) * (s->bQ[b] - mQ);
        vU += (s->bU[b] - mU) * (s->bU[b] - mU), vZ += (s->bZ[b] - mZ) * (s->bZ[b] - mZ);
    }
    u->W_se = sqrt(vW / (B - 1)), u->Q_se = sqrt(vQ / (B - 1)), u->dU_se = sqrt(vU / (B - 1)), u->lnZ_se = sqrt(vZ / (B - 1));
}

void ebm_train_step(ebm_train_t *s) {
    int n = s->c.n, nm = s->c.nm;
    const mlp_t *m = s->e->net;
    if (s->t >= s->c.updates) die("ebm: update %ld beyond the %ld of the history", s->t + 1, s->c.updates);
    s->t++;
    memcpy(s->Ea_prev, ebm_train_meas_E(s), (size_t)nm * sizeof(double)); /* E_{t-1}(a) */
    memcpy(s->Eg_prev, s->ch->E, (size_t)n * sizeof(double));             /* ... and of the gradient chains */
    memcpy(s->theta_prev, s->theta, m->nparam * sizeof(float));
    data_batch(s);
    s->loss = ebm_update(m, s->theta, s->xdata, s->ch->x, n, s->c.alpha, &s->opt, s->w, s->xcat);
    ebm_chains_refresh(s->e, s->theta, s->ch, s->w); /* E_t(a) and every gradient at theta_t */
    check_f(s, s->ch->f, s->ch->n, "samples of the previous update");
    memcpy(s->Ea_new, ebm_train_meas_E(s), (size_t)nm * sizeof(double));
    double m1 = 0, m2 = 0; /* spread of E_t - E_{t-1} over the gradient chains */
    for (int i = 0; i < n; i++) {
        double dE = s->ch->E[i] - s->Eg_prev[i];
        m1 += dE / n, m2 += dE * dE / n;
    }
    s->grad_dE_sd = sqrt(fmax(m2 - m1 * m1, 0));
    double acc = segment(s);
    check_f(s, s->ch->f, s->ch->n, "after sampling");
    energies_at(s, s->theta_prev, s->Ec_prev); /* E_{t-1}(c) */
    account(s, acc);
    adapt(s, acc);
    if (s->c.dE_target > 0 && s->grad_dE_sd > 0) /* the next update's rate */
        s->opt.rate *= (float)fmin(RATE_MAX, fmax(1 / RATE_MAX, pow(s->c.dE_target / s->grad_dE_sd, RATE_GAIN)));
}

void ebm_train_free(ebm_train_t *s) {
    ebm_opt_free(&s->opt);
    ebm_work_free(s->w);
    ebm_chains_free(s->ch);
    void *v[] = {s->theta, s->theta_prev, s->pick, s->xdata, s->xcat, s->xraw, s->Ea_prev, s->Ea_new, s->Ec_prev, s->eb, s->f, s->Eg_prev,
                 s->cnt, s->bW, s->bQ, s->bU, s->bZ, s->hist};
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) free(v[k]);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* median of v[0..n) (sorted in place) */
static double median(double *v, long n) {
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

ebm_summary_t ebm_train_summary(const ebm_train_t *s) {
    long T = s->t;
    ebm_summary_t r = {0};
    if (T < 1) die("ebm_train_summary: no update yet");
    double *v = xmalloc((size_t)T * sizeof *v);
    r.accept = (double)(s->ch->accepted - s->warm_accepted) / (double)(s->ch->tried - s->warm_tried);
    r.accept_min = INFINITY, r.accept_max = -INFINITY, r.dE_sd_max = -INFINITY, r.ess_min = INFINITY;
    r.kl_max = -INFINITY;
    for (long t = 0; t < T; t++) {
        const ebm_record_t *h = &s->hist[t];
        r.accept_min = fmin(r.accept_min, h->accept), r.accept_max = fmax(r.accept_max, h->accept);
        r.dE_sd_max = fmax(r.dE_sd_max, h->th.dE_sd), r.ess_min = fmin(r.ess_min, h->th.ess);
        r.kl_mean += h->th.W / T, r.kl_max = fmax(r.kl_max, h->th.W);
        r.W_neg_frac += (h->th.W < 0) / (double)T;
        r.exp_minus_bar_mean += (h->th.dlnZ_exp - h->th.dlnZ) / T;
    }
    for (long t = 0; t < T; t++) v[t] = s->hist[t].th.dE_sd;
    r.dE_sd_median = median(v, T);
    for (long t = 0; t < T; t++) v[t] = s->hist[t].th.ess;
    r.ess_median = median(v, T);
    for (long t = 0; t < T; t++) v[t] = s->hist[t].th.W;
    r.kl_median = median(v, T);
    for (long t = 0; t < T; t++) v[t] = s->hist[t].th.dlnZ_se;
    r.dlnZ_se_median = median(v, T);
    free(v);
    return r;
}

// ---- the short-run contrast ----------------------------------------------------------

/* Chains: n distinct buffer slots, each restarted from U[0,1]^d with prob. reinit. */
static void shortrun_draw(ebm_shortrun_t *s) {
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

static void shortrun_sample(ebm_shortrun_t *s) {
    int n = s->c.n, d = s->m->size[0];
    for (int k = 0; k < s->c.tau; k++) ebm_langevin_step(s->m, s->theta, &s->c.L, s->x, n, s->w, s->dx, s->noise, &s->r_chain);
    for (size_t k = 0; k < (size_t)n * d; k++)
        if (!isfinite(s->x[k])) die("ebm short-run: update %ld: a non-finite pixel", s->t);
    for (int i = 0; i < n; i++) memcpy(s->buf + (size_t)s->bidx[i] * d, s->x + (size_t)i * d, (size_t)d * sizeof(float));
}

void ebm_shortrun_init(ebm_shortrun_t *s, const mlp_t *m, const ebm_shortrun_cfg_t *c, const float *theta0,
                       const float *data, int K, uint64_t seed, uint64_t stream) {
    memset(s, 0, sizeof *s);
    if (c->nbuf < c->n) die("ebm short-run: buffer of %d states is smaller than the %d chains per update", c->nbuf, c->n);
    if (c->n > K) die("ebm short-run: batch of %d exceeds the %d training images", c->n, K);
    s->m = m, s->c = *c, s->data = data, s->K = K;
    size_t d = (size_t)m->size[0], n = (size_t)c->n;
    s->theta = xmalloc(m->nparam * sizeof(float));
    memcpy(s->theta, theta0, m->nparam * sizeof(float));
    ebm_opt_init(&s->opt, m, c->opt_kind, c->rate, c->beta1, c->beta2);
    s->w = ebm_work_alloc(m, 2 * c->n);
    s->buf = xmalloc((size_t)c->nbuf * d * sizeof(float));
    s->bidx = xmalloc(n * sizeof(int));
    s->pick = xmalloc(n * sizeof(uint32_t));
    float **F[] = {&s->x, &s->xdata, &s->dx, &s->noise};
    for (size_t k = 0; k < sizeof F / sizeof F[0]; k++) *F[k] = xmalloc(n * d * sizeof(float));
    s->xcat = xmalloc(2 * n * d * sizeof(float));
    rng_init(&s->r_data, seed, stream);
    rng_init(&s->r_chain, seed, stream + 1);
    for (size_t k = 0; k < (size_t)c->nbuf * d; k++) s->buf[k] = uniform01(&s->r_chain);
    shortrun_draw(s);
    shortrun_sample(s);
}

void ebm_shortrun_step(ebm_shortrun_t *s) {
    int n = s->c.n, d = s->m->size[0];
    s->t++;
    rng_distinct(&s->r_data, (uint32_t)s->K, n, s->pick);
    for (int i = 0; i < n; i++) {
        const float *src = s->data + (size_t)s->pick[i] * d;
        float *dst = s->xdata + (size_t)i * d;
        for (int j = 0; j < d; j++)
            dst[j] = s->c.dequant > 0 ? (1.0f - s->c.dequant) * src[j] + s->c.dequant * uniform01(&s->r_data) : src[j];
    }
    ebm_update(s->m, s->theta, s->xdata, s->x, n, s->c.alpha, &s->opt, s->w, s->xcat);
    shortrun_draw(s);
    shortrun_sample(s);
}

void ebm_shortrun_free(ebm_shortrun_t *s) {
    ebm_opt_free(&s->opt);
    ebm_work_free(s->w);
    void *v[] = {s->theta, s->buf, s->bidx, s->pick, s->x, s->xdata, s->dx, s->noise, s->xcat};
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) free(v[k]);
}
