/*
 * vmath.h - float exp, log and sin/cos(2 pi u) written so that the compiler
 * vectorises the loops that call them (libm's expf, logf and sincosf are
 * opaque calls, one element at a time). Cephes polynomials on a reduced
 * argument, about 1-2 ulp. Every operation is an IEEE add, multiply, divide
 * or bit operation without contraction, so the results are the same whether a
 * loop runs scalar, SSE2 or AVX: bit-reproducible across x86-64 machines.
 * Callers: the SiLU of src/lib/ebm.c and its Gaussian noise.
 */
#ifndef VMATH_H
#define VMATH_H

#include <stdint.h>
#include <string.h>

static inline float vm_bits_to_float(uint32_t u) {
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static inline uint32_t vm_float_to_bits(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/* e^x for x in [-87, 88] (clamped outside). */
static inline float vm_expf(float x) {
    x = x < -87.0f ? -87.0f : x > 88.0f ? 88.0f : x;
    float n = x * 1.44269504088896341f;
    n = (n + 12582912.0f) - 12582912.0f; /* round to the nearest integer (1.5 * 2^23 trick) */
    float r = x - n * 0.693359375f;       /* ln 2 in two parts: r exact to ~1e-11 */
    r = r - n * -2.12194440e-4f;
    float p = 1.9875691500E-4f;
    p = p * r + 1.3981999507E-3f;
    p = p * r + 8.3334519073E-3f;
    p = p * r + 4.1665795894E-2f;
    p = p * r + 1.6666665459E-1f;
    p = p * r + 5.0000001201E-1f;
    p = p * (r * r) + r + 1.0f;
    return p * vm_bits_to_float((uint32_t)((int32_t)n + 127) << 23);
}

/* ln x for a positive normal float x. */
static inline float vm_logf(float x) {
    uint32_t b = vm_float_to_bits(x);
    float e = (float)((int32_t)(b >> 23) - 126);
    float m = vm_bits_to_float((b & 0x007fffffu) | 0x3f000000u); /* x = m 2^e, m in [0.5, 1) */
    int small = m < 0.707106781186547524f;
    e = small ? e - 1.0f : e;
    m = small ? m + m - 1.0f : m - 1.0f;
    float y = m * m;
    float z = 7.0376836292E-2f;
    z = z * m - 1.1514610310E-1f;
    z = z * m + 1.1676998740E-1f;
    z = z * m - 1.2420140846E-1f;
    z = z * m + 1.4249322787E-1f;
    z = z * m - 1.6668057665E-1f;
    z = z * m + 2.0000714765E-1f;
    z = z * m - 2.4999993993E-1f;
    z = z * m + 3.3333331174E-1f;
    z = z * m * y;
    z = z + e * -2.12194440e-4f;
    z = z - 0.5f * y;
    return m + z + e * 0.693359375f;
}

/* s = sin(2 pi u), c = cos(2 pi u) for u in [0, 1]. */
static inline void vm_sincos2pi(float u, float *s, float *c) {
    float j = (u * 4.0f + 12582912.0f) - 12582912.0f; /* nearest quarter turn, 0..4 */
    float x = (u - 0.25f * j) * 6.28318530717958648f; /* in [-pi/4, pi/4] */
    float z = x * x;
    float sn = ((-1.9515295891E-4f * z + 8.3321608736E-3f) * z - 1.6666654611E-1f) * z * x + x;
    float cs = ((2.443315711809948E-5f * z - 1.388731625493765E-3f) * z + 4.166664568298827E-2f) * z * z - 0.5f * z + 1.0f;
    int q = (int)j & 3; /* rotate by q quarter turns */
    float s1 = q == 0 ? sn : q == 1 ? cs : q == 2 ? -sn : -cs;
    float c1 = q == 0 ? cs : q == 1 ? -sn : q == 2 ? -cs : sn;
    *s = s1, *c = c1;
}

#endif
