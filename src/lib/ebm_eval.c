/* ebm_eval.c - classifier and nearest-neighbour quality of samples (ebm_eval.h). */
#include "ebm_eval.h"

#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "util.h"

#define CLF_MAGIC 0x45424d43 /* "EBMC" */
#define CLF_VERSION 1
#define NN_CHUNK 1000
#define CONF_HIGH 0.9 /* a confident label */

void ebm_eval_train_classifier(const mlp_t *m, float *theta, const float *x, const uint8_t *y, int n, int batch,
                               int epochs, float rate, rng_t *r) {
    int d = m->size[0];
    mlp_work_t *w = mlp_work_alloc(m, batch);
    int *perm = xmalloc((size_t)n * sizeof(int));
    float *xb = xmalloc((size_t)batch * d * sizeof(float));
    uint8_t *yb = xmalloc((size_t)batch);
    for (int i = 0; i < n; i++) perm[i] = i;
    for (int e = 0; e < epochs; e++) {
        for (int i = n - 1; i > 0; i--) { /* Fisher-Yates */
            int j = (int)rng_below(r, (uint32_t)i + 1), t = perm[i];
            perm[i] = perm[j], perm[j] = t;
        }
        for (int s = 0; s + batch <= n; s += batch) {
            for (int i = 0; i < batch; i++) {
                memcpy(xb + (size_t)i * d, x + (size_t)perm[s + i] * d, (size_t)d * sizeof(float));
                yb[i] = y[perm[s + i]];
            }
            double loss = mlp_sgd_step(m, theta, xb, yb, batch, rate, w);
            CHECK_FINITE(loss, "classifier: loss not finite in epoch %d at image %d", e, s);
        }
    }
    free(perm), free(xb), free(yb);
    mlp_work_free(w);
}

void ebm_eval_save(const char *path, const mlp_t *m, const float *theta) {
    out_t *o = out_open(path);
    int32_t hdr[4 + MLP_MAX_LAYERS + 1] = {CLF_MAGIC, CLF_VERSION, m->nlayer, (int32_t)m->nparam};
    for (int l = 0; l <= m->nlayer; l++) hdr[4 + l] = m->size[l];
    FILE *f = out_file(o);
    if (fwrite(hdr, sizeof hdr, 1, f) != 1 || fwrite(theta, sizeof(float), m->nparam, f) != m->nparam)
        die("%s: write error", path);
    out_close(o);
}

float *ebm_eval_load(const char *path, mlp_t *m) {
    FILE *f = fopen(path, "rb");
    if (!f) die("%s: cannot open classifier: %s", path, strerror(errno));
    int32_t hdr[4 + MLP_MAX_LAYERS + 1];
    if (fread(hdr, sizeof hdr, 1, f) != 1) die("%s: truncated classifier header", path);
    if (hdr[0] != CLF_MAGIC || hdr[1] != CLF_VERSION) die("%s: not a classifier file of version %d", path, CLF_VERSION);
    if (hdr[2] < 1 || hdr[2] > MLP_MAX_LAYERS) die("%s: %d layers", path, hdr[2]);
    int sizes[MLP_MAX_LAYERS + 1];
    for (int l = 0; l <= hdr[2]; l++) sizes[l] = hdr[4 + l];
    mlp_init(m, sizes, hdr[2]);
    if ((size_t)hdr[3] != m->nparam || sizes[0] != MNIST_PIXELS || sizes[hdr[2]] != MNIST_CLASSES)
        die("%s: header does not describe a 784-...-10 classifier", path);
    float *theta = xmalloc(m->nparam * sizeof(float));
    if (fread(theta, sizeof(float), m->nparam, f) != m->nparam) die("%s: truncated parameters", path);
    if (fgetc(f) != EOF) die("%s: trailing bytes after the parameters", path);
    fclose(f);
    return theta;
}

void ebm_eval_nn_dist(const float *x, int n, const float *ref, long K, int d, double *dist) {
    float *dot = xmalloc((size_t)n * NN_CHUNK * sizeof(float));
    double *xx = xmalloc((size_t)n * sizeof(double));
    for (int i = 0; i < n; i++) {
        xx[i] = 0;
        for (int j = 0; j < d; j++) xx[i] += (double)x[(size_t)i * d + j] * x[(size_t)i * d + j];
        dist[i] = INFINITY;
    }
    for (long s = 0; s < K; s += NN_CHUNK) {
        int k = (int)(K - s < NN_CHUNK ? K - s : NN_CHUNK);
        const float *R = ref + (size_t)s * d;
        /* dot (n,k) = x (n,d) . R^T */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, k, d, 1.0f, x, d, R, d, 0.0f, dot, k);
        for (int c = 0; c < k; c++) {
            double rr = 0;
            for (int j = 0; j < d; j++) rr += (double)R[(size_t)c * d + j] * R[(size_t)c * d + j];
            for (int i = 0; i < n; i++) dist[i] = fmin(dist[i], xx[i] + rr - 2.0 * dot[(size_t)i * k + c]);
        }
    }
    for (int i = 0; i < n; i++) dist[i] = sqrt(fmax(0.0, dist[i]));
    free(dot), free(xx);
}

typedef struct {
    const int *label;
} hist_ctx_t;

/* Entropy of the label histogram of the kept samples (a stats_fn). */
static double label_entropy(const unsigned char *keep, size_t n, void *ctx) {
    const int *label = ((hist_ctx_t *)ctx)->label;
    double c[MNIST_CLASSES] = {0}, tot = 0, H = 0;
    for (size_t i = 0; i < n; i++)
        if (keep[i]) c[label[i]]++, tot++;
    for (int k = 0; k < MNIST_CLASSES; k++)
        if (c[k] > 0) H -= c[k] / tot * log(c[k] / tot);
    return H;
}

ebm_quality_t ebm_eval_quality(const mlp_t *clf, const float *clf_theta, const float *x, int n, const float *ref,
                               long K) {
    ebm_quality_t q = {0};
    int L = clf->nlayer - 1, d = clf->size[0];
    mlp_work_t *w = mlp_work_alloc(clf, n);
    mlp_forward(clf, clf_theta, x, NULL, n, w, NULL);
    int *label = xmalloc((size_t)n * sizeof(int));
    double *v = xmalloc((size_t)n * sizeof(double));
    for (int i = 0; i < n; i++) {
        const float *p = w->h[L] + (size_t)i * MNIST_CLASSES;
        int arg = 0;
        for (int c = 1; c < MNIST_CLASSES; c++)
            if (p[c] > p[arg]) arg = c;
        label[i] = arg, v[i] = p[arg];
        q.count[arg]++;
    }
    q.conf = stats_mean(v, NULL, (size_t)n), q.conf_se = stats_sd(v, NULL, (size_t)n) / sqrt(n);
    for (int i = 0; i < n; i++) q.conf90 += (v[i] > CONF_HIGH) / (double)n;
    q.conf90_se = sqrt(q.conf90 * (1 - q.conf90) / n);
    unsigned char *all = xmalloc((size_t)n);
    memset(all, 1, (size_t)n);
    hist_ctx_t ctx = {label};
    q.label_H = label_entropy(all, (size_t)n, &ctx);
    q.label_H_se = stats_jackknife_se(label_entropy, (size_t)n, &ctx);
    ebm_eval_nn_dist(x, n, ref, K, d, v);
    q.nn = stats_mean(v, NULL, (size_t)n), q.nn_se = stats_sd(v, NULL, (size_t)n) / sqrt(n);
    free(label), free(v), free(all);
    mlp_work_free(w);
    return q;
}
