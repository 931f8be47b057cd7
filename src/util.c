/* util.c - errors, parameter files, atomic outputs, provenance, progress. */
#define _POSIX_C_SOURCE 200809L
#include "util.h"

#include <cblas.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *prog_name = "stl";

/* ---------------------------------------------------------------------- */
/* errors: every unfinished output is tracked so die() can remove it       */

#define MAX_OPEN 64
static char *open_tmp[MAX_OPEN];

static void forget_tmp(const char *tmp) {
    for (int i = 0; i < MAX_OPEN; i++)
        if (open_tmp[i] && strcmp(open_tmp[i], tmp) == 0) {
            free(open_tmp[i]);
            open_tmp[i] = NULL;
        }
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

/* ---------------------------------------------------------------------- */
/* subcommands                                                             */

/* Dies with the usage line of one command, or of all (only = NULL). */
static void command_usage(const command_t *cmds, int n, const command_t *only, int with_keys) {
    size_t cap = 64, len = 0;
    char *msg = xmalloc(cap);
    msg[0] = 0;
    for (int i = 0; i < n + with_keys; i++) {
        const command_t *c = i < n ? &cmds[i] : &(const command_t){"keys", "", 0, 0, NULL};
        if (only && c != only) continue;
        size_t need = len + strlen(prog_name) + strlen(c->name) + strlen(c->args) + 8;
        if (need > cap) msg = xrealloc(msg, cap = 2 * need);
        len += (size_t)sprintf(msg + len, "%s%s %s%s%s", len ? " | " : "", prog_name, c->name, *c->args ? " " : "",
                               c->args);
    }
    die("usage: %s", msg);
}

int command_run(const command_t *cmds, int n, const conf_spec_t *keys, int nkeys, int argc, char **argv) {
    for (int i = 0; argc >= 2 && i < n; i++) {
        if (strcmp(argv[1], cmds[i].name) != 0) continue;
        int nargs = argc - 2;
        if (nargs < cmds[i].args_min || (cmds[i].args_max >= 0 && nargs > cmds[i].args_max))
            command_usage(cmds, n, &cmds[i], 0);
        return cmds[i].run(argc, argv);
    }
    if (keys && argc == 2 && strcmp(argv[1], "keys") == 0) {
        conf_print_keys(keys, nkeys);
        return 0;
    }
    command_usage(cmds, n, NULL, keys != NULL);
    return 1;
}

/* ---------------------------------------------------------------------- */
/* parameter files: "key = value" lines, '#' comments                      */

#define MAX_KEYS 128
struct conf {
    char *path;
    char sha256[65]; /* of the bytes conf_load parsed, in hex */
    int n;
    char *key[MAX_KEYS], *val[MAX_KEYS];
    int used[MAX_KEYS];
};

static char *trim(char *s) {
    while (*s == ' ' || *s == '\t') s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r')) *--e = 0;
    return s;
}

/* One line of a parameter file (any length: read with getline): a comment or
 * blank line, or "key = value" added to c; dies naming file and line. */
static void conf_line(conf_t *c, char *line, size_t len, long lineno) {
    if (strlen(line) != len) die("%s:%ld: line contains a NUL byte", c->path, lineno);
    char *hash = strchr(line, '#');
    if (hash) *hash = 0;
    char *s = trim(line);
    if (!*s) return;
    char *eq = strchr(s, '=');
    if (!eq) die("%s:%ld: expected 'key = value', got '%.200s'", c->path, lineno, s);
    *eq = 0;
    char *k = trim(s), *v = trim(eq + 1);
    if (!*k || !*v) die("%s:%ld: empty key or value", c->path, lineno);
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->key[i], k) == 0) die("%s:%ld: key '%s' given twice", c->path, lineno, k);
    if (c->n == MAX_KEYS) die("%s: more than %d keys", c->path, MAX_KEYS);
    c->key[c->n] = xstrdup(k);
    c->val[c->n] = xstrdup(v);
    c->n++;
}

