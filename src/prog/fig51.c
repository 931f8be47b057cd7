/*
 * fig51 - the MNIST ensemble of the original's Fig. 5.1 (Sec. 5.1, Eqs 18-20, 24).
 *
 *   fig51 run PARAMS MNIST_DIR BATCH SHARD OUT.tsv
 *       trains the shard's trials at one batch size and writes their raw
 *       records (src/lib/fig51_shard.h);
 *   fig51 merge PARAMS OUTDIR NUMBERS.tsv SHARD.tsv...
 *       refuses a shard of another parameter file or one cut short (its
 *       'params' and 'end' lines), checks every record of every (batch,
 *       trial) is there once and writes the figure's tables and the numbers
 *       the paper quotes, each ensemble statistic with its jackknife
 *       standard error over trials (<key>_se);
 *   fig51 plan PARAMS
 *       prints the batch sizes and the shard count, for make;
 *   fig51 keys
 *       prints the parameter keys with their meaning.
 *
 * Trial k at batch size b uses its own Philox stream (seed, b, k): results do
 * not depend on how trials are split into shards or scheduled. The noise
 * measurements draw from streams of their own, so measuring eta never changes
 * a trajectory.
 */
#define _POSIX_C_SOURCE 200809L
#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "fig51_shard.h"
#include "fig51_stats.h"
#include "idx.h"
#include "mlp.h"
#include "rng.h"
#include "sgdnoise.h"
#include "stats.h"
#include "util.h"

#define MAX_BS 8
#define MAX_LAGS 64
#define MAX_PARAM_TRIALS 64
#define MAX_REV 32 /* reverse windows 1, 2, 4, ..., reverse_window */
/* stream tags: init, index choice and the acf batches never collide with trials */
#define STREAM_INIT (1ull << 62)
#define STREAM_PICK (1ull << 61)
#define STREAM_ACF (1ull << 60)

typedef struct {
    long seed, batch[MAX_BS];
    int nbatch, init, sampling, first_layer;
    double rate;
    long width, depth, trials, trials_per_shard, steps, train_subset, test_subset;
    long param_trials, eval_every, noise_trials, noise_every;
    long acf_trials, acf_start, acf_window, acf_lags, acf_batch, chunk;
    long reverse_trials, reverse_window;
} params_t;

enum { INIT_SHARED, INIT_INDEPENDENT };
enum { SAMPLING_IID, SAMPLING_EPOCH };
enum { FIRST_LAYER_SPARSE, FIRST_LAYER_DENSE };
static const char *const init_names[] = {"shared", "independent", NULL};
static const char *const sampling_names[] = {"iid", "epoch", NULL};
static const char *const first_layer_names[] = {"sparse", "dense", NULL};

#define F(field) offsetof(params_t, field)
static const conf_spec_t spec[] = {
    {"seed", CONF_INT, F(seed), 0, SEED_MAX, .doc = "Philox key of every stream"},
    {"batch_sizes", CONF_LIST, F(batch), 1, MNIST_TRAIN, .count_offset = F(nbatch), .max_count = MAX_BS,
     .doc = "mini-batch sizes |b|, comma-separated"},
    {"learning_rate", CONF_DOUBLE, F(rate), 1e-12, 1e6, .doc = "r of Algorithm 1 (vanilla SGD)"},
    {"width", CONF_INT, F(width), 1, 4096, .doc = "hidden units per layer"},
    {"depth", CONF_INT, F(depth), 1, MLP_MAX_LAYERS, .doc = "weight layers (depth - 1 hidden layers)",
     .quote = "depth", .unit = "weight layers"},
    {"trials", CONF_INT, F(trials), 1, 100000, .doc = "ensemble size per batch size",
     .quote = "trials", .unit = "trials"},
    {"trials_per_shard", CONF_INT, F(trials_per_shard), 1, 100000, .doc = "trials per make job (no effect on results)"},
    {"steps", CONF_INT, F(steps), 1, 100000000, .doc = "SGD steps per trial", .quote = "steps", .unit = "steps"},
    {"train_subset", CONF_INT, F(train_subset), 2, MNIST_TRAIN, .doc = "K: the first K training images",
     .quote = "K", .unit = "images"},
    {"test_subset", CONF_INT, F(test_subset), 1, MNIST_TEST, .doc = "test images for the accuracy",
     .quote = "test", .unit = "images"},
    {"init", CONF_CHOICE, F(init), .choices = init_names, .doc = "one theta_0 for the ensemble, or one per trial"},
    {"sampling", CONF_CHOICE, F(sampling), .choices = sampling_names,
     .doc = "iid: |b| distinct indices per step; epoch: slices of a per-epoch permutation"},
    {"first_layer", CONF_CHOICE, F(first_layer), .choices = first_layer_names,
     .doc = "sparse: small batches touch the input's nonzeros only; dense: sgemm (same mathematics)"},
    {"param_trials", CONF_INT, F(param_trials), 0, MAX_PARAM_TRIALS, .doc = "(a) trials whose chosen parameter is recorded"},
    {"eval_every", CONF_INT, F(eval_every), 1, 100000000, .doc = "(b) steps between test accuracies"},
    {"noise_trials", CONF_INT, F(noise_trials), 0, 100000, .doc = "(c) trials with exact noise measurements",
     .quote = "noise_trials", .unit = "trials"},
    {"noise_every", CONF_INT, F(noise_every), 1, 100000000, .doc = "(c) steps between them",
     .quote = "noise_every", .unit = "steps"},
    {"acf_trials", CONF_INT, F(acf_trials), 0, 100000, .doc = "(d) trials with the autocorrelation window",
     .quote = "acf_trials", .unit = "trials"},
    {"acf_start", CONF_INT, F(acf_start), 0, 100000000, .doc = "(d) first reference step t0",
     .quote = "acf_start", .unit = "steps"},
    {"acf_window", CONF_INT, F(acf_window), 1, 100000000, .doc = "(d) reference steps W pooled per trial",
     .quote = "acf_window", .unit = "steps"},
    {"acf_lags", CONF_INT, F(acf_lags), 1, MAX_LAGS - 1, .doc = "(d) largest lag",
     .quote = "acf_lags", .unit = "steps"},
    {"acf_batch", CONF_INT, F(acf_batch), 1, MNIST_TRAIN, .doc = "(d) M: examples of the independent grad U_B estimate",
     .quote = "acf_batch", .unit = "images"},
    {"grad_chunk", CONF_INT, F(chunk), 1, MNIST_TRAIN, .doc = "examples per sgemm chunk in full-data passes"},
    {"reverse_trials", CONF_INT, F(reverse_trials), 0, 100000, .doc = "(App. A) trials run backwards from theta_n",
     .quote = "reverse_trials", .unit = "trials"},
    {"reverse_window", CONF_INT, F(reverse_window), 1, 100000000,
     .doc = "(App. A) longest backward window W: windows 1, 2, 4, ... and W", .quote = "reverse_window", .unit = "steps"},
};
#undef F
#define NSPEC ((int)(sizeof spec / sizeof spec[0]))

