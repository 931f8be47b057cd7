/*
 * ebm_run - driver of the energy-based model on MNIST and of its exact case
 * (the model, MALA sampler, update and estimators are in src/lib/ebm.c,
 * src/lib/ebm_train.c and src/lib/ebm_exact.c, the sample-quality measures in
 * src/lib/ebm_eval.c).
 *
 *   ebm_run classifier PARAMS MNIST_DIR CLASSIFIER.bin WHITEN.bin NUMBERS.tsv
 *       trains the digit classifier once (the Fig. 5.1 MLP), records its test
 *       accuracy, the run's parameters and the reference quality of test
 *       images; computes the whitening of the noised data law once.
 *   ebm_run train PARAMS MNIST_DIR CLASSIFIER.bin WHITEN.bin TAU TRACE.tsv AIS.tsv SAMPLES.tsv QUALITY.tsv NUMBERS.tsv
 *       one training run with TAU MALA steps per update (TAU from 'taus'):
 *       per-update and cumulative W, Q, Delta ln Z (BAR, with the exponential
 *       average as a control) with bootstrap errors, ln Z_t - ln Z_0 against
 *       annealed importance sampling at checkpoints, sample grids and sample
 *       quality at snapshots.
 *   ebm_run replica PARAMS MNIST_DIR CLASSIFIER.bin WHITEN.bin TAU REPLICA NUMBERS.tsv
 *       the same run with other seeds (its own theta_0, chains, batches;
 *       REPLICA = 1..replicas), numbers only: the seed-to-seed spread of each
 *       number (src/tools/seedspread.c) is the scale on which two BLAS kernels,
 *       whose float32 trajectories part, can be compared.
 *   ebm_run shortrun PARAMS MNIST_DIR CLASSIFIER.bin SAMPLES.tsv NUMBERS.tsv
 *       the contrast: the short-run recipe (network energy alone, clipped
 *       unadjusted Langevin at a small temperature, replay buffer), whose
 *       law is unknown; sample quality only, no thermodynamics.
 *   ebm_run exact PARAMS NUMBERS.tsv
 *       the exact case: a d = 1 or 2 member of the family trained and sampled
 *       by the same functions, estimates against quadrature, 'exact_replicas' runs.
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
#include "ebm_exact.h"
#include "ebm_train.h"
#include "idx.h"
#include "mlp.h"
#include "rng.h"
#include "util.h"

#define MAX_TAUS 8
#define MAX_CHECKPOINTS 16
#define STREAM_INIT (1ull << 62)
#define STREAM_CLF (1ull << 61)
#define STREAM_SHORTRUN (1ull << 59)
#define STREAM_EXACT (1ull << 58)
#define STREAM_RUN(tau) ((uint64_t)(tau) << 8) /* + 0..2: data, chains, bootstrap; + 3: AIS */
#define REPLICA_SHIFT 40                         /* replica k: run streams + (k << 40), init + k */
#define EXACT_SHIFT 24                           /* exact replica k: STREAM_EXACT + (k << 24) */
#define MAX_REPLICAS 16
#define PROGRESS_LINE_SECONDS 5.0

// ---- parameters: one table documents, bounds and reads every key ------------

typedef struct {
    long seed, K, hidden, batch, chains, updates, taus[MAX_TAUS], warmup, boot, every, snapshots, grid, quality_test,
        replicas;
    long ais_checkpoints, ais_laws, ais_chains, ais_steps;
    long sr_tau, sr_updates, sr_buffer;
    long ex_dim, ex_hidden, ex_grid, ex_K, ex_batch, ex_chains, ex_tau, ex_warmup, ex_updates, ex_replicas;
    long clf_hidden, clf_epochs, clf_batch;
    int ntaus, opt;
    double base_sd, dequant, data_noise, eps0, target, alpha, rate, beta1, beta2, bound, ais_power, dE_target;
    double sr_eps, sr_T, sr_reinit, sr_alpha, sr_rate, sr_dequant;
    double ex_box, ex_sep, ex_width, ex_base_sd, ex_rate;
    double clf_rate;
} keys_t;