conf_t *conf_load(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) die("%s: cannot open parameter file: %s", path, strerror(errno));
    conf_t *c = xcalloc(1, sizeof *c);
    c->path = xstrdup(path);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long lineno = 0;
    struct sha256_ctx sha; /* of the very bytes parsed: a file edited meanwhile cannot pass for them */
    sha256_init(&sha);
    while ((len = getline(&line, &cap, f)) != -1) {
        sha256_update(&sha, (size_t)len, (const uint8_t *)line); /* before conf_line cuts comments off */
        conf_line(c, line, (size_t)len, ++lineno);
    }
    int read_error = ferror(f);
    free(line);
    fclose(f);
    if (read_error) die("%s: read error", path);
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_digest(&sha, sizeof digest, digest);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++) snprintf(c->sha256 + 2 * i, 3, "%02x", digest[i]);
    return c;
}

static const char *conf_raw(conf_t *c, const char *key, int required) {
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->key[i], key) == 0) {
            c->used[i] = 1;
            return c->val[i];
        }
    if (required) die("%s: missing key '%s'", c->path, key);
    return NULL;
}

static long parse_int(conf_t *c, const char *key, const char *v, long min, long max) {
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || *end) die("%s: key '%s': '%s' is not an integer", c->path, key, v);
    if (x < min || x > max)
        die("%s: key '%s' = %ld is outside the allowed range [%ld, %ld]", c->path, key, x, min, max);
    return x;
}

long conf_int(conf_t *c, const char *key, long min, long max) {
    return parse_int(c, key, conf_raw(c, key, 1), min, max);
}

long conf_int_or(conf_t *c, const char *key, long def, long min, long max) {
    const char *v = conf_raw(c, key, 0);
    return v ? parse_int(c, key, v, min, max) : def;
}

const char *conf_str(conf_t *c, const char *key) { return conf_raw(c, key, 1); }

/* A comma-separated list of any length; "inf" stands for *inf when inf is set. */
static int int_list(conf_t *c, const char *key, long *out, int max, long min, long maxval, const long *inf) {
    char *buf = xstrdup(conf_raw(c, key, 1)); /* any length, never cut */
    int n = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (n == max) die("%s: key '%s' has more than %d values", c->path, key, max);
        tok = trim(tok);
        out[n++] = inf && strcmp(tok, "inf") == 0 ? *inf : parse_int(c, key, tok, min, maxval);
    }
    free(buf);
    if (n == 0) die("%s: key '%s' is an empty list", c->path, key);
    return n;
}

int conf_int_list(conf_t *c, const char *key, long *out, int max, long min, long maxval) {
    return int_list(c, key, out, max, min, maxval, NULL);
}

double conf_double(conf_t *c, const char *key, double min, double max) {
    const char *v = conf_raw(c, key, 1);
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (errno || *end || !isfinite(x)) die("%s: key '%s': '%s' is not a finite number", c->path, key, v);
    if (x < min || x > max)
        die("%s: key '%s' = %g is outside the allowed range [%g, %g]", c->path, key, x, min, max);
    return x;
}

int conf_choice(conf_t *c, const char *key, const char *const choices[], int n) {
    const char *v = conf_raw(c, key, 1);
    for (int i = 0; i < n; i++)
        if (strcmp(v, choices[i]) == 0) return i;
    char allowed[256] = "";
    for (int i = 0; i < n; i++) {
        strncat(allowed, i ? "|" : "", sizeof allowed - strlen(allowed) - 1);
        strncat(allowed, choices[i], sizeof allowed - strlen(allowed) - 1);
    }
    die("%s: key '%s' = '%s' is not one of %s", c->path, key, v, allowed);
}

void conf_known(conf_t *c, const char *const known[]) {
    for (int i = 0; i < c->n; i++) {
        int ok = 0;
        for (int k = 0; known[k] && !ok; k++) ok = strcmp(c->key[i], known[k]) == 0;
        if (!ok) die("%s: unknown key '%s'", c->path, c->key[i]);
    }
}

/* A spec bound as a long: a double at or beyond 2^63 (LONG_MAX rounds up to it)
 * would overflow the conversion, so the ends of the range are clamped. */
static long long_bound(double x) {
    if (x >= 0x1p63) return LONG_MAX;
    if (x <= -0x1p63) return LONG_MIN;
    return (long)x;
}

