/* Tests of the table writer and numbers file in util.c: files read back as a
 * reader (the paper, gnuplot) sees them. */
#define _XOPEN_SOURCE 700
#include <criterion/criterion.h>
#include <ftw.h>
#include <stddef.h>
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

/* Each test (its own process) writes into a fresh directory, removed when the
 * process exits, also through die()'s exit: nothing is left in /tmp. */
static char dir[] = "/tmp/test_util.XXXXXX";
static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}
static void rm_tmp(void) { nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS); }
static void mkdir_tmp(void) {
    cr_assert_not_null(mkdtemp(dir));
    atexit(rm_tmp);
}

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

/* ---- the table-driven parameter reader ---------------------------------- */

typedef struct {
    long seed, every, taus[4];
    double rate;
    int ntaus, mode;
} keys_t;
static const char *const MODES[] = {"fast", "slow", NULL};
#define F(f) offsetof(keys_t, f)
static const conf_spec_t SPEC[] = {
    {"seed", CONF_INT, F(seed), 0, 9.3e18, .doc = "an upper bound beyond LONG_MAX is clamped, not overflowed",
     .quote = "seed", .unit = "1"},
    {"every", CONF_INT, F(every), 1, 100, .doc = "optional", .optional = 1, .def = 7, .quote = "every", .unit = "steps"},
    {"taus", CONF_LIST, F(taus), 1, 50, .count_offset = F(ntaus), .max_count = 4, .doc = "with inf",
     .inf_ok = 1, .inf_value = -1, .quote = "tau", .unit = "sweeps"},
    {"rate", CONF_DOUBLE, F(rate), 0, 1, .doc = "a real", .quote = "rate", .unit = "1"},
    {"mode", CONF_CHOICE, F(mode), .choices = MODES, .doc = "a choice"},
};
#undef F
#define NSPEC ((int)(sizeof SPEC / sizeof SPEC[0]))

