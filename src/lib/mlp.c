/* mlp.c - MLP forward/backward on cblas_sgemm. See mlp.h for the layout. */
#include "mlp.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void mlp_init(mlp_t *m, const int *sizes, int nlayer) {
    if (nlayer < 1 || nlayer > MLP_MAX_LAYERS) die("mlp: %d layers, allowed 1..%d", nlayer, MLP_MAX_LAYERS);
    memset(m, 0, sizeof *m);
    m->nlayer = nlayer;
    size_t off = 0;
    for (int l = 0; l <= nlayer; l++) {
        if (sizes[l] <= 0) die("mlp: layer %d has size %d", l, sizes[l]);
        m->size[l] = sizes[l];
        if (sizes[l] > m->maxwidth) m->maxwidth = sizes[l];
    }
    for (int l = 0; l < nlayer; l++) {
        m->woff[l] = off;
        off += (size_t)sizes[l + 1] * sizes[l];
        m->boff[l] = off;
        off += (size_t)sizes[l + 1];
    }
    m->nparam = off;
    m->sparse_max = MLP_SPARSE_MAX;
}

void mlp_alloc_layers(const mlp_t *m, int cap, pool_t *pool, float *buf[MLP_MAX_LAYERS]) {
    for (int l = 0; l < MLP_MAX_LAYERS; l++)
        buf[l] = l < m->nlayer ? pool_alloc(pool, (size_t)cap * m->size[l + 1] * sizeof(float)) : NULL;
}

mlp_work_t *mlp_work_alloc(const mlp_t *m, int cap) {
    mlp_work_t *w = xcalloc(1, sizeof *w);
    pool_t *p = &w->pool;
    w->cap = cap;
    mlp_alloc_layers(m, cap, p, w->z);
    mlp_alloc_layers(m, cap, p, w->h);
    w->dz = pool_alloc(p, (size_t)cap * m->maxwidth * sizeof(float));
    w->dh = pool_alloc(p, (size_t)cap * m->maxwidth * sizeof(float));
    size_t sp = (size_t)(cap < MLP_SPARSE_MAX ? cap : MLP_SPARSE_MAX), in = (size_t)m->size[0];
    w->colptr = pool_alloc(p, (in + 1) * sizeof(int));
    w->fill = pool_alloc(p, in * sizeof(int));
    w->rowidx = pool_alloc(p, sp * in * sizeof(int));
    w->rowptr = pool_alloc(p, (sp + 1) * sizeof(int));
    w->colidx = pool_alloc(p, sp * in * sizeof(int));
    w->rval = pool_alloc(p, sp * in * sizeof(float));
    w->val = pool_alloc(p, sp * in * sizeof(float));
    return w;
}

void mlp_work_free(mlp_work_t *w) {
    if (!w) return;
    pool_free(&w->pool);
    free(w);
}

void mlp_init_uniform(const mlp_t *m, float *theta, rng_t *r) {
    for (int l = 0; l < m->nlayer; l++) {
        double a = 1.0 / sqrt((double)m->size[l]);
        size_t nw = (size_t)m->size[l + 1] * m->size[l];
        for (size_t i = 0; i < nw + (size_t)m->size[l + 1]; i++)
            theta[m->woff[l] + i] = (float)(a * (2.0 * rng_uniform(r) - 1.0));
    }
}

/* The hot elementwise loops are compiled for AVX-512, AVX2 and baseline x86-64
 * and picked at load time. Without FMA contraction each lane computes exactly
 * what the scalar code does, so the choice never changes a result bit. */
#define HOT __attribute__((target_clones("avx512f", "avx2", "default")))

/* out = g where z > 0, else 0 (g = z gives the ReLU itself). restrict lets
 * the compiler turn the select into a vector blend. */
HOT static void relu_select(float *restrict out, const float *restrict z, const float *restrict g, size_t n) {
    for (size_t i = 0; i < n; i++) {
        float v = g[i]; /* unconditional load, so the select if-converts */
        out[i] = z[i] > 0.0f ? v : 0.0f;
    }
}


