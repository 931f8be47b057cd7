/* ebm.c - energy MLP on a Gaussian base, MALA, contrastive update, and the
 * free-energy (BAR, exponential average, AIS) and heat/work estimators.
 * See ebm.h for the model and the conventions. */
#include "ebm.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "vmath.h"

#define ADAM_EPS 1e-8f
#define TWO_PI 6.283185307179586
#define U24 0x1.0p-24f      /* 24 random bits to a float in (0, 1) */
#define GAUSS_BLOCK 1024    /* normals per block: the uniforms are drawn first, then transformed in one loop */
#define PHILOX_LANES 64     /* Philox blocks computed side by side */
/* Elementwise loops also get an AVX2 clone, chosen at run time: the same IEEE
 * operations per element (no contraction), so the same bits as SSE2. */
#define VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#define BAR_TOL 1e-12       /* |step| of the BAR root in nats */
#define BAR_MAXIT 200

// ---- the network f_theta ------------------------------------------------------

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

/* s = sigmoid(z), h = z s over len floats. Two loops: fused, gcc's SSE2 code
 * runs at a third of the speed (measured). */
VECTOR_CLONES static void silu(float *restrict h, float *restrict s, const float *restrict z, size_t len) {
    for (size_t i = 0; i < len; i++) s[i] = 1.0f / (1.0f + vm_expf(-z[i]));
    for (size_t i = 0; i < len; i++) h[i] = z[i] * s[i];
}

