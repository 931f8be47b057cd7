/*
 * numbers.h - numbers files: the key, value and unit of every number the paper quotes
 */
#ifndef NUMBERS_H
#define NUMBERS_H

#include <stdint.h>

#include "conf.h"

/* Numbers file: key<TAB>value<TAB>unit rows with a provenance block. */
typedef struct numbers numbers_t;
numbers_t *numbers_open(const char *path, const char *title, const conf_t *params, uint64_t seed);
void numbers_put(numbers_t *nb, const char *key, double value, const char *unit);
/* The same with a formatted key: numbers_putf(nb, v, "1", "fig51_gmax_b%ld", bs). */
void numbers_putf(numbers_t *nb, double value, const char *unit, const char *key_fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Every spec entry with a quote name, read from in (the struct conf_read_spec
 * filled): key <prefix><quote>, a list's entries as <prefix><quote>_<i>. */
void numbers_put_params(numbers_t *nb, const char *prefix, const conf_spec_t *spec, int n, const void *in);
void numbers_close(numbers_t *nb);

#endif
