/*
 * idx.h - reader for the IDX format of the MNIST files
 * (magic 0x000008TD: T = 0x08 unsigned bytes, D = number of dimensions;
 * then D big-endian uint32 sizes; then the bytes). The reader checks the
 * magic, the number of dimensions, and that the file length is exactly what
 * the header implies, so truncated or padded files are caught.
 */
#ifndef IDX_H
#define IDX_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int ndim;
    uint32_t dim[3];
    size_t count; /* product of dims */
    uint8_t *data;
    uint8_t sha256[32]; /* of the whole file, header included */
} idx_t;

/* Returns 0 on success; on failure fills err (naming the file) and returns -1. */
int idx_load(const char *path, int want_ndim, idx_t *out, char *err, size_t errlen);
void idx_free(idx_t *x);
/* 0 if each item of x (the dimensions after the first, which counts the items)
 * is want[0] x want[1] x ...; else -1 with err naming the file and both
 * shapes. A valid file of other items would otherwise be read out of bounds
 * by code sized for want. */
int idx_require(const idx_t *x, const char *path, const uint32_t *want, char *err, size_t errlen);

/* MNIST's fixed sizes: 28 x 28 images, 60000 for training, 10000 for test, 10 digits. */
#define MNIST_SIDE 28
#define MNIST_PIXELS (MNIST_SIDE * MNIST_SIDE)
#define MNIST_TRAIN 60000
#define MNIST_TEST 10000
#define MNIST_CLASSES 10

/* The MNIST training or test split: pixels scaled to [0,1], labels 0-9. */
typedef struct {
    int n, rows, cols;
    float *x;        /* n x (rows*cols), row-major */
    uint8_t *label;  /* n */
    char *path;      /* the images file, for messages */
} mnist_t;

/* Loads <dir>/<prefix>-images-idx3-ubyte and -labels-idx1-ubyte
 * (prefix "train" or "t10k"); dies with a clear message on any mismatch,
 * and unless the images are MNIST_SIDE x MNIST_SIDE: every program sizes its
 * buffers and models by MNIST_PIXELS.
 * The content is checked where it is consumed: each file's SHA-256 must be the
 * one <dir>/SHA256SUMS lists for it (data/fetch-mnist.sh writes that copy of
 * data/SHA256SUMS when it verifies the files), so a file changed after
 * verification stops the program naming it, whatever its modification time. */
mnist_t mnist_load(const char *dir, const char *prefix);
void mnist_free(mnist_t *m);
/* Dies unless m holds at least n items: "<images file> holds N images, fewer
 * than the n of <what>" (what names the parameter, e.g. "key 'K' of FILE"). */
void mnist_require_count(const mnist_t *m, long n, const char *what);

#endif