static void read_entry(conf_t *c, const conf_spec_t *k, char *base) {
    if (k->optional && k->kind != CONF_INT && k->kind != CONF_DOUBLE)
        die("key list: '%s' is optional, but only integer and real keys may be", k->key);
    if (k->optional && !conf_raw(c, k->key, 0)) {
        if (k->kind == CONF_INT) *(long *)(base + k->offset) = (long)k->def;
        else *(double *)(base + k->offset) = k->def;
        return;
    }
    switch (k->kind) {
    case CONF_INT: *(long *)(base + k->offset) = conf_int(c, k->key, long_bound(k->min), long_bound(k->max)); break;
    case CONF_DOUBLE: *(double *)(base + k->offset) = conf_double(c, k->key, k->min, k->max); break;
    case CONF_CHOICE: {
        int nc = 0;
        while (k->choices[nc]) nc++;
        *(int *)(base + k->offset) = conf_choice(c, k->key, k->choices, nc);
        break;
    }
    case CONF_LIST:
        *(int *)(base + k->count_offset) = int_list(c, k->key, (long *)(base + k->offset), k->max_count, long_bound(k->min),
                                                    long_bound(k->max), k->inf_ok ? &k->inf_value : NULL);
        break;
    }
}

void conf_read_spec(conf_t *c, const conf_spec_t *spec, int n, void *out) {
    const char **known = xmalloc((size_t)(n + 1) * sizeof *known);
    for (int i = 0; i < n; i++) known[i] = spec[i].key;
    known[n] = NULL;
    conf_known(c, known);
    free(known);
    for (int i = 0; i < n; i++) read_entry(c, &spec[i], out);
    conf_finish(c);
}

conf_t *conf_read_file(const char *path, const conf_spec_t *spec, int n, void *out) {
    conf_t *c = conf_load(path);
    conf_read_spec(c, spec, n, out);
    return c;
}

void conf_print_keys(const conf_spec_t *spec, int n) {
    static const char *const kinds[] = {"int", "real", "choice", "int list"};
    printf("key\tkind\tmeaning\n");
    for (int i = 0; i < n; i++)
        printf("%s\t%s%s\t%s\n", spec[i].key, kinds[spec[i].kind], spec[i].optional ? " (optional)" : "", spec[i].doc);
}

void conf_finish(conf_t *c) {
    for (int i = 0; i < c->n; i++)
        if (!c->used[i]) die("%s: unknown key '%s'", c->path, c->key[i]);
}

const char *conf_path(const conf_t *c) { return c->path; }

const char *conf_sha256(const conf_t *c) { return c->sha256; }

void conf_free(conf_t *c) {
    for (int i = 0; i < c->n; i++) {
        free(c->key[i]);
        free(c->val[i]);
    }
    free(c->path);
    free(c);
}

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
    int slot = -1;
    for (int i = 0; i < MAX_OPEN && slot < 0; i++)
        if (!open_tmp[i]) slot = i;
    if (slot < 0) die("too many open outputs");
    o->f = fopen(o->tmp, "w");
    if (!o->f) die("%s: cannot create: %s", o->tmp, strerror(errno));
    open_tmp[slot] = xstrdup(o->tmp);
    return o;
}

FILE *out_file(out_t *o) { return o->f; }

void out_close(out_t *o) {
    if (fflush(o->f) != 0 || ferror(o->f)) die("%s: write error: %s", o->tmp, strerror(errno));
    if (fclose(o->f) != 0) die("%s: close failed: %s", o->tmp, strerror(errno));
    if (rename(o->tmp, o->path) != 0) die("%s: cannot rename to %s: %s", o->tmp, o->path, strerror(errno));
    forget_tmp(o->tmp);
    free(o->tmp);
    free(o->path);
    free(o);
}

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
        fprintf(f, "# params: %s sha256:%.16s\n", params->path, conf_sha256(params));
    fprintf(f, "# seed: %llu\n", (unsigned long long)seed);
    fprintf(f, "# tools: %s\n", env_or("PROV_TOOLS", "unknown"));
    fprintf(f, "# blas_kernel: %s\n", blas_kernel());
}

