/* judge.c - one key against its reference; see judge.h for the rules. */
#include "judge.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

static judgment_t fail(double diff, double allowed, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static judgment_t fail(double diff, double allowed, const char *fmt, ...) {
    judgment_t j = {JUDGE_FAILING, diff, allowed, {0}};
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j.reason, sizeof j.reason, fmt, ap);
    va_end(ap);
    return j;
}

static judgment_t pass(judge_kind_t kind, double diff, double allowed) {
    return (judgment_t){kind, diff, allowed, {0}};
}

/* The row "<key><suffix>" of table t (the scale of an se or seedsd rule), or NULL. */
static const numfile_row_t *scale_row(const numfile_tab_t *t, const char *key, numfile_tolkind_t kind) {
    char name[512];
    snprintf(name, sizeof name, "%s%s", key, numfile_scale_suffix[kind]);
    return numfile_find(t, name);
}

/* The combined scale sqrt(s_got^2 + s_ref^2) of an se or seedsd rule, or a
 * failing judgment naming the scale key that is missing or unusable. */
static judgment_t combined_scale(const numfile_tab_t *got, const numfile_tab_t *ref, const char *key, numfile_tolkind_t kind,
                                 double *scale) {
    const numfile_tab_t *side[2] = {got, ref};
    double s[2];
    for (int i = 0; i < 2; i++) {
        const numfile_row_t *row = scale_row(side[i], key, kind);
        if (!row) return fail(NAN, NAN, "no key '%s%s' in %s", key, numfile_scale_suffix[kind], side[i]->path);
        s[i] = row->value;
        if (!isfinite(s[i]) || s[i] < 0)
            return fail(NAN, NAN, "key '%s%s' in %s is %g, not a finite non-negative scale", key,
                        numfile_scale_suffix[kind], side[i]->path, s[i]);
        const numfile_row_t *se = kind == TOL_SEEDSD ? scale_row(side[i], key, TOL_SE) : NULL;
        /* runs differ at least by one run's own sampling error */
        if (se && isfinite(se->value) && se->value > s[i]) s[i] = se->value;
    }
    *scale = sqrt(s[0] * s[0] + s[1] * s[1]);
    return pass(JUDGE_STATISTICAL, NAN, NAN);
}

judgment_t judge_key(const numfile_tab_t *got, const numfile_tab_t *ref, const numfile_row_t *g, const numfile_row_t *r) {
    if (!r) return fail(NAN, NAN, "no reference for this key in %s", ref->path);
    if (!g) return fail(NAN, NAN, "not computed: no such key in %s", got->path);
    if (r->tol.kind == TOL_SKIP) return pass(JUDGE_SKIPPED, NAN, NAN);
    if (!isfinite(g->value) || !isfinite(r->value))
        return fail(NAN, NAN, "a value is not finite (got %g, expected %g)", g->value, r->value);
    double d = fabs(g->value - r->value);
    if (d == 0) return pass(JUDGE_IDENTICAL, 0, 0);
    double allowed = 0;
    judge_kind_t level = JUDGE_ROUNDOFF;
    switch (r->tol.kind) {
    case TOL_ABS: allowed = r->tol.x; break;
    case TOL_REL: allowed = r->tol.x * fabs(r->value); break;
    case TOL_SE:
    case TOL_SEEDSD: {
        double scale = NAN;
        judgment_t s = combined_scale(got, ref, g->key, r->tol.kind, &scale);
        if (s.kind == JUDGE_FAILING) return s;
        allowed = r->tol.x * scale;
        level = JUDGE_STATISTICAL;
        break;
    }
    case TOL_RATIO: {
        double q = g->value / r->value;
        if (q > 0 && fmax(q, 1 / q) <= r->tol.x) return pass(JUDGE_STATISTICAL, d, NAN);
        return fail(d, NAN, "ratio %.3g outside [1/%g, %g]", q, r->tol.x, r->tol.x);
    }
    default: return fail(d, 0, "an exact key differs"); /* exact: only identity passes */
    }
    if (d <= allowed) return pass(level, d, allowed);
    return fail(d, allowed, "|diff| %.3g exceeds the allowed %.3g", d, allowed);
}
