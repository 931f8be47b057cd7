/*
 * numcheck - compare a numbers file with its committed reference, key by key.
 *
 *   numcheck [--md OUT.md] NUMBERS REFERENCE   exit 0 verified, 1 failing keys
 *   numcheck --bless NUMBERS REFERENCE RULES   rewrite REFERENCE from NUMBERS
 *   numcheck --kernel                          print the OpenBLAS kernel this machine runs
 *   numcheck --spread OUT RULES MAIN REPLICA... the seed-to-seed spread of MAIN's keys
 *
 * NUMBERS rows are key<TAB>value<TAB>unit; REFERENCE rows key<TAB>value<TAB>tol<TAB>why.
 * Both may carry a "# blas_kernel: ..." comment: the OpenBLAS kernel that
 * produced them. Float32 results are bit-identical only where the same kernel
 * runs, so each key is judged at two levels:
 *   identical         got == expected to the last bit (%.17g round-trips);
 *   within tolerance  by the key's rule, one of
 *     exact            counts and sizes: must be identical,
 *     abs X / rel X    round-off of an identity or a deterministic computation,
 *     se K             an ensemble statistic: |got - expected| <= K * sqrt(se_got^2 +
 *                      se_ref^2), the standard errors read from the key "<key>_se"
 *                      of each file (written by the program that computed the key),
 *     seedsd K         a statistic of one chaotic trajectory: |got - expected| <= K *
 *                      sqrt(sd_got^2 + sd_ref^2), sd read from "<key>_seedsd", its
 *                      standard deviation over independent replicas of the run (other
 *                      seeds); a run on another kernel is at most another replica,
 *     ratio F          a standard error itself: max(got/expected, expected/got) <= F,
 *     skip             a wall time or memory size: recorded, never compared.
 * Keys without a reference, and references whose key was not computed, fail:
 * a check nobody looks at is no check. --bless gives every computed key the
 * rule of the first line of RULES (pattern<TAB>tol<TAB>why, fnmatch patterns)
 * that matches it; a key no rule matches is an error, so every tolerance has a
 * stated reason. --spread writes, for every key of MAIN whose rule is seedsd,
 * "<key>_seedsd": the sample standard deviation of the key over MAIN and the
 * REPLICA numbers files (the same run with other seeds). --md writes the paper's verification note (via a temporary
 * file, so an error leaves no note that could be taken for a verdict).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef enum { TOL_EXACT, TOL_ABS, TOL_REL, TOL_SE, TOL_SEEDSD, TOL_RATIO, TOL_SKIP } tolkind_t;
static const char *const tol_names[] = {"exact", "abs", "rel", "se", "seedsd", "ratio", "skip"};
/* The key that holds the scale of an se or seedsd rule: "<key>_se", "<key>_seedsd". */
static const char *const scale_suffix[] = {[TOL_SE] = "_se", [TOL_SEEDSD] = "_seedsd"};

typedef struct {
    tolkind_t kind;
    double x; /* the bound: abs, rel, K standard errors or factor F */
} tol_t;

typedef struct {
    char *key, *why, *text; /* text: the value as written, for bless */
    char *unit;             /* numbers files: the value's unit */
    double value;
    tol_t tol;
    int seen;
} row_t;

typedef struct {
    const char *path;
    char *kernel; /* "# blas_kernel:" of the file, or NULL */
    row_t *r;
    int n, cap;
} keytab_t;