static params_t read_params(const char *path, conf_t **keep) {
    params_t p;
    *keep = conf_read_file(path, spec, NSPEC, &p);
    for (int i = 0; i < p.nbatch; i++)
        if (p.batch[i] > p.train_subset)
            die("%s: key 'batch_sizes': |b| = %ld exceeds the training set K = %ld", path, p.batch[i], p.train_subset);
    if (p.acf_batch > p.train_subset)
        die("%s: key 'acf_batch': M = %ld exceeds the training set K = %ld", path, p.acf_batch, p.train_subset);
    if (p.acf_start + p.acf_window + p.acf_lags > p.steps)
        die("%s: key 'acf_window': steps %ld + %ld + %ld lags run past 'steps' = %ld", path, p.acf_start,
            p.acf_window, p.acf_lags, p.steps);
    if (p.noise_trials > p.trials || p.acf_trials > p.trials || p.param_trials > p.trials || p.reverse_trials > p.trials)
        die("%s: keys 'noise_trials', 'acf_trials', 'param_trials' and 'reverse_trials' may not exceed 'trials' = %ld",
            path, p.trials);
    if (p.reverse_window > p.steps)
        die("%s: key 'reverse_window': %ld steps run back past step 0 ('steps' = %ld)", path, p.reverse_window, p.steps);
    return p;
}

static void model_shape(const params_t *p, mlp_t *m) {
    int sizes[MLP_MAX_LAYERS + 1];
    sizes[0] = MNIST_PIXELS;
    for (int l = 1; l < p->depth; l++) sizes[l] = (int)p->width;
    sizes[p->depth] = MNIST_CLASSES;
    mlp_init(m, sizes, (int)p->depth);
    if (p->first_layer == FIRST_LAYER_DENSE) m->sparse_max = 0;
}

static int batch_index(const params_t *p, long bs) {
    for (int i = 0; i < p->nbatch; i++)
        if (p->batch[i] == bs) return i;
    return -1;
}

static long nshards(const params_t *p) { return (p->trials + p->trials_per_shard - 1) / p->trials_per_shard; }

/* Appendix A's backward windows: 1, 2, 4, ... below reverse_window, then
 * reverse_window itself; returns their count. */
static int reverse_windows(const params_t *p, long *w) {
    int n = 0;
    for (long x = 1; x < p->reverse_window && n < MAX_REV - 1; x *= 2) w[n++] = x;
    w[n++] = p->reverse_window;
    return n;
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
    if (!s->epoch) {
        rng_distinct(&s->r, (uint32_t)s->K, b, idx);
        return;
    }
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
}

/* Everything one shard needs; buffers sized once. */
typedef struct {
    params_t p;
    long bs;
    mnist_t tr, te;
    mlp_t m;
    mlp_work_t *w;
    size_t pidx;                              /* the parameter of panel (a) */
    float *theta0, *theta, *G, *Gprev, *eta, *xb, *xm;
    uint8_t *yb, *ym;
    uint32_t *idx;
    sampler_t smp;
    FILE *f;
    /* Appendix A: theta_{n-w} for each window w, the last W steps' batches */
    int nrev;
    long rev_w[MAX_REV];
    float *snap;
    uint32_t *ridx;
} shard_t;

static void gather(const mnist_t *d, const uint32_t *idx, int n, float *x, uint8_t *y) {
    size_t in = (size_t)d->rows * d->cols;
    for (int i = 0; i < n; i++) {
        memcpy(x + (size_t)i * in, d->x + (size_t)idx[i] * in, in * sizeof(float));
        y[i] = d->label[idx[i]];
    }
}

static void shard_setup(shard_t *s, const char *mnist_dir) {
    const params_t *p = &s->p;
    s->tr = mnist_load(mnist_dir, "train");
    s->te = mnist_load(mnist_dir, "t10k");
    mnist_require_count(&s->tr, p->train_subset, "key 'train_subset'");
    mnist_require_count(&s->te, p->test_subset, "key 'test_subset'");
    model_shape(p, &s->m);
    size_t P = s->m.nparam;
    long cap = p->chunk > s->bs ? p->chunk : s->bs;
    s->w = mlp_work_alloc(&s->m, (int)(cap > p->acf_batch ? cap : p->acf_batch));
    s->theta0 = xmalloc(P * sizeof(float));
    s->theta = xmalloc(P * sizeof(float));
    s->G = xmalloc(P * sizeof(float));
    s->Gprev = xmalloc(P * sizeof(float));
    s->eta = xmalloc(P * sizeof(float));
    s->xb = xmalloc((size_t)s->bs * MNIST_PIXELS * sizeof(float));
    s->xm = xmalloc((size_t)p->acf_batch * MNIST_PIXELS * sizeof(float));
    s->yb = xmalloc((size_t)s->bs);
    s->ym = xmalloc((size_t)p->acf_batch);
    long nidx = s->bs > p->acf_batch ? s->bs : p->acf_batch;
    s->idx = xmalloc((size_t)nidx * sizeof *s->idx);
    s->smp = (sampler_t){.K = p->train_subset, .epoch = p->sampling == SAMPLING_EPOCH, .pos = p->train_subset};
    if (s->smp.epoch) {
        s->smp.perm = xmalloc((size_t)p->train_subset * sizeof *s->smp.perm);
        for (long i = 0; i < p->train_subset; i++) s->smp.perm[i] = (uint32_t)i;
    }
    if (p->reverse_trials > 0) {
        s->nrev = reverse_windows(p, s->rev_w);
        s->snap = xmalloc((size_t)s->nrev * P * sizeof(float));
        s->ridx = xmalloc((size_t)p->reverse_window * (size_t)s->bs * sizeof *s->ridx);
    }
    rng_t pick;
    rng_init(&pick, (uint64_t)p->seed, STREAM_PICK);
    size_t last = s->m.woff[s->m.nlayer - 1];
    s->pidx = last + rng_below(&pick, (uint32_t)(P - last)); /* one last-layer parameter */
    if (p->init == INIT_SHARED) {
        rng_t r;
        rng_init(&r, (uint64_t)p->seed, STREAM_INIT);
        mlp_init_uniform(&s->m, s->theta0, &r);
    }
}

static void trial_start(shard_t *s, long k) {
    const params_t *p = &s->p;
    rng_init(&s->smp.r, (uint64_t)p->seed, ((uint64_t)s->bs << 32) | (uint64_t)k);
    s->smp.pos = p->train_subset;
    if (p->init == INIT_SHARED) {
        memcpy(s->theta, s->theta0, s->m.nparam * sizeof(float));
        return;
    }
    rng_t r;
    rng_init(&r, (uint64_t)p->seed, STREAM_INIT | (uint64_t)k);
    mlp_init_uniform(&s->m, s->theta, &r);
}

static void record_accuracy(shard_t *s, long k, long t) {
    size_t P = s->m.nparam;
    for (size_t i = 0; i < P; i++)
        CHECK_FINITE(s->theta[i], "parameter %zu is not finite at step %ld, trial %ld, batch size %ld", i, t, k,
                     s->bs);
    long ok = mlp_count_correct(&s->m, s->theta, s->te.x, s->te.label, s->p.test_subset, s->w);
    shard_write(s->f, &(shard_rec_t){.kind = SHARD_ACC, .trial = k, .step = t, .value = (double)ok / (double)s->p.test_subset});
}

