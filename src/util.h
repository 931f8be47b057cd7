/*
 * util.h - the small pieces every experiment program shares:
 *   errors that name the file/key/step and never leave half-written outputs,
 *   key = value parameter files that reject unknown keys,
 *   TSV data files with a '#' provenance block, and numbers files
 *   (key<TAB>value<TAB>unit) that the paper quotes.
 * Outputs are written to "<path>.tmp.<pid>" and renamed on out_close(), so an
 * interrupted run never leaves a file that make would take as finished, and
 * two runs writing the same output never share a temporary file.
 */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

extern const char *prog_name;

/* Print "prog: error: ..." to stderr, delete every unfinished output, exit 1. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Set only by the fuzz targets (tests/fuzz/): die() passes the message to the
 * hook instead of exiting; the hook must not return (it longjmps back). */
extern void (*die_hook)(const char *msg);
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* An allocation pool: every block pool_alloc hands out (checked, like xmalloc)
 * is released by one pool_free, so a work space of many buffers has no list of
 * frees to keep in step with its list of allocations. */
typedef struct {
    void **block;
    int n, cap;
} pool_t;
void *pool_alloc(pool_t *p, size_t bytes);
void pool_free(pool_t *p);
double now_seconds(void);
/* A command-line integer argument: dies naming `what` unless s is a whole integer. */
long parse_long_arg(const char *s, const char *what);

/* ---- subcommands ------------------------------------------------------- */
/* A program of subcommands, "prog NAME ARGS...": one table names each command,
 * the arguments it takes (printed in the usage line) and how many (args_max
 * < 0: no upper bound). command_run checks the count before calling run with
 * main's argc and argv; an unknown name or a wrong count dies with the usage.
 * Given the program's parameter keys (else NULL, 0), "prog keys" prints them. */
typedef struct conf_spec conf_spec_t;
typedef struct {
    const char *name, *args;
    int args_min, args_max;
    int (*run)(int argc, char **argv);
} command_t;
int command_run(const command_t *cmds, int n, const conf_spec_t *keys, int nkeys, int argc, char **argv);

/* ---- parameter files ------------------------------------------------- */
typedef struct conf conf_t;
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

/* ---- outputs ----------------------------------------------------------- */
typedef struct out out_t;
/* Opens "<path>.tmp.<pid>"; registered so die() removes it. */
out_t *out_open(const char *path);
FILE *out_file(out_t *o);
/* Flushes, checks for write errors, renames the temporary file to path. */
void out_close(out_t *o);

/* Provenance block: title, git describe, scale, params file + hash
 * (conf_sha256), seed, tool versions (git, scale and tools taken from the
 * environment the Makefile exports). */
void prov_write(FILE *f, const char *title, const conf_t *params, uint64_t seed);
/* The OpenBLAS kernel this process runs, e.g. "Haswell OPENBLAS_CORETYPE=Haswell". */
const char *blas_kernel(void);
/* One "# column: name [unit] description" line per column, then the header row. */
typedef struct { const char *name, *unit, *desc; } column_t;
void columns_write(FILE *f, const column_t *cols, int n);

/* A data table: provenance block, one "# column" line per declared column, a
 * header row, then rows of numbers. The table owns its column list, so a row
 * is written by naming columns (the index table_col returned), never by
 * counting: table_row dies if a column of the row was not set.
 *   table_t *t = table_open(path, title, params, seed, "%.9g");
 *   int step = table_col(t, "1", "SGD step", "step");
 *   int acc  = table_col(t, "1", "test accuracy", "acc_b%ld", bs);
 *   table_set(t, step, 10); table_set(t, acc, 0.91); table_row(t);
 *   table_close(t);
 * Comment lines ("# ...") may be added with table_note before the first row. */
typedef struct table table_t;
table_t *table_open(const char *path, const char *title, const conf_t *params, uint64_t seed, const char *value_fmt);
void table_note(table_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int table_col(table_t *t, const char *unit, const char *desc, const char *name_fmt, ...)
    __attribute__((format(printf, 4, 5)));
void table_set(table_t *t, int col, double value);
void table_row(table_t *t);
/* Declares cols[0..n) in order on a table with no columns yet, so the column
 * indices are the caller's enum values: table_set(t, G_RATE, r). */
void table_cols(table_t *t, const column_t *cols, int n);
/* Number of columns declared so far. */
int table_ncols(const table_t *t);
void table_close(table_t *t);

/* Numbers file: key<TAB>value<TAB>unit rows with a provenance block. */
typedef struct numbers numbers_t;
numbers_t *numbers_open(const char *path, const char *title, const conf_t *params, uint64_t seed);
void numbers_put(numbers_t *nb, const char *key, double value, const char *unit);
/* The same with a formatted key: numbers_putf(nb, v, "1", "fig51_gmax_b%ld", bs). */
void numbers_putf(numbers_t *nb, double value, const char *unit, const char *key_fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Every spec entry with a quote name, read from in (the struct conf_read_spec
 * filled): key <prefix><quote>, a list's entries as <prefix><quote>_<i>. */
void conf_put_numbers(numbers_t *nb, const char *prefix, const conf_spec_t *spec, int n, const void *in);
void numbers_close(numbers_t *nb);

/* ---- progress ---------------------------------------------------------- */
/* Progress on stderr: a live line on a terminal, one summary line otherwise. */
typedef struct {
    const char *what;
    long total, done;
    double t0, last;
    int tty;
} progress_t;
void progress_start(progress_t *p, const char *what, long total);
void progress_step(progress_t *p, long inc, const char *detail);
void progress_end(progress_t *p, const char *summary);

/* Check a value is finite; otherwise die naming where it appeared. */
#define CHECK_FINITE(x, ...)                                                    \
    do {                                                                        \
        if (!isfinite(x)) die(__VA_ARGS__);                                     \
    } while (0)

#endif