static const char *const OPTS[] = {"sgd", "adam", NULL};
#define F(field) offsetof(keys_t, field)
static const conf_spec_t KEYS[] = {
    {"seed", CONF_INT, F(seed), 0, SEED_MAX, .doc = "Philox key of every stream"},
    {"K", CONF_INT, F(K), 100, MNIST_TRAIN, .doc = "training images (the first K) for the EBM and the NN distances",
     .quote = "K", .unit = "images"},
    {"hidden", CONF_INT, F(hidden), 1, 4096, .doc = "width of the two SiLU hidden layers of f_theta",
     .quote = "hidden", .unit = "units"},
    {"base_sd", CONF_DOUBLE, F(base_sd), 1e-3, 100,
     .doc = "s: E = |z|^2/(2 s^2) + f(z), z the whitened pixels (s = 1: the base is the data's Gaussian)",
     .quote = "base_sd", .unit = "1"},
    {"dequant", CONF_DOUBLE, F(dequant), 0, 1, .doc = "data x -> (1 - dequant) x + dequant U(0,1) ...",
     .quote = "dequant", .unit = "1"},
    {"data_noise", CONF_DOUBLE, F(data_noise), 0, 10, .doc = "... + data_noise N(0,1) per pixel (0: none)",
     .quote = "data_noise", .unit = "1"},
    {"batch", CONF_INT, F(batch), 2, 10000, .doc = "n: data images and gradient chains per update",
     .quote = "batch", .unit = "images"},
    {"chains", CONF_INT, F(chains), 2, 10000, .doc = "measurement chains (never in a gradient): the thermodynamics",
     .quote = "chains", .unit = "chains"},
    {"updates", CONF_INT, F(updates), 1, 10000000, .doc = "updates per run", .quote = "updates", .unit = "updates"},
    {"taus", CONF_LIST, F(taus), 1, 100000, .count_offset = F(ntaus), .max_count = MAX_TAUS,
     .doc = "MALA steps per update, one run each", .quote = "tau", .unit = "steps"},
    {"step_eps", CONF_DOUBLE, F(eps0), 1e-9, 1e3, .doc = "initial MALA step eps (adapted between updates)",
     .quote = "step_eps", .unit = "1"},
    {"accept_target", CONF_DOUBLE, F(target), 0.05, 0.95, .doc = "acceptance the step adaptation aims at",
     .quote = "accept_target", .unit = "1"},
    {"warmup", CONF_INT, F(warmup), 0, 100000, .doc = "segments of tau MALA steps at theta_0 that adapt the step",
     .quote = "warmup", .unit = "segments"},
    {"alpha", CONF_DOUBLE, F(alpha), 0, 1e3, .doc = "regulariser alpha (<f^2>_data + <f^2>_samples); 0: maximum likelihood",
     .quote = "alpha", .unit = "1"},
    {"optimizer", CONF_CHOICE, F(opt), .choices = OPTS, .doc = "sgd (Algorithm 1) or adam"},
    {"learning_rate", CONF_DOUBLE, F(rate), 1e-12, 10, .doc = "r of the optimizer at the first update", .quote = "rate",
     .unit = "1"},
    {"dE_target", CONF_DOUBLE, F(dE_target), 0, 100,
     .doc = "> 0: r rescaled between updates to hold the spread of E_t - E_{t-1} over the gradient chains there",
     .quote = "dE_target", .unit = "nats"},
    {"beta1", CONF_DOUBLE, F(beta1), 0, 0.9999, .doc = "Adam first-moment decay (ignored by sgd)"},
    {"beta2", CONF_DOUBLE, F(beta2), 0, 0.999999, .doc = "Adam second-moment decay (ignored by sgd)"},
    {"energy_bound", CONF_DOUBLE, F(bound), 1, 1e30, .doc = "|f| beyond this stops the run (divergence)"},
    {"bootstrap", CONF_INT, F(boot), 2, 100000, .doc = "bootstrap replicates over measurement chains",
     .quote = "bootstrap", .unit = "replicates"},
    {"record_every", CONF_INT, F(every), 1, 10000000, .doc = "updates between trace rows"},
    {"snapshots", CONF_INT, F(snapshots), 2, 64, .doc = "sample snapshots at equally spaced updates, 0 and the last included"},
    {"grid_samples", CONF_INT, F(grid), 1, 100, .doc = "samples per snapshot in the image grid, <= batch + chains"},
    {"quality_test", CONF_INT, F(quality_test), 2, MNIST_TEST, .doc = "test images of the reference quality",
     .quote = "quality_test", .unit = "images"},
    {"replicas", CONF_INT, F(replicas), 2, MAX_REPLICAS, .doc = "runs per tau with other seeds, for the seed-to-seed spread",
     .quote = "replicas", .unit = "runs"},
    {"ais_checkpoints", CONF_INT, F(ais_checkpoints), 1, MAX_CHECKPOINTS,
     .doc = "equally spaced updates (the last included) where AIS checks the summed BAR", .quote = "ais_checkpoints",
     .unit = "checkpoints"},
    {"ais_laws", CONF_INT, F(ais_laws), 1, 10000000, .doc = "AIS: intermediate laws exp(-base - beta f)",
     .quote = "ais_laws", .unit = "laws"},
    {"ais_power", CONF_DOUBLE, F(ais_power), 1, 10, .doc = "AIS: beta_k = (k/K)^power", .quote = "ais_power", .unit = "1"},
    {"ais_chains", CONF_INT, F(ais_chains), 2, 10000, .doc = "AIS: chains from the base", .quote = "ais_chains",
     .unit = "chains"},
    {"ais_steps", CONF_INT, F(ais_steps), 1, 1000, .doc = "AIS: MALA steps per law", .quote = "ais_steps", .unit = "steps"},
    {"sr_tau", CONF_INT, F(sr_tau), 1, 100000, .doc = "short-run contrast: Langevin steps per update", .quote = "sr_tau",
     .unit = "steps"},
    {"sr_updates", CONF_INT, F(sr_updates), 1, 10000000, .doc = "short-run contrast: updates", .quote = "sr_updates",
     .unit = "updates"},
    {"sr_step_eps", CONF_DOUBLE, F(sr_eps), 1e-9, 1e3, .doc = "short-run contrast: Langevin step", .quote = "sr_step_eps",
     .unit = "1"},
    {"sr_temperature", CONF_DOUBLE, F(sr_T), 1e-9, 1e3, .doc = "short-run contrast: noise sqrt(2 eps T), clipped to [0,1]",
     .quote = "sr_temperature", .unit = "1"},
    {"sr_buffer", CONF_INT, F(sr_buffer), 2, 1000000, .doc = "short-run contrast: replay buffer, >= batch",
     .quote = "sr_buffer", .unit = "states"},
    {"sr_reinit", CONF_DOUBLE, F(sr_reinit), 0, 1, .doc = "short-run contrast: restart probability from U[0,1]^784",
     .quote = "sr_reinit", .unit = "1"},
    {"sr_alpha", CONF_DOUBLE, F(sr_alpha), 0, 1e3, .doc = "short-run contrast: energy regulariser", .quote = "sr_alpha",
     .unit = "1"},
    {"sr_rate", CONF_DOUBLE, F(sr_rate), 1e-12, 10, .doc = "short-run contrast: Adam rate", .quote = "sr_rate", .unit = "1"},
    {"sr_dequant", CONF_DOUBLE, F(sr_dequant), 0, 1, .doc = "short-run contrast: data x -> (1 - q) x + q U(0,1)",
     .quote = "sr_dequant", .unit = "1"},
    {"exact_dim", CONF_INT, F(ex_dim), 1, 2, .doc = "exact case: dimension d (1 or 2)", .quote = "exact_dim", .unit = "1"},
    {"exact_hidden", CONF_INT, F(ex_hidden), 1, 1024, .doc = "exact case: hidden width", .quote = "exact_hidden",
     .unit = "units"},
    {"exact_grid", CONF_INT, F(ex_grid), 8, 100000, .doc = "exact case: quadrature points per axis", .quote = "exact_grid",
     .unit = "points"},
    {"exact_box", CONF_DOUBLE, F(ex_box), 1, 100, .doc = "exact case: grid half-width in base sds", .quote = "exact_box",
     .unit = "1"},
    {"exact_K", CONF_INT, F(ex_K), 2, 10000000, .doc = "exact case: data points of the mixture", .quote = "exact_K",
     .unit = "points"},
    {"exact_sep", CONF_DOUBLE, F(ex_sep), 0, 100, .doc = "exact case: distance of the two mixture components",
     .quote = "exact_sep", .unit = "1"},
    {"exact_width", CONF_DOUBLE, F(ex_width), 1e-3, 100, .doc = "exact case: sd of each component", .quote = "exact_width",
     .unit = "1"},
    {"exact_base_sd", CONF_DOUBLE, F(ex_base_sd), 1e-3, 100, .doc = "exact case: base sd", .quote = "exact_base_sd",
     .unit = "1"},
    {"exact_batch", CONF_INT, F(ex_batch), 2, 100000, .doc = "exact case: data points and gradient chains per update",
     .quote = "exact_batch", .unit = "points"},
    {"exact_chains", CONF_INT, F(ex_chains), 2, 100000, .doc = "exact case: measurement chains", .quote = "exact_chains",
     .unit = "chains"},
    {"exact_tau", CONF_INT, F(ex_tau), 1, 100000, .doc = "exact case: MALA steps per update", .quote = "exact_tau",
     .unit = "steps"},
    {"exact_warmup", CONF_INT, F(ex_warmup), 0, 100000, .doc = "exact case: warm-up segments"},
    {"exact_updates", CONF_INT, F(ex_updates), 1, 10000000, .doc = "exact case: updates per run", .quote = "exact_updates",
     .unit = "updates"},
    {"exact_rate", CONF_DOUBLE, F(ex_rate), 1e-12, 10, .doc = "exact case: Adam rate", .quote = "exact_rate", .unit = "1"},
    {"exact_replicas", CONF_INT, F(ex_replicas), 1, 1000, .doc = "exact case: independent runs", .quote = "exact_replicas",
     .unit = "runs"},
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
    if (k.grid > k.batch + k.chains) die("%s: key 'grid_samples' = %ld exceeds batch + chains", path, k.grid);
    if (k.every > k.updates) die("%s: key 'record_every' = %ld exceeds updates = %ld", path, k.every, k.updates);
    if (k.snapshots - 1 > k.updates) die("%s: key 'snapshots' = %ld needs more updates", path, k.snapshots);
    if (k.ais_checkpoints > k.updates) die("%s: key 'ais_checkpoints' = %ld exceeds updates", path, k.ais_checkpoints);
    if (k.sr_buffer < k.batch) die("%s: key 'sr_buffer' = %ld is smaller than batch = %ld", path, k.sr_buffer, k.batch);
    if (k.ex_batch > k.ex_K) die("%s: key 'exact_batch' = %ld exceeds exact_K = %ld", path, k.ex_batch, k.ex_K);
    return k;
}

