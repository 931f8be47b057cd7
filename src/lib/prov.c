/* prov.c - provenance blocks; see prov.h. */
#define _POSIX_C_SOURCE 200809L
#include "prov.h"

#include <stdio.h>
#include <stdlib.h>

#include "base.h"
#include "blasinfo.h"

/* ---------------------------------------------------------------------- */
/* provenance                                                              */

static const char *env_or(const char *name, const char *def) {
    const char *v = getenv(name);
    return (v && *v) ? v : def;
}

void prov_write(FILE *f, const char *title, const conf_t *params, uint64_t seed) {
    fprintf(f, "# %s\n", title);
    fprintf(f, "# program: %s\n", prog_name);
    fprintf(f, "# git: %s\n", env_or("PROV_GIT", "unknown"));
    fprintf(f, "# scale: %s\n", env_or("PROV_SCALE", "unknown"));
    if (params)
        fprintf(f, "# params: %s sha256:%.16s\n", conf_path(params), conf_sha256(params));
    fprintf(f, "# seed: %llu\n", (unsigned long long)seed);
    fprintf(f, "# tools: %s\n", env_or("PROV_TOOLS", "unknown"));
    fprintf(f, "# blas_kernel: %s\n", blasinfo_kernel());
}
