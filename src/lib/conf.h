/*
 * conf.h - key = value parameter files, read by one table of keys per program
 */
#ifndef CONF_H
#define CONF_H

#include <stddef.h>

/* ---- parameter files ------------------------------------------------- */
typedef struct conf conf_t;
typedef struct conf_spec conf_spec_t;
conf_t *conf_load(const char *path);
/* Each getter dies naming file and key on a missing key or bad value. */
long conf_int(conf_t *c, const char *key, long min, long max);
double conf_double(conf_t *c, const char *key, double min, double max);
/* Value of an enumerated key: returns the index of the value in choices[]. */
int conf_choice(conf_t *c, const char *key, const char *const choices[], int n);
/* Raw string value of a required key. */
const char *conf_str(conf_t *c, const char *key);
/* Comma-separated integer list into out[max]; returns the count. */
int conf_int_list(conf_t *c, const char *key, long *out, int max, long min, long maxval);
/* Optional integer: returns def when absent. */
long conf_int_or(conf_t *c, const char *key, long def, long min, long max);
/* Dies naming the first key of the file that is not in known[] (NULL-ended):
 * call right after conf_load so a typo is reported as such, not as a missing key. */
void conf_known(conf_t *c, const char *const known[]);
/* Dies naming the first key that no getter asked for (a typo or stale key). */
void conf_finish(conf_t *c);
const char *conf_path(const conf_t *c);
/* The SHA-256 of the parameter file's bytes as conf_load read them, 64
 * lowercase hex digits (nettle, as idx.c's MNIST checksums): what `sha256sum`
 * prints and make keys its rebuilds on ($(B)/params-id). Provenance blocks print
 * its first 16 digits; a Fig. 5.1 shard records it whole, so the merge refuses
 * shards of another parameter file. */
const char *conf_sha256(const conf_t *c);

/* Table-driven reading: one spec list per program documents every key and
 * validates it. Each entry stores into the field at `offset` of the caller's
 * struct: long (CONF_INT), double (CONF_DOUBLE), int index into choices
 * (CONF_CHOICE), or a long array of up to `max` entries whose count goes to
 * the int at `count_offset` (CONF_LIST). Keys not in the list are rejected.
 * An entry marked `optional` takes `def` when the file lacks it (CONF_INT,
 * CONF_DOUBLE); a list marked `inf_ok` accepts the word "inf" and stores
 * `inf_value` for it. An entry with a `quote` name is a number the paper
 * quotes: conf_put_numbers writes it with its `unit`. */
typedef enum { CONF_INT, CONF_DOUBLE, CONF_CHOICE, CONF_LIST } conf_kind_t;
struct conf_spec {
    const char *key;
    conf_kind_t kind;
    size_t offset;
    double min, max;            /* value range (CONF_LIST: of each entry) */
    const char *const *choices; /* CONF_CHOICE: NULL-terminated */
    size_t count_offset;        /* CONF_LIST: where the count goes */
    int max_count;              /* CONF_LIST: capacity */
    const char *doc;            /* what the key means, with its unit */
    int optional;               /* absent key -> def */
    double def;
    int inf_ok;                 /* CONF_LIST: "inf" -> inf_value */
    long inf_value;
    const char *quote, *unit;   /* numbers key <prefix><quote> and its unit */
};
void conf_read_spec(conf_t *c, const conf_spec_t *spec, int n, void *out);
/* conf_load + conf_read_spec; the conf is returned for provenance blocks. */
conf_t *conf_read_file(const char *path, const conf_spec_t *spec, int n, void *out);
/* What `<program> keys` prints: one line per key, its kind and meaning. */
void conf_print_keys(const conf_spec_t *spec, int n);
void conf_free(conf_t *c);

#endif