static void energy_shape(const keys_t *k, mlp_t *m) {
    const int sizes[] = {MNIST_PIXELS, (int)k->hidden, (int)k->hidden, 1};
    mlp_init(m, sizes, 3);
}

static ebm_train_cfg_t train_cfg(const keys_t *k, int tau) {
    return (ebm_train_cfg_t){.n = (int)k->batch, .nm = (int)k->chains, .tau = tau, .warmup = (int)k->warmup,
                             .updates = k->updates, .eps0 = (float)k->eps0, .target = k->target,
                             .alpha = (float)k->alpha, .dequant = (float)k->dequant,
                             .data_noise = (float)k->data_noise, .bound = k->bound, .boot = (int)k->boot,
                             .opt_kind = k->opt, .rate = (float)k->rate, .beta1 = (float)k->beta1,
                             .beta2 = (float)k->beta2, .dE_target = k->dE_target};
}

// ---- classifier: trained once, with the reference quality of test images ----

static void setup_numbers(numbers_t *nb, const keys_t *k, const mlp_t *m, const ebm_whiten_t *wh) {
    numbers_put_params(nb, "ebm_", KEYS, NKEYS, k);
    numbers_put(nb, "ebm_nparam", (double)m->nparam, "parameters");
    numbers_put(nb, "ebm_dim", MNIST_PIXELS, "1");
    numbers_put(nb, "ebm_lnZ0", 0.5 * MNIST_PIXELS * log(2 * M_PI * k->base_sd * k->base_sd), "nats");
    numbers_put(nb, "ebm_cov_eig_min", wh->eig_min, "1");
    numbers_put(nb, "ebm_cov_eig_max", wh->eig_max, "1");
    numbers_put(nb, "ebm_logdetA", wh->logdetA, "nats");
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
    double tw = now_seconds();
    ebm_whiten_t *wh = ebm_whiten_alloc(tr.x, (int)k.K, MNIST_PIXELS, (float)k.dequant, (float)k.data_noise);
    ebm_whiten_save(argv[5], wh);
    fprintf(stderr, "ebm_run: whitening of the noised data law in %.1fs (covariance eigenvalues %.3g .. %.3g)\n",
            now_seconds() - tw, wh->eig_min, wh->eig_max);
    /* reference: quality_test test images, the first ones, against the K training images */
    ebm_quality_t q = ebm_eval_quality(&clf, theta, te.x, (int)k.quality_test, tr.x, k.K);
    numbers_t *nb = numbers_open(argv[6], "EBM set-up: classifier and reference quality of test images", conf, (uint64_t)k.seed);
    mlp_t m;
    energy_shape(&k, &m);
    setup_numbers(nb, &k, &m, wh);
    ebm_whiten_free(wh);
    double acc = (double)ok / te.n;
    numbers_put(nb, "ebm_clf_accuracy", acc, "1");
    numbers_put(nb, "ebm_clf_accuracy_se", sqrt(acc * (1 - acc) / te.n), "1");
    numbers_put(nb, "ebm_clf_seconds", now_seconds() - t0, "s");
    numbers_put(nb, "ebm_test_conf", q.conf, "1");
    numbers_put(nb, "ebm_test_conf_se", q.conf_se, "1");
    numbers_put(nb, "ebm_test_conf90", q.conf90, "1");
    numbers_put(nb, "ebm_test_conf90_se", q.conf90_se, "1");
    numbers_put(nb, "ebm_test_label_H", q.label_H, "nats");
    numbers_put(nb, "ebm_test_label_H_se", q.label_H_se, "nats");
    numbers_put(nb, "ebm_test_nn", q.nn, "1");
    numbers_put(nb, "ebm_test_nn_se", q.nn_se, "1");
    numbers_close(nb);
    fprintf(stderr, "ebm_run: classifier test accuracy %.4f in %.1fs\n", (double)ok / te.n, now_seconds() - t0);
    free(theta), mnist_free(&tr), mnist_free(&te);
    return 0;
}

