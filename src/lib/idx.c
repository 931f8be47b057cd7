/* idx.c - validated IDX reader and the MNIST loader built on it. */
#define _POSIX_C_SOURCE 200809L
#include "idx.h"

#include <errno.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static uint32_t be32(const uint8_t *b) {
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

/* "d0 x d1 x ..." of dims[0..n) into buf (at most 3 sizes of 10 digits: 64 bytes suffice). */
static void shape(char *buf, size_t len, const uint32_t *dims, int n) {
    buf[0] = 0;
    for (int d = 0, k = 0; d < n && k >= 0 && (size_t)k < len; d++)
        k += snprintf(buf + k, len - (size_t)k, "%s%u", d ? " x " : "", dims[d]);
}

/* The largest item count accepted: the loader converts every byte to a float,
 * so count * sizeof(float) and the header length must not overflow either. */
#define IDX_MAX_COUNT (SIZE_MAX / sizeof(float) / 2)

/* Reads the D sizes after the magic; their product, checked for overflow, is
 * the item count. 0, or -1 with err naming the file and the dimensions. */
static int idx_dims(const char *path, const uint8_t *head, int ndim, idx_t *out, char *err, size_t errlen) {
    out->ndim = ndim;
    out->count = 1;
    int overflow = 0;
    for (int d = 0; d < ndim; d++) {
        out->dim[d] = be32(head + 4 + 4 * d);
        if (out->dim[d] == 0) {
            snprintf(err, errlen, "%s: dimension %d is zero", path, d);
            return -1;
        }
        overflow |= __builtin_mul_overflow(out->count, (size_t)out->dim[d], &out->count);
    }
    if (overflow || out->count > IDX_MAX_COUNT) {
        char dims[64];
        shape(dims, sizeof dims, out->dim, ndim);
        snprintf(err, errlen, "%s: dimensions %s overflow the item count (at most %zu)", path, dims, (size_t)IDX_MAX_COUNT);
        return -1;
    }
    return 0;
}

int idx_load(const char *path, int want_ndim, idx_t *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    uint8_t head[16];
    size_t hlen = 4 + 4 * (size_t)want_ndim;
    if (fread(head, 1, 4, f) != 4) {
        snprintf(err, errlen, "%s: truncated: shorter than the 4-byte IDX magic", path);
        goto fail;
    }
    uint32_t magic = be32(head);
    uint32_t want_magic = 0x00000800u | (uint32_t)want_ndim;
    if (magic != want_magic) {
        snprintf(err, errlen, "%s: bad IDX magic 0x%08x, expected 0x%08x (unsigned bytes, %d dimensions)",
                 path, magic, want_magic, want_ndim);
        goto fail;
    }
    if (fread(head + 4, 1, hlen - 4, f) != hlen - 4) {
        snprintf(err, errlen, "%s: truncated inside the IDX header", path);
        goto fail;
    }
    if (idx_dims(path, head, want_ndim, out, err, errlen) != 0) goto fail;
    if (fseek(f, 0, SEEK_END) != 0) {
        snprintf(err, errlen, "%s: cannot seek", path);
        goto fail;
    }
    long size = ftell(f);
    if (size < 0 || (size_t)size != hlen + out->count) {
        snprintf(err, errlen, "%s: file is %ld bytes but its header implies %zu (%s)", path, size,
                 hlen + out->count, (size_t)size < hlen + out->count ? "truncated" : "trailing bytes");
        goto fail;
    }
    fseek(f, (long)hlen, SEEK_SET);
    out->data = xmalloc(out->count);
    size_t got = fread(out->data, 1, out->count, f);
    struct sha256_ctx sha;
    sha256_init(&sha);
    sha256_update(&sha, hlen, head);
    sha256_update(&sha, got, out->data);
    sha256_digest(&sha, sizeof out->sha256, out->sha256);
    if (got != out->count) {
        snprintf(err, errlen, "%s: read error", path);
        goto fail;
    }
    fclose(f);
    return 0;
fail: /* err names the file and what failed */
    free(out->data);
    out->data = NULL;
    fclose(f);
    return -1;
}

