/* The small SPD solve (src/lib/linalg.c) on systems solved by hand: a 3 x 3
 * with an integer solution, a singular and a nearly singular 2 x 2. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <math.h>

#include "linalg.h"

Test(linalg, spd_solve_of_a_system_with_a_known_solution) {
    /* A y = b with y = (1, -2, 3): b = (4 - 4, 2 - 10 + 3, -2 + 9) */
    double A[9] = {4, 2, 0, 2, 5, 1, 0, 1, 3}, b[3] = {0, -5, 7};
    const double y[3] = {1, -2, 3};
    cr_assert_eq(linalg_spd_solve(3, A, b), 0);
    for (int i = 0; i < 3; i++) cr_expect(lt(dbl, fabs(b[i] - y[i]), 1e-14), "y[%d] = %.17g, want %g", i, b[i], y[i]);
    /* the factor left in A: L = [[2], [1, 2], [0, 0.5, sqrt(2.75)]] */
    cr_expect(lt(dbl, fabs(A[0] - 2) + fabs(A[3] - 1) + fabs(A[4] - 2) + fabs(A[7] - 0.5) + fabs(A[8] - sqrt(2.75)), 1e-14));
}

Test(linalg, singular_and_nearly_singular_systems_are_refused) {
    double A[4] = {1, 1, 1, 1}, b[2] = {1, 2};
    cr_expect_eq(linalg_spd_solve(2, A, b), -1, "a singular matrix");
    double B[4] = {1, 1, 1, 1 + 1e-14}, c[2] = {1, 2}; /* pivot 1e-14 of its diagonal: collinear to round-off */
    cr_expect_eq(linalg_spd_solve(2, B, c), -1, "a matrix singular to round-off");
    double C[4] = {1, 1, 1, 1 + 1e-9}, d[2] = {1, 1 + 1e-9}; /* ill-conditioned but solvable: y = (0, 1) */
    cr_expect_eq(linalg_spd_solve(2, C, d), 0);
    double N[4] = {-1, 0, 0, 1}, e[2] = {1, 1};
    cr_expect_eq(linalg_spd_solve(2, N, e), -1, "an indefinite matrix");
}
