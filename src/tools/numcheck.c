/*
 * numcheck - compare a numbers file with its committed reference, key by key.
 *
 *   numcheck [--md OUT.md] NUMBERS REFERENCE   exit 0 verified, 1 failing keys
 *   numcheck --bless NUMBERS REFERENCE RULES   rewrite REFERENCE from NUMBERS
 *   numcheck --kernel                          print the OpenBLAS kernel this machine runs
 *   numcheck --merge OUT NUMBERS...            one numbers file from the experiments' files
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
 *                      seeds, src/tools/seedspread.c); a run on another kernel is at most
 *                      another replica. Two runs differ at least by the sampling error
 *                      of one, so where "<key>_se" exists sd is at least that (a spread
 *                      from a few replicas can come out small by chance),
 *     ratio F          a standard error itself: max(got/expected, expected/got) <= F,
 *     skip             a wall time or memory size: recorded, never compared.
 * Keys without a reference, and references whose key was not computed, fail:
 * a check nobody looks at is no check. --bless gives every computed key the
 * rule of the first line of RULES (pattern<TAB>tol<TAB>why, fnmatch patterns)
 * that matches it; a key no rule matches is an error, so every tolerance has a
 * stated reason. --md writes the paper's verification note (via a temporary
 * file, so an error leaves no note that could be taken for a verdict).
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blasinfo.h"
#include "judge.h"
#include "numfile.h"
#include "util.h"

/* ---------------------------------------------------------------------- */
/* bless                                                                   */