/* Eq 21 (lazy dynamics) says the force -grad U_B does not depend on theta_t:
 * record how much it changed since the previous noise measurement of the trial. */
static void record_force_change(shard_t *s, long k, long t) {
    size_t P = s->m.nparam;
    if (t > 0)
        shard_write(s->f, &(shard_rec_t){.kind = SHARD_FORCE, .trial = k, .step = t,
                                         .value = fig51_force_change(s->G, s->Gprev, P)});
    memcpy(s->Gprev, s->G, P * sizeof(float));
}

/* eta^ of the window estimator: an independent batch of M estimates grad U_B. */
static void acf_observe(shard_t *s, sgdnoise_acf_t *acf, rng_t *r) {
    int M = (int)s->p.acf_batch;
    rng_distinct(r, (uint32_t)s->p.train_subset, M, s->idx);
    gather(&s->tr, s->idx, M, s->xm, s->ym);
    memset(s->G, 0, s->m.nparam * sizeof(float));
    mlp_forward(&s->m, s->theta, s->xm, s->ym, M, s->w, NULL);
    mlp_backward(&s->m, s->theta, s->xm, s->ym, M, s->w, s->G, 1.0f / (float)M, NULL);
    sgdnoise_eta(&s->m, s->theta, s->G, s->xb, s->yb, (int)s->bs, s->w, s->eta);
    sgdnoise_acf_push(acf, s->eta);
}

/* Sec. 5.1.2: the noise record once more per parameter group (same passes). */
static void record_groups(shard_t *s, long k, long t, const sgdnoise_t *grp) {
    for (int g = 0; g < sgdnoise_ngroups(&s->m); g++)
        shard_write(s->f, &(shard_rec_t){.kind = SHARD_GROUP, .trial = k, .step = t, .group = g, .noise = grp[g]});
}

static double dist(const float *a, const float *b, size_t n) {
    double d = 0;
    for (size_t i = 0; i < n; i++) d += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
    return sqrt(d);
}

/* Appendix A: backward SGD theta'_t = theta'_{t+1} + r grad phi(b_t)(theta'_{t+1})
 * from theta'_n = theta_n with the forward run's own batches. It retraces the
 * forward path exactly when the gradient does not depend on theta (lazy
 * dynamics); the distance to theta_{n-w} after w steps measures how far from
 * lazy the network is. s->eta is free scratch once the trial has ended. */
static void reverse_trial(shard_t *s, long k) {
    const params_t *p = &s->p;
    size_t P = s->m.nparam;
    float *th = s->eta;
    memcpy(th, s->theta, P * sizeof(float));
    long rev0 = p->steps - p->reverse_window;
    for (long w = 1, j = 0; w <= p->reverse_window; w++) {
        long t = p->steps - w;
        gather(&s->tr, s->ridx + (size_t)(t - rev0) * (size_t)s->bs, (int)s->bs, s->xb, s->yb);
        double loss = mlp_sgd_step(&s->m, th, s->xb, s->yb, (int)s->bs, -(float)p->rate, s->w);
        CHECK_FINITE(loss, "backward SGD: loss is not finite %ld steps back, trial %ld, batch size %ld", w, k, s->bs);
        if (w == s->rev_w[j]) {
            const float *fwd = s->snap + (size_t)j * P;
            shard_write(s->f, &(shard_rec_t){.kind = SHARD_REVERSE, .trial = k, .step = w, .value = dist(th, fwd, P),
                                             .value2 = dist(s->theta, fwd, P)});
            j++;
        }
    }
}

static void run_trial(shard_t *s, long k, progress_t *prog) {
    const params_t *p = &s->p;
    trial_start(s, k);
    int with_acf = k < p->acf_trials;
    sgdnoise_acf_t acf;
    rng_t racf;
    if (with_acf) {
        sgdnoise_acf_init(&acf, s->m.nparam, (int)p->acf_lags, (int)p->acf_window, p->train_subset, s->bs,
                          p->acf_batch);
        rng_init(&racf, (uint64_t)p->seed, STREAM_ACF | ((uint64_t)s->bs << 32) | (uint64_t)k);
    }
    int with_rev = k < p->reverse_trials;
    long rev0 = p->steps - p->reverse_window;
    for (long t = 0; t <= p->steps; t++) {
        if (t % p->eval_every == 0 || t == p->steps) record_accuracy(s, k, t);
        for (int j = 0; with_rev && j < s->nrev; j++)
            if (p->steps - t == s->rev_w[j]) memcpy(s->snap + (size_t)j * s->m.nparam, s->theta, s->m.nparam * sizeof(float));
        if (k < p->param_trials) shard_write(s->f, &(shard_rec_t){.kind = SHARD_PARAM, .trial = k, .step = t, .value = s->theta[s->pidx]});
        if (t == p->steps) break;
        draw_batch(&s->smp, (int)s->bs, s->idx);
        gather(&s->tr, s->idx, (int)s->bs, s->xb, s->yb);
        if (with_rev && t >= rev0) memcpy(s->ridx + (size_t)(t - rev0) * (size_t)s->bs, s->idx, (size_t)s->bs * sizeof *s->idx);
        if (k < p->noise_trials && t % p->noise_every == 0) {
            shard_rec_t r = {.kind = SHARD_NOISE, .trial = k, .step = t};
            sgdnoise_t grp[2 * MLP_MAX_LAYERS];
            r.noise = sgdnoise_measure(&s->m, s->theta, s->tr.x, s->tr.label, p->train_subset, s->xb, s->yb,
                                       (int)s->bs, s->w, s->G, s->eta, grp);
            shard_write(s->f, &r);
            record_groups(s, k, t, grp);
            record_force_change(s, k, t);
        }
        if (with_acf && t >= p->acf_start && sgdnoise_acf_remaining(&acf) > 0) acf_observe(s, &acf, &racf);
        double loss = mlp_sgd_step(&s->m, s->theta, s->xb, s->yb, (int)s->bs, (float)p->rate, s->w);
        CHECK_FINITE(loss, "loss is not finite at step %ld, trial %ld, batch size %ld (learning rate %g)", t, k,
                     s->bs, p->rate);
        progress_step(prog, 1, NULL);
    }
    if (with_rev) reverse_trial(s, k);
    if (with_acf) {
        for (int l = 0; l <= p->acf_lags; l++) shard_write(s->f, &(shard_rec_t){.kind = SHARD_ACF, .trial = k, .step = l, .value = acf.dot[l]});
        sgdnoise_acf_free(&acf);
    }
}

