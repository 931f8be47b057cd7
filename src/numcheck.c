/*
 * numcheck - compare a numbers file with its reference, key by key.
 *
 *   numcheck [--md OUT.md] NUMBERS REFERENCE     exit 1 if any key fails
 *   numcheck --bless NUMBERS REFERENCE RULES     rewrite reference values
 *
 * NUMBERS rows are key<TAB>value<TAB>unit; REFERENCE rows are
 * key<TAB>value<TAB>abs<TAB>rel<TAB>why. A key passes when
 * |got - expected| <= abs or |got - expected| <= rel * |expected|;
 * abs = "skip" marks a machine-dependent value (a wall time) that is
 * recorded but not compared. Every failing key is printed as
 * "key got expected tolerance". Keys without a reference, and references
 * whose key was not computed, fail too: a check nobody looks at is no check.
 * --bless writes every computed key with its value and the tolerance of the
 * first line of RULES (pattern<TAB>abs<TAB>rel<TAB>why, fnmatch patterns)
 * whose pattern matches the key; a key no rule matches is an error, so
 * every tolerance has a stated reason.
 */
#define _POSIX_C_SOURCE 200809L
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef struct {
    char key[128], why[256];
    double value, abs, rel;
    int skip, seen;
} row_t;

typedef struct {
    row_t *r;
    int n, cap;
} table_t;

static row_t *table_add(table_t *t) {
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 256;
        row_t *nr = realloc(t->r, (size_t)t->cap * sizeof *nr);
        if (!nr) die("out of memory");
        t->r = nr;
    }
    memset(&t->r[t->n], 0, sizeof(row_t));
    return &t->r[t->n++];
}

static row_t *table_find(table_t *t, const char *key) {
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->r[i].key, key) == 0) return &t->r[i];
    return NULL;
}

static double parse_num(const char *path, int lineno, const char *s) {
    char *end;
    double x = strtod(s, &end);
    if (end == s || (*end && *end != '\n')) die("%s:%d: '%s' is not a number", path, lineno, s);
    return x;
}

/* Reads a TSV, skipping '#' lines and the header row (first field "key"). */
static table_t read_table(const char *path, int is_ref) {
    FILE *f = fopen(path, "r");
    if (!f) die("%s: cannot open", path);
    table_t t = {0};
    char line[2048];
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\n")] = 0;
        if (line[0] == '#' || line[0] == 0) continue;
        char *field[5] = {0};
        int nf = 0;
        for (char *tok = strtok(line, "\t"); tok && nf < 5; tok = strtok(NULL, "\t")) field[nf++] = tok;
        if (strcmp(field[0], "key") == 0) continue;
        if (nf < (is_ref ? 4 : 2)) die("%s:%d: expected %s", path, lineno,
                                       is_ref ? "key, value, abs, rel, why" : "key, value, unit");
        if (table_find(&t, field[0])) die("%s:%d: key '%s' appears twice", path, lineno, field[0]);
        row_t *r = table_add(&t);
        snprintf(r->key, sizeof r->key, "%s", field[0]);
        r->value = parse_num(path, lineno, field[1]);
        if (is_ref) {
            if (strcmp(field[2], "skip") == 0) r->skip = 1;
            else r->abs = parse_num(path, lineno, field[2]);
            r->rel = parse_num(path, lineno, field[3]);
            snprintf(r->why, sizeof r->why, "%s", nf > 4 ? field[4] : "");
        }
    }
    fclose(f);
    return t;
}

