/* fuzz_numbers - the numbers/reference reader of the verifier (numfile_read in
 * src/lib/numfile.c, compiled in here) on arbitrary text,
 * as a numbers file and as a reference file: accepted, or rejected naming the
 * file. */
#include "fuzz.h"

#define fopen fuzz_fopen
#define fclose fuzz_fclose
#include "../../src/lib/numfile.c"
#undef fopen
#undef fclose

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_write(data, size);
    for (int is_ref = 0; is_ref < 2; is_ref++) {
        if (setjmp(fuzz_jmp)) continue;
        __auto_type t = numfile_read(fuzz_path, is_ref);
        for (int i = 0; i < t.n; i++) {
            if (!t.r[i].key[0]) abort(); /* an accepted row has a key */
            free(t.r[i].key);
            free(t.r[i].why);
            free(t.r[i].text);
            free(t.r[i].unit);
        }
        free(t.r);
        free(t.kernel);
    }
    return 0;
}
