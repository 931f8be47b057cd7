/* ebm.c - energy MLP, Langevin step, contrastive update, heat/work estimators.
 * See ebm.h for the model and the conventions. */
#include "ebm.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define ADAM_EPS 1e-8f
#define TWO_PI 6.283185307179586f
#define U24 0x1.0p-24f /* 24 random bits to a float in (0, 1) */

ebm_work_t *ebm_work_alloc(const mlp_t *m, int cap) {
    if (m->size[m->nlayer] != 1) die("ebm: the last layer must have one output (the energy), not %d", m->size[m->nlayer]);
    if (cap < 1) die("ebm: work capacity %d", cap);
    ebm_work_t *w = xcalloc(1, sizeof *w);
    pool_t *p = &w->pool;
    w->cap = cap;
    mlp_alloc_layers(m, cap, p, w->z);
    mlp_alloc_layers(m, cap, p, w->s);
    mlp_alloc_layers(m, cap, p, w->h);
    w->dz = pool_alloc(p, (size_t)cap * m->maxwidth * sizeof(float));
    w->dh = pool_alloc(p, (size_t)cap * m->maxwidth * sizeof(float));
    w->E = pool_alloc(p, (size_t)cap * sizeof(float));
    w->g = pool_alloc(p, (size_t)cap * sizeof(float));
    return w;
}

void ebm_work_free(ebm_work_t *w) {
    if (!w) return;
    pool_free(&w->pool);
    free(w);
}

/* s = sigmoid(z), h = z s over len floats */
static void silu(float *restrict h, float *restrict s, const float *restrict z, size_t len) {
    for (size_t i = 0; i < len; i++) {
        float si = 1.0f / (1.0f + expf(-z[i]));
        s[i] = si;
        h[i] = z[i] * si;
    }
}

/* dz = dh silu'(z), silu'(z) = s + h (1 - s) */
static void silu_back(float *restrict dz, const float *restrict dh, const float *restrict s, const float *restrict h,
                      size_t len) {
    for (size_t i = 0; i < len; i++) dz[i] = dh[i] * (s[i] + h[i] * (1.0f - s[i]));
}

void ebm_energy(const mlp_t *m, const float *theta, const float *x, int n, ebm_work_t *w) {
    if (n > w->cap) die("ebm_energy: batch of %d exceeds work capacity %d", n, w->cap);
    const float *a = x;
    for (int l = 0; l < m->nlayer; l++) {
        float *z = w->z[l];
        mlp_affine(m, theta, l, a, n, z);
        if (l + 1 < m->nlayer) silu(w->h[l], w->s[l], z, (size_t)n * m->size[l + 1]);
        a = w->h[l];
    }
    memcpy(w->E, w->z[m->nlayer - 1], (size_t)n * sizeof(float));
}

void ebm_backward(const mlp_t *m, const float *theta, const float *x, int n, ebm_work_t *w, const float *g,
                  float *dtheta, float *dx) {
    float *dz = w->dz, *dh = w->dh;
    memcpy(dz, g, (size_t)n * sizeof(float)); /* delta of the output layer (n, 1) */
    for (int l = m->nlayer - 1; l >= 0; l--) {
        int in = m->size[l], out = m->size[l + 1];
        const float *a = l > 0 ? w->h[l - 1] : x, *W = theta + m->woff[l];
        if (dtheta) { /* dW (in,out) += a^T (in,n) . dz (n,out); db += sum_i dz_i */
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, in, out, n, 1.0f, a, in, dz, out, 1.0f,
                        dtheta + m->woff[l], out);
            float *db = dtheta + m->boff[l];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < out; j++) db[j] += dz[(size_t)i * out + j];
        }
        if (l == 0 && !dx) break;
        /* delta of the layer's input (n,in) = dz (n,out) . W^T */
        float *din = l > 0 ? dh : dx;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, in, out, 1.0f, dz, out, W, out, 0.0f, din, in);
        if (l > 0) silu_back(dz, dh, w->s[l - 1], w->h[l - 1], (size_t)n * in);
    }
}

/* ---------------------------------------------------------------------- */
/* Langevin sampler                                                        */

void ebm_gauss_fill(rng_t *r, float *out, size_t n) {
    for (size_t i = 0; i < n; i += 2) {
        float u1 = ((float)(rng_u32(r) >> 8) + 0.5f) * U24; /* (0, 1): log finite */
        float u2 = ((float)(rng_u32(r) >> 8) + 0.5f) * U24;
        float rad = sqrtf(-2.0f * logf(u1)), c = cosf(TWO_PI * u2), s = sinf(TWO_PI * u2);
        out[i] = rad * c;
        if (i + 1 < n) out[i + 1] = rad * s;
    }
}

void ebm_langevin_move(const ebm_langevin_t *L, float *x, const float *grad, size_t len, float *noise, rng_t *r) {
    ebm_gauss_fill(r, noise, len);
    float sd = sqrtf(2.0f * L->eps * L->T), eps = L->eps;
    for (size_t i = 0; i < len; i++) x[i] = x[i] - eps * grad[i] + sd * noise[i];
    if (L->clip)
        for (size_t i = 0; i < len; i++) x[i] = x[i] < 0.0f ? 0.0f : x[i] > 1.0f ? 1.0f : x[i];
}