// ---- sample grids and quality (the MALA runs and the short-run contrast) ------

enum { S_GX, S_GY, S_V, S_UPDATE, S_NCOLS };
static const column_t SAMPLE_COLS[S_NCOLS] = {[S_GX] = {"gx", "1", "grid column"}, [S_GY] = {"gy", "1", "grid row"},
                                              [S_V] = {"v", "1", "pixel value"},
                                              [S_UPDATE] = {"update", "1", "update of the snapshot"}};
enum { Q_UPDATE, Q_CONF, Q_CONF_SE, Q_CONF90, Q_CONF90_SE, Q_H, Q_H_SE, Q_NN, Q_NN_SE, Q_NCOLS };
/* The quality table's columns; the snapshot numbers <prefix>s<snap>_<name> take the same names and units. */
static const column_t QUALITY_COLS[Q_NCOLS] = {
    [Q_UPDATE] = {"update", "1", "update"}, [Q_CONF] = {"conf", "1", "classifier mean confidence"},
    [Q_CONF_SE] = {"conf_se", "1", "its standard error"},
    [Q_CONF90] = {"conf90", "1", "fraction with confidence above 0.9"},
    [Q_CONF90_SE] = {"conf90_se", "1", "its binomial standard error"},
    [Q_H] = {"label_H", "nats", "entropy of the predicted-label histogram"},
    [Q_H_SE] = {"label_H_se", "nats", "jackknife standard error"},
    [Q_NN] = {"nn", "1", "mean distance to the closest training image"}, [Q_NN_SE] = {"nn_se", "1", "its standard error"}};

/* One grid row of `grid` images x (each 784 floats) at row `row` of the table. */
static void grid_row(table_t *t, const float *x, int grid, int row, long update) {
    /* scan order, a regular grid: one blank (0) row and column after each image */
    for (int i = 0; i <= MNIST_SIDE; i++)
        for (int c = 0; c < grid; c++)
            for (int j = 0; j <= MNIST_SIDE; j++) {
                table_set(t, S_GX, (MNIST_SIDE + 1) * c + j);
                table_set(t, S_GY, (MNIST_SIDE + 1) * row + i);
                table_set(t, S_V, i < MNIST_SIDE && j < MNIST_SIDE ? x[(size_t)c * MNIST_PIXELS + i * MNIST_SIDE + j] : 0);
                table_set(t, S_UPDATE, (double)update);
                table_row(t);
            }
}

/* Quality of n samples as a row of QUALITY_COLS values. */
static void quality_row(const mlp_t *clf, const float *clf_theta, const float *x, int n, const mnist_t *tr, long K,
                        long update, double v[Q_NCOLS]) {
    ebm_quality_t q = ebm_eval_quality(clf, clf_theta, x, n, tr->x, K);
    double row[Q_NCOLS] = {[Q_UPDATE] = (double)update, [Q_CONF] = q.conf, [Q_CONF_SE] = q.conf_se,
                           [Q_CONF90] = q.conf90, [Q_CONF90_SE] = q.conf90_se, [Q_H] = q.label_H,
                           [Q_H_SE] = q.label_H_se, [Q_NN] = q.nn, [Q_NN_SE] = q.nn_se};
    memcpy(v, row, sizeof row);
}

// ---- train: one MALA run at one tau -------------------------------------------

typedef struct {
    keys_t k;
    conf_t *conf;
    int tau, run; /* tau and its index in 'taus': numbers keys ebm_r<run>_* */
    long replica; /* 0: the run the figures show; 1..replicas: other seeds */
    mlp_t m, clf;
    float *clf_theta, *mean, *xbuf; /* mean: 0, the base mean in whitened coordinates; xbuf: chains in pixels */
    ebm_whiten_t *wh;
    mnist_t tr;
    ebm_t e;
    ebm_train_t s;
    ebm_chains_t *ais_ch;  /* AIS chains and their work space and stream */
    ebm_work_t *ais_w;
    rng_t r_ais;
    int ckpt;              /* checkpoints done */
    ebm_ais_t ais_last;    /* the last checkpoint's AIS (at the last update) and its z */
    double z_last;
    table_t *trace, *ais, *samples, *quality;
    int snap;
} run_t;

static void run_setup(run_t *R, char **argv, long replica) {
    R->k = read_params(argv[2], &R->conf);
    if (replica < 0 || replica > R->k.replicas)
        die("%s: REPLICA = %ld is outside 0..%ld (key 'replicas')", argv[2], replica, R->k.replicas);
    R->replica = replica;
    long tau = parse_long_arg(argv[6], "TAU");
    R->run = -1;
    for (int i = R->k.ntaus - 1; i >= 0; i--)
        if (R->k.taus[i] == tau) R->run = i;
    if (R->run < 0) die("%s: TAU = %ld is not in the key 'taus'", argv[2], tau);
    R->tau = (int)tau;
    R->tr = mnist_load(argv[3], "train");
    mnist_require_count(&R->tr, R->k.K, "key 'K'");
    R->clf_theta = ebm_eval_load(argv[4], &R->clf);
    energy_shape(&R->k, &R->m);
    const keys_t *k = &R->k;
    R->wh = ebm_whiten_load(argv[5], MNIST_PIXELS);
    R->mean = xcalloc(MNIST_PIXELS, sizeof(float));
    ebm_model(&R->e, &R->m, R->mean, k->base_sd);
    float *theta0 = xmalloc(R->m.nparam * sizeof(float));
    rng_t r;
    rng_init(&r, (uint64_t)k->seed, STREAM_INIT + (uint64_t)replica); /* one theta_0 for every tau */
    ebm_init_theta(&R->m, theta0, &r);
    ebm_train_cfg_t c = train_cfg(k, R->tau);
    c.whiten = R->wh;
    R->xbuf = xmalloc((size_t)(k->batch + k->chains) * MNIST_PIXELS * sizeof(float));
    uint64_t stream = STREAM_RUN(R->tau) + ((uint64_t)replica << REPLICA_SHIFT);
    ebm_train_init(&R->s, &R->e, &c, theta0, R->tr.x, (int)k->K, (uint64_t)k->seed, stream);
    R->ais_ch = ebm_chains_alloc((int)k->ais_chains, MNIST_PIXELS);
    R->ais_w = ebm_work_alloc(&R->m, (int)k->ais_chains);
    rng_init(&R->r_ais, (uint64_t)k->seed, stream + 3);
    free(theta0);
}

