/* Philox streams: reproducible, independent per stream, and statistically sane. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <math.h>

#include "rng.h"

Test(rng, same_seed_and_stream_give_identical_draws) {
    rng_t a, b;
    rng_init(&a, 2385, 7);
    rng_init(&b, 2385, 7);
    for (int i = 0; i < 10000; i++) cr_assert(eq(u32, rng_u32(&a), rng_u32(&b)));
}

Test(rng, different_streams_differ) {
    rng_t a, b;
    rng_init(&a, 2385, 7);
    rng_init(&b, 2385, 8);
    int same = 0;
    for (int i = 0; i < 1000; i++) same += rng_u32(&a) == rng_u32(&b);
    cr_assert(lt(int, same, 3));
}

/* Philox4x32-10 known-answer vector from Random123's kat_vectors:
 * ctr = key = 0 gives 6627e8d5 e169c58d bc57ac4c 9b00dbd8. Our stream 0 with
 * seed 0 draws the block's words last-to-first. */
Test(rng, matches_the_random123_known_answer) {
    rng_t a;
    rng_init(&a, 0, 0);
    cr_expect(eq(u32, rng_u32(&a), 0x9b00dbd8u));
    cr_expect(eq(u32, rng_u32(&a), 0xbc57ac4cu));
    cr_expect(eq(u32, rng_u32(&a), 0xe169c58du));
    cr_expect(eq(u32, rng_u32(&a), 0x6627e8d5u));
}

Test(rng, uniform_and_normal_moments_are_within_five_standard_errors) {
    rng_t a;
    rng_init(&a, 99, 1);
    const int n = 200000;
    double su = 0, sn = 0, sn2 = 0;
    for (int i = 0; i < n; i++) {
        su += rng_uniform(&a);
        double z = rng_normal(&a);
        sn += z;
        sn2 += z * z;
    }
    cr_expect(lt(dbl, fabs(su / n - 0.5), 5 * sqrt(1.0 / 12 / n)));
    cr_expect(lt(dbl, fabs(sn / n), 5 / sqrt(n)));
    cr_expect(lt(dbl, fabs(sn2 / n - 1), 5 * sqrt(2.0 / n)));
}

Test(rng, below_is_uniform_over_a_non_power_of_two_range) {
    rng_t a;
    rng_init(&a, 5, 3);
    enum { K = 7, N = 70000 };
    int count[K] = {0};
    for (int i = 0; i < N; i++) {
        uint32_t v = rng_below(&a, K);
        cr_assert(lt(u32, v, K));
        count[v]++;
    }
    double chi2 = 0, e = (double)N / K;
    for (int k = 0; k < K; k++) chi2 += (count[k] - e) * (count[k] - e) / e;
    cr_expect(lt(dbl, chi2, 22.46), "chi2 = %g exceeds the 0.999 quantile for 6 dof", chi2); /* chi2(6) 0.999 */
}

/* Mini-batches without repeats: every index distinct, each index equally likely. */
Test(rng, distinct_draws_have_no_repeats_and_uniform_marginals) {
    rng_t a;
    rng_init(&a, 17, 4);
    enum { N = 12, K = 5, R = 60000 };
    int count[N] = {0};
    for (int t = 0; t < R; t++) {
        uint32_t idx[K];
        rng_distinct(&a, N, K, idx);
        for (int i = 0; i < K; i++) {
            cr_assert(lt(u32, idx[i], N));
            for (int j = 0; j < i; j++) cr_assert(ne(u32, idx[i], idx[j]));
            count[idx[i]]++;
        }
    }
    double e = (double)R * K / N, chi2 = 0;
    for (int k = 0; k < N; k++) chi2 += (count[k] - e) * (count[k] - e) / e;
    cr_expect(lt(dbl, chi2, 31.26), "chi2 = %g exceeds the 0.999 quantile for 11 dof", chi2);
}
