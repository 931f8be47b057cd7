/*
 * fig51 - the MNIST ensemble of the original's Fig. 5.1 (Sec. 5.1, Eqs 18-20, 24).
 *
 *   fig51 run PARAMS MNIST_DIR BATCH SHARD OUT.tsv
 *       trains the shard's trials at one batch size and writes their raw
 *       records (long format, one record per line, see `rec` below);
 *   fig51 merge PARAMS OUTDIR NUMBERS.tsv SHARD.tsv...
 *       checks every (batch, trial) appears once and writes the figure's
 *       tables and the numbers the paper quotes.
 *
 * Trial k at batch size b uses its own Philox stream (seed, b, k): results do
 * not depend on how trials are split into shards or scheduled. The noise code
 * draws nothing, so measuring eta never changes a trajectory.
 */
#define _POSIX_C_SOURCE 200809L
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "idx.h"
#include "mlp.h"
#include "rng.h"
#include "util.h"

#define MAX_BS 8
#define MAX_LAGS 64
/* stream tags: the init stream and the index-choice stream never collide with trials */
#define STREAM_INIT (1ull << 62)
#define STREAM_PICK (1ull << 61)

typedef struct {
    uint64_t seed;
    long batch[MAX_BS];
    int nbatch;
    float rate;
    int width, depth;
    long trials, trials_per_shard, steps, train_subset, test_subset;
    int init_shared, sampling_epoch;
    long param_trials, eval_every, noise_trials, noise_every, acf_step, acf_lags, chunk;
} params_t;

static params_t read_params(const char *path, conf_t **keep) {
    conf_t *c = conf_load(path);
    static const char *const known[] = {"seed", "batch_sizes", "learning_rate", "width", "depth", "trials",
        "trials_per_shard", "steps", "train_subset", "test_subset", "init", "sampling", "param_trials",
        "eval_every", "noise_trials", "noise_every", "acf_step", "acf_lags", "grad_chunk", NULL};
    conf_known(c, known);
    params_t p;
    p.seed = (uint64_t)conf_int(c, "seed", 0, 0x7fffffffffffffffL);
    p.nbatch = conf_int_list(c, "batch_sizes", p.batch, MAX_BS, 1, 60000);
    p.rate = (float)conf_double(c, "learning_rate", 1e-12, 1e6);
    p.width = (int)conf_int(c, "width", 1, 4096);
    p.depth = (int)conf_int(c, "depth", 1, MLP_MAX_LAYERS);
    p.trials = conf_int(c, "trials", 1, 100000);
    p.trials_per_shard = conf_int(c, "trials_per_shard", 1, 100000);
    p.steps = conf_int(c, "steps", 1, 100000000);
    p.train_subset = conf_int(c, "train_subset", 2, 60000);
    p.test_subset = conf_int(c, "test_subset", 1, 10000);
    static const char *const inits[] = {"shared", "independent"}, *const samp[] = {"iid", "epoch"};
    p.init_shared = conf_choice(c, "init", inits, 2) == 0;
    p.sampling_epoch = conf_choice(c, "sampling", samp, 2) == 1;
    p.param_trials = conf_int(c, "param_trials", 0, 1000);
    p.eval_every = conf_int(c, "eval_every", 1, 100000000);
    p.noise_trials = conf_int(c, "noise_trials", 0, 1000);
    p.noise_every = conf_int(c, "noise_every", 1, 100000000);
    p.acf_step = conf_int(c, "acf_step", 0, 100000000);
    p.acf_lags = conf_int(c, "acf_lags", 1, MAX_LAGS - 1);
    p.chunk = conf_int(c, "grad_chunk", 1, 60000);
    conf_finish(c);
    for (int i = 0; i < p.nbatch; i++)
        if (p.batch[i] > p.train_subset)
            die("%s: key 'batch_sizes': |b| = %ld exceeds the training set K = %ld", path, p.batch[i],
                p.train_subset);
    if (p.acf_step + p.acf_lags > p.steps)
        die("%s: key 'acf_step': %ld + %ld lags runs past 'steps' = %ld", path, p.acf_step, p.acf_lags, p.steps);
    *keep = c;
    return p;
}