static int cmd_run(int argc, char **argv) {
    (void)argc; /* command_run checked the count */
    conf_t *conf;
    shard_t s = {.p = read_params(argv[2], &conf)};
    const params_t *p = &s.p;
    s.bs = parse_long_arg(argv[4], "BATCH");
    long shard = parse_long_arg(argv[5], "SHARD");
    if (batch_index(p, s.bs) < 0) die("%s: batch size %ld is not in key 'batch_sizes'", argv[2], s.bs);
    long t0 = shard * p->trials_per_shard, t1 = t0 + p->trials_per_shard;
    if (shard < 0 || t0 >= p->trials) die("shard %ld is outside the %ld shards of %s", shard, nshards(p), argv[2]);
    if (t1 > p->trials) t1 = p->trials;
    double start = now_seconds();
    shard_setup(&s, argv[3]);
    out_t *o = out_open(argv[6]);
    s.f = out_file(o);
    prov_write(s.f, "Fig. 5.1 raw records of one shard", conf, (uint64_t)p->seed);
    fprintf(s.f, "# batch: %ld  trials: %ld..%ld  dim_theta: %zu  K: %ld  test: %ld  param_index: %zu\n", s.bs, t0,
            t1 - 1, s.m.nparam, p->train_subset, p->test_subset, s.pidx);
    shard_write_legend(s.f);
    shard_rec_t params = {.kind = SHARD_PARAMS};
    memcpy(params.sha256, conf_sha256(conf), sizeof params.sha256);
    shard_write(s.f, &params);
    progress_t prog;
    char what[64];
    snprintf(what, sizeof what, "|b|=%ld trials %ld-%ld steps", s.bs, t0, t1 - 1);
    progress_start(&prog, what, (t1 - t0) * p->steps);
    for (long k = t0; k < t1; k++) run_trial(&s, k, &prog);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    shard_write(s.f, &(shard_rec_t){.kind = SHARD_TIME, .seconds = now_seconds() - start, .maxrss_kb = ru.ru_maxrss});
    shard_write(s.f, &(shard_rec_t){.kind = SHARD_END});
    out_close(o);
    char summary[64];
    snprintf(summary, sizeof summary, "%.0f MB peak", ru.ru_maxrss / 1024.0);
    progress_end(&prog, summary);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* merge: shards -> per-trial arrays -> tables and numbers with errors     */

/* Per batch size, one fig51_ens_t (src/fig51_stats.h): every value NAN until
 * its record is read, so a missing or repeated record is caught by name. */
typedef struct {
    params_t p;
    conf_t *conf;
    int nev, nno, lags;
    fig51_ens_t E[MAX_BS];
    double shard_s, maxrss_kb;
} merge_t;

static long eval_step(const merge_t *g, int i) { return i == g->nev - 1 ? g->p.steps : i * g->p.eval_every; }

static double *nan_array(size_t n) {
    double *a = xmalloc(n * sizeof *a);
    for (size_t i = 0; i < n; i++) a[i] = NAN;
    return a;
}

/* col[k] = a[k * stride + i] for k < n: one time point across trials. */
static double *column(const double *a, long n, long stride, long i, double *col) {
    for (long k = 0; k < n; k++) col[k] = a[k * stride + i];
    return col;
}

static void merge_alloc(merge_t *g) {
    const params_t *p = &g->p;
    g->nev = (int)((p->steps + p->eval_every - 1) / p->eval_every) + 1;
    g->nno = (int)((p->steps + p->noise_every - 1) / p->noise_every);
    g->lags = (int)p->acf_lags;
    for (int b = 0; b < p->nbatch; b++) {
        fig51_ens_t *e = &g->E[b];
        e->trials = p->trials, e->noise_trials = p->noise_trials, e->acf_trials = p->acf_trials;
        e->nev = g->nev, e->nno = g->nno, e->lags = g->lags, e->noise_every = p->noise_every;
        e->late_start = (long)ceil(FIG51_LATE_FRACTION * (double)p->steps);
        e->acc = nan_array((size_t)(p->trials * g->nev));
        e->param = nan_array((size_t)(p->param_trials * (p->steps + 1)));
        size_t nn = (size_t)(p->noise_trials * g->nno);
        e->nvar = nan_array(nn);
        e->nexp = nan_array(nn);
        e->ndrift = nan_array(nn);
        e->gmax = nan_array(nn);
        e->nloss = nan_array(nn);
        e->force = nan_array((size_t)(p->noise_trials * (g->nno - 1)));
        e->acf = nan_array((size_t)(p->acf_trials * (g->lags + 1)));
        e->inflation = 1 + sgdnoise_factor(p->train_subset, p->acf_batch) / sgdnoise_factor(p->train_subset, p->batch[b]);
        mlp_t m;
        model_shape(p, &m);
        e->rate = (float)p->rate; /* as the float the steps use */
        e->ngroups = sgdnoise_ngroups(&m);
        e->gexp = nan_array(nn * (size_t)e->ngroups);
        e->gdrift = nan_array(nn * (size_t)e->ngroups);
        e->reverse_trials = p->reverse_trials;
        e->rev_w = xmalloc(MAX_REV * sizeof *e->rev_w);
        e->nrev = reverse_windows(p, e->rev_w);
        e->rdist = nan_array((size_t)(p->reverse_trials * e->nrev));
        e->rdisp = nan_array((size_t)(p->reverse_trials * e->nrev));
    }
}

/* The slot of record r in its array, or NULL (with why) if r does not belong. */
static double *record_slot(merge_t *g, fig51_ens_t *e, const shard_rec_t *r, const char **why) {
    const params_t *p = &g->p;
    long k = r->trial, t = r->step;
    *why = "trial or step outside the parameter file's ranges";
    switch (r->kind) {
    case SHARD_ACC:
        if (k < 0 || k >= p->trials || t < 0 || t > p->steps || (t % p->eval_every && t != p->steps)) return NULL;
        return &e->acc[k * g->nev + (t == p->steps ? g->nev - 1 : t / p->eval_every)];
    case SHARD_PARAM:
        if (k < 0 || k >= p->param_trials || t < 0 || t > p->steps) return NULL;
        return &e->param[k * (p->steps + 1) + t];
    case SHARD_NOISE:
        if (k < 0 || k >= p->noise_trials || t < 0 || t >= p->steps || t % p->noise_every) return NULL;
        return &e->nvar[k * g->nno + t / p->noise_every];
    case SHARD_ACF:
        if (k < 0 || k >= p->acf_trials || t < 0 || t > g->lags) return NULL;
        return &e->acf[k * (g->lags + 1) + t];
    case SHARD_FORCE:
        if (k < 0 || k >= p->noise_trials || t < p->noise_every || t >= p->steps || t % p->noise_every) return NULL;
        return &e->force[k * (g->nno - 1) + t / p->noise_every - 1];
    case SHARD_GROUP:
        if (k < 0 || k >= p->noise_trials || t < 0 || t >= p->steps || t % p->noise_every || r->group >= e->ngroups)
            return NULL;
        return &e->gexp[(size_t)(k * g->nno + t / p->noise_every) * (size_t)e->ngroups + (size_t)r->group];
    case SHARD_REVERSE:
        for (int j = 0; k >= 0 && k < p->reverse_trials && j < e->nrev; j++)
            if (e->rev_w[j] == t) return &e->rdist[k * e->nrev + j];
        *why = "trial or window outside the parameter file's reverse_trials and reverse_window";
        return NULL;
    default: *why = "unexpected record"; return NULL;
    }
}

static void merge_record(merge_t *g, int b, const shard_rec_t *r, const char *path, long lineno) {
    if (r->kind == SHARD_TIME) {
        g->shard_s += r->seconds;
        g->maxrss_kb = fmax(g->maxrss_kb, (double)r->maxrss_kb);
        return;
    }
    if (b < 0) die("%s:%ld: a record before the '# batch:' line", path, lineno);
    fig51_ens_t *e = &g->E[b];
    const char *why;
    double *slot = record_slot(g, e, r, &why);
    if (!slot) die("%s:%ld: %s (trial %ld, step/lag %ld)", path, lineno, why, r->trial, r->step);
    if (!isnan(*slot)) die("%s:%ld: a second record for trial %ld, step/lag %ld", path, lineno, r->trial, r->step);
    if (r->kind == SHARD_GROUP) {
        size_t i = (size_t)(slot - e->gexp);
        e->gexp[i] = r->noise.var_expected;
        e->gdrift[i] = r->noise.drift_msq;
        return;
    }
    if (r->kind == SHARD_REVERSE) {
        *slot = r->value;
        e->rdisp[slot - e->rdist] = r->value2;
        return;
    }
    if (r->kind != SHARD_NOISE) {
        *slot = r->value;
        return;
    }
    size_t i = (size_t)(slot - e->nvar);
    e->nvar[i] = r->noise.var_measured;
    e->nexp[i] = r->noise.var_expected;
    e->ndrift[i] = r->noise.drift_msq;
    e->gmax[i] = r->noise.grad_max;
    e->nloss[i] = r->noise.loss_full;
}

static void merge_read_shard(merge_t *g, const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) die("%s: cannot open shard file: %s", path, strerror(errno));
    char *line = NULL, err[512];
    size_t cap = 0;
    ssize_t len;
    long lineno = 0, bs;
    int b = -1;
    shard_rec_t r;
    shard_file_t sf = {.want_sha256 = conf_sha256(g->conf), .conf_path = conf_path(g->conf)};
    while ((len = getline(&line, &cap, f)) > 0) {
        lineno++;
        if (sscanf(line, "# batch: %ld", &bs) == 1 && (b = batch_index(&g->p, bs)) < 0)
            die("%s:%ld: batch size %ld is not in %s", path, lineno, bs, conf_path(g->conf));
        if (strncmp(line, "rec\t", 4) == 0) continue;
        int got = shard_file_line(&sf, line, (size_t)len, &r, err, sizeof err);
        if (got < 0) die("%s:%ld: %s", path, lineno, err);
        if (got > 0) merge_record(g, b, &r, path, lineno);
    }
    if (ferror(f)) die("%s: read error: %s", path, strerror(errno));
    if (shard_file_end(&sf, err, sizeof err) != 0) die("%s: %s", path, err);
    free(line);
    fclose(f);
}