void idx_free(idx_t *x) {
    free(x->data);
    x->data = NULL;
}

/* The SHA-256 <dir>/SHA256SUMS lists for <dir>/<name> must be x's: dies otherwise. */
static void idx_check_sum(const char *dir, const char *name, const idx_t *x) {
    char sums[4096], hex[65];
    snprintf(sums, sizeof sums, "%s/SHA256SUMS", dir);
    for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", x->sha256[i]);
    FILE *f = fopen(sums, "r");
    if (!f) die("%s: cannot open (%s): the IDX files in %s were not verified (make mnist verifies them)", sums,
                strerror(errno), dir);
    char *line = NULL, *want = NULL;
    size_t cap = 0;
    while (!want && getline(&line, &cap, f) != -1) {
        char sum[65], file[256];
        if (sscanf(line, "%64s %255s", sum, file) == 2 && strcmp(file, name) == 0) want = xstrdup(sum);
    }
    free(line);
    fclose(f);
    if (!want) die("%s lists no checksum for %s", sums, name);
    if (strcmp(want, hex) != 0)
        die("%s/%s: checksum mismatch: sha256 %s, but %s lists %s: the file changed after verification "
            "(make mnist fetches and verifies it again)", dir, name, hex, sums, want);
    free(want);
}

int idx_require(const idx_t *x, const char *path, const uint32_t *want, char *err, size_t errlen) {
    if (memcmp(x->dim + 1, want, (size_t)(x->ndim - 1) * sizeof *want) == 0) return 0;
    char have[64], need[64];
    shape(have, sizeof have, x->dim + 1, x->ndim - 1);
    shape(need, sizeof need, want, x->ndim - 1);
    snprintf(err, errlen, "%s: each item is %s, not %s", path, have, need);
    return -1;
}

mnist_t mnist_load(const char *dir, const char *prefix) {
    char ipath[4096], lpath[4096], err[8192];
    snprintf(ipath, sizeof ipath, "%s/%s-images-idx3-ubyte", dir, prefix);
    snprintf(lpath, sizeof lpath, "%s/%s-labels-idx1-ubyte", dir, prefix);
    idx_t im, lb;
    if (idx_load(ipath, 3, &im, err, sizeof err) != 0) die("%s", err);
    if (idx_require(&im, ipath, (const uint32_t[]){MNIST_SIDE, MNIST_SIDE}, err, sizeof err) != 0)
        die("%s pixels", err);
    if (idx_load(lpath, 1, &lb, err, sizeof err) != 0) die("%s", err);
    idx_check_sum(dir, strrchr(ipath, '/') + 1, &im);
    idx_check_sum(dir, strrchr(lpath, '/') + 1, &lb);
    if (im.dim[0] != lb.dim[0])
        die("%s has %u images but %s has %u labels", ipath, im.dim[0], lpath, lb.dim[0]);
    mnist_t m = {.n = (int)im.dim[0], .rows = (int)im.dim[1], .cols = (int)im.dim[2], .path = xstrdup(ipath)};
    m.x = xmalloc(im.count * sizeof(float));
    for (size_t i = 0; i < im.count; i++) m.x[i] = (float)im.data[i] / 255.0f;
    m.label = lb.data;
    for (int i = 0; i < m.n; i++)
        if (m.label[i] > 9) die("%s: label %d of item %d is not a digit", lpath, m.label[i], i);
    idx_free(&im);
    return m;
}

void mnist_free(mnist_t *m) {
    free(m->x);
    free(m->label);
    free(m->path);
}

void mnist_require_count(const mnist_t *m, long n, const char *what) {
    if (n > m->n) die("%s holds %d images, fewer than the %ld of %s", m->path, m->n, n, what);
}
