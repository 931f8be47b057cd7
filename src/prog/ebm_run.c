/*
 * ebm_run - driver of the Langevin energy-based model on MNIST (the model,
 * sampler, update and bookkeeping are in src/lib/ebm.c and src/lib/ebm_train.c, the
 * sample-quality measures in src/lib/ebm_eval.c).
 *
 *   ebm_run classifier PARAMS MNIST_DIR CLASSIFIER.bin NUMBERS.tsv
 *       trains the digit classifier once (the Fig. 5.1 MLP), records its test
 *       accuracy, the run's parameters and the reference quality of test images.
 *   ebm_run train PARAMS MNIST_DIR CLASSIFIER.bin TAU TRACE.tsv SAMPLES.tsv QUALITY.tsv NUMBERS.tsv
 *       one training run with TAU Langevin steps per update (TAU from 'taus'):
 *       cumulative W, Q, R, Delta U with bootstrap intervals along training,
 *       sample grids and sample quality at snapshots.
 *   ebm_run replica PARAMS MNIST_DIR CLASSIFIER.bin TAU REPLICA NUMBERS.tsv
 *       the same run with other seeds (its own theta_0, chains, batches;
 *       REPLICA = 1..replicas), numbers only: the seed-to-seed spread of each
 *       number (src/tools/seedspread.c) is the scale on which two BLAS kernels,
 *       whose float32 trajectories part, can be compared.
 *   ebm_run keys
 *       the parameter keys and what they mean.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ebm.h"
#include "ebm_eval.h"
#include "ebm_train.h"
#include "idx.h"
#include "mlp.h"
#include "rng.h"
#include "util.h"

#define MAX_TAUS 8
#define STREAM_INIT (1ull << 62)
#define STREAM_CLF (1ull << 61)
#define STREAM_TEST (1ull << 60)
#define STREAM_RUN(tau) ((uint64_t)(tau) << 8) /* + 0..2: data, chains, bootstrap */
#define REPLICA_SHIFT 40                         /* replica k: run streams + (k << 40), init + k */
#define MAX_REPLICAS 16
#define PROGRESS_LINE_SECONDS 5.0

// ---- parameters: one table documents, bounds and reads every key ------------

typedef struct {
    long seed, K, hidden, batch, updates, taus[MAX_TAUS], buffer, boot, every, snapshots, grid, quality_test, replicas;
    long clf_hidden, clf_epochs, clf_batch;
    int ntaus, clip, opt;
    double eps, T, reinit, alpha, dequant, rate, beta1, beta2, bound, clf_rate;
} keys_t;