/* Every slot filled, or die naming the first missing record. */
static void check_complete(const double *a, long rows, long cols, long bs, const char *what, const char *coord) {
    for (long k = 0; k < rows; k++)
        for (long j = 0; j < cols; j++)
            if (isnan(a[k * cols + j]))
                die("batch size %ld: the %s record of trial %ld, %s index %ld is missing from the shard files", bs,
                    what, k, coord, j);
}

/* Every record there, then the per-trial summaries (src/fig51_stats.c). */
static void merge_finish(merge_t *g) {
    const params_t *p = &g->p;
    for (int b = 0; b < p->nbatch; b++) {
        fig51_ens_t *e = &g->E[b];
        long bs = p->batch[b];
        check_complete(e->acc, p->trials, g->nev, bs, "acc", "evaluation");
        check_complete(e->param, p->param_trials, p->steps + 1, bs, "param", "step");
        check_complete(e->nvar, p->noise_trials, g->nno, bs, "noise", "row");
        check_complete(e->acf, p->acf_trials, g->lags + 1, bs, "acf", "lag");
        check_complete(e->force, p->noise_trials, g->nno - 1, bs, "force", "row");
        check_complete(e->gexp, p->noise_trials, (long)g->nno * e->ngroups, bs, "group", "row x group");
        check_complete(e->rdist, p->reverse_trials, e->nrev, bs, "reverse", "window");
        fig51_ens_finish(e);
    }
}

/* ---- ensemble statistics (src/fig51_stats.h) ------------------------------ */

/* key = fn over all n trials, and key_se its jackknife standard error (n >= 2). */
static void put_stat(numbers_t *nb, stats_fn fn, fig51_ctx_t *c, size_t n, const char *key_fmt, long bs) {
    char key[96];
    snprintf(key, sizeof key, key_fmt, bs);
    numbers_put(nb, key, fig51_stat_all(fn, n, c), "1");
    double se = n >= 2 ? stats_jackknife_se(fn, n, c) : NAN; /* NAN: too few trials (a sd of 2) */
    if (isfinite(se)) numbers_putf(nb, se, "1", "%s_se", key);
}

/* Group g's name in keys and columns: l<layer><w|b>, layers counted from 1. */
static const char *group_name(int g) {
    static char buf[2 * MLP_MAX_LAYERS][16];
    snprintf(buf[g], sizeof buf[g], "l%d%c", g / 2 + 1, g % 2 ? 'b' : 'w');
    return buf[g];
}

/* Sec. 5.1.2 per parameter group, Sec. 5.1.1's regimes, Appendix A's reversal. */
static void put_reservoir(numbers_t *nb, const merge_t *g, int b) {
    const params_t *p = &g->p;
    const fig51_ens_t *e = &g->E[b];
    long bs = p->batch[b];
    size_t nn = (size_t)p->noise_trials;
    char fmt[96];
    fig51_ctx_t c = {e, 0};
    if (nn > 0) {
        for (c.lag = 0; c.lag < e->ngroups; c.lag++) {
            snprintf(fmt, sizeof fmt, "fig51_T_%s_b%%ld", group_name(c.lag));
            put_stat(nb, fig51_group_T, &c, nn, fmt, bs);
            snprintf(fmt, sizeof fmt, "fig51_drift_over_noise_%s_b%%ld", group_name(c.lag));
            put_stat(nb, fig51_group_drift_over_noise, &c, nn, fmt, bs);
        }
        put_stat(nb, fig51_group_T_spread, &c, nn, "fig51_T_spread_b%ld", bs);
        put_stat(nb, fig51_late_drift_over_noise, &c, nn, "fig51_drift_over_noise_late_b%ld", bs);
        /* undefined (NAN) for a curve that never declines or a late window of
         * fewer than two records: then no keys, and a claim reading them fails */
        if (isfinite(fig51_stat_all(fig51_loss_tau, nn, &c)) && isfinite(fig51_stat_all(fig51_loss_slope, nn, &c))) {
            put_stat(nb, fig51_loss_tau, &c, nn, "fig51_loss_tau_b%ld", bs);
            put_stat(nb, fig51_loss_drop, &c, nn, "fig51_loss_late_drop_b%ld", bs);
            put_stat(nb, fig51_loss_slope, &c, nn, "fig51_loss_late_slope_b%ld", bs);
        }
    }
    /* one step back, and the whole window W (fig51_reverse.tsv has every window):
     * keys that name the same thing at every scale */
    if (p->reverse_trials > 0) {
        c.lag = 0;
        put_stat(nb, fig51_reverse_rel, &c, (size_t)p->reverse_trials, "fig51_reverse_rel_w1_b%ld", bs);
        c.lag = e->nrev - 1;
        put_stat(nb, fig51_reverse_rel, &c, (size_t)p->reverse_trials, "fig51_reverse_rel_wmax_b%ld", bs);
    }
}

