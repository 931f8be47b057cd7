/*
 * mlp.h - the multilayer perceptron of Fig. 5.1: dense layers, ReLU,
 * softmax cross-entropy, on OpenBLAS sgemm.
 *
 * All parameters live in ONE float vector theta (layer l: W_l row-major
 * (in, out), then b_l (out)), so z = a W + b, a gradient has the same layout,
 * and SGD is one loop or, fused, one sgemm per layer. Shapes are (rows, cols).
 * Row j of W_0 holds the weights of input pixel j: a sparse input touches only
 * the rows of its nonzero pixels.
 */
#ifndef MLP_H
#define MLP_H

#include <stddef.h>
#include <stdint.h>

#include "rng.h"
#include "util.h"

#define MLP_MAX_LAYERS 8
/* Batches up to this size run the first layer over the input's nonzeros only. */
#define MLP_SPARSE_MAX 128

typedef struct {
    int nlayer;                     /* weight layers */
    int size[MLP_MAX_LAYERS + 1];   /* size[0] inputs ... size[nlayer] classes */
    size_t woff[MLP_MAX_LAYERS], boff[MLP_MAX_LAYERS];
    size_t nparam;
    int maxwidth;
    /* Batches up to this size run the first layer over the nonzeros (default
     * MLP_SPARSE_MAX); 0 runs it dense on sgemm. The two are the same mathematics
     * in another summation order, so switching perturbs float32 results at the
     * rounding level, as another BLAS kernel would. */
    int sparse_max;
} mlp_t;

/* Work space for batches of up to cap examples. */
typedef struct {
    int cap;
    float *z[MLP_MAX_LAYERS];  /* pre-activations (cap, size[l+1]) */
    float *h[MLP_MAX_LAYERS];  /* ReLU outputs (cap, size[l+1]); h of the last layer = softmax */
    float *dz, *dh;            /* back-propagated deltas (cap, maxwidth) */
    int *colptr, *fill, *rowidx; /* nonzeros of the input by pixel (small batches) */
    float *val;
    int *rowptr, *colidx;        /* ... and by example */
    float *rval;
    /* If not NULL while mlp_backward computes pe_norm2, it also adds, per
     * parameter group, sum_n ||g_n restricted to the group||^2: [2l] the
     * weights of layer l, [2l+1] its biases (2 nlayer doubles, caller-owned;
     * the per-layer temperatures of Sec. 5.1.2 need them). */
    double *group_sq;
    pool_t pool;                 /* owns every buffer above */
} mlp_work_t;

void mlp_init(mlp_t *m, const int *sizes, int nlayer);
mlp_work_t *mlp_work_alloc(const mlp_t *m, int cap);
/* buf[l] = room for cap rows of layer l's outputs (size[l+1]), for each layer,
 * from pool (shared by the MLP's and the EBM's work spaces). */
void mlp_alloc_layers(const mlp_t *m, int cap, pool_t *pool, float *buf[MLP_MAX_LAYERS]);
void mlp_work_free(mlp_work_t *w);

/* z (n, size[l+1]) = a (n, size[l]) W_l + b_l: the bias in every row, then one
 * sgemm (W_l stored (in, out), NoTrans). The dense layer step of the
 * classifier's and of the energy model's forward passes. */
void mlp_affine(const mlp_t *m, const float *theta, int l, const float *a, int n, float *z);

/* theta ~ U(-1/sqrt(fan_in), +1/sqrt(fan_in)) for weights and biases. */
void mlp_init_uniform(const mlp_t *m, float *theta, rng_t *r);

/* Forward pass of n <= cap examples x (n, size[0]); returns the summed
 * cross-entropy (nats) of labels y, or the number of correct argmax
 * predictions through *correct when that pointer is not NULL. */
double mlp_forward(const mlp_t *m, const float *theta, const float *x, const uint8_t *y, int n,
                   mlp_work_t *w, long *correct);

/* Back-propagation after mlp_forward on the same (x, y, n):
 *   out += alpha * sum_n g_n,  g_n = grad_theta of the loss of example n.
 * out may be theta itself: each layer's delta is propagated through W_l
 * before W_l is updated, so out = theta, alpha = -r/|b| IS the SGD step.
 * pe_norm2, if not NULL, receives ||g_n||^2 per example (exact, by the
 * outer-product identity ||delta a^T||^2 = ||delta||^2 ||a||^2). */
void mlp_backward(const mlp_t *m, const float *theta, const float *x, const uint8_t *y, int n,
                  mlp_work_t *w, float *out, float alpha, double *pe_norm2);

/* One SGD step (Algorithm 1) on the batch: theta -= r * grad phi_theta(b).
 * Returns the mean loss of the batch before the step. */
double mlp_sgd_step(const mlp_t *m, float *theta, const float *x, const uint8_t *y, int n, float r,
                    mlp_work_t *w);

/* Full-data gradient grad U_B = (1/K) sum_n g_n over K examples in chunks of
 * w->cap; also returns mean loss and, via sum_pe_norm2, sum_n ||g_n||^2. */
double mlp_full_grad(const mlp_t *m, const float *theta, const float *x, const uint8_t *y, long K,
                     mlp_work_t *w, float *grad, double *sum_pe_norm2);

/* Number of correct predictions over n examples, in chunks of MLP_SPARSE_MAX. */
long mlp_count_correct(const mlp_t *m, const float *theta, const float *x, const uint8_t *y, long n,
                       mlp_work_t *w);

#endif