static const char *const CLIPS[] = {"none", "unit", NULL};
static const char *const OPTS[] = {"sgd", "adam", NULL};
#define F(field) offsetof(keys_t, field)
static const conf_spec_t KEYS[] = {
    {"seed", CONF_INT, F(seed), 0, SEED_MAX, .doc = "Philox key of every stream"},
    {"K", CONF_INT, F(K), 100, MNIST_TRAIN, .doc = "training images (the first K) for the EBM and the NN distances",
     .quote = "K", .unit = "images"},
    {"hidden", CONF_INT, F(hidden), 1, 4096, .doc = "width of the two SiLU hidden layers of E_theta",
     .quote = "hidden", .unit = "units"},
    {"batch", CONF_INT, F(batch), 2, 10000, .doc = "n: data images and chains per update",
     .quote = "batch", .unit = "images"},
    {"updates", CONF_INT, F(updates), 1, 10000000, .doc = "SGD updates per run", .quote = "updates", .unit = "updates"},
    {"taus", CONF_LIST, F(taus), 1, 100000, .count_offset = F(ntaus), .max_count = MAX_TAUS,
     .doc = "Langevin steps per update, one run each", .quote = "tau", .unit = "steps"},
    {"step_eps", CONF_DOUBLE, F(eps), 1e-9, 1e3, .doc = "Langevin step eps of Eq 26 (mobility x time step)",
     .quote = "step_eps", .unit = "1"},
    {"temperature", CONF_DOUBLE, F(T), 1e-9, 1e3, .doc = "T: noise sqrt(2 eps T), law exp(-E/T); thermodynamics in units of T",
     .quote = "temperature", .unit = "1"},
    {"clip", CONF_CHOICE, F(clip), .choices = CLIPS, .doc = "clip samples to [0,1] after each step (unit) or not (none)"},
    {"buffer", CONF_INT, F(buffer), 2, 1000000, .doc = "replay-buffer states of the persistent chains, >= batch",
     .quote = "buffer", .unit = "states"},
    {"reinit", CONF_DOUBLE, F(reinit), 0, 1, .doc = "probability a drawn chain restarts from U[0,1]^784",
     .quote = "reinit", .unit = "1"},
    {"alpha", CONF_DOUBLE, F(alpha), 0, 1e3, .doc = "energy regulariser alpha (<E^2>_data + <E^2>_samples)",
     .quote = "alpha", .unit = "1"},
    {"dequant", CONF_DOUBLE, F(dequant), 0, 1, .doc = "data x -> (1 - dequant) x + dequant U(0,1)"},
    {"optimizer", CONF_CHOICE, F(opt), .choices = OPTS, .doc = "sgd (Algorithm 1) or adam"},
    {"learning_rate", CONF_DOUBLE, F(rate), 1e-12, 10, .doc = "r of the optimizer", .quote = "rate", .unit = "1"},
    {"beta1", CONF_DOUBLE, F(beta1), 0, 0.9999, .doc = "Adam first-moment decay (ignored by sgd)"},
    {"beta2", CONF_DOUBLE, F(beta2), 0, 0.999999, .doc = "Adam second-moment decay (ignored by sgd)"},
    {"energy_bound", CONF_DOUBLE, F(bound), 1, 1e30, .doc = "|E| beyond this stops the run (divergence)"},
    {"bootstrap", CONF_INT, F(boot), 2, 100000, .doc = "bootstrap replicas over chains per update",
     .quote = "bootstrap", .unit = "replicas"},
    {"record_every", CONF_INT, F(every), 1, 10000000, .doc = "updates between trace rows"},
    {"snapshots", CONF_INT, F(snapshots), 2, 64, .doc = "sample snapshots at equally spaced updates, 0 and the last included"},
    {"grid_samples", CONF_INT, F(grid), 1, 100, .doc = "samples per snapshot in the image grid, <= batch"},
    {"quality_test", CONF_INT, F(quality_test), 2, MNIST_TEST, .doc = "test images of the reference quality",
     .quote = "quality_test", .unit = "images"},
    {"replicas", CONF_INT, F(replicas), 2, MAX_REPLICAS, .doc = "runs per tau with other seeds, for the seed-to-seed spread",
     .quote = "replicas", .unit = "runs"},
    {"clf_hidden", CONF_INT, F(clf_hidden), 1, 4096, .doc = "classifier: width of its two ReLU hidden layers"},
    {"clf_epochs", CONF_INT, F(clf_epochs), 1, 1000, .doc = "classifier: epochs over the 60000 training images",
     .quote = "clf_epochs", .unit = "epochs"},
    {"clf_batch", CONF_INT, F(clf_batch), 1, 10000, .doc = "classifier: mini-batch size"},
    {"clf_rate", CONF_DOUBLE, F(clf_rate), 1e-9, 10, .doc = "classifier: SGD learning rate"},
};
#undef F
#define NKEYS ((int)(sizeof KEYS / sizeof KEYS[0]))

