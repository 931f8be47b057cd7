/* fuzz_idx - the IDX reader (src/lib/idx.c idx_load) on arbitrary bytes, as a
 * 1- and a 3-dimensional file: every input is either accepted with a header
 * that accounts for every byte, or rejected with a message naming the file. */
#include "fuzz.h"

#include "idx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_write(data, size);
    static const int ndims[] = {1, 3};
    for (int k = 0; k < 2; k++) {
        idx_t x;
        char err[512] = "";
        if (idx_load(fuzz_path, ndims[k], &x, err, sizeof err) != 0) {
            fuzz_check_err(err);
            continue;
        }
        size_t count = 1;
        for (int d = 0; d < x.ndim; d++) count *= x.dim[d];
        if (count != x.count || 4 + 4 * (size_t)x.ndim + x.count != size) abort();
        volatile uint8_t sum = 0;
        for (size_t i = 0; i < x.count; i++) sum ^= x.data[i]; /* every byte was read */
        idx_free(&x);
    }
    return 0;
}