static void bless(const char *numpath, const char *refpath, const char *rulespath) {
    numfile_tab_t got = numfile_read(numpath, 0);
    numfile_tab_t rules = numfile_read_rules(rulespath);
    out_t *o = out_open(refpath);
    FILE *f = out_file(o);
    fprintf(f, "# Reference numbers for `make verify`, written by `make bless` from %s;\n"
               "# tolerance rules from %s (numcheck.c explains each kind).\n"
               "# blas_kernel: %s\nkey\tvalue\ttol\twhy\n",
            numpath, rulespath, got.kernel ? got.kernel : "unknown");
    for (int i = 0; i < got.n; i++) {
        const numfile_row_t *rule = numfile_rule_for(&rules, got.r[i].key);
        if (!rule) die("%s: no tolerance rule matches key '%s'", rulespath, got.r[i].key);
        numfile_tol_t t = rule->tol;
        if (t.kind == TOL_SE || t.kind == TOL_SEEDSD) {
            char se[512];
            snprintf(se, sizeof se, "%s%s", got.r[i].key, numfile_scale_suffix[t.kind]);
            if (!numfile_find(&got, se))
                die("%s: rule '%s' compares '%s' by its %s, but %s has no key '%s'", rulespath, rule->key,
                    got.r[i].key, t.kind == TOL_SE ? "standard error" : "seed-to-seed spread", numpath, se);
        }
        char tol[64];
        if (t.kind == TOL_EXACT || t.kind == TOL_SKIP) snprintf(tol, sizeof tol, "%s", numfile_tol_names[t.kind]);
        else snprintf(tol, sizeof tol, "%s %.3g", numfile_tol_names[t.kind], t.x);
        fprintf(f, "%s\t%s\t%s\t%s\n", got.r[i].key, got.r[i].text, tol, rule->why);
    }
    out_close(o);
    fprintf(stderr, "numcheck: blessed %d keys into %s (kernel %s)\n", got.n, refpath,
            got.kernel ? got.kernel : "unknown");
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

/* Judges one key (g or r may be NULL: see judge_key); prints a FAIL line. */
static void judge(tally_t *tl, const numfile_tab_t *got, const numfile_tab_t *ref, const numfile_row_t *g, const numfile_row_t *r) {
    judgment_t j = judge_key(got, ref, g, r);
    switch (j.kind) {
    case JUDGE_IDENTICAL: tl->identical++; return;
    case JUDGE_STATISTICAL: tl->statistical++; return;
    case JUDGE_ROUNDOFF: tl->roundoff++; return;
    case JUDGE_SKIPPED: tl->skipped++; return;
    case JUDGE_FAILING: break;
    }
    if (!r)
        printf("FAIL %s got %.17g expected (no reference)\n", g->key, g->value);
    else if (!g)
        printf("FAIL %s got (not computed) expected %.17g\n", r->key, r->value);
    else
        printf("FAIL %s got %.17g expected %.17g tolerance %s %g (|diff| %.3g, allowed %.3g): %s; %s\n", g->key,
               g->value, r->value, numfile_tol_names[r->tol.kind], r->tol.x, j.diff, j.allowed, j.reason, r->why);
    tally_fail(tl, g ? g->key : r->key);
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
    numfile_tab_t got = numfile_read(numpath, 0), ref = numfile_read(refpath, 1);
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
        numfile_row_t *r = numfile_find(&ref, got.r[i].key);
        if (r) r->seen = 1;
        judge(&t, &got, &ref, &got.r[i], r);
    }
    for (int i = 0; i < ref.n; i++)
        if (!ref.r[i].seen) judge(&t, &got, &ref, NULL, &ref.r[i]);
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

/* ---------------------------------------------------------------------- */
/* merge                                                                   */

static int by_key(const void *a, const void *b) {
    return strcmp((*(const numfile_row_t *const *)a)->key, (*(const numfile_row_t *const *)b)->key);
}

/* The experiments' numbers files as one (the paper's and verify's input), read
 * by the same strict reader as everything else: a malformed or CRLF row, or a
 * key computed twice, stops the merge naming the file(s). Rows keep their text
 * (%.17g as written) and unit, sorted by key (byte order); each distinct
 * kernel line is kept, so that numcheck refuses a mix of kernels, and
 * "unknown" is written when no file names one. */
static void merge(const char *outpath, int n, char **paths) {
    numfile_tab_t *t = xcalloc((size_t)n, sizeof *t);
    int total = 0;
    for (int i = 0; i < n; i++) t[i] = numfile_read(paths[i], 0), total += t[i].n;
    numfile_row_t **all = xmalloc((size_t)(total ? total : 1) * sizeof *all);
    int k = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < t[i].n; j++) all[k++] = &t[i].r[j];
    qsort(all, (size_t)total, sizeof *all, by_key);
    for (int i = 1; i < total; i++) {
        if (strcmp(all[i]->key, all[i - 1]->key) != 0) continue;
        const char *a = NULL, *b = NULL; /* numfile_read refuses a key twice in one file */
        for (int j = 0; j < n; j++)
            if (numfile_find(&t[j], all[i]->key)) *(a ? &b : &a) = paths[j];
        die("numbers: key %s appears twice (%s and %s)", all[i]->key, a, b);
    }
    out_t *o = out_open(outpath);
    FILE *f = out_file(o);
    int kernels = 0;
    for (int i = 0; i < n; i++) {
        int seen = 0;
        for (int j = 0; j < i && !seen; j++) seen = t[j].kernel && t[i].kernel && !strcmp(t[j].kernel, t[i].kernel);
        if (t[i].kernel && !seen) fprintf(f, "# blas_kernel: %s\n", t[i].kernel), kernels++;
    }
    if (!kernels) fprintf(f, "# blas_kernel: unknown\n");
    fprintf(f, "key\tvalue\tunit\n");
    for (int i = 0; i < total; i++) fprintf(f, "%s\t%s\t%s\n", all[i]->key, all[i]->text, all[i]->unit);
    out_close(o);
    free(all), free(t); /* the rows' strings live until exit */
}

int main(int argc, char **argv) {
    prog_name = "numcheck";
    if (argc == 5 && strcmp(argv[1], "--bless") == 0) {
        bless(argv[2], argv[3], argv[4]);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "--kernel") == 0) {
        printf("%s\n", blasinfo_kernel());
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "--merge") == 0) {
        merge(argv[2], argc - 3, argv + 3);
        return 0;
    }
    if (argc == 5 && strcmp(argv[1], "--md") == 0) return verify(argv[3], argv[4], argv[2]);
    if (argc == 3) return verify(argv[1], argv[2], NULL);
    die("usage: numcheck [--md OUT.md] NUMBERS REFERENCE | numcheck --bless NUMBERS REFERENCE RULES | "
        "numcheck --kernel | numcheck --merge OUT NUMBERS...");
}