/* OpenBLAS picks its sgemm kernel from the CPU (or from OPENBLAS_CORETYPE,
 * which some machines set because a kernel miscomputes on their CPU). Float32
 * results are bit-identical only where the same kernel runs, so the kernel is
 * recorded, never forced: "<corename>" plus the two variables when set. */
const char *blas_kernel(void) {
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

void columns_write(FILE *f, const column_t *cols, int n) {
    for (int i = 0; i < n; i++)
        fprintf(f, "# column %d: %s [%s] %s\n", i + 1, cols[i].name, cols[i].unit, cols[i].desc);
    for (int i = 0; i < n; i++) fprintf(f, "%s%s", cols[i].name, i + 1 < n ? "\t" : "\n");
}

struct numbers {
    out_t *o;
};

numbers_t *numbers_open(const char *path, const char *title, const conf_t *params, uint64_t seed) {
    numbers_t *nb = xcalloc(1, sizeof *nb);
    nb->o = out_open(path);
    prov_write(nb->o->f, title, params, seed);
    fprintf(nb->o->f, "# column 1: key [-] name the paper quotes as [key]{.num}\n"
                      "# column 2: value [unit] the number, %%.17g\n"
                      "# column 3: unit [-] its unit ('1' for dimensionless)\n"
                      "key\tvalue\tunit\n");
    return nb;
}

void numbers_put(numbers_t *nb, const char *key, double value, const char *unit) {
    if (!isfinite(value)) die("numbers: key '%s' is not finite (%g)", key, value);
    fprintf(nb->o->f, "%s\t%.17g\t%s\n", key, value, unit);
}

void numbers_putf(numbers_t *nb, double value, const char *unit, const char *key_fmt, ...) {
    char key[256];
    va_list ap;
    va_start(ap, key_fmt);
    int n = vsnprintf(key, sizeof key, key_fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof key) die("numbers: key '%s...' is longer than %zu bytes", key, sizeof key - 1);
    numbers_put(nb, key, value, unit);
}

void conf_put_numbers(numbers_t *nb, const char *prefix, const conf_spec_t *spec, int n, const void *in) {
    const char *base = in;
    for (int i = 0; i < n; i++) {
        const conf_spec_t *k = &spec[i];
        if (!k->quote) continue;
        const char *field = base + k->offset;
        switch (k->kind) {
        case CONF_INT: numbers_putf(nb, (double)*(const long *)field, k->unit, "%s%s", prefix, k->quote); break;
        case CONF_DOUBLE: numbers_putf(nb, *(const double *)field, k->unit, "%s%s", prefix, k->quote); break;
        case CONF_LIST:
            for (int j = 0; j < *(const int *)(base + k->count_offset); j++)
                numbers_putf(nb, (double)((const long *)field)[j], k->unit, "%s%s_%d", prefix, k->quote, j);
            break;
        case CONF_CHOICE: die("key '%s': a choice has no number to quote", k->key);
        }
    }
}

void numbers_close(numbers_t *nb) {
    out_close(nb->o);
    free(nb);
}

/* ---------------------------------------------------------------------- */
/* tables                                                                  */

struct table {
    out_t *o;
    const char *fmt;
    column_t *cols;
    double *row;
    unsigned char *set;
    int n, cap, header_done;
    long rows;
};

table_t *table_open(const char *path, const char *title, const conf_t *params, uint64_t seed, const char *value_fmt) {
    table_t *t = xcalloc(1, sizeof *t);
    t->o = out_open(path);
    t->fmt = value_fmt;
    prov_write(t->o->f, title, params, seed);
    return t;
}

void table_note(table_t *t, const char *fmt, ...) {
    if (t->header_done) die("%s: table_note after the first row", t->o->path);
    va_list ap;
    va_start(ap, fmt);
    fputs("# ", t->o->f);
    vfprintf(t->o->f, fmt, ap);
    fputc('\n', t->o->f);
    va_end(ap);
}

int table_col(table_t *t, const char *unit, const char *desc, const char *name_fmt, ...) {
    if (t->header_done) die("%s: column declared after the first row", t->o->path);
    char name[128];
    va_list ap;
    va_start(ap, name_fmt);
    int len = vsnprintf(name, sizeof name, name_fmt, ap);
    va_end(ap);
    if (len < 0 || (size_t)len >= sizeof name) die("%s: column name '%s...' too long", t->o->path, name);
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->cols[i].name, name) == 0) die("%s: column '%s' declared twice", t->o->path, name);
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 16;
        t->cols = xrealloc(t->cols, (size_t)t->cap * sizeof *t->cols);
    }
    t->cols[t->n] = (column_t){xstrdup(name), unit, desc};
    return t->n++;
}