enum { T_UPDATE, T_W, T_W_SE, T_Q, T_Q_SE, T_DU, T_LNZ, T_LNZ_SE, T_LNZ_EXP, T_WT, T_DLNZ, T_DLNZ_SE, T_DLNZ_EXP, T_DSD,
       T_ESS, T_ACC, T_EPS, T_FDATA, T_FNEG, T_STEPS, T_NCOLS };
enum { A_UPDATE, A_AIS, A_AIS_SE, A_AIS_ESS, A_BAR, A_BAR_SE, A_EXP, A_Z, A_NCOLS };

static void open_tables(run_t *R, char **argv) {
    static const column_t tc[T_NCOLS] = {
        [T_UPDATE] = {"update", "1", "update t"},
        [T_W] = {"W", "nats", "cumulative work W_X (Eq 51): sum of <E_t - E_{t-1}>_a + Delta ln Z_t (BAR)"},
        [T_W_SE] = {"W_se", "nats", "its bootstrap standard error over measurement chains"},
        [T_Q] = {"Q", "nats", "cumulative heat Q_X (Eq 52) of the MALA steps"},
        [T_Q_SE] = {"Q_se", "nats", "its bootstrap standard error"},
        [T_DU] = {"dU", "nats", "Delta <phi> since t = 0, computed directly (= W + Q)"},
        [T_LNZ] = {"lnZ", "nats", "ln Z_t - ln Z_0: sum of the per-update BAR estimates"},
        [T_LNZ_SE] = {"lnZ_se", "nats", "its bootstrap standard error"},
        [T_LNZ_EXP] = {"lnZ_exp", "nats", "the same from the one-sided exponential averages (control)"},
        [T_WT] = {"W_t", "nats", "work of this update: KL(p_{t-1} || p_t) estimate"},
        [T_DLNZ] = {"dlnZ_t", "nats", "Delta ln Z of this update (BAR)"},
        [T_DLNZ_SE] = {"dlnZ_se_t", "nats", "its asymptotic standard error"},
        [T_DLNZ_EXP] = {"dlnZ_exp_t", "nats", "the exponential average of this update"},
        [T_DSD] = {"dE_sd_t", "nats", "sd over measurement chains of E_t - E_{t-1}"},
        [T_ESS] = {"ess_t", "1", "effective sample size of exp(-(E_t - E_{t-1})), fraction of chains"},
        [T_ACC] = {"accept_t", "1", "MALA acceptance of this update's segment"},
        [T_EPS] = {"eps_t", "1", "MALA step of this update's segment"},
        [T_FDATA] = {"f_data", "nats", "<f>_data of the last batch"},
        [T_FNEG] = {"f_samples", "nats", "<f> of the gradient chains"},
        [T_STEPS] = {"mala_steps", "steps", "MALA steps per chain so far (warm-up included)"}};
    R->trace = table_open(argv[7], "EBM on MNIST: work, heat and ln Z along training (MALA at T = 1)", R->conf,
                          (uint64_t)R->k.seed, "%.9g");
    table_note(R->trace, "tau = %d MALA steps per update; %ld gradient and %ld measurement chains; %ld bootstrap replicates",
               R->tau, R->k.batch, R->k.chains, R->k.boot);
    table_cols(R->trace, tc, T_NCOLS);
    static const column_t ac[A_NCOLS] = {
        [A_UPDATE] = {"update", "1", "checkpoint update t"},
        [A_AIS] = {"ais", "nats", "ln Z_t - ln Z_0 by annealed importance sampling from the base"},
        [A_AIS_SE] = {"ais_se", "nats", "its standard error (delta method over AIS chains)"},
        [A_AIS_ESS] = {"ais_ess", "1", "effective sample size of the AIS weights, fraction of chains"},
        [A_BAR] = {"bar", "nats", "ln Z_t - ln Z_0: sum of per-update BAR estimates"},
        [A_BAR_SE] = {"bar_se", "nats", "its bootstrap standard error"},
        [A_EXP] = {"exp", "nats", "the same from the exponential averages (control)"},
        [A_Z] = {"z", "1", "(bar - ais) / sqrt(bar_se^2 + ais_se^2)"}};
    R->ais = table_open(argv[8], "EBM on MNIST: ln Z_t - ln Z_0, summed BAR against AIS at checkpoints", R->conf,
                        (uint64_t)R->k.seed, "%.9g");
    table_note(R->ais, "tau = %d; AIS: %ld laws beta_k = (k/K)^%g, %ld chains, %ld MALA steps per law", R->tau,
               R->k.ais_laws, R->k.ais_power, R->k.ais_chains, R->k.ais_steps);
    table_cols(R->ais, ac, A_NCOLS);
    R->samples = table_open(argv[9], "EBM on MNIST: sample grid (rows: snapshots, columns: chains)", R->conf,
                            (uint64_t)R->k.seed, "%.6g");
    table_note(R->samples, "tau = %d; image pixel (i, j) of chain c at snapshot s is at gx = 29 c + j, gy = 29 s + i", R->tau);
    table_cols(R->samples, SAMPLE_COLS, S_NCOLS);
    R->quality = table_open(argv[10], "EBM on MNIST: quality of the current samples at snapshots", R->conf,
                            (uint64_t)R->k.seed, "%.9g");
    table_cols(R->quality, QUALITY_COLS, Q_NCOLS);
}

