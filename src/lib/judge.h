/*
 * judge.h - the verifier's judgment of one number against its reference.
 *
 * A computed key passes at one of two levels: identical (the same double, so
 * %.17g round-trips) or within the tolerance of its reference rule:
 *   exact        counts and sizes: only identity passes;
 *   abs X        |got - ref| <= X;
 *   rel X        |got - ref| <= X |ref|;
 *   se K         |got - ref| <= K sqrt(se_got^2 + se_ref^2), each se read from
 *                the key "<key>_se" of its own file;
 *   seedsd K     the same with "<key>_seedsd", each taken as at least that
 *                file's "<key>_se" where it has one (two runs differ at least by
 *                the sampling error of one; a spread of a few replicas can come
 *                out small by chance);
 *   ratio F      max(got/ref, ref/got) <= F with both of one sign (a standard
 *                error compared with a standard error);
 *   skip         recorded, never compared (wall times, memory sizes).
 * A non-finite value, a non-finite or negative scale, a missing scale key, a
 * key without reference and a reference never computed all fail: a check that
 * cannot be made is not a pass.
 */
#ifndef JUDGE_H
#define JUDGE_H

#include "numfile.h"

typedef enum {
    JUDGE_IDENTICAL,   /* bit for bit */
    JUDGE_STATISTICAL, /* within se, seedsd or ratio */
    JUDGE_ROUNDOFF,    /* within abs or rel */
    JUDGE_SKIPPED,     /* a 'skip' rule: recorded only */
    JUDGE_FAILING
} judge_kind_t;

typedef struct {
    judge_kind_t kind;
    double diff, allowed; /* |got - ref| and its bound (NAN where a rule has none) */
    char reason[512];     /* for a failing key: which check failed, in words */
} judgment_t;

/* Judges key g of `got` against its reference row r of `ref` (the tables are
 * needed for the scale keys of se and seedsd rules). g == NULL: the reference
 * was never computed; r == NULL: the computed key has no reference. */
judgment_t judge_key(const numfile_tab_t *got, const numfile_tab_t *ref, const numfile_row_t *g, const numfile_row_t *r);

#endif