static keys_t read_params(const char *path, conf_t **keep) {
    keys_t k;
    *keep = conf_read_file(path, KEYS, NKEYS, &k);
    if (k.batch > k.K) die("%s: key 'batch' = %ld exceeds K = %ld", path, k.batch, k.K);
    if (k.buffer < k.batch) die("%s: key 'buffer' = %ld is smaller than batch = %ld", path, k.buffer, k.batch);
    if (k.grid > k.batch) die("%s: key 'grid_samples' = %ld exceeds batch = %ld", path, k.grid, k.batch);
    if (k.every > k.updates) die("%s: key 'record_every' = %ld exceeds updates = %ld", path, k.every, k.updates);
    if (k.snapshots - 1 > k.updates) die("%s: key 'snapshots' = %ld needs more updates", path, k.snapshots);
    return k;
}

static void energy_shape(const keys_t *k, mlp_t *m) {
    const int sizes[] = {MNIST_PIXELS, (int)k->hidden, (int)k->hidden, 1};
    mlp_init(m, sizes, 3);
}

// ---- classifier: trained once, with the reference quality of test images ----

static void setup_numbers(numbers_t *nb, const keys_t *k, const mlp_t *m) {
    numbers_put_params(nb, "ebm_", KEYS, NKEYS, k);
    numbers_put(nb, "ebm_nparam", (double)m->nparam, "parameters");
    numbers_put(nb, "ebm_noise_sd", sqrt(2 * k->eps * k->T), "1");
}

static int cmd_classifier(int argc, char **argv) {
    (void)argc; /* command_run checked the count */
    conf_t *conf;
    keys_t k = read_params(argv[2], &conf);
    mnist_t tr = mnist_load(argv[3], "train"), te = mnist_load(argv[3], "t10k");
    mnist_require_count(&tr, k.K, "key 'K'");
    mnist_require_count(&te, k.quality_test, "key 'quality_test'");
    const int sizes[] = {MNIST_PIXELS, (int)k.clf_hidden, (int)k.clf_hidden, MNIST_CLASSES};
    mlp_t clf;
    mlp_init(&clf, sizes, 3);
    float *theta = xmalloc(clf.nparam * sizeof(float));
    rng_t r;
    rng_init(&r, (uint64_t)k.seed, STREAM_CLF);
    mlp_init_uniform(&clf, theta, &r);
    double t0 = now_seconds();
    ebm_eval_train_classifier(&clf, theta, tr.x, tr.label, tr.n, (int)k.clf_batch, (int)k.clf_epochs, (float)k.clf_rate, &r);
    mlp_work_t *w = mlp_work_alloc(&clf, MLP_SPARSE_MAX);
    long ok = mlp_count_correct(&clf, theta, te.x, te.label, te.n, w);
    mlp_work_free(w);
    ebm_eval_save(argv[4], &clf, theta);
    /* reference: quality_test test images, the first ones, against the K training images */
    ebm_quality_t q = ebm_eval_quality(&clf, theta, te.x, (int)k.quality_test, tr.x, k.K);
    numbers_t *nb = numbers_open(argv[5], "EBM set-up: classifier and reference quality of test images", conf, (uint64_t)k.seed);
    mlp_t m;
    energy_shape(&k, &m);
    setup_numbers(nb, &k, &m);
    double acc = (double)ok / te.n;
    numbers_put(nb, "ebm_clf_accuracy", acc, "1");
    numbers_put(nb, "ebm_clf_accuracy_se", sqrt(acc * (1 - acc) / te.n), "1");
    numbers_put(nb, "ebm_clf_seconds", now_seconds() - t0, "s");
    numbers_put(nb, "ebm_test_conf", q.conf, "1");
    numbers_put(nb, "ebm_test_conf_se", q.conf_se, "1");
    numbers_put(nb, "ebm_test_label_H", q.label_H, "nats");
    numbers_put(nb, "ebm_test_label_H_se", q.label_H_se, "nats");
    numbers_put(nb, "ebm_test_nn", q.nn, "1");
    numbers_put(nb, "ebm_test_nn_se", q.nn_se, "1");
    numbers_close(nb);
    fprintf(stderr, "ebm_run: classifier test accuracy %.4f in %.1fs\n", (double)ok / te.n, now_seconds() - t0);
    free(theta), mnist_free(&tr), mnist_free(&te);
    return 0;
}