void ebm_langevin_step(const mlp_t *m, const float *theta, const ebm_langevin_t *L, float *x, int n, ebm_work_t *w,
                       float *dx, float *noise, rng_t *r) {
    ebm_energy(m, theta, x, n, w);
    for (int i = 0; i < n; i++) w->g[i] = 1.0f;
    ebm_backward(m, theta, x, n, w, w->g, NULL, dx);
    ebm_langevin_move(L, x, dx, (size_t)n * m->size[0], noise, r);
}

/* ---------------------------------------------------------------------- */
/* learning                                                                */

void ebm_opt_init(ebm_opt_t *o, const mlp_t *m, int kind, float rate, float beta1, float beta2) {
    memset(o, 0, sizeof *o);
    o->kind = kind, o->rate = rate, o->beta1 = beta1, o->beta2 = beta2, o->adam_eps = ADAM_EPS;
    o->grad = xcalloc(m->nparam, sizeof(float));
    if (kind == EBM_OPT_ADAM) {
        o->mom = xcalloc(m->nparam, sizeof(float));
        o->var = xcalloc(m->nparam, sizeof(float));
    }
}

void ebm_opt_free(ebm_opt_t *o) {
    free(o->grad);
    free(o->mom);
    free(o->var);
}

/* theta -= step(grad): plain SGD or Adam with bias correction. */
static void opt_apply(ebm_opt_t *o, float *theta, size_t np) {
    o->t++;
    if (o->kind == EBM_OPT_SGD) {
        for (size_t k = 0; k < np; k++) theta[k] -= o->rate * o->grad[k];
        return;
    }
    float b1 = o->beta1, b2 = o->beta2;
    float c1 = 1.0f - powf(b1, (float)o->t), c2 = 1.0f - powf(b2, (float)o->t);
    float step = o->rate * sqrtf(c2) / c1;
    for (size_t k = 0; k < np; k++) {
        float gk = o->grad[k];
        o->mom[k] = b1 * o->mom[k] + (1.0f - b1) * gk;
        o->var[k] = b2 * o->var[k] + (1.0f - b2) * gk * gk;
        theta[k] -= step * o->mom[k] / (sqrtf(o->var[k]) + o->adam_eps * sqrtf(c2));
    }
}

ebm_loss_t ebm_update(const mlp_t *m, float *theta, const float *xdata, const float *xneg, int n, float alpha,
                      ebm_opt_t *o, ebm_work_t *w, float *xcat) {
    size_t d = (size_t)m->size[0];
    memcpy(xcat, xdata, (size_t)n * d * sizeof(float));
    memcpy(xcat + (size_t)n * d, xneg, (size_t)n * d * sizeof(float));
    ebm_energy(m, theta, xcat, 2 * n, w);
    ebm_loss_t L = {0};
    double sq = 0;
    for (int i = 0; i < 2 * n; i++) {
        float e = w->E[i], sign = i < n ? 1.0f : -1.0f;
        w->g[i] = (sign + 2.0f * alpha * e) / (float)n; /* dL/dE_i */
        if (i < n) L.e_data += e;
        else L.e_neg += e;
        sq += (double)e * e;
    }
    L.e_data /= n, L.e_neg /= n;
    L.loss = L.e_data - L.e_neg + alpha * sq / n;
    memset(o->grad, 0, m->nparam * sizeof(float));
    ebm_backward(m, theta, xcat, 2 * n, w, w->g, o->grad, NULL);
    opt_apply(o, theta, m->nparam);
    return L;
}

/* ---------------------------------------------------------------------- */
/* heat and work                                                           */

ebm_thermo_t ebm_thermo_update(int n, const float *prev_old, const float *new_old, const float *new_before,
                               const float *new_after, const int *cnt, double T) {
    double N = 0, sd = 0, sdd = 0, dmin = INFINITY, ea_prev = 0, ea_new = 0, eb = 0, ec = 0;
    for (int i = 0; i < n; i++) {
        double c = cnt ? cnt[i] : 1, d = ((double)new_old[i] - prev_old[i]) / T;
        if (c == 0) continue;
        N += c, sd += c * d, sdd += c * d * d;
        dmin = fmin(dmin, d);
        ea_prev += c * prev_old[i] / T, ea_new += c * new_old[i] / T;
        eb += c * new_before[i] / T, ec += c * new_after[i] / T;
    }
    if (N == 0) die("ebm_thermo_update: no samples");
    double s = 0; /* ln <exp(-d)> = -dmin + ln <exp(-(d - dmin))>: every term in (0, 1] */
    for (int i = 0; i < n; i++)
        if (!cnt || cnt[i]) s += (cnt ? cnt[i] : 1) * exp(-(((double)new_old[i] - prev_old[i]) / T - dmin));
    ebm_thermo_t t;
    t.dlnZ = -dmin + log(s / N);
    t.W = sd / N + t.dlnZ;
    t.Q = (ec - eb) / N;
    t.R = (eb - ea_new) / N;
    t.dU = ec / N + t.dlnZ - ea_prev / N;
    t.d_sd = sqrt(fmax(0.0, sdd / N - (sd / N) * (sd / N)));
    return t;
}