/* ---- tables -------------------------------------------------------------- */

static table_t *open_table(const merge_t *g, const char *dir, const char *name, const char *title) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return table_open(path, title, g->conf, (uint64_t)g->p.seed, "%.9g");
}

static void write_param_table(const merge_t *g, const char *dir) {
    const params_t *p = &g->p;
    table_t *t = open_table(g, dir, "fig51_param.tsv", "Fig. 5.1a: one last-layer parameter per step, first trials");
    int step = table_col(t, "1", "SGD step", "step"), col[MAX_BS][MAX_PARAM_TRIALS];
    for (int b = 0; b < p->nbatch; b++)
        for (long k = 0; k < p->param_trials; k++)
            col[b][k] = table_col(t, "1", "parameter value in trial k at batch size |b|", "b%ld_t%ld", p->batch[b], k);
    for (long s = 0; s <= p->steps; s++) {
        table_set(t, step, (double)s);
        for (int b = 0; b < p->nbatch; b++)
            for (long k = 0; k < p->param_trials; k++)
                table_set(t, col[b][k], g->E[b].param[k * (p->steps + 1) + s]);
        table_row(t);
    }
    table_close(t);
}

/* Panels (b)-(d) share one shape: a row per x (step or lag) and, for each
 * batch size, the same few columns "<name>_b<|b|>"; a spec names them and
 * cells() fills one batch size's values of one row. */
#define MAX_CELLS 4
typedef struct {
    const char *file, *title;
    column_t x;                /* the first column */
    int ncells;
    column_t cell[MAX_CELLS];  /* name: prefix of "<name>_b<|b|>" */
    int (*nrows)(const merge_t *g);
    double (*xval)(const merge_t *g, int row);
    /* v[0..ncells) for batch size b at row; scratch holds trials + 1 doubles */
    void (*cells)(const merge_t *g, int b, int row, double *scratch, double *v);
} batch_table_t;

static void write_batch_table(const merge_t *g, const char *dir, const batch_table_t *bt, const char *note) {
    const params_t *p = &g->p;
    table_t *t = open_table(g, dir, bt->file, bt->title);
    if (note) table_note(t, "%s", note);
    int x = table_col(t, bt->x.unit, bt->x.desc, "%s", bt->x.name), col[MAX_BS][MAX_CELLS];
    for (int b = 0; b < p->nbatch; b++)
        for (int q = 0; q < bt->ncells; q++)
            col[b][q] = table_col(t, bt->cell[q].unit, bt->cell[q].desc, "%s_b%ld", bt->cell[q].name, p->batch[b]);
    double *scratch = xmalloc(((size_t)p->trials + 1) * sizeof *scratch), v[MAX_CELLS];
    for (int i = 0; i < bt->nrows(g); i++) {
        table_set(t, x, bt->xval(g, i));
        for (int b = 0; b < p->nbatch; b++) {
            bt->cells(g, b, i, scratch, v);
            for (int q = 0; q < bt->ncells; q++) table_set(t, col[b][q], v[q]);
        }
        table_row(t);
    }
    free(scratch);
    table_close(t);
}

/* (b) test accuracy over the ensemble */
static int acc_rows(const merge_t *g) { return g->nev; }
static double acc_x(const merge_t *g, int i) { return (double)eval_step(g, i); }
static void acc_cells(const merge_t *g, int b, int i, double *col, double *v) {
    size_t n = (size_t)g->p.trials;
    column(g->E[b].acc, g->p.trials, g->nev, i, col);
    v[0] = stats_mean(col, NULL, n);
    v[1] = n > 1 ? stats_sd(col, NULL, n) : 0;
}
static const batch_table_t ACC_TABLE = {
    "fig51_acc.tsv", "Fig. 5.1b: test accuracy, ensemble mean and standard deviation", {"step", "1", "SGD step"}, 2,
    {{"mean", "1", "test accuracy, mean over the trials"}, {"std", "1", "its standard deviation over the trials"}},
    acc_rows, acc_x, acc_cells};

/* (c) noise variance, its exact expectation, the drift, the largest force */
static int noise_rows(const merge_t *g) { return g->nno; }
static double noise_x(const merge_t *g, int i) { return (double)i * g->p.noise_every; }
static void noise_cells(const merge_t *g, int b, int i, double *col, double *v) {
    const fig51_ens_t *e = &g->E[b];
    const double *src[] = {e->nvar, e->nexp, e->ndrift, e->gmax};
    for (int q = 0; q < 4; q++)
        v[q] = stats_mean(column(src[q], g->p.noise_trials, g->nno, i, col), NULL, (size_t)g->p.noise_trials);
}
static const batch_table_t NOISE_TABLE = {
    "fig51_noise.tsv", "Fig. 5.1c: noise variance (1/dim theta)||eta||^2, trial mean", {"step", "1", "SGD step"}, 4,
    {{"var", "1", "measured (1/dim)||eta||^2"}, {"exp", "1", "its exact expectation over the mini-batch draw"},
     {"drift", "1", "(1/dim)||grad U_B||^2, the drift's mean square"}, {"gmax", "1", "max over components of |grad U_B|"}},
    noise_rows, noise_x, noise_cells};

/* (d) autocorrelation of eta with its 2-SE band */
static int acf_rows(const merge_t *g) { return g->lags + 1; }
static double acf_x(const merge_t *g, int l) {
    (void)g;
    return l;
}
static void acf_cells(const merge_t *g, int b, int l, double *scratch, double *v) {
    (void)scratch;
    fig51_ctx_t c = {&g->E[b], l};
    size_t n = (size_t)g->p.acf_trials;
    v[0] = fig51_stat_all(fig51_acf, n, &c);
    v[1] = l > 0 && n >= 2 ? 2 * stats_jackknife_se(fig51_acf, n, &c) : 0;
}
static const batch_table_t ACF_TABLE = {
    "fig51_acf.tsv", "Fig. 5.1d: normalised autocorrelation of eta", {"lag", "steps", "lag"}, 2,
    {{"C", "1", "C(lag), pooled over reference steps and trials"}, {"band", "1", "2 jackknife standard errors over trials"}},
    acf_rows, acf_x, acf_cells};

