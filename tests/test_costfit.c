/* Tests of the cost model's arithmetic (src/lib/costfit.c): the relative-error
 * non-negative fit against data generated from known coefficients, and the
 * LPT schedule against hand-worked makespans. */
#include <criterion/criterion.h>
#include <math.h>

#include "costfit.h"

/* rows of (1, flops at three very different scales): t = X c_true exactly */
static void make_rows(int n, double *X, double *t, const double *ctrue) {
    for (int i = 0; i < n; i++) {
        double row[4] = {1, 1e9 * (i + 1), 3e11 * ((i * 7) % 5 + 1), 2e12 * ((i * 3) % 4 + (i == 2))};
        t[i] = 0;
        for (int j = 0; j < 4; j++) X[i * 4 + j] = row[j], t[i] += ctrue[j] * row[j];
    }
}

Test(costfit, recovers_known_coefficients_across_twelve_orders_of_magnitude) {
    const double ctrue[4] = {0.12, 1.4e-10, 4.7e-12, 6.9e-12};
    double X[8 * 4], t[8], c[4];
    make_rows(8, X, t, ctrue);
    cr_assert_eq(costfit_nnls_rel(8, 4, X, t, c), 0);
    for (int j = 0; j < 4; j++) cr_expect(fabs(c[j] / ctrue[j] - 1) < 1e-9, "c[%d] = %g, want %g", j, c[j], ctrue[j]);
}

Test(costfit, the_fit_minimises_relative_not_absolute_error) {
    /* t = c x with one outlier row: a relative fit weights the small times as much as the large */
    double X[3] = {1, 10, 100}, t[3] = {1, 10, 200}, c;
    cr_assert_eq(costfit_nnls_rel(3, 1, X, t, &c), 0);
    /* minimise sum (c x_i / t_i - 1)^2: c = sum(x/t) / sum((x/t)^2) = 2.5 / 2.25 */
    cr_expect_float_eq(c, 2.5 / 2.25, 1e-12);
}

Test(costfit, a_coefficient_that_fits_negative_is_fixed_at_zero) {
    /* t falls with column 1, so its free fit is negative; the constrained fit is t ~ c0 */
    double X[4 * 2] = {1, 1, 1, 2, 1, 3, 1, 4}, t[4] = {4, 3, 2, 1}, c[2];
    cr_assert_eq(costfit_nnls_rel(4, 2, X, t, c), 0);
    cr_expect_eq(c[1], 0);
    /* c0 = sum(1/t) / sum(1/t^2) */
    double s1 = 1 / 4. + 1 / 3. + 1 / 2. + 1, s2 = 1 / 16. + 1 / 9. + 1 / 4. + 1;
    cr_expect_float_eq(c[0], s1 / s2, 1e-12);
}

Test(costfit, rows_that_do_not_determine_the_model_are_refused) {
    double X[3 * 2] = {1, 2, 2, 4, 3, 6}, t[3] = {1, 2, 3}, c[2]; /* column 1 = 2 x column 0 */
    cr_expect_eq(costfit_nnls_rel(3, 2, X, t, c), -1);
}

Test(costfit, lpt_puts_each_job_on_the_least_loaded_slot_longest_first) {
    double t[] = {2, 7, 3, 5, 4, 1};
    /* sorted 7 5 4 3 2 1 on 2 slots: 7 | 5; 7 | 9; 10 | 9; 10 | 11; 11 | 11? -> 7+3+1=11, 5+4+2=11 */
    cr_expect_float_eq(costfit_lpt(6, t, 2), 11, 1e-12);
    cr_expect_float_eq(t[0], 7, 0); /* sorted in place, longest first */
    double u[] = {5, 5, 5};
    cr_expect_float_eq(costfit_lpt(3, u, 8), 5, 0); /* more slots than jobs: the longest job */
    double v[] = {3, 3, 2, 2, 2};
    cr_expect_float_eq(costfit_lpt(5, v, 2), 7, 0); /* LPT's known 7/6 case: optimum 6 */
}
