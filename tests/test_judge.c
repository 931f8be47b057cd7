/* Tests of the verifier's judgment (src/lib/judge.c): each rule kind at and
 * beyond its bound, the scale keys of se and seedsd (missing, non-finite, the
 * floor at the key's own standard error), non-finite values and a key missing
 * on either side. Tables are built in memory, as numfile_read would fill them. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "judge.h"

#define MAXROWS 8
typedef struct {
    numfile_tab_t t;
    numfile_row_t rows[MAXROWS];
} tab_t;

static void tab_init(tab_t *tb, const char *path) {
    memset(tb, 0, sizeof *tb);
    tb->t.path = path;
    tb->t.r = tb->rows;
    tb->t.cap = MAXROWS;
}

/* Adds key = value (with a rule, for a reference) and returns its row. */
static numfile_row_t *put(tab_t *tb, const char *key, double value, numfile_tolkind_t kind, double x) {
    cr_assert_lt(tb->t.n, MAXROWS);
    numfile_row_t *r = &tb->rows[tb->t.n++];
    *r = (numfile_row_t){.key = (char *)key, .why = "test", .value = value, .tol = {kind, x}};
    return r;
}

static tab_t got, ref;
static void setup(void) {
    tab_init(&got, "got.tsv");
    tab_init(&ref, "ref.tsv");
}
TestSuite(judge, .init = setup);

/* got value g against reference value r under one rule, with no scale keys */
static judgment_t one(double g, double r, numfile_tolkind_t kind, double x) {
    numfile_row_t *rg = put(&got, "k", g, TOL_EXACT, 0), *rr = put(&ref, "k", r, kind, x);
    return judge_key(&got.t, &ref.t, rg, rr);
}

Test(judge, identical_passes_under_every_rule) {
    for (numfile_tolkind_t k = TOL_EXACT; k < TOL_SKIP; k++) {
        setup();
        cr_expect_eq(one(0.1, 0.1, k, 2).kind, JUDGE_IDENTICAL, "rule %s", numfile_tol_names[k]);
    }
}

Test(judge, exact_fails_on_the_last_bit) {
    cr_expect_eq(one(1.0, nextafter(1.0, 2), TOL_EXACT, 0).kind, JUDGE_FAILING);
}

Test(judge, abs_at_and_beyond_its_bound) {
    cr_expect_eq(one(1.25, 1.0, TOL_ABS, 0.25).kind, JUDGE_ROUNDOFF); /* 0.25 is exact in binary */
    setup();
    cr_expect_eq(one(nextafter(1.25, 2), 1.0, TOL_ABS, 0.25).kind, JUDGE_FAILING);
}

Test(judge, rel_scales_with_the_reference_not_the_computed_value) {
    cr_expect_eq(one(-3.0, -2.0, TOL_REL, 0.5).kind, JUDGE_ROUNDOFF);    /* |d| = 1 = 0.5 * 2 */
    setup();
    cr_expect_eq(one(-2.0, -1.0, TOL_REL, 0.75).kind, JUDGE_FAILING);    /* 1 > 0.75 * 1, though < 0.75 * 2 */
}

/* se K: |d| <= K sqrt(se_g^2 + se_r^2) with se_g = 3, se_r = 4 -> scale 5 */
static judgment_t with_se(double g, double r, numfile_tolkind_t kind, double se_g, double se_r) {
    put(&got, "k_se", se_g, TOL_EXACT, 0);
    put(&ref, "k_se", se_r, TOL_RATIO, 10);
    return one(g, r, kind, 2);
}

Test(judge, se_combines_both_standard_errors) {
    judgment_t j = with_se(10, 0, TOL_SE, 3, 4); /* allowed 2 * 5 = 10 */
    cr_expect_eq(j.kind, JUDGE_STATISTICAL);
    cr_expect_float_eq(j.allowed, 10, 1e-15);
    setup();
    cr_expect_eq(with_se(10.5, 0, TOL_SE, 3, 4).kind, JUDGE_FAILING);
    setup(); /* the computed side's error alone would not do: 2 * 3 < 10 */
    cr_expect_eq(with_se(-9.9, 0, TOL_SE, 3, 4).kind, JUDGE_STATISTICAL);
}

Test(judge, se_missing_on_either_side_fails_naming_the_key_and_file) {
    put(&got, "k_se", 1, TOL_EXACT, 0);
    judgment_t j = one(1, 0, TOL_SE, 3);
    cr_expect_eq(j.kind, JUDGE_FAILING);
    cr_expect(strstr(j.reason, "k_se") && strstr(j.reason, "ref.tsv"), "%s", j.reason);
    setup();
    put(&ref, "k_se", 1, TOL_RATIO, 10);
    j = one(1, 0, TOL_SE, 3);
    cr_expect_eq(j.kind, JUDGE_FAILING);
    cr_expect(strstr(j.reason, "got.tsv"), "%s", j.reason);
}

