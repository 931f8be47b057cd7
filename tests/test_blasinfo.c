/* Tests of the generic-kernel advice (src/lib/blasinfo.c): which kernels lack AVX2
 * code, and what is suggested for which CPU. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "blasinfo.h"

static const char *avx2 = "fpu sse2 avx fma avx2 bmi2";
static const char *avx512 = "fpu sse2 avx avx2 avx512f avx512dq avx512bw avx512vl";
static const char *avx512bf16 = "fpu sse2 avx avx2 avx512f avx512bw avx512_bf16 amx_tile";

Test(blasinfo, the_generic_kernels_lack_avx2_code) {
    const char *generic[] = {"Prescott", "Core2", "Penryn", "Nehalem", "Sandybridge", "Atom", "Barcelona", "prescott"};
    for (size_t i = 0; i < sizeof generic / sizeof *generic; i++)
        cr_expect_not(blasinfo_kernel_has_avx2(generic[i]), "%s", generic[i]);
    const char *fast[] = {"Haswell", "Zen", "SkylakeX", "Cooperlake", "SAPPHIRERAPIDS"};
    for (size_t i = 0; i < sizeof fast / sizeof *fast; i++) cr_expect(blasinfo_kernel_has_avx2(fast[i]), "%s", fast[i]);
}

Test(blasinfo, a_generic_kernel_on_an_avx512_cpu_is_told_skylakex_or_cooperlake) {
    cr_expect_str_eq(blasinfo_suggest("Prescott", avx512, "GenuineIntel"), "SkylakeX");
    cr_expect_str_eq(blasinfo_suggest("Prescott", avx512bf16, "GenuineIntel"), "Cooperlake");
    cr_expect_str_eq(blasinfo_suggest("Nehalem", avx512, "GenuineIntel"), "SkylakeX");
}

Test(blasinfo, a_generic_kernel_on_an_avx2_cpu_is_told_haswell_or_zen) {
    cr_expect_str_eq(blasinfo_suggest("Core2", avx2, "GenuineIntel"), "Haswell");
    cr_expect_str_eq(blasinfo_suggest("Prescott", avx2, "AuthenticAMD"), "Zen");
}

Test(blasinfo, no_advice_where_the_kernel_suits_the_cpu) {
    cr_expect_null(blasinfo_suggest("Haswell", avx2, "GenuineIntel"));
    cr_expect_null(blasinfo_suggest("Zen", avx2, "AuthenticAMD"));
    cr_expect_null(blasinfo_suggest("SkylakeX", avx512, "GenuineIntel"));
    cr_expect_null(blasinfo_suggest("Prescott", "fpu sse2 sse3 avx", "GenuineIntel")); /* no AVX2 to use */
    cr_expect_null(blasinfo_suggest("Prescott", "", ""));                               /* unreadable cpuinfo */
}

Test(blasinfo, flags_are_whole_words) {
    /* "avx2" inside another word is not the flag, nor "avx512f" in "avx512fp16" */
    cr_expect_null(blasinfo_suggest("Prescott", "fpu xavx2 avx2x", "GenuineIntel"));
    cr_expect_str_eq(blasinfo_suggest("Prescott", "avx2 avx512fp16", "GenuineIntel"), "Haswell");
}

Test(blasinfo, the_report_names_the_variable_only_for_a_slow_kernel) {
    char buf[4096];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    blasinfo_report(f, "> ", "Whatever", 12.5);
    fclose(f);
    cr_expect(strstr(buf, "> OpenBLAS kernel: Whatever") != NULL, "%s", buf);
    cr_expect(strstr(buf, "> sgemm 1 thread: 12.5 GFLOP/s") != NULL, "%s", buf);
}
