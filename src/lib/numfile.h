/*
 * numfile.h - the files of the verification: numbers files (key, value, unit),
 * references (key, value, tol, why) and tolerance rules (pattern, tol, why),
 * read strictly (a malformed row stops the program naming file and line).
 * Shared by numcheck (verify, bless) and seedspread.
 */
#ifndef NUMFILE_H
#define NUMFILE_H

typedef enum { TOL_EXACT, TOL_ABS, TOL_REL, TOL_SE, TOL_SEEDSD, TOL_RATIO, TOL_SKIP } tolkind_t;
extern const char *const tol_names[];
/* The key that holds the scale of an se or seedsd rule: "<key>_se", "<key>_seedsd". */
extern const char *const scale_suffix[];

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

row_t *keytab_find(const keytab_t *t, const char *key);
/* A numbers file (is_ref = 0) or a reference (is_ref = 1): '#' lines are
 * comments except "# blas_kernel:", the header row starts with "key". */
keytab_t read_table(const char *path, int is_ref);
/* Tolerance rules, in file order (first match wins). */
keytab_t read_rules(const char *path);
/* The first rule whose fnmatch pattern matches key, or NULL. */
const row_t *rule_for(const keytab_t *rules, const char *key);

#endif