static void model_shape(const params_t *p, mlp_t *m, int inputs) {
    int sizes[MLP_MAX_LAYERS + 1];
    sizes[0] = inputs;
    for (int l = 1; l < p->depth; l++) sizes[l] = p->width;
    sizes[p->depth] = 10;
    mlp_init(m, sizes, p->depth);
}

/* ---------------------------------------------------------------------- */
/* run: one shard of trials at one batch size                             */

/* Draws |b| distinct indices of [0, K): iid across steps, or slices of a
 * per-epoch permutation. */
typedef struct {
    rng_t r;
    long K, pos;
    uint32_t *perm;
    int epoch;
} sampler_t;

static void draw_batch(sampler_t *s, int b, uint32_t *idx) {
    if (s->epoch) {
        if (s->pos + b > s->K) { /* reshuffle (Fisher-Yates) at each epoch start */
            for (long i = s->K - 1; i > 0; i--) {
                uint32_t j = rng_below(&s->r, (uint32_t)(i + 1)), t = s->perm[i];
                s->perm[i] = s->perm[j];
                s->perm[j] = t;
            }
            s->pos = 0;
        }
        memcpy(idx, s->perm + s->pos, (size_t)b * sizeof *idx);
        s->pos += b;
        return;
    }
    rng_distinct(&s->r, (uint32_t)s->K, b, idx);
}