static const char *write_conf(const char *name, const char *text) {
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

Test(conf, every_kind_of_key_is_read_and_an_absent_optional_key_takes_its_default, .init = mkdir_tmp) {
    keys_t k;
    conf_t *c = conf_read_file(write_conf("a.conf", "seed = 9223372036854775807\ntaus = 3, inf ,50\nrate = 0.25\n"
                                                    "mode = slow\n"),
                               SPEC, NSPEC, &k);
    cr_expect_eq(k.seed, 9223372036854775807L);
    cr_expect_eq(k.every, 7);
    cr_expect_eq(k.ntaus, 3);
    cr_expect(k.taus[0] == 3 && k.taus[1] == -1 && k.taus[2] == 50);
    cr_expect_eq(k.rate, 0.25);
    cr_expect_eq(k.mode, 1);
    conf_free(c);
    c = conf_read_file(write_conf("b.conf", "seed = 0\nevery = 100\ntaus = 1\nrate = 1\nmode = fast\n"), SPEC, NSPEC, &k);
    cr_expect_eq(k.every, 100, "a present optional key is read, not defaulted");
    conf_free(c);
}

Test(conf, a_value_outside_its_range_stops_the_program, .exit_code = 1, .init = mkdir_tmp) {
    keys_t k;
    conf_read_file(write_conf("c.conf", "seed = 1\nevery = 101\ntaus = 1\nrate = 0.5\nmode = fast\n"), SPEC, NSPEC, &k);
}

Test(conf, inf_is_refused_where_the_list_does_not_allow_it, .exit_code = 1, .init = mkdir_tmp) {
    static const conf_spec_t plain[] = {{"taus", CONF_LIST, offsetof(keys_t, taus), 1, 50,
                                         .count_offset = offsetof(keys_t, ntaus), .max_count = 4, .doc = "no inf"}};
    keys_t k;
    conf_read_file(write_conf("d.conf", "taus = 1, inf\n"), plain, 1, &k);
}

Test(conf, an_unknown_key_stops_the_program, .exit_code = 1, .init = mkdir_tmp) {
    keys_t k;
    conf_read_file(write_conf("e.conf", "seed = 1\ntaus = 1\nrate = 0.5\nmode = fast\nsede = 2\n"), SPEC, NSPEC, &k);
}

Test(conf, quoted_keys_are_written_to_the_numbers_file_with_their_units, .init = mkdir_tmp) {
    keys_t k;
    conf_t *c = conf_read_file(write_conf("f.conf", "seed = 5\ntaus = 2, inf\nrate = 0.125\nmode = fast\n"), SPEC, NSPEC, &k);
    char path[256];
    snprintf(path, sizeof path, "%s/q.tsv", dir);
    numbers_t *nb = numbers_open(path, "quoted", c, 5);
    numbers_put_params(nb, "x_", SPEC, NSPEC, &k);
    numbers_close(nb);
    const char *s = slurp(path);
    const char *want[] = {"\nx_seed\t5\t1\n", "\nx_every\t7\tsteps\n", "\nx_tau_0\t2\tsweeps\n", "\nx_tau_1\t-1\tsweeps\n",
                          "\nx_rate\t0.125\t1\n"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) cr_expect_not_null(strstr(s, want[i]), "%s missing in\n%s", want[i], s);
    cr_expect_null(strstr(s, "x_mode"), "a key without a quote name is not written");
    conf_free(c);
}

/* ---- table_cols and the allocation pool --------------------------------- */

Test(util, table_cols_declares_columns_at_their_enum_indices, .init = mkdir_tmp) {
    enum { C_A, C_B, C_N };
    static const column_t cols[C_N] = {[C_A] = {"a", "1", "first"}, [C_B] = {"b", "nats", "second"}};
    char path[256];
    snprintf(path, sizeof path, "%s/c.tsv", dir);
    table_t *t = table_open(path, "cols", NULL, 1, "%g");
    table_cols(t, cols, C_N);
    table_set(t, C_B, 2);
    table_set(t, C_A, 1);
    table_row(t);
    table_close(t);
    cr_expect_not_null(strstr(slurp(path), "a\tb\n1\t2\n"));
}

Test(util, table_cols_on_a_table_with_columns_stops_the_program, .exit_code = 1, .init = mkdir_tmp) {
    static const column_t cols[1] = {{"a", "1", "first"}};
    char path[256];
    snprintf(path, sizeof path, "%s/d.tsv", dir);
    table_t *t = table_open(path, "cols", NULL, 1, "%g");
    table_col(t, "1", "x", "x");
    table_cols(t, cols, 1);
}

Test(util, a_pool_hands_out_distinct_writable_blocks_and_frees_them_all) {
    pool_t p = {0};
    unsigned char *b[40];
    for (int i = 0; i < 40; i++) memset(b[i] = pool_alloc(&p, (size_t)i + 1), i, (size_t)i + 1);
    for (int i = 0; i < 40; i++) cr_expect_eq(b[i][i], (unsigned char)i, "block %d overwritten", i);
    cr_expect_eq(p.n, 40);
    pool_free(&p);
    cr_expect(p.n == 0 && p.block == NULL);
}

/* ---- subcommands ---------------------------------------------------------- */

static int cmd_two(int argc, char **argv) { return argc * 10 + (int)strlen(argv[2]); }
static const command_t CMDS[] = {{"two", "A B", 2, 2, cmd_two}, {"many", "A...", 1, -1, cmd_two}};

Test(util, command_run_calls_the_named_command_with_main_arguments) {
    char *ok[] = {"prog", "two", "abc", "d", NULL};
    cr_expect_eq(command_run(CMDS, 2, NULL, 0, 4, ok), 43);
    char *many[] = {"prog", "many", "x", "y", "z", "w", NULL};
    cr_expect_eq(command_run(CMDS, 2, NULL, 0, 6, many), 61);
}

Test(util, command_run_refuses_a_wrong_argument_count, .exit_code = 1) {
    char *bad[] = {"prog", "two", "abc", NULL};
    command_run(CMDS, 2, NULL, 0, 3, bad);
}

Test(util, command_run_refuses_an_unknown_command, .exit_code = 1) {
    char *bad[] = {"prog", "three", NULL};
    command_run(CMDS, 2, NULL, 0, 2, bad);
}
