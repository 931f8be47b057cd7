/*
 * numfile.h - the files of the verification: numbers files (key, value, unit),
 * references (key, value, tol, why) and tolerance rules (pattern, tol, why),
 * read strictly (a malformed row stops the program naming file and line).
 * Shared by numcheck (verify, bless) and seedspread.
 */
#ifndef NUMFILE_H
#define NUMFILE_H

typedef enum { TOL_EXACT, TOL_ABS, TOL_REL, TOL_SE, TOL_SEEDSD, TOL_RATIO, TOL_SKIP } numfile_tolkind_t;
extern const char *const numfile_tol_names[];
/* The key that holds the scale of an se or seedsd rule: "<key>_se", "<key>_seedsd". */
extern const char *const numfile_scale_suffix[];

typedef struct {
    numfile_tolkind_t kind;
    double x; /* the bound: abs, rel, K standard errors or factor F */
} numfile_tol_t;

typedef struct {
    char *key, *why, *text; /* text: the value as written, for bless */
    char *unit;             /* numbers files: the value's unit */
    double value;
    numfile_tol_t tol;
    int seen;
} numfile_row_t;

typedef struct {
    const char *path;
    char *kernel; /* "# blas_kernel:" of the file, or NULL */
    numfile_row_t *r;
    int n, cap;
} numfile_tab_t;

numfile_row_t *numfile_find(const numfile_tab_t *t, const char *key);
/* A numbers file (is_ref = 0) or a reference (is_ref = 1): '#' lines are
 * comments except "# blas_kernel:", the header row starts with "key". */
numfile_tab_t numfile_read(const char *path, int is_ref);
/* Tolerance rules, in file order (first match wins). */
numfile_tab_t numfile_read_rules(const char *path);
/* The first rule whose fnmatch pattern matches key, or NULL. */
const numfile_row_t *numfile_rule_for(const numfile_tab_t *rules, const char *key);

#endif
