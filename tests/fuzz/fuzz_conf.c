/* fuzz_conf - the parameter-file parser (src/lib/conf.c conf_load and the
 * getters) on arbitrary text: every line either parses or is rejected naming
 * the file; every getter on the keys the programs use either returns a value
 * in range or is rejected naming the file. */
#include "fuzz.h"

#include <limits.h>
#include <math.h>

#define fopen fuzz_fopen
#define fclose fuzz_fclose
#include "../../src/lib/conf.c"
#undef fopen
#undef fclose

static const char *const keys[] = {"seed", "trials", "batch_sizes", "taus", "learning_rate", "steps",
                                   "init", "sampling", "sigma", "eps", "states", "beta", "x", NULL};
#define NKEYS (sizeof keys / sizeof *keys - 1)
#define LIST_MAX 64

static void getters(conf_t *c, const char *key) {
    static const char *const choices[] = {"shared", "independent", "iid", "epoch"};
    long list[LIST_MAX];
    if (!setjmp(fuzz_jmp) && conf_int(c, key, -1000, 1000) > 1000) abort();
    if (!setjmp(fuzz_jmp) && !isfinite(conf_double(c, key, -1e300, 1e300))) abort();
    if (!setjmp(fuzz_jmp) && conf_int_list(c, key, list, LIST_MAX, 1, 1L << 40) > LIST_MAX) abort();
    if (!setjmp(fuzz_jmp) && conf_choice(c, key, choices, 4) > 3) abort();
    if (!setjmp(fuzz_jmp) && !conf_str(c, key)[0]) abort(); /* values are never empty */
    if (!setjmp(fuzz_jmp)) (void)conf_int_or(c, key, 7, LONG_MIN, LONG_MAX);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_write(data, size);
    static conf_t *volatile c;
    c = NULL;
    if (setjmp(fuzz_jmp)) return 0; /* conf_load rejected the file, named */
    c = conf_load(fuzz_path);
    for (size_t k = 0; k < NKEYS; k++) getters(c, keys[k]);
    if (!setjmp(fuzz_jmp)) conf_known(c, keys);
    if (!setjmp(fuzz_jmp)) conf_finish(c);
    conf_free(c);
    return 0;
}
