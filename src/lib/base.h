/*
 * base.h - errors that name what failed and remove unfinished outputs, checked
 * allocation, an allocation pool, the clock and integer arguments
 */
#ifndef BASE_H
#define BASE_H

#include <stddef.h>

extern const char *prog_name;

/* Print "prog: error: ..." to stderr, delete every unfinished output, exit 1. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Set only by the fuzz targets (tests/fuzz/): die() passes the message to the
 * hook instead of exiting; the hook must not return (it longjmps back). */
extern void (*die_hook)(const char *msg);
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* An allocation pool: every block pool_alloc hands out (checked, like xmalloc)
 * is released by one pool_free, so a work space of many buffers has no list of
 * frees to keep in step with its list of allocations. */
typedef struct {
    void **block;
    int n, cap;
} pool_t;
void *pool_alloc(pool_t *p, size_t bytes);
void pool_free(pool_t *p);
double now_seconds(void);
/* A command-line integer argument: dies naming `what` unless s is a whole integer. */
long parse_long_arg(const char *s, const char *what);

/* The registry of unfinished outputs die() removes (src/lib/out.c registers each
 * temporary file it opens and forgets it once renamed into place). */
void base_track_tmp(const char *tmp);
void base_forget_tmp(const char *tmp);

#endif