static double wall_clock(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double dot(const float *a, const float *b, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (double)a[i] * b[i];
    return s;
}

static int cmd_run(int argc, char **argv) {
    if (argc != 7) die("usage: fig51 run PARAMS MNIST_DIR BATCH SHARD OUT.tsv");
    conf_t *conf;
    params_t p = read_params(argv[2], &conf);
    char *end;
    long bs = strtol(argv[4], &end, 10), shard = strtol(argv[5], NULL, 10);
    int known = 0;
    for (int i = 0; i < p.nbatch; i++) known |= p.batch[i] == bs;
    if (*end || !known) die("%s: batch size '%s' is not in key 'batch_sizes'", argv[2], argv[4]);
    long t0 = shard * p.trials_per_shard, t1 = t0 + p.trials_per_shard;
    if (t1 > p.trials) t1 = p.trials;
    if (shard < 0 || t0 >= p.trials) die("shard %ld is outside the %ld trials", shard, p.trials);
    double start = wall_clock();

    mnist_t tr = mnist_load(argv[3], "train"), te = mnist_load(argv[3], "t10k");
    long K = p.train_subset, T = p.test_subset;
    mlp_t m;
    model_shape(&p, &m, tr.rows * tr.cols);
    size_t P = m.nparam;
    mlp_work_t *w = mlp_work_alloc(&m, (int)(p.chunk > bs ? p.chunk : bs));
    float *theta0 = xmalloc(P * sizeof(float)), *theta = xmalloc(P * sizeof(float));
    float *G = xmalloc(P * sizeof(float)), *eta = xmalloc(P * sizeof(float));
    float *eta_acf = xmalloc(P * sizeof(float)), *xb = xmalloc((size_t)bs * m.size[0] * sizeof(float));
    uint8_t *yb = xmalloc((size_t)bs);
    uint32_t *idx = xmalloc((size_t)bs * sizeof *idx);
    sampler_t smp = {.K = K, .epoch = p.sampling_epoch, .pos = K};
    if (smp.epoch) {
        smp.perm = xmalloc((size_t)K * sizeof *smp.perm);
        for (long i = 0; i < K; i++) smp.perm[i] = (uint32_t)i;
    }
    rng_t pick;
    rng_init(&pick, p.seed, STREAM_PICK);
    size_t last = m.woff[m.nlayer - 1];
    size_t pidx = last + rng_below(&pick, (uint32_t)(P - last)); /* one last-layer parameter */
    if (p.init_shared) {
        rng_t r;
        rng_init(&r, p.seed, STREAM_INIT);
        mlp_init_uniform(&m, theta0, &r);
    }

    out_t *o = out_open(argv[6]);
    FILE *f = out_file(o);
    prov_write(f, "Fig. 5.1 raw records of one shard", conf, p.seed);
    fprintf(f, "# batch: %ld  trials: %ld..%ld  dim_theta: %zu  K: %ld  test: %ld  param_index: %zu\n", bs,
            t0, t1 - 1, P, K, T, pidx);
    fprintf(f, "# records: acc trial step accuracy | param trial step value |\n"
               "#   noise trial step var_measured var_expected max_abs_gradU mean_sq_gradU loss_full |\n"
               "#   acf trial lag dot norm2_at_acf_step | time start end maxrss_kb\n");
    fprintf(f, "rec\ttrial\tx\ty\tz\tu\tv\n");

    double expect_factor = (double)(K - bs) / ((double)bs * (double)(K - 1));
    progress_t prog;
    char what[64];
    snprintf(what, sizeof what, "|b|=%ld trials %ld-%ld steps", bs, t0, t1 - 1);
    progress_start(&prog, what, (t1 - t0) * p.steps);
    for (long k = t0; k < t1; k++) {
        rng_init(&smp.r, p.seed, ((uint64_t)bs << 32) | (uint64_t)k);
        smp.pos = K;
        if (p.init_shared) memcpy(theta, theta0, P * sizeof(float));
        else {
            rng_t r;
            rng_init(&r, p.seed, STREAM_INIT | (uint64_t)k);
            mlp_init_uniform(&m, theta, &r);
        }
        int noisy = k < p.noise_trials;
        for (long t = 0; t <= p.steps; t++) {
            if (t % p.eval_every == 0 || t == p.steps) {
                for (size_t i = 0; i < P; i++)
                    CHECK_FINITE(theta[i], "parameter %zu is not finite at step %ld, trial %ld, batch size %ld",
                                 i, t, k, bs);
                long ok = mlp_count_correct(&m, theta, te.x, te.label, T, w);
                fprintf(f, "acc\t%ld\t%ld\t%.9g\n", k, t, (double)ok / T);
            }
            if (k < p.param_trials) fprintf(f, "param\t%ld\t%ld\t%.9g\n", k, t, theta[pidx]);
            if (t == p.steps) break;
            draw_batch(&smp, (int)bs, idx);
            for (int i = 0; i < bs; i++) {
                memcpy(xb + (size_t)i * m.size[0], tr.x + (size_t)idx[i] * m.size[0], m.size[0] * sizeof(float));
                yb[i] = tr.label[idx[i]];
            }
            int lag = (int)(t - p.acf_step);
            int at_acf = lag >= 0 && lag <= p.acf_lags;
            if (noisy && (t % p.noise_every == 0 || at_acf)) {
                /* eta = -grad phi(b_t) + grad U_B(theta_t): Eq 19's noise, both at theta_t */
                double pe, lossB = mlp_full_grad(&m, theta, tr.x, tr.label, K, w, G, &pe);
                double gg = dot(G, G, P), gmax = 0;
                for (size_t i = 0; i < P; i++) gmax = fmax(gmax, fabs(G[i]));
                memcpy(eta, G, P * sizeof(float));
                mlp_forward(&m, theta, xb, yb, (int)bs, w, NULL);
                mlp_backward(&m, theta, xb, yb, (int)bs, w, eta, -1.0f / (float)bs, NULL);
                double ee = dot(eta, eta, P);
                double expected = expect_factor * (pe / K - gg);
                if (t % p.noise_every == 0)
                    fprintf(f, "noise\t%ld\t%ld\t%.9g\t%.9g\t%.9g\t%.9g\t%.9g\n", k, t, ee / P, expected / P, gmax,
                            gg / P, lossB);
                if (at_acf) {
                    if (lag == 0) memcpy(eta_acf, eta, P * sizeof(float));
                    fprintf(f, "acf\t%ld\t%d\t%.9g\t%.9g\n", k, lag, dot(eta_acf, eta, P), dot(eta_acf, eta_acf, P));
                }
            }
            double loss = mlp_sgd_step(&m, theta, xb, yb, (int)bs, p.rate, w);
            CHECK_FINITE(loss, "loss is not finite at step %ld, trial %ld, batch size %ld (learning rate %g)", t,
                         k, bs, p.rate);
            progress_step(&prog, 1, NULL);
        }
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    fprintf(f, "time\t-1\t%.6f\t%.6f\t%ld\t0\t0\n", start, wall_clock(), ru.ru_maxrss);
    out_close(o);
    char summary[128];
    snprintf(summary, sizeof summary, "%.0f MB peak", ru.ru_maxrss / 1024.0);
    progress_end(&prog, summary);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* merge                                                                  */

typedef struct { /* ensemble sums per batch size */
    long ntrial_seen, *seen;
    int nev, npar, nnoise;
    double *acc_s, *acc_s2, *param, *nvar, *nexp, *ndrift, gmax[1];
    long *acc_n, *noise_n;
    double acf_dot[MAX_LAGS], acf_norm[MAX_LAGS];
    double *acf_trial_dot; /* (noise_trials, MAX_LAGS) per-trial eta(t).eta(t+lag) */
} ens_t;

/* Opens <dir>/<name> for writing (atomically) with its provenance block. */
static out_t *open_table(const char *dir, const char *name, const char *title, const conf_t *conf, uint64_t seed) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    out_t *o = out_open(path);
    prov_write(out_file(o), title, conf, seed);
    return o;
}

static int cmd_merge(int argc, char **argv) {
    if (argc < 6) die("usage: fig51 merge PARAMS OUTDIR NUMBERS.tsv SHARD.tsv...");
    conf_t *conf;
    params_t p = read_params(argv[2], &conf);
    const char *outdir = argv[3];
    int nev = (int)(p.steps / p.eval_every) + 2, npt = (int)p.steps + 1;
    int nno = (int)(p.steps / p.noise_every) + 1;
    ens_t *E = xcalloc((size_t)p.nbatch, sizeof *E);
    for (int b = 0; b < p.nbatch; b++) {
        E[b].seen = xcalloc((size_t)p.trials, sizeof(long));
        E[b].acc_s = xcalloc((size_t)nev, sizeof(double));
        E[b].acc_s2 = xcalloc((size_t)nev, sizeof(double));
        E[b].acc_n = xcalloc((size_t)nev, sizeof(long));
        E[b].param = xcalloc((size_t)npt * (p.param_trials + 1), sizeof(double));
        E[b].nvar = xcalloc((size_t)nno, sizeof(double));
        E[b].nexp = xcalloc((size_t)nno, sizeof(double));
        E[b].ndrift = xcalloc((size_t)nno, sizeof(double));
        E[b].noise_n = xcalloc((size_t)nno, sizeof(long));
        E[b].acf_trial_dot = xcalloc((size_t)(p.noise_trials + 1) * MAX_LAGS, sizeof(double));
    }
    double tmin = INFINITY, tmax = -INFINITY, core_s = 0;
    long maxrss = 0;
    for (int a = 5; a < argc; a++) {
        FILE *f = fopen(argv[a], "r");
        if (!f) die("%s: cannot open shard file", argv[a]);
        char line[512];
        long bs = -1;
        int b = -1;
        while (fgets(line, sizeof line, f)) {
            if (sscanf(line, "# batch: %ld", &bs) == 1) {
                for (int i = 0; i < p.nbatch; i++)
                    if (p.batch[i] == bs) b = i;
                if (b < 0) die("%s: batch size %ld is not in %s", argv[a], bs, argv[2]);
            }
            if (line[0] == '#' || strncmp(line, "rec\t", 4) == 0) continue;
            if (b < 0) die("%s: records before the '# batch:' line", argv[a]);
            char rec[16];
            long k;
            double x, y, z, u, v;
            int n = sscanf(line, "%15s %ld %lf %lf %lf %lf %lf", rec, &k, &x, &y, &z, &u, &v);
            if (n < 4) die("%s: malformed record '%s'", argv[a], line);
            if (strcmp(rec, "time") == 0) {
                tmin = fmin(tmin, x);
                tmax = fmax(tmax, y);
                core_s += y - x;
                if ((long)z > maxrss) maxrss = (long)z;
                continue;
            }
            if (k < 0 || k >= p.trials) die("%s: trial %ld outside 0..%ld", argv[a], k, p.trials - 1);
            long t = (long)x;
            if (strcmp(rec, "acc") == 0) {
                int i = t == p.steps ? nev - 1 : (int)(t / p.eval_every);
                if (t == 0) E[b].seen[k]++;
                E[b].acc_s[i] += y;
                E[b].acc_s2[i] += y * y;
                E[b].acc_n[i]++;
            } else if (strcmp(rec, "param") == 0) {
                E[b].param[(size_t)t * (p.param_trials + 1) + k] = y;
            } else if (strcmp(rec, "noise") == 0) {
                int i = (int)(t / p.noise_every);
                E[b].nvar[i] += y;
                E[b].nexp[i] += z;
                E[b].ndrift[i] += v;
                E[b].noise_n[i]++;
                E[b].gmax[0] = fmax(E[b].gmax[0], u);
            } else if (strcmp(rec, "acf") == 0) {
                if (k >= p.noise_trials || t > p.acf_lags) die("%s: acf record for trial %ld lag %ld", argv[a], k, t);
                E[b].acf_dot[t] += y;
                E[b].acf_norm[t] += z;
                E[b].acf_trial_dot[k * MAX_LAGS + t] = y;
            } else die("%s: unknown record type '%s'", argv[a], rec);
        }
        fclose(f);
    }
    for (int b = 0; b < p.nbatch; b++)
        for (long k = 0; k < p.trials; k++)
            if (E[b].seen[k] != 1)
                die("trial %ld at batch size %ld appears %ld times in the shard files (expected once)", k,
                    p.batch[b], E[b].seen[k]);

    /* (a) parameter trajectories */
    out_t *o = open_table(outdir, "fig51_param.tsv", "Fig. 5.1a: one last-layer parameter per step, first trials of each batch size", conf, p.seed);
    FILE *f = out_file(o);
    fprintf(f, "# column 1: step [1] SGD step\n# columns b<|b|>_t<k>: [1] parameter value in trial k\nstep");
    for (int b = 0; b < p.nbatch; b++)
        for (long k = 0; k < p.param_trials; k++) fprintf(f, "\tb%ld_t%ld", p.batch[b], k);
    fputc('\n', f);
    for (int t = 0; t < npt; t++) {
        fprintf(f, "%d", t);
        for (int b = 0; b < p.nbatch; b++)
            for (long k = 0; k < p.param_trials; k++)
                fprintf(f, "\t%.9g", E[b].param[(size_t)t * (p.param_trials + 1) + k]);
        fputc('\n', f);
    }
    out_close(o);

    /* (b) accuracy mean and std over the ensemble */
    o = open_table(outdir, "fig51_acc.tsv", "Fig. 5.1b: test accuracy, ensemble mean and standard deviation", conf, p.seed);
    f = out_file(o);
    fprintf(f, "# column 1: step [1] SGD step\n# columns mean_b<|b|>, std_b<|b|>: [1] over %ld trials\nstep",
            p.trials);
    for (int b = 0; b < p.nbatch; b++) fprintf(f, "\tmean_b%ld\tstd_b%ld", p.batch[b], p.batch[b]);
    fputc('\n', f);
    double *final_mean = xcalloc((size_t)p.nbatch, sizeof(double)), *final_std = xcalloc((size_t)p.nbatch, sizeof(double));
    for (int i = 0; i < nev; i++) {
        if (E[0].acc_n[i] == 0) continue;
        long t = i == nev - 1 ? p.steps : (long)i * p.eval_every;
        fprintf(f, "%ld", t);
        for (int b = 0; b < p.nbatch; b++) {
            double n = (double)E[b].acc_n[i], mu = E[b].acc_s[i] / n;
            double var = n > 1 ? (E[b].acc_s2[i] - n * mu * mu) / (n - 1) : 0;
            double sd = sqrt(fmax(var, 0));
            fprintf(f, "\t%.9g\t%.9g", mu, sd);
            if (i == nev - 1) {
                final_mean[b] = mu;
                final_std[b] = sd;
            }
        }
        fputc('\n', f);
    }
    out_close(o);

    /* (c) noise variance: measured single draws and exact expectation */
    o = open_table(outdir, "fig51_noise.tsv", "Fig. 5.1c: noise variance (1/dim theta)||eta||^2, trial mean", conf, p.seed);
    f = out_file(o);
    fprintf(f, "# column 1: step [1] SGD step\n"
               "# columns var_b<|b|>: [1] measured (1/dim)||eta||^2, mean over the first %ld trials\n"
               "# columns exp_b<|b|>: [1] its exact expectation over the mini-batch draw\n"
               "# columns drift_b<|b|>: [1] (1/dim)||grad U_B||^2, the drift's mean square per component\n"
               "# columns gmax_b<|b|>: [1] max over steps, components and trials of |grad U_B|\nstep",
            p.noise_trials);
    for (int b = 0; b < p.nbatch; b++)
        fprintf(f, "\tvar_b%ld\texp_b%ld\tdrift_b%ld\tgmax_b%ld", p.batch[b], p.batch[b], p.batch[b], p.batch[b]);
    fputc('\n', f);
    double *mvar = xcalloc((size_t)p.nbatch, sizeof(double)), *mexp = xcalloc((size_t)p.nbatch, sizeof(double));
    double *mdrift = xcalloc((size_t)p.nbatch, sizeof(double));
    double *emin = xcalloc((size_t)p.nbatch, sizeof(double)), *emax = xcalloc((size_t)p.nbatch, sizeof(double));
    for (int b = 0; b < p.nbatch; b++) emin[b] = INFINITY;
    int rows = 0;
    for (int i = 0; i < nno; i++) rows += E[0].noise_n[i] > 0;
    for (int i = 0; i < nno; i++) {
        if (E[0].noise_n[i] == 0) continue;
        fprintf(f, "%ld", (long)i * p.noise_every);
        for (int b = 0; b < p.nbatch; b++) {
            double n = (double)E[b].noise_n[i];
            fprintf(f, "\t%.9g\t%.9g\t%.9g\t%.9g", E[b].nvar[i] / n, E[b].nexp[i] / n, E[b].ndrift[i] / n, E[b].gmax[0]);
            mvar[b] += E[b].nvar[i] / n / rows;
            mdrift[b] += E[b].ndrift[i] / n / rows;
            emin[b] = fmin(emin[b], E[b].nexp[i] / n);
            emax[b] = fmax(emax[b], E[b].nexp[i] / n);
            mexp[b] += E[b].nexp[i] / n / rows;
        }
        fputc('\n', f);
    }
    out_close(o);

    /* (d) normalised autocorrelation at acf_step, with 2 standard errors across trials */
    o = open_table(outdir, "fig51_acf.tsv", "Fig. 5.1d: normalised autocorrelation of eta", conf, p.seed);
    f = out_file(o);
    fprintf(f, "# acf_step: %ld\n# column 1: lag [steps]\n"
               "# columns C_b<|b|>: [1] sum_k eta_k(t).eta_k(t+lag) / sum_k ||eta_k(t)||^2, t = acf_step\n"
               "# columns band_b<|b|>: [1] 2 standard errors of C across the %ld trials\nlag",
            p.acf_step, p.noise_trials);
    for (int b = 0; b < p.nbatch; b++) fprintf(f, "\tC_b%ld\tband_b%ld", p.batch[b], p.batch[b]);
    fputc('\n', f);
    double *lag1 = xcalloc((size_t)p.nbatch, sizeof(double)), *cmax = xcalloc((size_t)p.nbatch, sizeof(double));
    double *bandmax = xcalloc((size_t)p.nbatch, sizeof(double));
    for (int l = 0; l <= p.acf_lags; l++) {
        fprintf(f, "%d", l);
        for (int b = 0; b < p.nbatch; b++) {
            /* C is the ratio of trial sums; each trial contributes y_k = dot_k / mean norm,
             * C = mean_k y_k, and the trials are the independent samples */
            long nt = p.noise_trials;
            double norm = E[b].acf_norm[l] > 0 ? E[b].acf_norm[l] / nt : NAN;
            double C = E[b].acf_dot[l] / nt / norm, ss = 0;
            for (long k = 0; k < nt; k++) {
                double yk = E[b].acf_trial_dot[k * MAX_LAGS + l] / norm - C;
                ss += yk * yk;
            }
            double band = nt > 1 ? 2 * sqrt(ss / (nt - 1) / nt) : NAN;
            fprintf(f, "\t%.9g\t%.9g", C, band);
            if (l == 1) lag1[b] = C;
            if (l >= 1) {
                cmax[b] = fmax(cmax[b], fabs(C));
                bandmax[b] = fmax(bandmax[b], band);
            }
        }
        fputc('\n', f);
    }
    out_close(o);

    numbers_t *nb = numbers_open(argv[4], "Fig. 5.1 numbers", conf, p.seed);
    char key[128];
    numbers_put(nb, "fig51_trials", (double)p.trials, "trials");
    numbers_put(nb, "fig51_steps", (double)p.steps, "steps");
    numbers_put(nb, "fig51_K", (double)p.train_subset, "images");
    numbers_put(nb, "fig51_test", (double)p.test_subset, "images");
    numbers_put(nb, "fig51_rate", p.rate, "1");
    numbers_put(nb, "fig51_noise_trials", (double)p.noise_trials, "trials");
    numbers_put(nb, "fig51_acf_step", (double)p.acf_step, "steps");
    numbers_put(nb, "fig51_acf_lags", (double)p.acf_lags, "steps");
    mlp_t m;
    model_shape(&p, &m, 784);
    numbers_put(nb, "fig51_dim_theta", (double)m.nparam, "parameters");
    for (int b = 0; b < p.nbatch; b++) {
        long bs = p.batch[b];
        snprintf(key, sizeof key, "fig51_acc_final_mean_b%ld", bs);
        numbers_put(nb, key, final_mean[b], "1");
        snprintf(key, sizeof key, "fig51_acc_final_std_b%ld", bs);
        numbers_put(nb, key, final_std[b], "1");
        snprintf(key, sizeof key, "fig51_noise_var_b%ld", bs);
        numbers_put(nb, key, mvar[b], "1");
        snprintf(key, sizeof key, "fig51_noise_exp_b%ld", bs);
        numbers_put(nb, key, mexp[b], "1");
        snprintf(key, sizeof key, "fig51_noise_meas_over_exp_b%ld", bs);
        numbers_put(nb, key, mvar[b] / mexp[b], "1");
        snprintf(key, sizeof key, "fig51_gmax_b%ld", bs);
        numbers_put(nb, key, E[b].gmax[0], "1");
        snprintf(key, sizeof key, "fig51_noise_rms_over_gmax_b%ld", bs);
        numbers_put(nb, key, sqrt(mvar[b]) / E[b].gmax[0], "1");
        snprintf(key, sizeof key, "fig51_noise_exp_max_over_min_b%ld", bs);
        numbers_put(nb, key, emax[b] / emin[b], "1");
        snprintf(key, sizeof key, "fig51_drift_over_noise_b%ld", bs);
        numbers_put(nb, key, mdrift[b] / mvar[b], "1");
        snprintf(key, sizeof key, "fig51_acf_lag1_b%ld", bs);
        numbers_put(nb, key, lag1[b], "1");
        snprintf(key, sizeof key, "fig51_acf_maxabs_b%ld", bs);
        numbers_put(nb, key, cmax[b], "1");
        snprintf(key, sizeof key, "fig51_acf_band_b%ld", bs);
        numbers_put(nb, key, bandmax[b], "1");
        if (b + 1 < p.nbatch) {
            long bn = p.batch[b + 1];
            snprintf(key, sizeof key, "fig51_noise_ratio_b%ld_b%ld", bs, bn);
            numbers_put(nb, key, mvar[b] / mvar[b + 1], "1");
            snprintf(key, sizeof key, "fig51_noise_exp_ratio_b%ld_b%ld", bs, bn);
            numbers_put(nb, key, mexp[b] / mexp[b + 1], "1");
        }
    }
    numbers_put(nb, "fig51_wall_s", tmax - tmin, "s");
    numbers_put(nb, "fig51_core_s", core_s, "s");
    numbers_put(nb, "fig51_maxrss_mb", maxrss / 1024.0, "MB");
    numbers_close(nb);
    return 0;
}

int main(int argc, char **argv) {
    prog_name = "fig51";
    openblas_set_num_threads(1);
    if (argc >= 2 && strcmp(argv[1], "run") == 0) return cmd_run(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "merge") == 0) return cmd_merge(argc, argv);
    die("usage: fig51 run PARAMS MNIST_DIR BATCH SHARD OUT.tsv | fig51 merge PARAMS OUTDIR NUMBERS.tsv SHARD.tsv...");
}
