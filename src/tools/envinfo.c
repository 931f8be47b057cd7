/*
 * envinfo - the OpenBLAS facts of `make env-report` and of `make paper`'s
 * closing summary: the kernel OpenBLAS runs here, the sgemm rate measured now
 * (1 thread, 1024^3), and, when a generic kernel runs on a CPU with AVX2 or
 * AVX-512, the variable a user may set and what it changes (src/lib/blasinfo.h).
 *   envinfo [PREFIX]     each line starts with PREFIX (default none)
 */
#include <stdio.h>

#include "blasinfo.h"
#include "util.h"

int main(int argc, char **argv) {
    prog_name = "envinfo";
    if (argc > 2) die("usage: envinfo [PREFIX]");
    blasinfo_report(stdout, argc == 2 ? argv[1] : "", blasinfo_kernel(), blasinfo_sgemm_gflops(1024, 0.3));
    return 0;
}