Test(judge, a_non_finite_or_negative_scale_fails) {
    cr_expect_eq(with_se(1, 0, TOL_SE, NAN, 1).kind, JUDGE_FAILING);
    setup();
    cr_expect_eq(with_se(1, 0, TOL_SE, 1, INFINITY).kind, JUDGE_FAILING);
    setup();
    cr_expect_eq(with_se(1, 0, TOL_SE, -3, 4).kind, JUDGE_FAILING);
}

/* seedsd K: spread sd_g = sd_r = 0.1, each floored at its file's k_se */
static judgment_t with_seedsd(double d, double se_g, double se_r) {
    put(&got, "k_seedsd", 0.1, TOL_EXACT, 0);
    put(&ref, "k_seedsd", 0.1, TOL_EXACT, 0);
    if (se_g > 0) put(&got, "k_se", se_g, TOL_EXACT, 0);
    if (se_r > 0) put(&ref, "k_se", se_r, TOL_EXACT, 0);
    return one(d, 0, TOL_SEEDSD, 2);
}

Test(judge, seedsd_uses_the_spread) {
    cr_expect_eq(with_seedsd(0.28, 0, 0).kind, JUDGE_STATISTICAL); /* 2 sqrt(0.02) = 0.283 */
    setup();
    cr_expect_eq(with_seedsd(0.29, 0, 0).kind, JUDGE_FAILING);
}

Test(judge, seedsd_is_floored_at_each_sides_own_standard_error) {
    /* se 0.3 on the computed side: scale sqrt(0.09 + 0.01), allowed 0.632 */
    cr_expect_eq(with_seedsd(0.6, 0.3, 0).kind, JUDGE_STATISTICAL);
    setup(); /* and on the reference side */
    cr_expect_eq(with_seedsd(0.6, 0, 0.3).kind, JUDGE_STATISTICAL);
    setup(); /* a standard error below the spread changes nothing */
    cr_expect_eq(with_seedsd(0.29, 0.05, 0.05).kind, JUDGE_FAILING);
}

Test(judge, seedsd_without_its_spread_key_fails) {
    put(&got, "k_se", 1, TOL_EXACT, 0);
    put(&ref, "k_se", 1, TOL_EXACT, 0);
    judgment_t j = one(0.1, 0, TOL_SEEDSD, 8);
    cr_expect_eq(j.kind, JUDGE_FAILING);
    cr_expect(strstr(j.reason, "k_seedsd"), "%s", j.reason);
}

Test(judge, ratio_is_symmetric_and_needs_one_sign) {
    cr_expect_eq(one(10, 1, TOL_RATIO, 10).kind, JUDGE_STATISTICAL);
    setup();
    cr_expect_eq(one(0.1, 1, TOL_RATIO, 10).kind, JUDGE_STATISTICAL);
    setup();
    cr_expect_eq(one(10.01, 1, TOL_RATIO, 10).kind, JUDGE_FAILING);
    setup();
    cr_expect_eq(one(0.0999, 1, TOL_RATIO, 10).kind, JUDGE_FAILING);
    setup();
    cr_expect_eq(one(-1, 1, TOL_RATIO, 10).kind, JUDGE_FAILING);
    setup();
    cr_expect_eq(one(0, 1, TOL_RATIO, 10).kind, JUDGE_FAILING);
}

Test(judge, skip_records_without_comparing) {
    cr_expect_eq(one(1, 1e9, TOL_SKIP, 0).kind, JUDGE_SKIPPED);
}

Test(judge, a_non_finite_value_on_either_side_never_passes) {
    const double bad[] = {NAN, INFINITY, -INFINITY};
    const numfile_tolkind_t kinds[] = {TOL_EXACT, TOL_ABS, TOL_REL, TOL_RATIO};
    for (int b = 0; b < 3; b++)
        for (int k = 0; k < 4; k++) {
            setup();
            cr_expect_eq(one(bad[b], 1, kinds[k], 1e300).kind, JUDGE_FAILING, "got %g, %s", bad[b],
                         numfile_tol_names[kinds[k]]);
            setup();
            cr_expect_eq(one(1, bad[b], kinds[k], 1e300).kind, JUDGE_FAILING, "expected %g, %s", bad[b],
                         numfile_tol_names[kinds[k]]);
            setup(); /* not even against itself */
            cr_expect_eq(one(bad[b], bad[b], kinds[k], 1e300).kind, JUDGE_FAILING);
        }
    setup();
    cr_expect_eq(with_se(NAN, 0, TOL_SE, 1, 1).kind, JUDGE_FAILING);
}

Test(judge, a_key_missing_on_either_side_fails) {
    numfile_row_t *g = put(&got, "only_got", 1, TOL_EXACT, 0), *r = put(&ref, "only_ref", 1, TOL_SKIP, 0);
    judgment_t j = judge_key(&got.t, &ref.t, g, NULL);
    cr_expect_eq(j.kind, JUDGE_FAILING);
    cr_expect(strstr(j.reason, "no reference"), "%s", j.reason);
    j = judge_key(&got.t, &ref.t, NULL, r); /* even a 'skip' key must be computed */
    cr_expect_eq(j.kind, JUDGE_FAILING);
    cr_expect(strstr(j.reason, "not computed"), "%s", j.reason);
}