// ---- train: one run at one tau ------------------------------------------------

typedef struct {
    keys_t k;
    conf_t *conf;
    int tau, run; /* tau and its index in 'taus': numbers keys ebm_r<run>_* */
    long replica; /* 0: the run the figures show; 1..replicas: other seeds */
    mlp_t m, clf;
    float *clf_theta;
    mnist_t tr;
    ebm_train_t s;
    table_t *trace, *samples, *quality;
    int snap;
} run_t;

static void run_setup(run_t *R, char **argv, long replica) {
    R->k = read_params(argv[2], &R->conf);
    if (replica < 0 || replica > R->k.replicas)
        die("%s: REPLICA = %ld is outside 0..%ld (key 'replicas')", argv[2], replica, R->k.replicas);
    R->replica = replica;
    long tau = parse_long_arg(argv[5], "TAU");
    R->run = -1;
    for (int i = R->k.ntaus - 1; i >= 0; i--)
        if (R->k.taus[i] == tau) R->run = i;
    if (R->run < 0) die("%s: TAU = %ld is not in the key 'taus'", argv[2], tau);
    R->tau = (int)tau;
    R->tr = mnist_load(argv[3], "train");
    mnist_require_count(&R->tr, R->k.K, "key 'K'");
    R->clf_theta = ebm_eval_load(argv[4], &R->clf);
    energy_shape(&R->k, &R->m);
    float *theta0 = xmalloc(R->m.nparam * sizeof(float));
    rng_t r;
    rng_init(&r, (uint64_t)R->k.seed, STREAM_INIT + (uint64_t)replica); /* one theta_0 for every tau */
    mlp_init_uniform(&R->m, theta0, &r);
    const keys_t *k = &R->k;
    ebm_train_cfg_t c = {.n = (int)k->batch, .tau = R->tau, .L = {(float)k->eps, (float)k->T, k->clip},
                         .alpha = (float)k->alpha, .dequant = (float)k->dequant, .nbuf = (int)k->buffer,
                         .reinit = k->reinit, .bound = k->bound, .boot = (int)k->boot, .opt_kind = k->opt,
                         .rate = (float)k->rate, .beta1 = (float)k->beta1, .beta2 = (float)k->beta2};
    ebm_train_init(&R->s, &R->m, &c, theta0, R->tr.x, (int)k->K, (uint64_t)k->seed,
                   STREAM_RUN(R->tau) + ((uint64_t)replica << REPLICA_SHIFT));
    free(theta0);
}

enum { T_UPDATE, T_W, T_WLO, T_WHI, T_Q, T_QLO, T_QHI, T_R, T_RLO, T_RHI, T_DU, T_ULO, T_UHI, T_LNZ,
       T_EDATA, T_ENEG, T_DSD, T_STEPS, T_NCOLS };
enum { S_GX, S_GY, S_V, S_UPDATE, S_NCOLS };
enum { Q_UPDATE, Q_CONF, Q_CONF_SE, Q_H, Q_H_SE, Q_NN, Q_NN_SE, Q_NCOLS };
/* The quality table's columns; the snapshot numbers ebm_r<run>_s<snap>_<name> take the same names and units. */
static const column_t QUALITY_COLS[Q_NCOLS] = {
    [Q_UPDATE] = {"update", "1", "SGD update"}, [Q_CONF] = {"conf", "1", "classifier mean confidence"},
    [Q_CONF_SE] = {"conf_se", "1", "its standard error"},
    [Q_H] = {"label_H", "nats", "entropy of the predicted-label histogram"},
    [Q_H_SE] = {"label_H_se", "nats", "jackknife standard error"},
    [Q_NN] = {"nn", "1", "mean distance to the closest training image"}, [Q_NN_SE] = {"nn_se", "1", "its standard error"}};