/* dz = dh silu'(z), silu'(z) = s + h (1 - s) */
VECTOR_CLONES static void silu_back(float *restrict dz, const float *restrict dh, const float *restrict s, const float *restrict h,
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

void ebm_init_theta(const mlp_t *m, float *theta, rng_t *r) {
    mlp_init_uniform(m, theta, r);
    int L = m->nlayer - 1;
    memset(theta + m->woff[L], 0, (size_t)m->size[L] * sizeof(float)); /* W_L (in, 1) */
    theta[m->boff[L]] = 0.0f;
}

// ---- the model ---------------------------------------------------------------

void ebm_model(ebm_t *e, const mlp_t *net, const float *mean, double sd) {
    if (net->size[net->nlayer] != 1) die("ebm: the network must have one output, not %d", net->size[net->nlayer]);
    if (!(sd > 0) || !isfinite(sd)) die("ebm: base standard deviation %g is not positive and finite", sd);
    e->net = net, e->d = net->size[0], e->mean = mean, e->sd = sd;
}

double ebm_base_lnZ(const ebm_t *e) { return 0.5 * e->d * log(TWO_PI * e->sd * e->sd); }

void ebm_eval(const ebm_t *e, const float *theta, const float *x, int n, ebm_work_t *w, double *eb, double *f,
              float *gf) {
    int d = e->d;
    double h = 0.5 / (e->sd * e->sd);
    for (int s = 0; s < n; s += w->cap) {
        int k = n - s < w->cap ? n - s : w->cap;
        const float *xs = x + (size_t)s * d;
        ebm_energy(e->net, theta, xs, k, w);
        if (gf) {
            for (int i = 0; i < k; i++) w->g[i] = 1.0f;
            ebm_backward(e->net, theta, xs, k, w, w->g, NULL, gf + (size_t)s * d);
        }
        for (int i = 0; i < k; i++) {
            double q = 0;
            for (int j = 0; j < d; j++) {
                double u = (double)xs[(size_t)i * d + j] - e->mean[j];
                q += u * u;
            }
            eb[s + i] = h * q, f[s + i] = w->E[i];
        }
    }
}

// ---- random normals ------------------------------------------------------------

/* PHILOX_LANES consecutive Philox4x32-10 blocks from counter c (c.v[0] must
 * not wrap), words in rng_u32's order (v[3] first); the rounds of
 * Random123's philox4x32 written lane-wise so that they vectorise. */
VECTOR_CLONES static void philox_lanes(philox4x32_key_t key, philox4x32_ctr_t c, uint32_t *out) {
    uint32_t x0[PHILOX_LANES], x1[PHILOX_LANES], x2[PHILOX_LANES], x3[PHILOX_LANES], k0 = key.v[0], k1 = key.v[1];
    for (int b = 0; b < PHILOX_LANES; b++) x0[b] = c.v[0] + (uint32_t)b, x1[b] = c.v[1], x2[b] = c.v[2], x3[b] = c.v[3];
    for (int round = 0; round < 10; round++) {
        if (round) k0 += PHILOX_W32_0, k1 += PHILOX_W32_1;
        for (int b = 0; b < PHILOX_LANES; b++) {
            uint64_t p0 = (uint64_t)PHILOX_M4x32_0 * x0[b], p1 = (uint64_t)PHILOX_M4x32_1 * x2[b];
            uint32_t y0 = (uint32_t)(p1 >> 32) ^ x1[b] ^ k0, y2 = (uint32_t)(p0 >> 32) ^ x3[b] ^ k1;
            x1[b] = (uint32_t)p1, x3[b] = (uint32_t)p0, x0[b] = y0, x2[b] = y2;
        }
    }
    for (int b = 0; b < PHILOX_LANES; b++) out[4 * b] = x3[b], out[4 * b + 1] = x2[b], out[4 * b + 2] = x1[b], out[4 * b + 3] = x0[b];
}

/* n words of r, the same as n calls of rng_u32, whole blocks side by side. */
static void fill_u32(rng_t *r, uint32_t *out, size_t n) {
    size_t k = 0;
    while (k < n && r->avail > 0) out[k++] = r->out.v[--r->avail];
    while (n - k >= 4 * PHILOX_LANES && r->ctr.v[0] <= UINT32_MAX - PHILOX_LANES) {
        philox_lanes(r->key, r->ctr, out + k);
        r->ctr.v[0] += PHILOX_LANES, k += 4 * PHILOX_LANES;
    }
    while (k < n) out[k++] = rng_u32(r);
}

/* Box-Muller on both outputs of each pair of words u (one extra word when n is odd). */
VECTOR_CLONES static void box_muller(const uint32_t *restrict u, float *restrict o, size_t n) {
    size_t pairs = n / 2;
    for (size_t i = 0; i < pairs; i++) {
        float u1 = ((float)(u[2 * i] >> 8) + 0.5f) * U24; /* (0, 1): log finite */
        float u2 = ((float)(u[2 * i + 1] >> 8) + 0.5f) * U24, sn, cs;
        float rad = sqrtf(-2.0f * vm_logf(u1));
        vm_sincos2pi(u2, &sn, &cs);
        o[2 * i] = rad * cs, o[2 * i + 1] = rad * sn;
    }
    if (n % 2) { /* the last pair's twin is dropped */
        float u1 = ((float)(u[n - 1] >> 8) + 0.5f) * U24, u2 = ((float)(u[n] >> 8) + 0.5f) * U24, sn, cs;
        vm_sincos2pi(u2, &sn, &cs);
        o[n - 1] = sqrtf(-2.0f * vm_logf(u1)) * cs;
    }
}

void ebm_gauss_fill(rng_t *r, float *out, size_t n) {
    uint32_t u[GAUSS_BLOCK];
    for (size_t s0 = 0; s0 < n; s0 += GAUSS_BLOCK) {
        size_t k = n - s0 < GAUSS_BLOCK ? n - s0 : GAUSS_BLOCK;
        fill_u32(r, u, k + k % 2);
        box_muller(u, out + s0, k);
    }
}

// ---- MALA -----------------------------------------------------------------------

ebm_chains_t *ebm_chains_alloc(int n, int d) {
    if (n < 1 || d < 1) die("ebm_chains_alloc: %d chains of dimension %d", n, d);
    ebm_chains_t *c = xcalloc(1, sizeof *c);
    pool_t *p = &c->pool;
    size_t nd = (size_t)n * d;
    c->n = n, c->d = d, c->beta = 1;
    float **F[] = {&c->x, &c->gf, &c->g, &c->y, &c->gfy, &c->gy, &c->xi};
    for (size_t k = 0; k < sizeof F / sizeof F[0]; k++) *F[k] = pool_alloc(p, nd * sizeof(float));
    double **D[] = {&c->eb, &c->f, &c->E, &c->eby, &c->fy, &c->Ey};
    for (size_t k = 0; k < sizeof D / sizeof D[0]; k++) *D[k] = pool_alloc(p, (size_t)n * sizeof(double));
    return c;
}

void ebm_chains_free(ebm_chains_t *c) {
    if (!c) return;
    pool_free(&c->pool);
    free(c);
}

void ebm_chains_draw_base(const ebm_t *e, ebm_chains_t *c, rng_t *r) {
    if (c->d != e->d) die("ebm_chains_draw_base: chains of dimension %d, model of %d", c->d, e->d);
    ebm_gauss_fill(r, c->x, (size_t)c->n * c->d);
    float sd = (float)e->sd;
    for (int i = 0; i < c->n; i++)
        for (int j = 0; j < c->d; j++) c->x[(size_t)i * c->d + j] = e->mean[j] + sd * c->x[(size_t)i * c->d + j];
}

/* E = eb + beta f and g = (x - m)/s^2 + beta gf for n states */
static void combine(const ebm_t *e, double beta, int n, const float *x, const double *eb, const double *f,
                    const float *gf, double *E, float *g) {
    int d = e->d;
    float h = (float)(1.0 / (e->sd * e->sd)), bf = (float)beta;
    for (int i = 0; i < n; i++) {
        E[i] = eb[i] + beta * f[i];
        size_t o = (size_t)i * d;
        for (int j = 0; j < d; j++) g[o + j] = h * (x[o + j] - e->mean[j]) + bf * gf[o + j];
    }
}

void ebm_chains_refresh(const ebm_t *e, const float *theta, ebm_chains_t *c, ebm_work_t *w) {
    if (c->d != e->d) die("ebm_chains_refresh: chains of dimension %d, model of %d", c->d, e->d);
    ebm_eval(e, theta, c->x, c->n, w, c->eb, c->f, c->gf);
    combine(e, c->beta, c->n, c->x, c->eb, c->f, c->gf, c->E, c->g);
}

void ebm_chains_set_beta(const ebm_t *e, ebm_chains_t *c, double beta) {
    c->beta = beta;
    combine(e, beta, c->n, c->x, c->eb, c->f, c->gf, c->E, c->g);
}

double ebm_mala_log_ratio(int d, const float *x, const float *y, double Ex, double Ey, const float *gx,
                          const float *gy, double eps) {
    double back = 0, fwd = 0; /* |x - y + eps gy|^2 and |y - x + eps gx|^2 */
    for (int j = 0; j < d; j++) {
        double b = (double)x[j] - y[j] + eps * gy[j], f = (double)y[j] - x[j] + eps * gx[j];
        back += b * b, fwd += f * f;
    }
    return -(Ey - Ex) - (back - fwd) / (4 * eps);
}

int ebm_mala_step(const ebm_t *e, const float *theta, ebm_chains_t *c, float eps, ebm_work_t *w, rng_t *r) {
    int n = c->n, d = c->d;
    size_t nd = (size_t)n * d;
    float sd = sqrtf(2.0f * eps);
    ebm_gauss_fill(r, c->xi, nd);
    for (size_t k = 0; k < nd; k++) c->y[k] = c->x[k] - eps * c->g[k] + sd * c->xi[k];
    ebm_eval(e, theta, c->y, n, w, c->eby, c->fy, c->gfy);
    combine(e, c->beta, n, c->y, c->eby, c->fy, c->gfy, c->Ey, c->gy);
    int acc = 0;
    for (int i = 0; i < n; i++) {
        size_t o = (size_t)i * d;
        double la = ebm_mala_log_ratio(d, c->x + o, c->y + o, c->E[i], c->Ey[i], c->g + o, c->gy + o, eps);
        double u = 1.0 - rng_uniform(r); /* (0, 1] */
        if (isfinite(c->Ey[i]) && log(u) < la) { /* accept: the proposal becomes the state */
            memcpy(c->x + o, c->y + o, (size_t)d * sizeof(float));
            memcpy(c->gf + o, c->gfy + o, (size_t)d * sizeof(float));
            memcpy(c->g + o, c->gy + o, (size_t)d * sizeof(float));
            c->eb[i] = c->eby[i], c->f[i] = c->fy[i], c->E[i] = c->Ey[i];
            acc++;
        }
    }
    c->tried += n, c->accepted += acc;
    return acc;
}

// ---- the short-run contrast sampler ------------------------------------------------

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

// ---- learning ------------------------------------------------------------------------

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
        w->g[i] = (sign + 2.0f * alpha * e) / (float)n; /* dL/df_i */
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

// ---- free-energy differences ---------------------------------------------------------

/* 1 / (1 + exp(u)) without overflow */
static double fermi(double u) {
    if (u > 0) {
        double e = exp(-u);
        return e / (1 + e);
    }
    return 1 / (1 + exp(u));
}

#define WEIGHT(cnt, i) ((cnt) ? (double)(cnt)[i] : 1.0)

double ebm_exp_average(int n, const double *dE, const int *cnt) {
    double N = 0, dmin = INFINITY, s = 0;
    for (int i = 0; i < n; i++)
        if (WEIGHT(cnt, i) > 0) N += WEIGHT(cnt, i), dmin = fmin(dmin, dE[i]);
    if (N == 0) die("ebm_exp_average: no samples");
    /* ln <exp(-dE)> = -dmin + ln <exp(-(dE - dmin))>: every term in (0, 1] */
    for (int i = 0; i < n; i++)
        if (WEIGHT(cnt, i) > 0) s += WEIGHT(cnt, i) * exp(-(dE[i] - dmin));
    return -dmin + log(s / N);
}

/* BAR's balance g(D) = sum_a 1/(1 + e^(dEa + D)) - sum_c 1/(1 + e^(-dEc - D)),
 * decreasing in D, and its derivative. */
static double bar_balance(int n, const double *dEa, const double *dEc, const int *cnt, double D, double *deriv) {
    double g = 0, dg = 0;
    for (int i = 0; i < n; i++) {
        double c = WEIGHT(cnt, i);
        if (c == 0) continue;
        double fa = fermi(dEa[i] + D), fc = fermi(-dEc[i] - D);
        g += c * (fa - fc);
        dg -= c * (fa * (1 - fa) + fc * (1 - fc));
    }
    *deriv = dg;
    return g;
}

double ebm_bar(int n, const double *dEa, const double *dEc, const int *cnt, double start, double *se) {
    double lo = INFINITY, hi = -INFINITY, N = 0;
    for (int i = 0; i < n; i++) {
        if (WEIGHT(cnt, i) == 0) continue;
        N += WEIGHT(cnt, i);
        lo = fmin(lo, fmin(-dEa[i], -dEc[i])), hi = fmax(hi, fmax(-dEa[i], -dEc[i]));
    }
    if (N == 0) die("ebm_bar: no samples");
    lo -= 40, hi += 40; /* g(lo) > 0 > g(hi): each term is within e^-40 of its limit */
    double D = isfinite(start) && start > lo && start < hi ? start : 0.5 * (lo + hi), dg;
    for (int it = 0; it < BAR_MAXIT; it++) {
        double g = bar_balance(n, dEa, dEc, cnt, D, &dg);
        if (g > 0) lo = D;
        else hi = D;
        double next = D - g / dg;
        if (!(next > lo && next < hi) || dg == 0) next = 0.5 * (lo + hi); /* Newton left the bracket */
        double step = fabs(next - D);
        D = next;
        if (step < BAR_TOL || hi - lo < BAR_TOL) break;
    }
    if (se) { /* var = var(fa)/(N <fa>^2) + var(fc)/(N <fc>^2) */
        double ma = 0, ma2 = 0, mc = 0, mc2 = 0;
        for (int i = 0; i < n; i++) {
            double c = WEIGHT(cnt, i);
            if (c == 0) continue;
            double fa = fermi(dEa[i] + D), fc = fermi(-dEc[i] - D);
            ma += c * fa, ma2 += c * fa * fa, mc += c * fc, mc2 += c * fc * fc;
        }
        ma /= N, ma2 /= N, mc /= N, mc2 /= N;
        double v = (ma2 / (ma * ma) - 1) / N + (mc2 / (mc * mc) - 1) / N;
        *se = sqrt(fmax(v, 0));
    }
    return D;
}

// ---- heat and work per update -------------------------------------------------------

ebm_thermo_t ebm_thermo_update(int n, const double *prev_a, const double *new_a, const double *new_b,
                               const double *new_c, const double *prev_c, const int *cnt) {
    double *dEa = xmalloc((size_t)n * sizeof(double)), *dEc = xmalloc((size_t)n * sizeof(double));
    double N = 0, sd = 0, sdd = 0, ea_prev = 0, ea_new = 0, eb = 0, ec = 0;
    for (int i = 0; i < n; i++) {
        dEa[i] = new_a[i] - prev_a[i], dEc[i] = new_c[i] - prev_c[i];
        double c = WEIGHT(cnt, i);
        if (c == 0) continue;
        N += c, sd += c * dEa[i], sdd += c * dEa[i] * dEa[i];
        ea_prev += c * prev_a[i], ea_new += c * new_a[i], eb += c * new_b[i], ec += c * new_c[i];
    }
    if (N == 0) die("ebm_thermo_update: no samples");
    ebm_thermo_t t;
    t.dlnZ_exp = ebm_exp_average(n, dEa, cnt);
    double mc = 0; /* start BAR at -(<dE>_a + <dE>_c)/2, exact for Gaussian dE of equal spread */
    for (int i = 0; i < n; i++) mc += WEIGHT(cnt, i) * dEc[i];
    t.dlnZ = ebm_bar(n, dEa, dEc, cnt, -0.5 * (sd + mc) / N, &t.dlnZ_se);
    t.W = sd / N + t.dlnZ;
    t.Q = (ec - eb) / N;
    t.R = (eb - ea_new) / N;
    t.dU = ec / N + t.dlnZ - ea_prev / N;
    t.dE_sd = sqrt(fmax(0.0, sdd / N - (sd / N) * (sd / N)));
    double dmin = INFINITY, s1 = 0, s2 = 0; /* ESS of w_i = exp(-dE_i) */
    for (int i = 0; i < n; i++)
        if (WEIGHT(cnt, i) > 0) dmin = fmin(dmin, dEa[i]);
    for (int i = 0; i < n; i++) {
        double c = WEIGHT(cnt, i), wi = exp(-(dEa[i] - dmin));
        s1 += c * wi, s2 += c * wi * wi;
    }
    t.ess = s1 * s1 / s2 / N;
    free(dEa), free(dEc);
    return t;
}

// ---- annealed importance sampling ------------------------------------------------------

ebm_ais_t ebm_ais(const ebm_t *e, const float *theta, ebm_chains_t *c, int K, double power, int steps, float eps,
                  ebm_work_t *w, rng_t *r) {
    if (K < 1 || steps < 1) die("ebm_ais: %d laws, %d steps each", K, steps);
    int n = c->n;
    double *lw = xcalloc((size_t)n, sizeof(double));
    ebm_chains_draw_base(e, c, r);
    c->beta = 0;
    ebm_chains_refresh(e, theta, c, w); /* f at the base draws */
    long tried = c->tried, accepted = c->accepted;
    for (int k = 1; k <= K; k++) {
        double b = pow((double)k / K, power);
        for (int i = 0; i < n; i++) lw[i] -= (b - c->beta) * c->f[i];
        ebm_chains_set_beta(e, c, b);
        for (int s = 0; s < steps; s++) ebm_mala_step(e, theta, c, eps, w, r);
    }
    double m = -INFINITY, s1 = 0, s2 = 0, mu = 0, ss = 0;
    for (int i = 0; i < n; i++) m = fmax(m, lw[i]), mu += lw[i] / n;
    for (int i = 0; i < n; i++) {
        double wi = exp(lw[i] - m);
        s1 += wi, s2 += wi * wi;
        ss += (lw[i] - mu) * (lw[i] - mu);
    }
    ebm_ais_t a;
    a.lnZ = m + log(s1 / n);
    double mean = s1 / n, var = fmax(s2 / n - mean * mean, 0) * n / (n - 1.0);
    a.se = sqrt(var / n) / mean; /* delta method: sd(w) / (sqrt(n) <w>) */
    a.ess = s1 * s1 / s2 / n;
    a.lw_sd = sqrt(ss / (n - 1.0));
    a.accept = (double)(c->accepted - accepted) / (double)(c->tried - tried);
    free(lw);
    return a;
}