/* Sec. 5.1.2: each group's temperature r E||eta_g||^2 / (2 dim_g), trial mean per record */
static void write_group_table(const merge_t *g, const char *dir) {
    const params_t *p = &g->p;
    table_t *t = open_table(g, dir, "fig51_groups.tsv", "Sec. 5.1.2: temperature per parameter group, trial mean");
    table_note(t, "T_g = r E||eta_g||^2 / (2 dim_g), E over the mini-batch draw (exact); groups l<layer>w (weights) and l<layer>b (biases); means over the first %ld trials", p->noise_trials);
    int step = table_col(t, "steps", "SGD step", "step"), col[MAX_BS][2 * MLP_MAX_LAYERS];
    int ng = g->E[0].ngroups;
    for (int b = 0; b < p->nbatch; b++)
        for (int q = 0; q < ng; q++)
            col[b][q] = table_col(t, "1", "temperature of the group at batch size |b|", "T_%s_b%ld", group_name(q), p->batch[b]);
    for (int i = 0; p->noise_trials > 0 && i < g->nno; i++) {
        table_set(t, step, (double)i * p->noise_every);
        for (int b = 0; b < p->nbatch; b++)
            for (int q = 0; q < ng; q++) {
                double sum = 0;
                for (long k = 0; k < p->noise_trials; k++) sum += g->E[b].gexp[(size_t)(k * g->nno + i) * (size_t)ng + (size_t)q];
                table_set(t, col[b][q], g->E[b].rate * sum / (double)p->noise_trials / 2);
            }
        table_row(t);
    }
    table_close(t);
}

/* Appendix A: distance of backward SGD to the forward path, relative to the forward displacement */
static void write_reverse_table(const merge_t *g, const char *dir) {
    const params_t *p = &g->p;
    table_t *t = open_table(g, dir, "fig51_reverse.tsv", "Appendix A: backward SGD from theta_n against the forward path");
    table_note(t, "rel = ||theta'_{n-w} - theta_{n-w}|| / ||theta_n - theta_{n-w}||, mean over %ld trials, se jackknife", p->reverse_trials);
    int w = table_col(t, "steps", "backward window w", "window"), col[MAX_BS][2];
    for (int b = 0; b < p->nbatch; b++) {
        col[b][0] = table_col(t, "1", "relative distance, trial mean", "rel_b%ld", p->batch[b]);
        col[b][1] = table_col(t, "1", "its jackknife standard error", "rel_se_b%ld", p->batch[b]);
    }
    for (int j = 0; p->reverse_trials > 0 && j < g->E[0].nrev; j++) {
        table_set(t, w, (double)g->E[0].rev_w[j]);
        for (int b = 0; b < p->nbatch; b++) {
            fig51_ctx_t c = {&g->E[b], j};
            size_t n = (size_t)p->reverse_trials;
            table_set(t, col[b][0], fig51_stat_all(fig51_reverse_rel, n, &c));
            table_set(t, col[b][1], n >= 2 ? stats_jackknife_se(fig51_reverse_rel, n, &c) : NAN);
        }
        table_row(t);
    }
    table_close(t);
}

static void write_batch_tables(const merge_t *g, const char *dir) {
    const params_t *p = &g->p;
    char note[256];
    write_batch_table(g, dir, &ACC_TABLE, NULL);
    snprintf(note, sizeof note, "means over the first %ld trials at each recorded step", p->noise_trials);
    write_batch_table(g, dir, &NOISE_TABLE, note);
    snprintf(note, sizeof note, "window estimator of src/lib/sgdnoise.h: reference steps %ld..%ld, M = %ld, %ld trials",
             p->acf_start, p->acf_start + p->acf_window - 1, p->acf_batch, p->acf_trials);
    write_batch_table(g, dir, &ACF_TABLE, note);
    write_group_table(g, dir); /* both always written (make's targets); no rows without their trials */
    write_reverse_table(g, dir);
}

/* ---- numbers ------------------------------------------------------------- */

static void put_counts(numbers_t *nb, const merge_t *g) {
    const params_t *p = &g->p;
    mlp_t m;
    model_shape(p, &m);
    numbers_put_params(nb, "fig51_", spec, NSPEC, p);
    numbers_put(nb, "fig51_rate", (float)p->rate, "1"); /* as the float the steps use */
    numbers_put(nb, "fig51_dim_theta", (double)m.nparam, "parameters");
    params_t deeper = *p; /* the other reading of "four layers": four hidden layers */
    deeper.depth = p->depth + 1;
    model_shape(&deeper, &m);
    numbers_put(nb, "fig51_dim_theta_one_more_layer", (double)m.nparam, "parameters");
    numbers_put(nb, "fig51_shards_s", g->shard_s, "s");
    numbers_put(nb, "fig51_maxrss_mb", g->maxrss_kb / 1024.0, "MB");
    numbers_put(nb, "fig51_noise_late_start", (double)g->E[0].late_start, "steps");
    numbers_put(nb, "fig51_ngroups", (double)g->E[0].ngroups, "groups");
}

/* The statistics of one batch size, each with its standard error. */
static void put_batch(numbers_t *nb, const merge_t *g, int b) {
    const params_t *p = &g->p;
    long bs = p->batch[b];
    fig51_ctx_t c = {&g->E[b], 1};
    size_t nt = (size_t)p->trials, nn = (size_t)p->noise_trials, na = (size_t)p->acf_trials;
    put_stat(nb, fig51_acc_mean, &c, nt, "fig51_acc_final_mean_b%ld", bs);
    put_stat(nb, fig51_acc_sd, &c, nt, "fig51_acc_final_std_b%ld", bs);
    if (nt >= 3) put_stat(nb, fig51_acc_cv, &c, nt, "fig51_acc_final_cv_b%ld", bs);
    if (nn > 0) {
        put_stat(nb, fig51_var, &c, nn, "fig51_noise_var_b%ld", bs);
        put_stat(nb, fig51_exp, &c, nn, "fig51_noise_exp_b%ld", bs);
        put_stat(nb, fig51_meas_over_exp, &c, nn * (size_t)g->nno, "fig51_noise_meas_over_exp_b%ld", bs);
        put_stat(nb, fig51_gmax, &c, nn, "fig51_gmax_b%ld", bs);
        put_stat(nb, fig51_rms_over_gmax, &c, nn, "fig51_noise_rms_over_gmax_b%ld", bs);
        put_stat(nb, fig51_exp_max_over_min, &c, nn, "fig51_noise_exp_max_over_min_b%ld", bs);
        put_stat(nb, fig51_drift_over_noise, &c, nn, "fig51_drift_over_noise_b%ld", bs);
        if (g->nno > 1) put_stat(nb, fig51_force, &c, nn, "fig51_force_change_b%ld", bs);
        put_stat(nb, fig51_exp_late_max_over_min, &c, nn, "fig51_noise_exp_late_max_over_min_b%ld", bs);
        if (nn >= 3) { /* a spread over trials, and its jackknife error, need 3 of them */
            put_stat(nb, fig51_loss_cv, &c, nn, "fig51_loss_end_cv_b%ld", bs);
            put_stat(nb, fig51_noise_cv, &c, nn, "fig51_noise_end_cv_b%ld", bs);
        }
    }
    if (na > 0 && p->sampling == SAMPLING_EPOCH && p->train_subset % bs == 0) {
        /* Per-epoch batches tile the training set: the n = K/|b| batch gradients
         * of an epoch sum to n grad U_B, so at fixed theta the noises of an epoch
         * sum to zero and, exchangeable, have correlation -1/(n - 1) between any
         * two of them. A lag-1 pair lies within one epoch for n - 1 of the n
         * reference positions and straddles an epoch boundary (independent
         * shuffles: correlation 0) for one, so C(1) = -1/n = -|b|/K. */
        double pred = -(double)bs / (double)p->train_subset;
        numbers_putf(nb, pred, "1", "fig51_acf_lag1_pred_b%ld", bs);
        double se = na >= 2 ? stats_jackknife_se(fig51_acf, na, &c) : NAN;
        if (isfinite(se)) numbers_putf(nb, (fig51_stat_all(fig51_acf, na, &c) - pred) / se, "1", "fig51_acf_lag1_z_b%ld", bs);
    }
    if (na > 0) {
        put_stat(nb, fig51_acf, &c, na, "fig51_acf_lag1_b%ld", bs);
        put_stat(nb, fig51_acf_maxabs, &c, na, "fig51_acf_maxabs_b%ld", bs);
        double band = 0; /* largest 2-SE band over lags >= 1 */
        for (c.lag = 1; na >= 2 && c.lag <= g->lags; c.lag++) band = fmax(band, 2 * stats_jackknife_se(fig51_acf, na, &c));
        numbers_putf(nb, band, "1", "fig51_acf_band_b%ld", bs);
    }
}