/* Register tiles: a tile of z_i (or of a row of W) stays in vector registers
 * while the nonzeros stream past. Per element the sums run in the order of
 * the plain loop (k increasing), whatever the tile width. */

/* GCC vector types: 16 and 8 float lanes (zmm/ymm in the AVX clones, pairs
 * of narrower registers in the baseline one); loads and stores unaligned. */
typedef float v16f __attribute__((vector_size(64)));
typedef float v8f __attribute__((vector_size(32)));
#define LOADV(T, p) ({ T v_; memcpy(&v_, (p), sizeof v_); v_; })
#define STOREV(p, v) do { __typeof__(v) v_ = (v); memcpy((p), &v_, sizeof v_); } while (0)

/* dst[0:len] += sum_k scale v_k src_k[0:len], src_k = base + idx[k] * stride,
 * 64 lanes at a time in four registers, then 8 at a time, then one by one. */
static inline __attribute__((always_inline)) void tile_accumulate(float *restrict dst, int len, int nk,
                                                                  const int *idx, const float *v, float scale,
                                                                  const float *base, size_t stride) {
    int c = 0;
    for (; c + 64 <= len; c += 64) {
        v16f a0 = LOADV(v16f, dst + c), a1 = LOADV(v16f, dst + c + 16);
        v16f a2 = LOADV(v16f, dst + c + 32), a3 = LOADV(v16f, dst + c + 48);
        for (int k = 0; k < nk; k++) {
            const float *src = base + (size_t)idx[k] * stride + c;
            float a = scale * v[k];
            a0 += a * LOADV(v16f, src);
            a1 += a * LOADV(v16f, src + 16);
            a2 += a * LOADV(v16f, src + 32);
            a3 += a * LOADV(v16f, src + 48);
        }
        STOREV(dst + c, a0);
        STOREV(dst + c + 16, a1);
        STOREV(dst + c + 32, a2);
        STOREV(dst + c + 48, a3);
    }
    for (; c + 8 <= len; c += 8) {
        v8f a0 = LOADV(v8f, dst + c);
        for (int k = 0; k < nk; k++) a0 += (scale * v[k]) * LOADV(v8f, base + (size_t)idx[k] * stride + c);
        STOREV(dst + c, a0);
    }
    for (; c < len; c++)
        for (int k = 0; k < nk; k++) dst[c] += (scale * v[k]) * base[(size_t)idx[k] * stride + c];
}

/* z (n,out) += x W over the nonzeros, by example: z_i += sum_j x_ij W[j,:] */
HOT static void sparse_forward(float *z, const float *W, const mlp_work_t *w, int n, int out) {
    for (int i = 0; i < n; i++)
        tile_accumulate(z + (size_t)i * out, out, w->rowptr[i + 1] - w->rowptr[i], w->colidx + w->rowptr[i],
                        w->rval + w->rowptr[i], 1.0f, W, (size_t)out);
}

/* oW (in,out) += alpha x^T dz over the nonzeros, by pixel: oW[j,:] += alpha sum_i x_ij dz_i */
HOT static void sparse_update(float *oW, float alpha, const float *dz, const mlp_work_t *w, int in, int out) {
    for (int j = 0; j < in; j++)
        if (w->colptr[j + 1] > w->colptr[j])
            tile_accumulate(oW + (size_t)j * out, out, w->colptr[j + 1] - w->colptr[j], w->rowidx + w->colptr[j],
                            w->val + w->colptr[j], alpha, dz, (size_t)out);
}

/* The nonzeros of x (n, in) by example (rowptr, colidx, rval) and by pixel
 * (colptr, rowidx, val): MNIST pixels are ~80% zero, so for small batches
 * the first layer runs over the nonzeros only. */
