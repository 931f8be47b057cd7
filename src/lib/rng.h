/*
 * rng.h - reproducible random streams on Random123's Philox4x32-10.
 * A stream is (seed, stream id); its k-th draw is a pure function of
 * (seed, stream, k), so trial k gives the same numbers whatever process or
 * order runs it. Header-only: the generator is inlined in the hot loops.
 */
#ifndef RNG_H
#define RNG_H

#include <Random123/philox.h>
#include <math.h>
#include <stdint.h>

/* The largest seed a parameter file may give (every program's 'seed' key): a
 * double the parameter reader holds exactly and a long it converts to without
 * rounding (2^63 - 1 is neither). */
#define SEED_MAX 1e18

typedef struct {
    philox4x32_key_t key;
    philox4x32_ctr_t ctr;
    philox4x32_ctr_t out;
    int avail; /* unread words left in out */
} rng_t;

static inline void rng_init(rng_t *r, uint64_t seed, uint64_t stream) {
    r->key.v[0] = (uint32_t)seed;
    r->key.v[1] = (uint32_t)(seed >> 32);
    r->ctr.v[0] = r->ctr.v[1] = 0;
    r->ctr.v[2] = (uint32_t)stream;
    r->ctr.v[3] = (uint32_t)(stream >> 32);
    r->avail = 0;
}

static inline uint32_t rng_u32(rng_t *r) {
    if (r->avail == 0) {
        r->out = philox4x32(r->ctr, r->key);
        if (++r->ctr.v[0] == 0) ++r->ctr.v[1]; /* 64-bit block counter */
        r->avail = 4;
    }
    return r->out.v[--r->avail];
}

static inline uint64_t rng_u64(rng_t *r) {
    uint64_t hi = rng_u32(r);
    return (hi << 32) | rng_u32(r);
}

/* Uniform double in [0, 1) with 53 random bits. */
static inline double rng_uniform(rng_t *r) { return (double)(rng_u64(r) >> 11) * 0x1.0p-53; }

/* Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject). */
static inline uint32_t rng_below(rng_t *r, uint32_t n) {
    uint64_t m = (uint64_t)rng_u32(r) * n;
    uint32_t low = (uint32_t)m;
    if (low < n) {
        uint32_t threshold = (uint32_t)(-n) % n;
        while (low < threshold) {
            m = (uint64_t)rng_u32(r) * n;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

/* k distinct indices of [0, n) drawn uniformly (a mini-batch without
 * repeats): each draw is rejected while it repeats an earlier one, which is
 * cheap for k << n. Needs k <= n. */
static inline void rng_distinct(rng_t *r, uint32_t n, int k, uint32_t *out) {
    for (int i = 0; i < k; i++) {
        int dup;
        do {
            out[i] = rng_below(r, n);
            dup = 0;
            for (int j = 0; j < i && !dup; j++) dup = out[j] == out[i];
        } while (dup);
    }
}

/* Standard normal by Box-Muller (one value per call; the pair's twin is dropped
 * so that the stream position never depends on call history parity). */
static inline double rng_normal(rng_t *r) {
    double u1 = 1.0 - rng_uniform(r); /* (0, 1] so log is finite */
    double u2 = rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

#endif
