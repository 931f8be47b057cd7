/* numbers.c - numbers files; see numbers.h. */
#define _POSIX_C_SOURCE 200809L
#include "numbers.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "base.h"
#include "out.h"
#include "prov.h"

struct numbers {
    out_t *o;
};

numbers_t *numbers_open(const char *path, const char *title, const conf_t *params, uint64_t seed) {
    numbers_t *nb = xcalloc(1, sizeof *nb);
    nb->o = out_open(path);
    prov_write(out_file(nb->o), title, params, seed);
    fprintf(out_file(nb->o), "# column 1: key [-] name the paper quotes as [key]{.num}\n"
                      "# column 2: value [unit] the number, %%.17g\n"
                      "# column 3: unit [-] its unit ('1' for dimensionless)\n"
                      "key\tvalue\tunit\n");
    return nb;
}

void numbers_put(numbers_t *nb, const char *key, double value, const char *unit) {
    if (!isfinite(value)) die("numbers: key '%s' is not finite (%g)", key, value);
    fprintf(out_file(nb->o), "%s\t%.17g\t%s\n", key, value, unit);
}

void numbers_putf(numbers_t *nb, double value, const char *unit, const char *key_fmt, ...) {
    char key[256];
    va_list ap;
    va_start(ap, key_fmt);
    int n = vsnprintf(key, sizeof key, key_fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof key) die("numbers: key '%s...' is longer than %zu bytes", key, sizeof key - 1);
    numbers_put(nb, key, value, unit);
}

void numbers_put_params(numbers_t *nb, const char *prefix, const conf_spec_t *spec, int n, const void *in) {
    const char *base = in;
    for (int i = 0; i < n; i++) {
        const conf_spec_t *k = &spec[i];
        if (!k->quote) continue;
        const char *field = base + k->offset;
        switch (k->kind) {
        case CONF_INT: numbers_putf(nb, (double)*(const long *)field, k->unit, "%s%s", prefix, k->quote); break;
        case CONF_DOUBLE: numbers_putf(nb, *(const double *)field, k->unit, "%s%s", prefix, k->quote); break;
        case CONF_LIST:
            for (int j = 0; j < *(const int *)(base + k->count_offset); j++)
                numbers_putf(nb, (double)((const long *)field)[j], k->unit, "%s%s_%d", prefix, k->quote, j);
            break;
        case CONF_CHOICE: die("key '%s': a choice has no number to quote", k->key);
        }
    }
}

void numbers_close(numbers_t *nb) {
    out_close(nb->o);
    free(nb);
}