static void open_tables(run_t *R, char **argv) {
    const column_t tc[T_NCOLS] = {
        [T_UPDATE] = {"update", "1", "SGD update t"},
        [T_W] = {"W", "nats", "cumulative work W_X (Eq 51), exponential-average estimate of Delta ln Z"},
        [T_WLO] = {"W_lo", "nats", "2.5% bootstrap percentile of W"}, [T_WHI] = {"W_hi", "nats", "97.5% percentile"},
        [T_Q] = {"Q", "nats", "cumulative heat Q_X (Eq 52) of the Langevin steps"},
        [T_QLO] = {"Q_lo", "nats", "2.5% percentile of Q"}, [T_QHI] = {"Q_hi", "nats", "97.5% percentile"},
        [T_R] = {"R", "nats", "cumulative exchange with the replay buffer"},
        [T_RLO] = {"R_lo", "nats", "2.5% percentile of R"}, [T_RHI] = {"R_hi", "nats", "97.5% percentile"},
        [T_DU] = {"dU", "nats", "Delta <phi> since t = 0, computed directly (= W + Q + R)"},
        [T_ULO] = {"dU_lo", "nats", "2.5% percentile"}, [T_UHI] = {"dU_hi", "nats", "97.5% percentile"},
        [T_LNZ] = {"lnZ", "nats", "ln Z_t - ln Z_0 estimate, sum of Delta ln Z"},
        [T_EDATA] = {"E_data", "T", "<E>_data of the last batch"}, [T_ENEG] = {"E_samples", "T", "<E>_samples"},
        [T_DSD] = {"d_sd", "nats", "sd over chains of (E_t - E_{t-1})/T at the last update"},
        [T_STEPS] = {"langevin_steps", "steps", "Langevin steps per chain so far"}};
    R->trace = table_open(argv[6], "EBM on MNIST: cumulative work, heat, buffer exchange and Delta U along training",
                          R->conf, (uint64_t)R->k.seed, "%.9g");
    table_note(R->trace, "tau = %d Langevin steps per update; %ld chains, %ld bootstrap replicas", R->tau, R->k.batch, R->k.boot);
    table_cols(R->trace, tc, T_NCOLS);
    R->samples = table_open(argv[7], "EBM on MNIST: sample grid (rows: snapshots, columns: chains)", R->conf,
                            (uint64_t)R->k.seed, "%.6g");
    table_note(R->samples, "tau = %d; image pixel (i, j) of chain c at snapshot s is at gx = 29 c + j, gy = 29 s + i", R->tau);
    static const column_t sc[S_NCOLS] = {[S_GX] = {"gx", "1", "grid column"}, [S_GY] = {"gy", "1", "grid row"},
                                          [S_V] = {"v", "1", "pixel value"},
                                          [S_UPDATE] = {"update", "1", "update of the snapshot"}};
    table_cols(R->samples, sc, S_NCOLS);
    R->quality = table_open(argv[8], "EBM on MNIST: quality of the current samples at snapshots", R->conf,
                            (uint64_t)R->k.seed, "%.9g");
    table_cols(R->quality, QUALITY_COLS, Q_NCOLS);
}

static void trace_row(run_t *R) {
    if (!R->trace) return; /* a replica writes numbers only */
    const ebm_train_t *s = &R->s;
    int B = s->c.boot;
    ebm_interval_t iw = ebm_train_interval(s->bW, B), iq = ebm_train_interval(s->bQ, B);
    ebm_interval_t ir = ebm_train_interval(s->bR, B), iu = ebm_train_interval(s->bU, B);
    double row[T_NCOLS] = {[T_UPDATE] = (double)s->t, [T_W] = s->cum.W, [T_WLO] = iw.lo, [T_WHI] = iw.hi,
                           [T_Q] = s->cum.Q, [T_QLO] = iq.lo, [T_QHI] = iq.hi, [T_R] = s->cum.R,
                           [T_RLO] = ir.lo, [T_RHI] = ir.hi, [T_DU] = s->cum.dU, [T_ULO] = iu.lo,
                           [T_UHI] = iu.hi, [T_LNZ] = s->cum.lnZ, [T_EDATA] = s->loss.e_data,
                           [T_ENEG] = s->loss.e_neg, [T_DSD] = s->last.d_sd, [T_STEPS] = (double)s->steps};
    if (s->t == 0)
        for (int i = T_WLO; i <= T_UHI; i++) row[i] = 0; /* nothing accumulated yet */
    for (int i = 0; i < T_NCOLS; i++) table_set(R->trace, i, row[i]);
    table_row(R->trace);
}