static row_t *keytab_find(const keytab_t *t, const char *key) {
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
static tol_t parse_tol(const char *path, long lineno, const char *s) {
    tol_t t = {TOL_EXACT, 0};
    for (int k = 0; k < (int)(sizeof tol_names / sizeof *tol_names); k++) {
        size_t len = strlen(tol_names[k]);
        if (strncmp(s, tol_names[k], len) != 0 || (s[len] != 0 && s[len] != ' ')) continue;
        t.kind = (tolkind_t)k;
        int needs_bound = t.kind != TOL_EXACT && t.kind != TOL_SKIP;
        if (needs_bound != (s[len] == ' '))
            die("%s:%ld: tolerance '%s': '%s' %s", path, lineno, s, tol_names[k],
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
static row_t *keytab_add(keytab_t *t, const char *key) {
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 256;
        t->r = xrealloc(t->r, (size_t)t->cap * sizeof *t->r);
    }
    row_t *r = &t->r[t->n++];
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
    return L->line;
}

/* "# blas_kernel: <name>" lines: every one in a file must name the same kernel. */
static int take_kernel(keytab_t *t, const lines_t *L) {
    const char *tag = "# blas_kernel: ", *k = L->line + strlen(tag);
    if (strncmp(L->line, tag, strlen(tag)) != 0) return 0;
    if (t->kernel && strcmp(t->kernel, k) != 0)
        die("%s:%ld: numbers from two BLAS kernels ('%s' and '%s'): rebuild them on one machine", L->path,
            L->lineno, t->kernel, k);
    free(t->kernel);
    t->kernel = xstrdup(k);
    return 1;
}

/* Reads a numbers (is_ref = 0) or reference (is_ref = 1) file: '#' lines are
 * comments except "# blas_kernel:", the header row starts with "key". */
static keytab_t read_table(const char *path, int is_ref) {
    keytab_t t = {.path = path};
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
        if (keytab_find(&t, field[0])) die("%s:%ld: key '%s' appears twice", path, L.lineno, field[0]);
        row_t *r = keytab_add(&t, field[0]);
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

/* ---------------------------------------------------------------------- */
/* bless                                                                   */

/* Tolerance rules: pattern<TAB>tol<TAB>why, first match wins. */
static keytab_t read_rules(const char *path) {
    keytab_t t = {.path = path};
    lines_t L;
    lines_open(&L, path, "tolerance rules");
    for (char *line; (line = lines_next(&L));) {
        if (line[0] == '#' || line[0] == 0 || strncmp(line, "pattern\t", 8) == 0) continue;
        char *field[4];
        if (split_tabs(line, field, 4) != 3) die("%s:%ld: expected pattern, tol, why", path, L.lineno);
        row_t *r = keytab_add(&t, field[0]);
        r->tol = parse_tol(path, L.lineno, field[1]);
        r->why = xstrdup(field[2]);
    }
    return t;
}

static void bless(const char *numpath, const char *refpath, const char *rulespath) {
    keytab_t got = read_table(numpath, 0);
    keytab_t rules = read_rules(rulespath);
    out_t *o = out_open(refpath);
    FILE *f = out_file(o);
    fprintf(f, "# Reference numbers for `make verify`, written by `make bless` from %s;\n"
               "# tolerance rules from %s (numcheck.c explains each kind).\n"
               "# blas_kernel: %s\nkey\tvalue\ttol\twhy\n",
            numpath, rulespath, got.kernel ? got.kernel : "unknown");
    for (int i = 0; i < got.n; i++) {
        int r = 0;
        while (r < rules.n && fnmatch(rules.r[r].key, got.r[i].key, 0) != 0) r++;
        if (r == rules.n) die("%s: no tolerance rule matches key '%s'", rulespath, got.r[i].key);
        tol_t t = rules.r[r].tol;
        if (t.kind == TOL_SE || t.kind == TOL_SEEDSD) {
            char se[512];
            snprintf(se, sizeof se, "%s%s", got.r[i].key, scale_suffix[t.kind]);
            if (!keytab_find(&got, se))
                die("%s: rule '%s' compares '%s' by its %s, but %s has no key '%s'", rulespath, rules.r[r].key,
                    got.r[i].key, t.kind == TOL_SE ? "standard error" : "seed-to-seed spread", numpath, se);
        }
        char tol[64];
        if (t.kind == TOL_EXACT || t.kind == TOL_SKIP) snprintf(tol, sizeof tol, "%s", tol_names[t.kind]);
        else snprintf(tol, sizeof tol, "%s %.3g", tol_names[t.kind], t.x);
        fprintf(f, "%s\t%s\t%s\t%s\n", got.r[i].key, got.r[i].text, tol, rules.r[r].why);
    }
    out_close(o);
    fprintf(stderr, "numcheck: blessed %d keys into %s (kernel %s)\n", got.n, refpath,
            got.kernel ? got.kernel : "unknown");
}

/* ---------------------------------------------------------------------- */
/* spread                                                                  */

static void spread(const char *outpath, const char *rulespath, int nfiles, char **paths) {
    keytab_t rules = read_rules(rulespath);
    if (nfiles < 3) die("--spread needs the main run and at least two replicas, got %d files", nfiles);
    keytab_t *run = xmalloc((size_t)nfiles * sizeof *run);
    for (int j = 0; j < nfiles; j++) run[j] = read_table(paths[j], 0);
    numbers_t *nb = numbers_open(outpath, "seed-to-seed spread: each key's standard deviation over the main run "
                                          "and its replicas (numcheck --spread)", NULL, 0);
    int written = 0;
    for (int i = 0; i < run[0].n; i++) {
        const char *key = run[0].r[i].key;
        int r = 0;
        while (r < rules.n && fnmatch(rules.r[r].key, key, 0) != 0) r++;
        if (r == rules.n || rules.r[r].tol.kind != TOL_SEEDSD) continue;
        double v[64], mean = 0, ss = 0;
        if (nfiles > 64) die("--spread: more than 64 files");
        for (int j = 0; j < nfiles; j++) {
            const row_t *x = keytab_find(&run[j], key);
            if (!x) die("%s: key '%s' of %s is missing: a replica must compute every key", paths[j], key, paths[0]);
            mean += (v[j] = x->value) / nfiles;
        }
        for (int j = 0; j < nfiles; j++) ss += (v[j] - mean) * (v[j] - mean);
        numbers_putf(nb, sqrt(ss / (nfiles - 1)), run[0].r[i].unit, "%s_seedsd", key);
        written++;
    }
    numbers_close(nb);
    fprintf(stderr, "numcheck: spread of %d keys over %d runs into %s\n", written, nfiles, outpath);
}

/* ---------------------------------------------------------------------- */
/* verify                                                                  */

typedef struct {
    int identical, statistical, roundoff, skipped, failing;
    char *failed; /* "key, key, ..." for the note */
    size_t len, cap;
} tally_t;

static void tally_fail(tally_t *t, const char *key) {
    size_t need = t->len + strlen(key) + 3;
    if (need > t->cap) {
        t->cap = 2 * need;
        t->failed = xrealloc(t->failed, t->cap);
    }
    t->len += (size_t)sprintf(t->failed + t->len, "%s%s", t->len ? ", " : "", key);
    t->failing++;
}

static double scale_of(const keytab_t *t, const char *key, tolkind_t kind) {
    char se[512];
    snprintf(se, sizeof se, "%s%s", key, scale_suffix[kind]);
    const row_t *r = keytab_find(t, se);
    return r ? r->value : NAN;
}

/* Judges one computed key against its reference row; prints a FAIL line. */
static void judge(tally_t *tl, const keytab_t *got, const keytab_t *ref, const row_t *g, const row_t *r) {
    if (r->tol.kind == TOL_SKIP) {
        tl->skipped++;
        return;
    }
    if (g->value == r->value) {
        tl->identical++;
        return;
    }
    double d = fabs(g->value - r->value), allowed = 0;
    int ok = 0;
    switch (r->tol.kind) {
    case TOL_ABS: allowed = r->tol.x; break;
    case TOL_REL: allowed = r->tol.x * fabs(r->value); break;
    case TOL_SE:
    case TOL_SEEDSD: {
        const char *sfx = scale_suffix[r->tol.kind];
        double sg = scale_of(got, g->key, r->tol.kind), sr = scale_of(ref, g->key, r->tol.kind);
        if (isnan(sg) || isnan(sr)) {
            printf("FAIL %s got %.17g expected %.17g tolerance %s %g: no key '%s%s' in %s\n", g->key, g->value,
                   r->value, tol_names[r->tol.kind], r->tol.x, g->key, sfx, isnan(sg) ? got->path : ref->path);
            tally_fail(tl, g->key);
            return;
        }
        allowed = r->tol.x * sqrt(sg * sg + sr * sr);
        break;
    }
    case TOL_RATIO:
        ok = g->value / r->value > 0 && fmax(g->value / r->value, r->value / g->value) <= r->tol.x;
        allowed = NAN;
        break;
    default: break; /* exact: only identity passes */
    }
    if (r->tol.kind != TOL_RATIO) ok = d <= allowed;
    if (ok) {
        if (r->tol.kind == TOL_SE || r->tol.kind == TOL_SEEDSD || r->tol.kind == TOL_RATIO) tl->statistical++;
        else tl->roundoff++;
        return;
    }
    printf("FAIL %s got %.17g expected %.17g tolerance %s %g (|diff| %.3g, allowed %.3g): %s\n", g->key,
           g->value, r->value, tol_names[r->tol.kind], r->tol.x, d, allowed, r->why);
    tally_fail(tl, g->key);
}

static void write_note(const char *md, const tally_t *t, const char *refpath, const char *kernel_line) {
    out_t *o = out_open(md);
    FILE *f = out_file(o);
    if (t->failing == 0)
        fprintf(f, "**VERIFIED** (identical: %d, within tolerance: %d). Every number of this build "
                   "agrees with the committed references in `%s`: %d bit for bit, %d within "
                   "their stated tolerance (%d by their standard errors or seed-to-seed spreads, %d to round-off); %d "
                   "wall-time and memory keys are recorded, not compared. %s\n",
                t->identical, t->statistical + t->roundoff, refpath, t->identical,
                t->statistical + t->roundoff, t->statistical, t->roundoff, t->skipped, kernel_line);
    else
        fprintf(f, "**UNVERIFIED** (failing: %d, identical: %d, within tolerance: %d). These numbers "
                   "of this build do not agree with `%s`: %s. `make verify` prints got, expected and "
                   "tolerance of each. %s\n",
                t->failing, t->identical, t->statistical + t->roundoff, refpath, t->failed, kernel_line);
    out_close(o);
}

static int verify(const char *numpath, const char *refpath, const char *md) {
    keytab_t got = read_table(numpath, 0), ref = read_table(refpath, 1);
    const char *kg = got.kernel ? got.kernel : "unknown", *kr = ref.kernel ? ref.kernel : "unknown";
    int same = strcmp(kg, kr) == 0 && strcmp(kg, "unknown") != 0;
    char kernel_line[1024];
    snprintf(kernel_line, sizeof kernel_line,
             "The build ran the OpenBLAS kernel `%s`, the references were blessed with `%s`; %s",
             kg, kr, same ? "float32 results are expected to be bit-identical."
                          : "float32 results are expected to agree statistically, not bit for bit.");
    printf("numcheck: build kernel: %s\nnumcheck: reference kernel: %s (%s)\n", kg, kr,
           same ? "same kernel: bit-identity expected" : "other kernel: statistical agreement expected");
    tally_t t = {0};
    for (int i = 0; i < got.n; i++) {
        row_t *r = keytab_find(&ref, got.r[i].key);
        if (!r) {
            printf("FAIL %s got %.17g expected (no reference)\n", got.r[i].key, got.r[i].value);
            tally_fail(&t, got.r[i].key);
            continue;
        }
        r->seen = 1;
        judge(&t, &got, &ref, &got.r[i], r);
    }
    for (int i = 0; i < ref.n; i++)
        if (!ref.r[i].seen) {
            printf("FAIL %s got (not computed) expected %.17g\n", ref.r[i].key, ref.r[i].value);
            tally_fail(&t, ref.r[i].key);
        }
    printf("numcheck: %d keys: %d identical, %d within tolerance (%d statistical, %d round-off), "
           "%d failing, %d recorded only (%s vs %s)\n",
           got.n, t.identical, t.statistical + t.roundoff, t.statistical, t.roundoff, t.failing,
           t.skipped, numpath, refpath);
    if (same && t.statistical + t.roundoff > 0)
        printf("numcheck: note: same kernel as the references, yet %d keys are not bit-identical\n",
               t.statistical + t.roundoff);
    if (md) write_note(md, &t, refpath, kernel_line);
    return t.failing ? 1 : 0;
}

int main(int argc, char **argv) {
    prog_name = "numcheck";
    if (argc == 5 && strcmp(argv[1], "--bless") == 0) {
        bless(argv[2], argv[3], argv[4]);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "--kernel") == 0) {
        printf("%s\n", blas_kernel());
        return 0;
    }
    if (argc >= 4 && strcmp(argv[1], "--spread") == 0) {
        spread(argv[2], argv[3], argc - 4, argv + 4);
        return 0;
    }
    if (argc == 5 && strcmp(argv[1], "--md") == 0) return verify(argv[3], argv[4], argv[2]);
    if (argc == 3) return verify(argv[1], argv[2], NULL);
    die("usage: numcheck [--md OUT.md] NUMBERS REFERENCE | numcheck --bless NUMBERS REFERENCE RULES | "
        "numcheck --kernel | numcheck --spread OUT RULES MAIN REPLICA REPLICA...");
}
