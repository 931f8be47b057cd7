/* base.c - errors, allocation, the pool, the clock, integer arguments; see base.h. */
#define _POSIX_C_SOURCE 200809L
#include "base.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *prog_name = "stl";

/* ---------------------------------------------------------------------- */
/* errors: every unfinished output is tracked so die() can remove it       */

#define MAX_OPEN 64
static char *open_tmp[MAX_OPEN];

void base_forget_tmp(const char *tmp) {
    for (int i = 0; i < MAX_OPEN; i++)
        if (open_tmp[i] && strcmp(open_tmp[i], tmp) == 0) {
            free(open_tmp[i]);
            open_tmp[i] = NULL;
        }
}

void base_track_tmp(const char *tmp) {
    for (int i = 0; i < MAX_OPEN; i++)
        if (!open_tmp[i]) {
            open_tmp[i] = xstrdup(tmp);
            return;
        }
    die("too many open outputs");
}

void (*die_hook)(const char *msg);

void die(const char *fmt, ...) {
    va_list ap;
    if (die_hook) { /* fuzz targets only: the hook longjmps back, never returns */
        static char msg[4096];
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        die_hook(msg);
    }
    fflush(stdout);
    fprintf(stderr, "%s: error: ", prog_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    for (int i = 0; i < MAX_OPEN; i++)
        if (open_tmp[i]) unlink(open_tmp[i]);
    exit(1);
}

void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) die("out of memory allocating %zu bytes", n);
    return p;
}

void *xcalloc(size_t count, size_t size) {
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) die("out of memory allocating %zu x %zu bytes", count, size);
    return p;
}

void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) die("out of memory reallocating %zu bytes", n);
    return q;
}

void *pool_alloc(pool_t *p, size_t bytes) {
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 16;
        p->block = xrealloc(p->block, (size_t)p->cap * sizeof *p->block);
    }
    return p->block[p->n++] = xmalloc(bytes);
}

void pool_free(pool_t *p) {
    for (int i = 0; i < p->n; i++) free(p->block[i]);
    free(p->block);
    *p = (pool_t){0};
}

char *xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

long parse_long_arg(const char *s, const char *what) {
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (errno || end == s || *end) die("argument %s: '%s' is not an integer", what, s);
    return x;
}

double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