/* Image grid row and quality of the current samples; numbers per snapshot. */
static void snapshot(run_t *R, numbers_t *nb) {
    const ebm_train_t *s = &R->s;
    /* scan order, a regular grid: one blank (0) row and column after each image */
    for (int i = 0; R->samples && i <= MNIST_SIDE; i++)
        for (int c = 0; c < (int)R->k.grid; c++)
            for (int j = 0; j <= MNIST_SIDE; j++) {
                table_set(R->samples, S_GX, (MNIST_SIDE + 1) * c + j);
                table_set(R->samples, S_GY, (MNIST_SIDE + 1) * R->snap + i);
                table_set(R->samples, S_V, i < MNIST_SIDE && j < MNIST_SIDE ? s->x[(size_t)c * MNIST_PIXELS + i * MNIST_SIDE + j] : 0);
                table_set(R->samples, S_UPDATE, (double)s->t);
                table_row(R->samples);
            }
    ebm_quality_t q = ebm_eval_quality(&R->clf, R->clf_theta, s->x, s->c.n, R->tr.x, R->k.K);
    double v[Q_NCOLS] = {[Q_UPDATE] = (double)s->t, [Q_CONF] = q.conf, [Q_CONF_SE] = q.conf_se, [Q_H] = q.label_H,
                         [Q_H_SE] = q.label_H_se, [Q_NN] = q.nn, [Q_NN_SE] = q.nn_se};
    if (R->quality) {
        for (int i = 0; i < Q_NCOLS; i++) table_set(R->quality, i, v[i]);
        table_row(R->quality);
    }
    for (int i = Q_CONF; i < Q_NCOLS; i++)
        numbers_putf(nb, v[i], QUALITY_COLS[i].unit, "ebm_r%d_s%d_%s", R->run, R->snap, QUALITY_COLS[i].name);
    numbers_putf(nb, (double)s->t, "updates", "ebm_r%d_s%d_update", R->run, R->snap);
    R->snap++;
}

static void final_numbers(run_t *R, numbers_t *nb, double wall) {
    const ebm_train_t *s = &R->s;
    int B = s->c.boot;
    const char *name[4] = {"W", "Q", "R", "dU"};
    const double val[4] = {s->cum.W, s->cum.Q, s->cum.R, s->cum.dU};
    const double *rep[4] = {s->bW, s->bQ, s->bR, s->bU};
    for (int i = 0; i < 4; i++) {
        ebm_interval_t in = ebm_train_interval(rep[i], B);
        numbers_putf(nb, val[i], "nats", "ebm_r%d_%s", R->run, name[i]);
        numbers_putf(nb, in.se, "nats", "ebm_r%d_%s_se", R->run, name[i]);
        numbers_putf(nb, (in.hi - in.lo) / 2, "nats", "ebm_r%d_%s_hw", R->run, name[i]); /* 95% half-width */
    }
    double bmean = 0; /* bootstrap bias estimate of W: mean over replicas - estimate */
    for (int b = 0; b < B; b++) bmean += s->bW[b] / B;
    numbers_putf(nb, bmean - s->cum.W, "nats", "ebm_r%d_W_bootbias", R->run);
    numbers_putf(nb, s->cum.first_worst, "1", "ebm_r%d_firstlaw_rel", R->run);
    numbers_putf(nb, s->cum.d_sd_max, "nats", "ebm_r%d_d_sd_max", R->run);
    numbers_putf(nb, (double)s->steps, "steps", "ebm_r%d_langevin_steps", R->run);
    numbers_putf(nb, (double)s->steps * s->c.n, "steps", "ebm_r%d_chain_steps", R->run);
    numbers_putf(nb, wall, "s", "ebm_r%d_wall_s", R->run);
}

