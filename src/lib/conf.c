/* conf.c - parameter files; see conf.h. */
#define _POSIX_C_SOURCE 200809L
#include "conf.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

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
