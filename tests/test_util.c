/* Tests of the table writer and numbers file in util.c: files read back as a
 * reader (the paper, gnuplot) sees them. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static char *slurp(const char *path) {
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s was not written", path);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static char dir[] = "/tmp/test_util.XXXXXX";
static void mkdir_tmp(void) { cr_assert_not_null(mkdtemp(dir)); }

Test(util, table_writes_declared_columns_by_name_in_any_order, .init = mkdir_tmp) {
    char path[256];
    snprintf(path, sizeof path, "%s/t.tsv", dir);
    table_t *t = table_open(path, "a test table", NULL, 7, "%.9g");
    table_note(t, "note: %d", 42);
    int step = table_col(t, "1", "step", "step");
    int a = table_col(t, "nats", "value at b", "v_b%d", 10);
    cr_assert_eq(table_ncols(t), 2);
    table_set(t, a, 0.5);
    table_set(t, step, 3);
    table_row(t);
    table_close(t);
    char *s = slurp(path);
    cr_assert_not_null(strstr(s, "# note: 42\n"), "%s", s);
    cr_assert_not_null(strstr(s, "# column 2: v_b10 [nats] value at b\n"), "%s", s);
    cr_assert_not_null(strstr(s, "step\tv_b10\n3\t0.5\n"), "%s", s);
    cr_assert_eq(access(path, F_OK), 0);
}

/* A row that misses a column stops the program (die() also removes the .tmp). */
Test(util, table_row_with_an_unset_column_stops_the_program, .exit_code = 1, .init = mkdir_tmp) {
    char path[256];
    snprintf(path, sizeof path, "%s/bad.tsv", dir);
    table_t *t = table_open(path, "bad", NULL, 1, "%.9g");
    table_col(t, "1", "x", "x");
    int y = table_col(t, "1", "y", "y");
    table_set(t, y, 1);
    table_row(t);
}

Test(util, numbers_putf_formats_the_key, .init = mkdir_tmp) {
    char path[256];
    snprintf(path, sizeof path, "%s/n.tsv", dir);
    numbers_t *nb = numbers_open(path, "numbers", NULL, 1);
    numbers_putf(nb, 0.25, "1", "fig_b%ld_t%d", 100L, 3);
    numbers_close(nb);
    cr_assert_not_null(strstr(slurp(path), "\nfig_b100_t3\t0.25\t1\n"));
}