static void bless(const char *numpath, const char *refpath, const char *rulespath) {
    table_t got = read_table(numpath, 0);
    FILE *rf = fopen(rulespath, "r");
    if (!rf) die("%s: cannot open tolerance rules", rulespath);
    char pat[64][128], rabs[64][32], why[64][256];
    double rrel[64];
    int nr = 0;
    char line[1024];
    while (fgets(line, sizeof line, rf)) {
        line[strcspn(line, "\n")] = 0;
        if (line[0] == '#' || line[0] == 0 || strncmp(line, "pattern\t", 8) == 0) continue;
        if (nr == 64) die("%s: more than 64 rules", rulespath);
        char *f[4] = {0};
        int nf = 0;
        for (char *tok = strtok(line, "\t"); tok && nf < 4; tok = strtok(NULL, "\t")) f[nf++] = tok;
        if (nf != 4) die("%s: rule %d: expected pattern, abs, rel, why", rulespath, nr + 1);
        snprintf(pat[nr], sizeof pat[nr], "%s", f[0]);
        snprintf(rabs[nr], sizeof rabs[nr], "%s", f[1]);
        rrel[nr] = parse_num(rulespath, nr + 1, f[2]);
        snprintf(why[nr], sizeof why[nr], "%s", f[3]);
        nr++;
    }
    fclose(rf);
    out_t *o = out_open(refpath);
    FILE *f = out_file(o);
    fprintf(f, "# Reference numbers for `make verify`, written by `make bless` from %s;\n"
               "# tolerances from %s. A key passes when |got-expected| <= abs or <= rel*|expected|;\n"
               "# abs = skip: recorded, not compared.\nkey\tvalue\tabs\trel\twhy\n", numpath, rulespath);
    for (int i = 0; i < got.n; i++) {
        int r = 0;
        while (r < nr && fnmatch(pat[r], got.r[i].key, 0) != 0) r++;
        if (r == nr) die("%s: no tolerance rule matches key '%s'", rulespath, got.r[i].key);
        fprintf(f, "%s\t%.17g\t%s\t%.3g\t%s\n", got.r[i].key, got.r[i].value, rabs[r], rrel[r], why[r]);
    }
    out_close(o);
    fprintf(stderr, "numcheck: blessed %d keys into %s\n", got.n, refpath);
}

int main(int argc, char **argv) {
    prog_name = "numcheck";
    const char *md = NULL;
    int argi = 1;
    if (argc == 5 && strcmp(argv[1], "--bless") == 0) {
        bless(argv[2], argv[3], argv[4]);
        return 0;
    }
    if (argc == 5 && strcmp(argv[1], "--md") == 0) {
        md = argv[2];
        argi = 3;
    } else if (argc != 3) {
        die("usage: numcheck [--md OUT.md] NUMBERS REFERENCE | numcheck --bless NUMBERS REFERENCE RULES");
    }
    const char *numpath = argv[argi], *refpath = argv[argi + 1];
    table_t got = read_table(numpath, 0), ref = read_table(refpath, 1);
    int fails = 0, checked = 0, skipped = 0;
    char failed_keys[8192] = "";
    for (int i = 0; i < got.n; i++) {
        row_t *g = &got.r[i], *r = table_find(&ref, g->key);
        if (!r) {
            printf("FAIL %s got %.17g expected (no reference) tolerance -\n", g->key, g->value);
            fails++;
            strncat(failed_keys, g->key, sizeof failed_keys - strlen(failed_keys) - 3);
            strcat(failed_keys, ", ");
            continue;
        }
        r->seen = 1;
        if (r->skip) {
            skipped++;
            continue;
        }
        double d = fabs(g->value - r->value);
        int ok = d <= r->abs || d <= r->rel * fabs(r->value);
        checked++;
        if (!ok) {
            printf("FAIL %s got %.17g expected %.17g tolerance abs %.3g rel %.3g\n", g->key, g->value,
                   r->value, r->abs, r->rel);
            fails++;
            strncat(failed_keys, g->key, sizeof failed_keys - strlen(failed_keys) - 3);
            strcat(failed_keys, ", ");
        }
    }
    for (int i = 0; i < ref.n; i++)
        if (!ref.r[i].seen) {
            printf("FAIL %s got (not computed) expected %.17g tolerance -\n", ref.r[i].key, ref.r[i].value);
            fails++;
            strncat(failed_keys, ref.r[i].key, sizeof failed_keys - strlen(failed_keys) - 3);
            strcat(failed_keys, ", ");
        }
    printf("numcheck: %d keys checked, %d machine-dependent keys recorded only, %d failing (%s vs %s)\n",
           checked, skipped, fails, numpath, refpath);
    if (md) {
        out_t *o = out_open(md);
        FILE *f = out_file(o);
        if (fails == 0)
            fprintf(f, "**VERIFIED.** All %d checked numbers of this build agree with the committed "
                       "references in `%s` within their per-key tolerances (%d wall-time keys are "
                       "recorded but not compared).\n", checked, refpath, skipped);
        else {
            size_t len = strlen(failed_keys);
            if (len >= 2) failed_keys[len - 2] = 0;
            fprintf(f, "**UNVERIFIED.** %d of the numbers in this build do not agree with `%s`: "
                       "%s. Run `make verify` for got, expected and tolerance of each.\n",
                    fails, refpath, failed_keys);
        }
        out_close(o);
    }
    return fails ? 1 : 0;
}
