/*
 * costmodel - the measured cost model of the Fig. 5.1 shards (cluster/cost.sh,
 * cluster/cost-model.tsv). Its input is `fig51 plan PARAMS`: one row per shard
 * with the model's features, counted by the program that runs the shard:
 *   shard batch index trial0 trials nparam f_shard f_param f_small f_eval f_dense buffer_bytes
 * A shard's time is  t = sum_j c_j f_j  (c_shard, c_param, c_small, c_eval,
 * c_dense: seconds per counted unit), its memory m_base + buffer_bytes.
 *
 *   costmodel fit SOURCE < ROWS        plan rows + measured seconds + peak kB:
 *                                      the model (relative-error fit, c_j >= 0)
 *   costmodel predict MODEL < PLAN     shard, predicted seconds, predicted MB
 *   costmodel resources MODEL TF MF < PLAN
 *                                      shard:1:<MB>M:<minutes>:<seconds> for srun:
 *                                      memory MF x predicted rounded up to 50 MB,
 *                                      time limit TF x predicted + 1 minute
 *   costmodel plan MODEL NODES CORES WHAT < PLAN+DONE
 *                                      plan rows + a done flag (0/1): core-hours
 *                                      and the expected wall time on NODES x CORES
 *                                      slots (longest-processing-time-first)
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "costfit.h"
#include "util.h"

enum { NF = 5, PLAN_COLS = 12 }; /* model features; columns of a plan row */
static const char *const coef_names[NF] = {"c_shard", "c_param", "c_small", "c_eval", "c_dense"};
static const char *const coef_units[NF] = {
    "s per shard (loading MNIST)", "s per parameter per SGD step", "s per mini-batch gradient flop",
    "s per test-accuracy flop (nominal 2P per image)", "s per full-gradient or window flop (nominal 6P per image)"};

typedef struct {
    char name[64];
    double f[NF], buffer, extra[2]; /* extra: measured seconds and kB, or the done flag */
} row_t;

/* Rows of stdin: PLAN_COLS plan columns then `extra` numbers; dies naming the line. */
static row_t *read_rows(int extra, int *n) {
    row_t *r = NULL;
    int cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    long lineno = 0;
    *n = 0;
    while (getline(&line, &lcap, stdin) != -1) {
        lineno++;
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0] || line[0] == '#' || strncmp(line, "shard\t", 6) == 0) continue;
        if (*n == cap) r = xrealloc(r, (size_t)(cap = cap ? 2 * cap : 64) * sizeof *r);
        row_t *x = &r[(*n)++];
        char *tok = strtok(line, "\t");
        double v[PLAN_COLS + 2];
        int k = 0;
        snprintf(x->name, sizeof x->name, "%s", tok ? tok : "");
        for (tok = strtok(NULL, "\t"); tok && k < PLAN_COLS - 1 + extra; tok = strtok(NULL, "\t")) {
            char *end;
            errno = 0;
            v[k++] = strtod(tok, &end);
            if (*end || errno || !isfinite(v[k - 1])) die("stdin:%ld: '%s' is not a finite number", lineno, tok);
        }
        if (k != PLAN_COLS - 1 + extra || tok)
            die("stdin:%ld: expected %d tab-separated fields (a fig51 plan row%s)", lineno, PLAN_COLS + extra,
                extra ? " and its extra columns" : "");
        for (int j = 0; j < NF; j++) x->f[j] = v[5 + j];
        x->buffer = v[10];
        for (int j = 0; j < extra; j++) x->extra[j] = v[11 + j];
    }
    free(line);
    return r;
}

typedef struct {
    double c[NF], m_base_mb;
} model_t;

static model_t read_model(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) die("%s: cannot open the cost model: %s", path, strerror(errno));
    model_t m;
    int seen = 0;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) != -1) {
        char key[64];
        double v;
        if (line[0] == '#' || sscanf(line, "%63s %lf", key, &v) != 2) continue;
        for (int j = 0; j < NF; j++)
            if (!strcmp(key, coef_names[j])) m.c[j] = v, seen |= 1 << j;
        if (!strcmp(key, "m_base_mb")) m.m_base_mb = v, seen |= 1 << NF;
    }
    free(line);
    fclose(f);
    if (seen != (1 << (NF + 1)) - 1) die("%s: not a cost model (needs c_shard ... c_dense and m_base_mb)", path);
    return m;
}

static double predict_s(const model_t *m, const row_t *r) {
    double t = 0;
    for (int j = 0; j < NF; j++) t += m->c[j] * r->f[j];
    return t;
}
static double predict_mb(const model_t *m, const row_t *r) { return m->m_base_mb + r->buffer / 1048576; }

