/*
 * blasinfo.h - which OpenBLAS kernel runs here, how fast, and whether a
 * faster one fits this CPU.
 *
 * Debian's OpenBLAS picks its kernel from the CPU model; on a model it does
 * not know it falls back to a generic kernel without AVX2 code (Prescott,
 * Core2, Nehalem, ...) even where the CPU has AVX2 or AVX-512, and sgemm runs
 * several times slower. The project reports this and names the variable a
 * user may set (OPENBLAS_CORETYPE); it never sets, unsets or overrides any
 * OPENBLAS_* variable itself, since some machines set them on purpose (a
 * kernel that miscomputes on their CPU) and the kernel decides the last bits
 * of every float32 result.
 */
#ifndef BLASINFO_H
#define BLASINFO_H

#include <stdio.h>

/* The kernel this process runs: "<corename>" plus OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE when set, e.g. "Haswell OPENBLAS_CORETYPE=Haswell". */
const char *blasinfo_kernel(void);

/* 1 when the named kernel (as openblas_get_corename() spells it, any case)
 * has AVX2 code, 0 for the generic and pre-AVX2 kernels. */
int blasinfo_kernel_has_avx2(const char *kernel);

/* The OPENBLAS_CORETYPE to suggest for a CPU with the given /proc/cpuinfo
 * "flags" and "vendor_id" values when `kernel` lacks AVX2 code the CPU has
 * (Cooperlake for AVX-512 with bf16, SkylakeX for AVX-512, Zen or Haswell for
 * AVX2); NULL when the kernel suits the CPU or the CPU has no AVX2. */
const char *blasinfo_suggest(const char *kernel, const char *flags, const char *vendor);

/* This CPU's "flags" and "vendor_id" from /proc/cpuinfo (empty strings where
 * unreadable): static buffers. */
void blasinfo_cpu(const char **flags, const char **vendor);

/* sgemm GFLOP/s at n x n x n on the calling thread's BLAS: the best of
 * repeated calls over at least min_seconds. */
double blasinfo_sgemm_gflops(int n, double min_seconds);

/* The report of `make env-report`, `make bench` and `make paper`'s summary:
 * the kernel, the measured sgemm rate (gflops < 0: not measured), and, when a
 * generic kernel runs on an AVX2 or AVX-512 CPU, what a user may set and what
 * it changes. Each line starts with prefix. */
void blasinfo_report(FILE *f, const char *prefix, const char *kernel, double gflops);

#endif