static void trace_row(run_t *R) {
    if (!R->trace) return; /* a replica writes numbers only */
    const ebm_train_t *s = &R->s;
    double row[T_NCOLS] = {[T_UPDATE] = (double)s->t, [T_W] = s->cum.W, [T_W_SE] = s->cum.W_se, [T_Q] = s->cum.Q,
                           [T_Q_SE] = s->cum.Q_se, [T_DU] = s->cum.dU, [T_LNZ] = s->cum.lnZ,
                           [T_LNZ_SE] = s->cum.lnZ_se, [T_LNZ_EXP] = s->cum.lnZ_exp,
                           [T_FDATA] = s->loss.e_data, [T_FNEG] = s->loss.e_neg, [T_STEPS] = (double)s->steps};
    if (s->t > 0) {
        const ebm_record_t *h = &s->hist[s->t - 1];
        row[T_WT] = h->th.W, row[T_DLNZ] = h->th.dlnZ, row[T_DLNZ_SE] = h->th.dlnZ_se, row[T_DLNZ_EXP] = h->th.dlnZ_exp;
        row[T_DSD] = h->th.dE_sd, row[T_ESS] = h->th.ess, row[T_ACC] = h->accept, row[T_EPS] = h->eps;
    } else {
        row[T_ESS] = 1, row[T_EPS] = s->eps;
        row[T_ACC] = (double)s->warm_accepted / (double)(s->warm_tried ? s->warm_tried : 1);
    }
    for (int i = 0; i < T_NCOLS; i++) table_set(R->trace, i, row[i]);
    table_row(R->trace);
}

/* AIS at the current theta against the summed BAR; numbers per checkpoint. */
static void checkpoint(run_t *R, numbers_t *nb, double *zmax) {
    const ebm_train_t *s = &R->s;
    const keys_t *k = &R->k;
    ebm_ais_t a = ebm_ais(&R->e, s->theta, R->ais_ch, (int)k->ais_laws, k->ais_power, (int)k->ais_steps, s->eps,
                          R->ais_w, &R->r_ais);
    double z = (s->cum.lnZ - a.lnZ) / sqrt(s->cum.lnZ_se * s->cum.lnZ_se + a.se * a.se);
    double v[A_NCOLS] = {[A_UPDATE] = (double)s->t, [A_AIS] = a.lnZ, [A_AIS_SE] = a.se, [A_AIS_ESS] = a.ess,
                         [A_BAR] = s->cum.lnZ, [A_BAR_SE] = s->cum.lnZ_se, [A_EXP] = s->cum.lnZ_exp, [A_Z] = z};
    if (R->ais) {
        for (int i = 0; i < A_NCOLS; i++) table_set(R->ais, i, v[i]);
        table_row(R->ais);
    }
    static const char *const name[A_NCOLS] = {"update", "ais", "ais_se", "ais_ess", "bar", "bar_se", "exp", "z"};
    static const char *const unit[A_NCOLS] = {"updates", "nats", "nats", "1", "nats", "nats", "nats", "1"};
    for (int i = 0; i < A_NCOLS; i++) numbers_putf(nb, v[i], unit[i], "ebm_r%d_c%d_%s", R->run, R->ckpt, name[i]);
    *zmax = fmax(*zmax, fabs(z));
    R->ais_last = a, R->z_last = z;
    R->ckpt++;
}

/* Image grid row (the measurement chains) and quality of the current samples
 * (every chain), in pixels x = m + z A; numbers per snapshot. */
static void snapshot(run_t *R, numbers_t *nb) {
    const ebm_train_t *s = &R->s;
    ebm_whiten_to_x(R->wh, s->ch->x, s->ch->n, R->xbuf);
    if (R->samples) grid_row(R->samples, R->xbuf + (size_t)s->c.n * MNIST_PIXELS, (int)R->k.grid, R->snap, s->t);
    double v[Q_NCOLS];
    quality_row(&R->clf, R->clf_theta, R->xbuf, s->ch->n, &R->tr, R->k.K, s->t, v);
    if (R->quality) {
        for (int i = 0; i < Q_NCOLS; i++) table_set(R->quality, i, v[i]);
        table_row(R->quality);
    }
    for (int i = Q_CONF; i < Q_NCOLS; i++)
        numbers_putf(nb, v[i], QUALITY_COLS[i].unit, "ebm_r%d_s%d_%s", R->run, R->snap, QUALITY_COLS[i].name);
    numbers_putf(nb, (double)s->t, "updates", "ebm_r%d_s%d_update", R->run, R->snap);
    R->snap++;
}

static void final_numbers(run_t *R, numbers_t *nb, double wall, double zmax) {
    const ebm_train_t *s = &R->s;
    const ebm_cum_t *u = &s->cum;
    ebm_summary_t sm = ebm_train_summary(s);
    int r = R->run;
    const struct {
        const char *name, *unit;
        double v;
    } out[] = {{"W", "nats", u->W}, {"W_se", "nats", u->W_se}, {"Q", "nats", u->Q}, {"Q_se", "nats", u->Q_se},
               {"R", "nats", u->R}, {"dU", "nats", u->dU}, {"dU_se", "nats", u->dU_se}, {"lnZ", "nats", u->lnZ},
               {"lnZ_se", "nats", u->lnZ_se}, {"lnZ_exp", "nats", u->lnZ_exp}, {"firstlaw_rel", "1", u->first_worst},
               {"accept", "1", sm.accept}, {"accept_min", "1", sm.accept_min}, {"accept_max", "1", sm.accept_max},
               {"eps_final", "1", s->eps}, {"dE_sd_median", "nats", sm.dE_sd_median},
               {"dE_sd_max", "nats", sm.dE_sd_max}, {"ess_median", "1", sm.ess_median}, {"ess_min", "1", sm.ess_min},
               {"kl_mean", "nats", sm.kl_mean}, {"kl_median", "nats", sm.kl_median}, {"kl_max", "nats", sm.kl_max},
               {"W_neg_frac", "1", sm.W_neg_frac}, {"dlnZ_se_median", "nats", sm.dlnZ_se_median},
               {"exp_minus_bar", "nats", sm.exp_minus_bar_mean}, {"ais_vs_bar_z", "1", zmax},
               {"ais", "nats", R->ais_last.lnZ}, {"ais_se", "nats", R->ais_last.se}, {"ais_ess", "1", R->ais_last.ess},
               {"ais_z", "1", R->z_last},
               {"mala_steps", "steps", (double)s->steps},
               {"chain_steps", "steps", (double)s->steps * s->ch->n}, {"wall_s", "s", wall}};
    for (size_t i = 0; i < sizeof out / sizeof out[0]; i++) numbers_putf(nb, out[i].v, out[i].unit, "ebm_r%d_%s", r, out[i].name);
}