static int cmd_fit(int argc, char **argv) {
    (void)argc;
    int n;
    row_t *r = read_rows(2, &n);
    if (n < NF) die("need at least %d measured shards to fit %d coefficients, got %d", NF, NF, n);
    double *X = xmalloc((size_t)n * NF * sizeof *X), *t = xmalloc((size_t)n * sizeof *t), c[NF];
    double m_base = -INFINITY, err = 0, emin = INFINITY, emax = -INFINITY;
    for (int i = 0; i < n; i++) {
        if (!(r[i].extra[0] > 0)) die("measurement %d (%s) has no time", i + 1, r[i].name);
        memcpy(X + (size_t)i * NF, r[i].f, sizeof r[i].f);
        t[i] = r[i].extra[0];
        m_base = fmax(m_base, r[i].extra[1] / 1024 - r[i].buffer / 1048576);
    }
    if (costfit_nnls_rel(n, NF, X, t, c) != 0) die("the shards do not determine the model (a singular fit)");
    for (int i = 0; i < n; i++) {
        double p = 0;
        for (int j = 0; j < NF; j++) p += c[j] * X[(size_t)i * NF + j];
        double e = (p - t[i]) / t[i];
        err += e * e, emin = fmin(emin, e), emax = fmax(emax, e);
    }
    printf("# Fig. 5.1 shard cost model (src/tools/costmodel.c), fitted to %d measured shards (%s)\n", n, argv[2]);
    printf("# relative error of the fit: rms %.2f, range %+.2f..%+.2f\n", sqrt(err / n), emin, emax);
    for (int j = 0; j < NF; j++) printf("%s\t%.6g\t%s\n", coef_names[j], c[j], coef_units[j]);
    printf("m_base_mb\t%.1f\tMB resident besides the shard buffers (MNIST arrays)\n", m_base);
    free(X), free(t), free(r);
    return 0;
}

static int cmd_predict(int argc, char **argv) {
    (void)argc;
    model_t m = read_model(argv[2]);
    int n;
    row_t *r = read_rows(0, &n);
    for (int i = 0; i < n; i++) printf("%s\t%.2f\t%.0f\n", r[i].name, predict_s(&m, &r[i]), predict_mb(&m, &r[i]));
    free(r);
    return 0;
}

static double positive_arg(const char *s, const char *what) {
    char *end;
    double x = strtod(s, &end);
    if (*end || !(x > 0) || !isfinite(x)) die("argument %s: '%s' is not a positive number", what, s);
    return x;
}

static int cmd_resources(int argc, char **argv) {
    (void)argc;
    model_t m = read_model(argv[2]);
    double tf = positive_arg(argv[3], "TIME_FACTOR"), mf = positive_arg(argv[4], "MEM_FACTOR");
    int n;
    row_t *r = read_rows(0, &n);
    for (int i = 0; i < n; i++) {
        double t = predict_s(&m, &r[i]);
        long mem = 50 * (long)ceil(mf * predict_mb(&m, &r[i]) / 50), minutes = (long)ceil(tf * t / 60) + 1;
        printf("%s:1:%ldM:%ld:%.1f\n", r[i].name, mem, minutes, t);
    }
    free(r);
    return 0;
}

static int cmd_plan(int argc, char **argv) {
    (void)argc;
    model_t m = read_model(argv[2]);
    long nodes = parse_long_arg(argv[3], "NODES"), cores = parse_long_arg(argv[4], "CORES");
    if (nodes < 1 || cores < 1) die("NODES and CORES must be >= 1");
    int n, k = 0;
    row_t *r = read_rows(1, &n);
    double *todo = xmalloc((size_t)(n ? n : 1) * sizeof *todo), all = 0, left = 0;
    for (int i = 0; i < n; i++) {
        double t = predict_s(&m, &r[i]);
        all += t;
        if (r[i].extra[0] == 0) todo[k++] = t, left += t;
    }
    double slots = (double)nodes * cores, wall = k ? costfit_lpt(k, todo, (int)fmin(slots, 1e6)) : 0;
    printf("cost model: %d jobs (%s), %d still to run, 1 core each\n", n, argv[5], k);
    printf("cost model: %.3f core-hours in all, %.3f core-hours still to run\n", all / 3600, left / 3600);
    printf("cost model: expected wall time on %ld node(s) x %ld cores: %.1f min = %.0f s (longest job %.0f s, "
           "perfect split %.0f s)\n", nodes, cores, wall / 60, wall, k ? todo[0] : 0, left / slots);
    free(todo), free(r);
    return 0;
}

int main(int argc, char **argv) {
    prog_name = "costmodel";
    static const command_t cmds[] = {{"fit", "SOURCE < ROWS", 1, 1, cmd_fit},
                                     {"predict", "MODEL < PLAN", 1, 1, cmd_predict},
                                     {"resources", "MODEL TIME_FACTOR MEM_FACTOR < PLAN", 3, 3, cmd_resources},
                                     {"plan", "MODEL NODES CORES WHAT < PLAN+DONE", 4, 4, cmd_plan}};
    return command_run(cmds, (int)(sizeof cmds / sizeof cmds[0]), NULL, 0, argc, argv);
}
