/* blasinfo.c - the OpenBLAS kernel, its speed, and advice; see blasinfo.h. */
#define _POSIX_C_SOURCE 200809L
#include "blasinfo.h"

#include <cblas.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

/* OpenBLAS 0.3.21's x86-64 kernels with AVX2 code (dynamic.c's corenames);
 * every other name (Prescott, Core2, Penryn, Nehalem, Sandybridge, Atom,
 * Opteron, Barcelona, Bulldozer, ...) runs SSE or AVX code only. */
static const char *const avx2_kernels[] = {"Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids",
                                           "Excavator"};

/* OpenBLAS picks its sgemm kernel from the CPU (or from OPENBLAS_CORETYPE,
 * which some machines set because a kernel miscomputes on their CPU). Float32
 * results are bit-identical only where the same kernel runs, so the kernel is
 * recorded, never forced: "<corename>" plus the two variables when set. */
const char *blasinfo_kernel(void) {
    static char buf[256];
    if (!buf[0]) {
        const char *core = openblas_get_corename();
        int n = snprintf(buf, sizeof buf, "%s", core && *core ? core : "unknown");
        const char *vars[] = {"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"};
        for (int i = 0; i < 2; i++) {
            const char *v = getenv(vars[i]);
            if (v && *v && n < (int)sizeof buf)
                n += snprintf(buf + n, sizeof buf - (size_t)n, " %s=%s", vars[i], v);
        }
    }
    return buf;
}

int blasinfo_kernel_has_avx2(const char *kernel) {
    for (size_t i = 0; i < sizeof avx2_kernels / sizeof *avx2_kernels; i++)
        if (strcasecmp(kernel, avx2_kernels[i]) == 0) return 1;
    return 0;
}

/* 1 when the space-separated word list `flags` contains `word`. */
static int has_flag(const char *flags, const char *word) {
    size_t n = strlen(word);
    for (const char *p = flags; (p = strstr(p, word)); p += n)
        if ((p == flags || p[-1] == ' ') && (p[n] == 0 || p[n] == ' ' || p[n] == '\n')) return 1;
    return 0;
}

const char *blasinfo_suggest(const char *kernel, const char *flags, const char *vendor) {
    if (!has_flag(flags, "avx2") || blasinfo_kernel_has_avx2(kernel)) return NULL;
    if (has_flag(flags, "avx512f")) return has_flag(flags, "avx512_bf16") ? "Cooperlake" : "SkylakeX";
    return strcmp(vendor, "AuthenticAMD") == 0 ? "Zen" : "Haswell";
}

/* The value of the first "key<spaces>: value" line of /proc/cpuinfo. */
static void cpuinfo_value(const char *key, char *out, size_t cap) {
    out[0] = 0;
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return;
    char *line = NULL;
    size_t lcap = 0;
    while (getline(&line, &lcap, f) != -1) {
        size_t n = strlen(key);
        if (strncmp(line, key, n) != 0 || (line[n] != ' ' && line[n] != '\t' && line[n] != ':')) continue;
        char *colon = strchr(line, ':');
        if (!colon) continue;
        colon += 1 + (colon[1] == ' ');
        colon[strcspn(colon, "\n")] = 0;
        snprintf(out, cap, "%s", colon);
        break;
    }
    free(line);
    fclose(f);
}

void blasinfo_cpu(const char **flags, const char **vendor) {
    static char fl[8192], ve[64];
    if (!fl[0]) cpuinfo_value("flags", fl, sizeof fl);
    if (!ve[0]) cpuinfo_value("vendor_id", ve, sizeof ve);
    *flags = fl, *vendor = ve;
}

double blasinfo_sgemm_gflops(int n, double min_seconds) {
    size_t nn = (size_t)n * n;
    float *a = xmalloc(nn * sizeof *a), *b = xmalloc(nn * sizeof *b), *c = xcalloc(nn, sizeof *c);
    for (size_t i = 0; i < nn; i++) a[i] = (float)(i % 7) * 0.25f, b[i] = (float)(i % 5) * 0.5f;
    double best = 1e30, total = 0;
    do {
        double t = now_seconds();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
        t = now_seconds() - t;
        total += t;
        if (t < best) best = t;
    } while (total < min_seconds);
    free(a), free(b), free(c);
    return 2.0 * n * (double)n * n / best / 1e9;
}

void blasinfo_report(FILE *f, const char *prefix, const char *kernel, double gflops) {
    const char *flags, *vendor;
    blasinfo_cpu(&flags, &vendor);
    const char *isa = has_flag(flags, "avx512f") ? "AVX-512" : has_flag(flags, "avx2") ? "AVX2" : "no AVX2";
    fprintf(f, "%sOpenBLAS kernel: %s (CPU: %s, %s)\n", prefix, kernel, vendor[0] ? vendor : "unknown", isa);
    if (gflops >= 0) fprintf(f, "%ssgemm 1 thread: %.1f GFLOP/s measured now\n", prefix, gflops);
    const char *core = openblas_get_corename();
    const char *suggest = blasinfo_suggest(core && *core ? core : kernel, flags, vendor);
    if (!suggest) return;
    const char *forced = getenv("OPENBLAS_CORETYPE");
    char why[128];
    if (forced && *forced) snprintf(why, sizeof why, "OPENBLAS_CORETYPE=%s is set in the environment", forced);
    else snprintf(why, sizeof why, "this OpenBLAS does not know the CPU model");
    fprintf(f,
            "%sSLOW: OpenBLAS runs its generic '%s' kernel (no AVX2 code) on a CPU with %s: %s.\n"
            "%s  A user may set OPENBLAS_CORETYPE=%s in the environment before make: sgemm then runs the CPU's\n"
            "%s  %s code, several times faster; float32 results change in their last bits and stay within the\n"
            "%s  statistical tolerances of `make verify`. The project never sets, unsets or overrides it.\n",
            prefix, core, isa, why, prefix, suggest, prefix, isa, prefix);
}