/* Progress on stderr: util's live line on a terminal, and one line every few
 * seconds otherwise, so a scheduler's log shows it. */
static void progress_line(progress_t *pg, const run_t *R, double *last) {
    progress_step(pg, 1, NULL);
    double now = now_seconds();
    if (pg->tty || now - *last < PROGRESS_LINE_SECONDS) return;
    *last = now;
    double el = now - pg->t0, eta = el / pg->done * (pg->total - pg->done);
    fprintf(stderr, "ebm_run: tau %d: update %ld of %ld, %.0fs elapsed, ETA %.0fs, W %.4g Q %.4g\n", R->tau, pg->done,
            pg->total, el, eta, R->s.cum.W, R->s.cum.Q);
}

/* The run: updates with trace rows, snapshots and progress; numbers at the end. */
static void train(run_t *R, numbers_t *nb, double t0) {
    long n = R->k.updates, nsnap = R->k.snapshots;
    progress_t pg;
    progress_start(&pg, "updates", n);
    double last = pg.t0;
    trace_row(R);
    snapshot(R, nb);
    for (long u = 1; u <= n; u++) {
        ebm_train_step(&R->s);
        if (u % R->k.every == 0 || u == n) trace_row(R);
        if (u * (nsnap - 1) / n != (u - 1) * (nsnap - 1) / n) snapshot(R, nb); /* crossed a snapshot point */
        progress_line(&pg, R, &last);
    }
    char done[128];
    snprintf(done, sizeof done, "tau %d replica %ld: W %.4g Q %.4g R %.4g", R->tau, R->replica, R->s.cum.W,
             R->s.cum.Q, R->s.cum.R);
    progress_end(&pg, done);
    final_numbers(R, nb, now_seconds() - t0);
    numbers_close(nb);
    ebm_train_free(&R->s);
    free(R->clf_theta), mnist_free(&R->tr);
}

static int cmd_train(int argc, char **argv) {
    (void)argc; /* command_run checked the count */
    double t0 = now_seconds();
    static run_t R;
    run_setup(&R, argv, 0);
    open_tables(&R, argv);
    train(&R, numbers_open(argv[9], "EBM on MNIST: one run", R.conf, (uint64_t)R.k.seed), t0);
    table_close(R.trace), table_close(R.samples), table_close(R.quality);
    return 0;
}

static int cmd_replica(int argc, char **argv) {
    (void)argc; /* command_run checked the count */
    double t0 = now_seconds();
    static run_t R;
    long replica = parse_long_arg(argv[6], "REPLICA");
    if (replica < 1) die("REPLICA = %ld: replicas are numbered from 1 (0 is the run of 'ebm_run train')", replica);
    run_setup(&R, argv, replica);
    train(&R, numbers_open(argv[7], "EBM on MNIST: a replica of one run with other seeds", R.conf, (uint64_t)R.k.seed),
          t0);
    return 0;
}

int main(int argc, char **argv) {
    prog_name = "ebm_run";
    static const command_t cmds[] = {
        {"classifier", "PARAMS MNIST_DIR CLASSIFIER.bin NUMBERS.tsv", 4, 4, cmd_classifier},
        {"train", "PARAMS MNIST_DIR CLASSIFIER.bin TAU TRACE.tsv SAMPLES.tsv QUALITY.tsv NUMBERS.tsv", 8, 8, cmd_train},
        {"replica", "PARAMS MNIST_DIR CLASSIFIER.bin TAU REPLICA NUMBERS.tsv", 6, 6, cmd_replica}};
    return command_run(cmds, (int)(sizeof cmds / sizeof cmds[0]), KEYS, NKEYS, argc, argv);
}
