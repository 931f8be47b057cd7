/* out.c - atomic outputs; see out.h. */
#define _POSIX_C_SOURCE 200809L
#include "out.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base.h"

/* ---------------------------------------------------------------------- */
/* atomic outputs                                                          */

struct out {
    char *path, *tmp;
    FILE *f;
};

out_t *out_open(const char *path) {
    out_t *o = xcalloc(1, sizeof *o);
    o->path = xstrdup(path);
    /* per process: two runs writing the same output never share a temporary */
    size_t len = strlen(path) + 32;
    o->tmp = xmalloc(len);
    snprintf(o->tmp, len, "%s.tmp.%ld", path, (long)getpid());
    o->f = fopen(o->tmp, "w");
    if (!o->f) die("%s: cannot create: %s", o->tmp, strerror(errno));
    base_track_tmp(o->tmp);
    return o;
}

FILE *out_file(out_t *o) { return o->f; }

const char *out_path(const out_t *o) { return o->path; }

void out_close(out_t *o) {
    if (fflush(o->f) != 0 || ferror(o->f)) die("%s: write error: %s", o->tmp, strerror(errno));
    if (fclose(o->f) != 0) die("%s: close failed: %s", o->tmp, strerror(errno));
    if (rename(o->tmp, o->path) != 0) die("%s: cannot rename to %s: %s", o->tmp, o->path, strerror(errno));
    base_forget_tmp(o->tmp);
    free(o->tmp);
    free(o->path);
    free(o);
}