/* Ratios between neighbouring batch sizes: independent ensembles, so the
 * relative errors add in quadrature (delta method). */
static void put_ratio(numbers_t *nb, const merge_t *g, int b, stats_fn fn, const char *name) {
    fig51_ctx_t c0 = {&g->E[b], 0}, c1 = {&g->E[b + 1], 0};
    fig51_ratio_t r = fig51_ratio(fn, &c0, &c1, (size_t)g->p.noise_trials);
    numbers_putf(nb, r.value, "1", "fig51_%s_b%ld_b%ld", name, g->p.batch[b], g->p.batch[b + 1]);
    if (isfinite(r.se))
        numbers_putf(nb, r.se, "1", "fig51_%s_b%ld_b%ld_se", name, g->p.batch[b], g->p.batch[b + 1]);
}

static void write_numbers(const merge_t *g, const char *path) {
    numbers_t *nb = numbers_open(path, "Fig. 5.1 numbers (each ensemble statistic with its jackknife <key>_se)",
                                 g->conf, (uint64_t)g->p.seed);
    put_counts(nb, g);
    for (int b = 0; b < g->p.nbatch; b++) {
        put_batch(nb, g, b);
        put_reservoir(nb, g, b);
        if (b + 1 < g->p.nbatch && g->p.noise_trials > 0) {
            put_ratio(nb, g, b, fig51_var, "noise_ratio");
            put_ratio(nb, g, b, fig51_exp, "noise_exp_ratio");
        }
    }
    numbers_close(nb);
}

static int cmd_merge(int argc, char **argv) {
    merge_t *g = xcalloc(1, sizeof *g);
    g->p = read_params(argv[2], &g->conf);
    merge_alloc(g);
    for (int a = 5; a < argc; a++) merge_read_shard(g, argv[a]);
    merge_finish(g);
    write_param_table(g, argv[3]);
    write_batch_tables(g, argv[3]);
    write_numbers(g, argv[4]);
    return 0;
}

/* The shard plan, the one place it is computed: one row per shard in make's
 * order (shard index outer, so the shards with the heavy noise and window
 * trials come first; batch sizes largest first), with the features of the
 * cost model (src/tools/costmodel.c): counted work in its units, and the shard's
 * buffer bytes. make reads the shard names; the cost model the rest. */
static long overlap(long n, long t0, long t1) { return n <= t0 ? 0 : (n >= t1 ? t1 - t0 : n - t0); }

static int cmd_plan(int argc, char **argv) {
    (void)argc; /* command_run checked the count */
    conf_t *conf;
    params_t p = read_params(argv[2], &conf);
    mlp_t m;
    model_shape(&p, &m);
    const double P = (double)m.nparam;
    long order[MAX_BS];
    for (int b = 0; b < p.nbatch; b++) order[b] = p.batch[b];
    for (int i = 1; i < p.nbatch; i++) /* largest first */
        for (int j = i; j > 0 && order[j] > order[j - 1]; j--) {
            long x = order[j];
            order[j] = order[j - 1], order[j - 1] = x;
        }
    const long nev = p.steps / p.eval_every + 1 + (p.steps % p.eval_every != 0);
    const long nnoise = (p.steps + p.noise_every - 1) / p.noise_every;
    const long hidden = (p.depth - 1) * p.width + MNIST_CLASSES;
    printf("# fig51 plan of %s: %ld shards x %d batch sizes; P = %zu parameters\n", argv[2], nshards(&p), p.nbatch,
           m.nparam);
    printf("shard\tbatch\tindex\ttrial0\ttrials\tnparam\tf_shard\tf_param\tf_small\tf_eval\tf_dense\tbuffer_bytes\n");
    for (long s = 0; s < nshards(&p); s++)
        for (int b = 0; b < p.nbatch; b++) {
            long t0 = s * p.trials_per_shard, t1 = t0 + p.trials_per_shard < p.trials ? t0 + p.trials_per_shard : p.trials;
            double n = (double)(t1 - t0), bs = (double)order[b];
            long acf = overlap(p.acf_trials, t0, t1);
            double eval = n * (double)nev * (double)p.test_subset * 2 * P;
            double dense = (double)overlap(p.noise_trials, t0, t1) * (double)nnoise * ((double)p.train_subset + bs) * 6 * P +
                           (double)acf * (double)(p.acf_window + p.acf_lags) * ((double)p.acf_batch + bs) * 6 * P;
            long cap = p.chunk > order[b] ? p.chunk : order[b];
            if (p.acf_batch > cap) cap = p.acf_batch;
            double buffer = 4 * (P * (5 + (acf > 0 ? (double)p.acf_lags + 1 : 0)) + 3.0 * (double)cap * (double)(MNIST_PIXELS + hidden));
            printf("b%ld_s%ld\t%ld\t%ld\t%ld\t%.0f\t%zu\t1\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\n", order[b], s, order[b],
                   s, t0, n, m.nparam, (double)p.steps * n * P, 6 * P * bs * (double)p.steps * n, eval, dense, buffer);
        }
    conf_free(conf);
    return 0;
}

int main(int argc, char **argv) {
    prog_name = "fig51";
    openblas_set_num_threads(1);
    static const command_t cmds[] = {{"run", "PARAMS MNIST_DIR BATCH SHARD OUT.tsv", 5, 5, cmd_run},
                                     {"merge", "PARAMS OUTDIR NUMBERS.tsv SHARD.tsv...", 4, -1, cmd_merge},
                                     {"plan", "PARAMS", 1, 1, cmd_plan}};
    return command_run(cmds, (int)(sizeof cmds / sizeof cmds[0]), spec, NSPEC, argc, argv);
}