/* Progress on stderr: util's live line on a terminal, and one line every few
 * seconds otherwise, so a scheduler's log shows it. */
static void progress_line(progress_t *pg, const run_t *R, double *last) {
    progress_step(pg, 1, NULL);
    double now = now_seconds();
    if (pg->tty || now - *last < PROGRESS_LINE_SECONDS) return;
    *last = now;
    double el = now - pg->t0, eta = el / pg->done * (pg->total - pg->done);
    const ebm_record_t *h = &R->s.hist[R->s.t - 1];
    fprintf(stderr, "ebm_run: tau %d replica %ld: update %ld of %ld, %.0fs elapsed, ETA %.0fs, lnZ %.4g W %.4g "
                    "dE sd %.3g accept %.2f\n",
            R->tau, R->replica, pg->done, pg->total, el, eta, R->s.cum.lnZ, R->s.cum.W, h->th.dE_sd, h->accept);
}

/* The run: updates with trace rows, checkpoints, snapshots and progress; numbers at the end. */
static void train(run_t *R, numbers_t *nb, double t0) {
    long n = R->k.updates, nsnap = R->k.snapshots, nck = R->k.ais_checkpoints;
    progress_t pg;
    progress_start(&pg, "updates", n);
    double last = pg.t0, zmax = 0;
    trace_row(R);
    snapshot(R, nb);
    for (long u = 1; u <= n; u++) {
        ebm_train_step(&R->s);
        if (u % R->k.every == 0 || u == n) trace_row(R);
        if (u * nck / n != (u - 1) * nck / n) checkpoint(R, nb, &zmax); /* crossed a checkpoint */
        if (u * (nsnap - 1) / n != (u - 1) * (nsnap - 1) / n) snapshot(R, nb);
        progress_line(&pg, R, &last);
    }
    char done[160];
    snprintf(done, sizeof done, "tau %d replica %ld: lnZ %.4g W %.4g Q %.4g, AIS max |z| %.2f", R->tau, R->replica,
             R->s.cum.lnZ, R->s.cum.W, R->s.cum.Q, zmax);
    progress_end(&pg, done);
    final_numbers(R, nb, now_seconds() - t0, zmax);
    numbers_close(nb);
    ebm_train_free(&R->s);
    ebm_chains_free(R->ais_ch), ebm_work_free(R->ais_w);
    free(R->clf_theta), free(R->mean), free(R->xbuf), mnist_free(&R->tr);
    ebm_whiten_free(R->wh);
}

static int cmd_train(int argc, char **argv) {
    (void)argc; /* command_run checked the count */
    double t0 = now_seconds();
    static run_t R;
    run_setup(&R, argv, 0);
    open_tables(&R, argv);
    train(&R, numbers_open(argv[11], "EBM on MNIST: one MALA run", R.conf, (uint64_t)R.k.seed), t0);
    table_close(R.trace), table_close(R.ais), table_close(R.samples), table_close(R.quality);
    return 0;
}

static int cmd_replica(int argc, char **argv) {
    (void)argc; /* command_run checked the count */
    double t0 = now_seconds();
    static run_t R;
    long replica = parse_long_arg(argv[7], "REPLICA");
    if (replica < 1) die("REPLICA = %ld: replicas are numbered from 1 (0 is the run of 'ebm_run train')", replica);
    run_setup(&R, argv, replica);
    train(&R, numbers_open(argv[8], "EBM on MNIST: a replica of one run with other seeds", R.conf, (uint64_t)R.k.seed),
          t0);
    return 0;
}

// ---- shortrun: the contrast, law unknown ------------------------------------------

static int cmd_shortrun(int argc, char **argv) {
    (void)argc;
    double t0 = now_seconds();
    conf_t *conf;
    keys_t k = read_params(argv[2], &conf);
    mnist_t tr = mnist_load(argv[3], "train");
    mnist_require_count(&tr, k.K, "key 'K'");
    mlp_t clf, m;
    float *clf_theta = ebm_eval_load(argv[4], &clf);
    energy_shape(&k, &m);
    float *theta0 = xmalloc(m.nparam * sizeof(float));
    rng_t r;
    rng_init(&r, (uint64_t)k.seed, STREAM_INIT);
    mlp_init_uniform(&m, theta0, &r); /* today's initialisation: f_theta0 is not 0 */
    ebm_shortrun_cfg_t c = {.n = (int)k.batch, .tau = (int)k.sr_tau, .nbuf = (int)k.sr_buffer,
                            .L = {(float)k.sr_eps, (float)k.sr_T, 1}, .reinit = k.sr_reinit,
                            .alpha = (float)k.sr_alpha, .dequant = (float)k.sr_dequant, .opt_kind = EBM_OPT_ADAM,
                            .rate = (float)k.sr_rate, .beta1 = 0, .beta2 = 0.999f};
    ebm_shortrun_t s;
    ebm_shortrun_init(&s, &m, &c, theta0, tr.x, (int)k.K, (uint64_t)k.seed, STREAM_SHORTRUN);
    progress_t pg;
    progress_start(&pg, "short-run updates", k.sr_updates);
    for (long u = 1; u <= k.sr_updates; u++) {
        ebm_shortrun_step(&s);
        progress_step(&pg, 1, NULL);
    }
    progress_end(&pg, "short-run contrast done");
    table_t *samples = table_open(argv[5], "EBM on MNIST, short-run contrast: the final samples", conf, (uint64_t)k.seed,
                                  "%.6g");
    table_note(samples, "clipped unadjusted Langevin at T = %g, %ld steps per update; pixel (i, j) of chain c at gx = 29 c + j, gy = i",
               k.sr_T, k.sr_tau);
    table_cols(samples, SAMPLE_COLS, S_NCOLS);
    grid_row(samples, s.x, (int)k.grid, 0, s.t);
    table_close(samples);
    double v[Q_NCOLS];
    quality_row(&clf, clf_theta, s.x, s.c.n, &tr, k.K, s.t, v);
    numbers_t *nb = numbers_open(argv[6], "EBM on MNIST: the short-run contrast (law unknown)", conf, (uint64_t)k.seed);
    for (int i = Q_CONF; i < Q_NCOLS; i++) numbers_putf(nb, v[i], QUALITY_COLS[i].unit, "ebm_sr_%s", QUALITY_COLS[i].name);
    numbers_put(nb, "ebm_sr_noise_sd", sqrt(2 * k.sr_eps * k.sr_T), "1");
    numbers_put(nb, "ebm_sr_chain_steps", (double)k.sr_updates * k.sr_tau * k.batch, "steps");
    numbers_put(nb, "ebm_sr_wall_s", now_seconds() - t0, "s");
    numbers_close(nb);
    ebm_shortrun_free(&s);
    free(theta0), free(clf_theta), mnist_free(&tr);
    return 0;
}

