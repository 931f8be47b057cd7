/*
 * ebm_eval.h - quality of generated images, with what the project has: the
 * Fig. 5.1 MLP (src/lib/mlp.h) trained once as a digit classifier (a cached
 * artefact), and nearest-neighbour distances to the training images.
 *
 * For n samples: the classifier's mean confidence (max softmax probability),
 * the fraction it assigns with confidence above 0.9,
 * the entropy of the predicted-label histogram (ln 10 when all ten digits are
 * equally frequent; a jackknife standard error), and the mean Euclidean
 * distance of each sample to its closest training image (a copy has 0).
 */
#ifndef EBM_EVAL_H
#define EBM_EVAL_H

#include <stdint.h>

#include "idx.h"
#include "mlp.h"
#include "rng.h"

/* SGD on the training images for `epochs` passes of n/batch steps in a
 * random order; returns nothing (theta trained in place from its init). */
void ebm_eval_train_classifier(const mlp_t *m, float *theta, const float *x, const uint8_t *y, int n, int batch,
                               int epochs, float rate, rng_t *r);

/* Classifier file: int32 header (magic, version, nlayer, sizes...) then float32 theta. */
void ebm_eval_save(const char *path, const mlp_t *m, const float *theta);
/* Loads into m (initialised here) and a new theta; dies naming the file on any mismatch. */
float *ebm_eval_load(const char *path, mlp_t *m);

typedef struct {
    double conf, conf_se;       /* mean max softmax probability */
    double conf90, conf90_se;   /* fraction of samples with max softmax probability > 0.9 (binomial se) */
    double label_H, label_H_se; /* entropy of the predicted-label histogram (nats) */
    double nn, nn_se;           /* mean distance to the closest training image */
    int count[MNIST_CLASSES];
} ebm_quality_t;

/* Quality of n samples x (n, 784); ref (K, 784) the training images. */
ebm_quality_t ebm_eval_quality(const mlp_t *clf, const float *clf_theta, const float *x, int n, const float *ref,
                               long K);

/* dist[i] = min_k ||x_i - ref_k|| over K reference images (sgemm in chunks). */
void ebm_eval_nn_dist(const float *x, int n, const float *ref, long K, int d, double *dist);

#endif
