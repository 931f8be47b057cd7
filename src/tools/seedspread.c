/*
 * seedspread - the seed-to-seed spread of a run's numbers.
 *
 *   seedspread OUT RULES MAIN REPLICA REPLICA...
 *
 * For every key of the numbers file MAIN whose tolerance rule (RULES, first
 * match) is seedsd, writes "<key>_seedsd": the sample standard deviation of
 * the key over MAIN and the REPLICA numbers files (the same run with other
 * seeds). A float32 trajectory that another BLAS kernel parts from ours is
 * compared on this scale (numcheck's seedsd rule). A replica that lacks a key
 * of MAIN stops the program naming both.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfile.h"
#include "util.h"

#define MAX_RUNS 64

int main(int argc, char **argv) {
    prog_name = "seedspread";
    if (argc < 6) die("usage: seedspread OUT RULES MAIN REPLICA REPLICA... (the main run and at least two replicas)");
    const char *outpath = argv[1];
    int nfiles = argc - 3;
    char **paths = argv + 3;
    if (nfiles > MAX_RUNS) die("more than %d runs", MAX_RUNS);
    numfile_tab_t rules = numfile_read_rules(argv[2]);
    numfile_tab_t *run = xmalloc((size_t)nfiles * sizeof *run);
    for (int j = 0; j < nfiles; j++) {
        run[j] = numfile_read(paths[j], 0);
        const char *k0 = run[0].kernel ? run[0].kernel : "unknown", *kj = run[j].kernel ? run[j].kernel : "unknown";
        if (strcmp(k0, kj) != 0)
            die("%s ran the BLAS kernel '%s', %s '%s': a spread mixes kernels only by mistake", paths[j], kj, paths[0],
                k0);
    }
    numbers_t *nb = numbers_open(outpath, "seed-to-seed spread: each key's standard deviation over the main run "
                                          "and its replicas (seedspread)", NULL, 0);
    int written = 0;
    for (int i = 0; i < run[0].n; i++) {
        const char *key = run[0].r[i].key;
        const numfile_row_t *rule = numfile_rule_for(&rules, key);
        if (!rule || rule->tol.kind != TOL_SEEDSD) continue;
        double v[MAX_RUNS], mean = 0, ss = 0;
        for (int j = 0; j < nfiles; j++) {
            const numfile_row_t *x = numfile_find(&run[j], key);
            if (!x) die("%s: key '%s' of %s is missing: a replica must compute every key", paths[j], key, paths[0]);
            mean += (v[j] = x->value) / nfiles;
        }
        for (int j = 0; j < nfiles; j++) ss += (v[j] - mean) * (v[j] - mean);
        numbers_putf(nb, sqrt(ss / (nfiles - 1)), run[0].r[i].unit, "%s_seedsd", key);
        written++;
    }
    numbers_close(nb);
    fprintf(stderr, "seedspread: %d keys over %d runs into %s\n", written, nfiles, outpath);
    return 0;
}