static void sparse_build(mlp_work_t *w, const float *x, int n, int in) {
    int nnz = 0;
    for (int j = 0; j <= in; j++) w->colptr[j] = 0;
    for (int i = 0; i < n; i++) {
        w->rowptr[i] = nnz;
        const float *xi = x + (size_t)i * in;
        for (int j = 0; j < in; j++) { /* branch-free: always write, advance on nonzero */
            int nz = xi[j] != 0.0f;
            w->colidx[nnz] = j;
            w->rval[nnz] = xi[j];
            nnz += nz;
            w->colptr[j + 1] += nz;
        }
    }
    w->rowptr[n] = nnz;
    for (int j = 0; j < in; j++) w->colptr[j + 1] += w->colptr[j];
    for (int j = 0; j < in; j++) w->fill[j] = w->colptr[j];
    for (int i = 0; i < n; i++) /* examples in increasing order within each pixel */
        for (int k = w->rowptr[i]; k < w->rowptr[i + 1]; k++) {
            int q = w->fill[w->colidx[k]]++;
            w->rowidx[q] = i;
            w->val[q] = w->rval[k];
        }
}

/* ---------------------------------------------------------------------- */
/* forward: z_l = a_{l-1} W_l + b_l (W_l stored (in, out), sgemm NoTrans);  */
/* a_l = relu(z_l); last layer: softmax                                    */

static void bias_rows(const float *b, int n, int out, float *z) {
    for (int i = 0; i < n; i++) memcpy(z + (size_t)i * out, b, (size_t)out * sizeof(float));
}

void mlp_affine(const mlp_t *m, const float *theta, int l, const float *a, int n, float *z) {
    int in = m->size[l], out = m->size[l + 1];
    bias_rows(theta + m->boff[l], n, out, z);
    /* z (n,out) += a (n,in) . W (in,out) */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, out, in, 1.0f, a, in, theta + m->woff[l], out, 1.0f, z,
                out);
}

double mlp_forward(const mlp_t *m, const float *theta, const float *x, const uint8_t *y, int n,
                   mlp_work_t *w, long *correct) {
    if (n > w->cap) die("mlp_forward: batch of %d exceeds work capacity %d", n, w->cap);
    const float *a = x;
    for (int l = 0; l < m->nlayer; l++) {
        float *z = w->z[l];
        if (l == 0 && n <= m->sparse_max) {
            bias_rows(theta + m->boff[0], n, m->size[1], z);
            sparse_build(w, x, n, m->size[0]);
            /* z_i += sum_j x_ij W[j,:], one pass over each used row of W */
            sparse_forward(z, theta + m->woff[0], w, n, m->size[1]);
        } else {
            mlp_affine(m, theta, l, a, n, z);
        }
        if (l + 1 < m->nlayer) relu_select(w->h[l], z, z, (size_t)n * m->size[l + 1]);
        a = w->h[l];
    }
    /* softmax cross-entropy on the logits, max-shifted for stability */
    int L = m->nlayer - 1, C = m->size[m->nlayer];
    double loss = 0;
    long ok = 0;
    for (int i = 0; i < n; i++) {
        const float *z = w->z[L] + (size_t)i * C;
        float *p = w->h[L] + (size_t)i * C;
        int arg = 0;
        for (int c = 1; c < C; c++)
            if (z[c] > z[arg]) arg = c;
        double s = 0;
        for (int c = 0; c < C; c++) s += exp((double)z[c] - z[arg]);
        double lse = z[arg] + log(s);
        for (int c = 0; c < C; c++) p[c] = (float)exp((double)z[c] - lse);
        if (y) {
            loss += lse - z[y[i]];
            ok += arg == y[i];
        }
    }
    if (correct) *correct = ok;
    return loss;
}

/* ---------------------------------------------------------------------- */
/* backward                                                                */

/* Squared norm in double with 8 independent partial sums: a fixed summation
 * order (bit-reproducible) that the compiler can vectorise. */
static double row_norm2(const float *v, int n) {
    double s[8] = {0};
    int i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++) s[k] += (double)v[i + k] * v[i + k];
    for (; i < n; i++) s[0] += (double)v[i] * v[i];
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

