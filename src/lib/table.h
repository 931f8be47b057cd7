/*
 * table.h - TSV data tables with a provenance block, rows set by named columns
 */
#ifndef TABLE_H
#define TABLE_H

#include <stdint.h>
#include <stdio.h>

#include "conf.h"

/* One "# column: name [unit] description" line per column, then the header row. */
typedef struct { const char *name, *unit, *desc; } column_t;
void table_write_columns(FILE *f, const column_t *cols, int n);

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

#endif