void table_cols(table_t *t, const column_t *cols, int n) {
    if (t->n) die("%s: table_cols on a table that already has %d columns", t->o->path, t->n);
    for (int i = 0; i < n; i++) table_col(t, cols[i].unit, cols[i].desc, "%s", cols[i].name);
}

int table_ncols(const table_t *t) { return t->n; }

void table_set(table_t *t, int col, double value) {
    if (!t->header_done) {
        if (t->n == 0) die("%s: a row before any column", t->o->path);
        columns_write(t->o->f, t->cols, t->n);
        t->row = xcalloc((size_t)t->n, sizeof *t->row);
        t->set = xcalloc((size_t)t->n, 1);
        t->header_done = 1;
    }
    if (col < 0 || col >= t->n) die("%s: no column %d (the table has %d)", t->o->path, col, t->n);
    t->row[col] = value;
    t->set[col] = 1;
}

void table_row(table_t *t) {
    if (!t->header_done) die("%s: an empty row", t->o->path);
    for (int i = 0; i < t->n; i++)
        if (!t->set[i]) die("%s: row %ld: column '%s' was not set", t->o->path, t->rows + 1, t->cols[i].name);
    for (int i = 0; i < t->n; i++) {
        if (i) fputc('\t', t->o->f);
        fprintf(t->o->f, t->fmt, t->row[i]);
        t->set[i] = 0;
    }
    fputc('\n', t->o->f);
    t->rows++;
}

void table_close(table_t *t) {
    if (!t->header_done) columns_write(t->o->f, t->cols, t->n); /* a table with no rows still has its header */
    else
        for (int i = 0; i < t->n; i++)
            if (t->set[i]) die("%s: a row was started but not written", t->o->path);
    out_close(t->o);
    for (int i = 0; i < t->n; i++) free((char *)t->cols[i].name);
    free(t->cols);
    free(t->row);
    free(t->set);
    free(t);
}

/* ---------------------------------------------------------------------- */
/* progress                                                                */

void progress_start(progress_t *p, const char *what, long total) {
    p->what = what;
    p->total = total;
    p->done = 0;
    p->t0 = p->last = now_seconds();
    p->tty = isatty(STDERR_FILENO);
}

/* On a terminal the line is rewritten in place 4 times a second; otherwise (a
 * scheduler's log, make's output) a plain line is written every PROGRESS_LOG_S. */
#define PROGRESS_LOG_S 10.0
void progress_step(progress_t *p, long inc, const char *detail) {
    p->done += inc;
    double t = now_seconds();
    if (t - p->last < (p->tty ? 0.25 : PROGRESS_LOG_S) || p->done >= p->total) return;
    p->last = t;
    double rate = p->done / (t - p->t0 + 1e-12);
    double eta = rate > 0 ? (p->total - p->done) / rate : 0;
    fprintf(stderr, "%s%s: %s %ld/%ld  %.1f/s  %.0fs elapsed, ETA %.0fs%s", p->tty ? "\r" : "", prog_name, p->what,
            p->done, p->total, rate, t - p->t0, eta, p->tty ? "   " : "");
    if (detail) fprintf(stderr, " %s", detail);
    if (!p->tty) fputc('\n', stderr);
    fflush(stderr);
}

void progress_end(progress_t *p, const char *summary) {
    double dt = now_seconds() - p->t0;
    if (p->tty) fputc('\n', stderr);
    fprintf(stderr, "%s: %s %ld done in %.2fs%s%s\n", prog_name, p->what, p->done, dt,
            summary ? "; " : "", summary ? summary : "");
}