void mlp_backward(const mlp_t *m, const float *theta, const float *x, const uint8_t *y, int n,
                  mlp_work_t *w, float *out, float alpha, double *pe_norm2) {
    int L = m->nlayer - 1, C = m->size[m->nlayer];
    float *dz = w->dz, *dh = w->dh;
    /* delta of the logits per example: softmax - onehot */
    for (int i = 0; i < n; i++) {
        const float *p = w->h[L] + (size_t)i * C;
        for (int c = 0; c < C; c++) dz[(size_t)i * C + c] = p[c] - (c == y[i] ? 1.0f : 0.0f);
    }
    if (pe_norm2)
        for (int i = 0; i < n; i++) pe_norm2[i] = 0;
    for (int l = L; l >= 0; l--) {
        int in = m->size[l], outw = m->size[l + 1];
        const float *a = l > 0 ? w->h[l - 1] : x;
        const float *W = theta + m->woff[l];
        if (pe_norm2) /* ||g_n||^2 over this layer = ||delta_n||^2 (||a_n||^2 + 1) */
            for (int i = 0; i < n; i++) {
                double d2 = row_norm2(dz + (size_t)i * outw, outw), a2 = row_norm2(a + (size_t)i * in, in);
                pe_norm2[i] += d2 * (a2 + 1.0);
                if (w->group_sq) {
                    w->group_sq[2 * l] += d2 * a2;
                    w->group_sq[2 * l + 1] += d2;
                }
            }
        /* propagate first: dh (n,in) = dz (n,out) . W^T, with the W of before any update */
        if (l > 0)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, in, outw, 1.0f, dz, outw, W, outw, 0.0f,
                        dh, in);
        /* out_W (in,out) += alpha a^T (in,n) . dz (n,out);  out_b += alpha sum_n dz */
        float *oW = out + m->woff[l];
        if (l == 0 && n <= m->sparse_max) { /* the sparse layout mlp_forward built for this x */
            sparse_update(oW, alpha, dz, w, in, outw);
        } else {
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, in, outw, n, alpha, a, in, dz, outw, 1.0f, oW,
                        outw);
        }
        float *ob = out + m->boff[l];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < outw; j++) ob[j] += alpha * dz[(size_t)i * outw + j];
        if (l > 0) { /* through the ReLU of layer l-1 */
            relu_select(dz, w->z[l - 1], dh, (size_t)n * in);
        }
    }
}

double mlp_sgd_step(const mlp_t *m, float *theta, const float *x, const uint8_t *y, int n, float r,
                    mlp_work_t *w) {
    double loss = mlp_forward(m, theta, x, y, n, w, NULL);
    mlp_backward(m, theta, x, y, n, w, theta, -r / (float)n, NULL);
    return loss / n;
}

double mlp_full_grad(const mlp_t *m, const float *theta, const float *x, const uint8_t *y, long K,
                     mlp_work_t *w, float *grad, double *sum_pe_norm2) {
    memset(grad, 0, m->nparam * sizeof(float));
    double loss = 0, pe = 0;
    double *pen = sum_pe_norm2 ? xmalloc((size_t)w->cap * sizeof(double)) : NULL;
    for (long s = 0; s < K; s += w->cap) {
        int n = (int)(K - s < w->cap ? K - s : w->cap);
        const float *xs = x + (size_t)s * m->size[0];
        loss += mlp_forward(m, theta, xs, y + s, n, w, NULL);
        mlp_backward(m, theta, xs, y + s, n, w, grad, 1.0f / (float)K, pen);
        if (pen)
            for (int i = 0; i < n; i++) pe += pen[i];
    }
    free(pen);
    if (sum_pe_norm2) *sum_pe_norm2 = pe;
    return loss / K;
}

long mlp_count_correct(const mlp_t *m, const float *theta, const float *x, const uint8_t *y, long n,
                       mlp_work_t *w) {
    long total = 0;
    int chunk = w->cap < MLP_SPARSE_MAX ? w->cap : MLP_SPARSE_MAX; /* the faster sparse first layer */
    for (long s = 0; s < n; s += chunk) {
        int k = (int)(n - s < chunk ? n - s : chunk);
        long ok;
        mlp_forward(m, theta, x + (size_t)s * m->size[0], y + s, k, w, &ok);
        total += ok;
    }
    return total;
}