// ---- exact: the low-dimensional case against quadrature ----------------------------

static int cmd_exact(int argc, char **argv) {
    (void)argc;
    double t0 = now_seconds();
    conf_t *conf;
    keys_t k = read_params(argv[2], &conf);
    ebm_exact_cfg_t c = {.d = (int)k.ex_dim, .hidden = (int)k.ex_hidden, .G = (int)k.ex_grid, .K = (int)k.ex_K,
                         .box = k.ex_box, .sep = k.ex_sep, .width = k.ex_width, .base_sd = k.ex_base_sd};
    c.tc = train_cfg(&k, (int)k.ex_tau);
    c.tc.n = (int)k.ex_batch, c.tc.nm = (int)k.ex_chains, c.tc.warmup = (int)k.ex_warmup, c.tc.updates = k.ex_updates;
    c.tc.rate = (float)k.ex_rate, c.tc.dequant = 0, c.tc.data_noise = 0, c.tc.alpha = 0, c.tc.dE_target = 0;
    c.tc.eps0 = (float)(0.1 * k.ex_base_sd * k.ex_base_sd); /* a start: the warm-up adapts it */
    /* sums over replicas of estimate - exact and of the squared bootstrap errors */
    double dW = 0, dZ = 0, dQ = 0, dX = 0, vW = 0, vZ = 0, vQ = 0, zmax = 0, W = 0, kl = 0, acc = 0, lnZ0 = 0, fl = 0;
    double Wex = 0, Zex = 0, Qex = 0;
    progress_t pg;
    progress_start(&pg, "exact-case runs", k.ex_replicas);
    for (long rep = 0; rep < k.ex_replicas; rep++) {
        ebm_exact_result_t x = ebm_exact_run(&c, (uint64_t)k.seed, STREAM_EXACT + ((uint64_t)rep << EXACT_SHIFT));
        dW += x.W - x.W_exact, dZ += x.dlnZ - x.dlnZ_exact, dQ += x.Q - x.Q_exact, dX += x.dlnZ_exp - x.dlnZ_exact;
        vW += x.W_se * x.W_se, vZ += x.dlnZ_se * x.dlnZ_se, vQ += x.Q_se * x.Q_se;
        zmax = fmax(zmax, fmax(fabs(x.W - x.W_exact) / x.W_se, fmax(fabs(x.dlnZ - x.dlnZ_exact) / x.dlnZ_se,
                                                                   fabs(x.Q - x.Q_exact) / x.Q_se)));
        W += x.W / k.ex_replicas, Wex += x.W_exact / k.ex_replicas, Zex += x.dlnZ_exact / k.ex_replicas;
        Qex += x.Q_exact / k.ex_replicas, kl += x.kl_mean_exact / k.ex_replicas, acc += x.accept / k.ex_replicas;
        lnZ0 = fmax(lnZ0, fabs(x.lnZ0_err)), fl = fmax(fl, x.first_worst);
        progress_step(&pg, 1, NULL);
    }
    progress_end(&pg, "exact case done");
    numbers_t *nb = numbers_open(argv[3], "EBM exact case: estimates against quadrature", conf, (uint64_t)k.seed);
    numbers_put(nb, "ebm_exact_W_z", dW / sqrt(vW), "1");
    numbers_put(nb, "ebm_exact_dlnZ_z", dZ / sqrt(vZ), "1");
    numbers_put(nb, "ebm_exact_Q_z", dQ / sqrt(vQ), "1");
    numbers_put(nb, "ebm_exact_dlnZexp_z", dX / sqrt(vZ), "1");
    numbers_put(nb, "ebm_exact_zmax", zmax, "1");
    numbers_put(nb, "ebm_exact_W_exact", Wex, "nats");
    numbers_put(nb, "ebm_exact_W_est", W, "nats");
    numbers_put(nb, "ebm_exact_W_se", sqrt(vW) / k.ex_replicas, "nats");
    numbers_put(nb, "ebm_exact_dlnZ_exact", Zex, "nats");
    numbers_put(nb, "ebm_exact_Q_exact", Qex, "nats");
    numbers_put(nb, "ebm_exact_kl_mean", kl, "nats");
    numbers_put(nb, "ebm_exact_accept", acc, "1");
    numbers_put(nb, "ebm_exact_lnZ0_err", lnZ0, "nats");
    numbers_put(nb, "ebm_exact_firstlaw_rel", fl, "1");
    numbers_put(nb, "ebm_exact_wall_s", now_seconds() - t0, "s");
    numbers_close(nb);
    return 0;
}

int main(int argc, char **argv) {
    prog_name = "ebm_run";
    static const command_t cmds[] = {
        {"classifier", "PARAMS MNIST_DIR CLASSIFIER.bin WHITEN.bin NUMBERS.tsv", 5, 5, cmd_classifier},
        {"train", "PARAMS MNIST_DIR CLASSIFIER.bin WHITEN.bin TAU TRACE.tsv AIS.tsv SAMPLES.tsv QUALITY.tsv NUMBERS.tsv", 10,
         10, cmd_train},
        {"replica", "PARAMS MNIST_DIR CLASSIFIER.bin WHITEN.bin TAU REPLICA NUMBERS.tsv", 7, 7, cmd_replica},
        {"shortrun", "PARAMS MNIST_DIR CLASSIFIER.bin SAMPLES.tsv NUMBERS.tsv", 5, 5, cmd_shortrun},
        {"exact", "PARAMS NUMBERS.tsv", 2, 2, cmd_exact}};
    return command_run(cmds, (int)(sizeof cmds / sizeof cmds[0]), KEYS, NKEYS, argc, argv);
}
