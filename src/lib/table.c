/* table.c - data tables; see table.h. */
#define _POSIX_C_SOURCE 200809L
#include "table.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "out.h"
#include "prov.h"

void table_write_columns(FILE *f, const column_t *cols, int n) {
    for (int i = 0; i < n; i++)
        fprintf(f, "# column %d: %s [%s] %s\n", i + 1, cols[i].name, cols[i].unit, cols[i].desc);
    for (int i = 0; i < n; i++) fprintf(f, "%s%s", cols[i].name, i + 1 < n ? "\t" : "\n");
}


/* ---------------------------------------------------------------------- */
/* tables                                                                  */

struct table {
    out_t *o;
    const char *fmt;
    column_t *cols;
    double *row;
    unsigned char *set;
    int n, cap, header_done;
    long rows;
};

table_t *table_open(const char *path, const char *title, const conf_t *params, uint64_t seed, const char *value_fmt) {
    table_t *t = xcalloc(1, sizeof *t);
    t->o = out_open(path);
    t->fmt = value_fmt;
    prov_write(out_file(t->o), title, params, seed);
    return t;
}

void table_note(table_t *t, const char *fmt, ...) {
    if (t->header_done) die("%s: table_note after the first row", out_path(t->o));
    va_list ap;
    va_start(ap, fmt);
    fputs("# ", out_file(t->o));
    vfprintf(out_file(t->o), fmt, ap);
    fputc('\n', out_file(t->o));
    va_end(ap);
}

int table_col(table_t *t, const char *unit, const char *desc, const char *name_fmt, ...) {
    if (t->header_done) die("%s: column declared after the first row", out_path(t->o));
    char name[128];
    va_list ap;
    va_start(ap, name_fmt);
    int len = vsnprintf(name, sizeof name, name_fmt, ap);
    va_end(ap);
    if (len < 0 || (size_t)len >= sizeof name) die("%s: column name '%s...' too long", out_path(t->o), name);
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->cols[i].name, name) == 0) die("%s: column '%s' declared twice", out_path(t->o), name);
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 16;
        t->cols = xrealloc(t->cols, (size_t)t->cap * sizeof *t->cols);
    }
    t->cols[t->n] = (column_t){xstrdup(name), unit, desc};
    return t->n++;
}

void table_cols(table_t *t, const column_t *cols, int n) {
    if (t->n) die("%s: table_cols on a table that already has %d columns", out_path(t->o), t->n);
    for (int i = 0; i < n; i++) table_col(t, cols[i].unit, cols[i].desc, "%s", cols[i].name);
}

int table_ncols(const table_t *t) { return t->n; }

void table_set(table_t *t, int col, double value) {
    if (!t->header_done) {
        if (t->n == 0) die("%s: a row before any column", out_path(t->o));
        table_write_columns(out_file(t->o), t->cols, t->n);
        t->row = xcalloc((size_t)t->n, sizeof *t->row);
        t->set = xcalloc((size_t)t->n, 1);
        t->header_done = 1;
    }
    if (col < 0 || col >= t->n) die("%s: no column %d (the table has %d)", out_path(t->o), col, t->n);
    t->row[col] = value;
    t->set[col] = 1;
}

void table_row(table_t *t) {
    if (!t->header_done) die("%s: an empty row", out_path(t->o));
    for (int i = 0; i < t->n; i++)
        if (!t->set[i]) die("%s: row %ld: column '%s' was not set", out_path(t->o), t->rows + 1, t->cols[i].name);
    for (int i = 0; i < t->n; i++) {
        if (i) fputc('\t', out_file(t->o));
        fprintf(out_file(t->o), t->fmt, t->row[i]);
        t->set[i] = 0;
    }
    fputc('\n', out_file(t->o));
    t->rows++;
}

void table_close(table_t *t) {
    if (!t->header_done) table_write_columns(out_file(t->o), t->cols, t->n); /* a table with no rows still has its header */
    else
        for (int i = 0; i < t->n; i++)
            if (t->set[i]) die("%s: a row was started but not written", out_path(t->o));
    out_close(t->o);
    for (int i = 0; i < t->n; i++) free((char *)t->cols[i].name);
    free(t->cols);
    free(t->row);
    free(t->set);
    free(t);
}
