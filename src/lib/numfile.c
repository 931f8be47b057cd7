/* numfile.c - reading the verification's files; see numfile.h. */
#define _POSIX_C_SOURCE 200809L
#include "numfile.h"

#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const char *const numfile_tol_names[] = {"exact", "abs", "rel", "se", "seedsd", "ratio", "skip"};
const char *const numfile_scale_suffix[] = {[TOL_SE] = "_se", [TOL_SEEDSD] = "_seedsd"};

numfile_row_t *numfile_find(const numfile_tab_t *t, const char *key) {
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->r[i].key, key) == 0) return &t->r[i];
    return NULL;
}

static double parse_num(const char *path, long lineno, const char *what, const char *s) {
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (end == s || *end || errno == ERANGE || !isfinite(x))
        die("%s:%ld: %s '%s' is not a finite number", path, lineno, what, s);
    return x;
}

/* "exact", "skip", or "<kind> <number>"; dies naming where it was read. */
static numfile_tol_t parse_tol(const char *path, long lineno, const char *s) {
    numfile_tol_t t = {TOL_EXACT, 0};
    for (int k = 0; k < (int)(sizeof numfile_tol_names / sizeof *numfile_tol_names); k++) {
        size_t len = strlen(numfile_tol_names[k]);
        if (strncmp(s, numfile_tol_names[k], len) != 0 || (s[len] != 0 && s[len] != ' ')) continue;
        t.kind = (numfile_tolkind_t)k;
        int needs_bound = t.kind != TOL_EXACT && t.kind != TOL_SKIP;
        if (needs_bound != (s[len] == ' '))
            die("%s:%ld: tolerance '%s': '%s' %s", path, lineno, s, numfile_tol_names[k],
                needs_bound ? "needs a bound, e.g. 'rel 1e-9'" : "takes no bound");
        if (needs_bound) {
            t.x = parse_num(path, lineno, "tolerance bound", s + len + 1);
            if (t.x <= 0 || (t.kind == TOL_RATIO && t.x < 1))
                die("%s:%ld: tolerance '%s': the bound must be positive (>= 1 for ratio)", path, lineno, s);
        }
        return t;
    }
    die("%s:%ld: unknown tolerance '%s' (exact, abs X, rel X, se K, seedsd K, ratio F or skip)", path, lineno, s);
}

/* Splits line at tabs into at most max fields (empty fields kept). */
static int split_tabs(char *line, char **field, int max) {
    int n = 0;
    for (char *s = line; s && n < max;) {
        field[n++] = s;
        s = strchr(s, '\t');
        if (s) *s++ = 0;
    }
    return n;
}

/* A new zeroed row for key at the end of t (the array grows by doubling). */
static numfile_row_t *numfile_add(numfile_tab_t *t, const char *key) {
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 256;
        t->r = xrealloc(t->r, (size_t)t->cap * sizeof *t->r);
    }
    numfile_row_t *r = &t->r[t->n++];
    memset(r, 0, sizeof *r);
    r->key = xstrdup(key);
    return r;
}

/* Lines of a text file without their newline, numbered for messages. */
typedef struct {
    const char *path;
    FILE *f;
    char *line;
    size_t cap;
    long lineno;
} lines_t;

static void lines_open(lines_t *L, const char *path, const char *what) {
    *L = (lines_t){.path = path, .f = fopen(path, "r")};
    if (!L->f) die("%s: cannot open %s: %s", path, what, strerror(errno));
}

/* The next line, or NULL at the end (a read error stops the program). */
static char *lines_next(lines_t *L) {
    if (getline(&L->line, &L->cap, L->f) == -1) {
        if (ferror(L->f)) die("%s: read error: %s", L->path, strerror(errno));
        free(L->line);
        fclose(L->f);
        return NULL;
    }
    L->lineno++;
    L->line[strcspn(L->line, "\n")] = 0;
    /* A CRLF file would leave '\r' in the last field (the kernel name, a rule's
     * reason) and compare unequal for no visible reason: refused, as every
     * reader of these files refuses it (paper/paper.mk's merge too). */
    size_t len = strlen(L->line);
    if (len && L->line[len - 1] == '\r')
        die("%s:%ld: line ends in a carriage return (a CRLF file): convert it to LF line ends", L->path, L->lineno);
    return L->line;
}

/* "# blas_kernel: <name>" lines: every one in a file must name the same kernel. */
static int take_kernel(numfile_tab_t *t, const lines_t *L) {
    const char *tag = "# blas_kernel: ", *k = L->line + strlen(tag);
    if (strncmp(L->line, tag, strlen(tag)) != 0) return 0;
    if (t->kernel && strcmp(t->kernel, k) != 0)
        die("%s:%ld: numbers from two BLAS kernels ('%s' and '%s'): rebuild them on one machine", L->path,
            L->lineno, t->kernel, k);
    free(t->kernel);
    t->kernel = xstrdup(k);
    return 1;
}

numfile_tab_t numfile_read(const char *path, int is_ref) {
    numfile_tab_t t = {.path = path};
    const int want = is_ref ? 4 : 3;
    lines_t L;
    lines_open(&L, path, is_ref ? "the reference" : "the numbers");
    for (char *line; (line = lines_next(&L));) {
        if (take_kernel(&t, &L) || line[0] == '#' || line[0] == 0) continue;
        char *field[5];
        int nf = split_tabs(line, field, 5);
        if (strcmp(field[0], "key") == 0) continue;
        if (nf != want || !field[0][0])
            die("%s:%ld: expected %d tab-separated fields (%s), found %d", path, L.lineno, want,
                is_ref ? "key, value, tol, why" : "key, value, unit", nf);
        if (numfile_find(&t, field[0])) die("%s:%ld: key '%s' appears twice", path, L.lineno, field[0]);
        numfile_row_t *r = numfile_add(&t, field[0]);
        r->text = xstrdup(field[1]);
        r->value = parse_num(path, L.lineno, "value", field[1]);
        if (is_ref) {
            r->tol = parse_tol(path, L.lineno, field[2]);
            r->why = xstrdup(field[3]);
        } else {
            r->unit = xstrdup(field[2]);
        }
    }
    return t;
}

/* Tolerance rules: pattern<TAB>tol<TAB>why, first match wins. */
numfile_tab_t numfile_read_rules(const char *path) {
    numfile_tab_t t = {.path = path};
    lines_t L;
    lines_open(&L, path, "tolerance rules");
    for (char *line; (line = lines_next(&L));) {
        if (line[0] == '#' || line[0] == 0 || strncmp(line, "pattern\t", 8) == 0) continue;
        char *field[4];
        if (split_tabs(line, field, 4) != 3) die("%s:%ld: expected pattern, tol, why", path, L.lineno);
        numfile_row_t *r = numfile_add(&t, field[0]);
        r->tol = parse_tol(path, L.lineno, field[1]);
        r->why = xstrdup(field[2]);
    }
    return t;
}

const numfile_row_t *numfile_rule_for(const numfile_tab_t *rules, const char *key) {
    for (int r = 0; r < rules->n; r++)
        if (fnmatch(rules->r[r].key, key, 0) == 0) return &rules->r[r];
    return NULL;
}
