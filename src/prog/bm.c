/*
 * bm - driver of the Boltzmann-machine experiment (the model, its step and
 * its observables are in src/lib/bm_learn.c; the machine itself in src/lib/fvbm.c).
 *
 *   bm train PARAMS MNIST_DIR TRAIN.tsv NUMBERS.tsv
 *       an ensemble of M models from one theta_0: cumulative W_X, Q_X,
 *       Delta U, Sigma_{X|Theta}, Sigma_X, L-info (Eqs 25, 44, 45, 51, 52)
 *       for the ideal sampler (p_theta) and the actual one (q_t, the exact
 *       law of a chain, propagated alongside), and a Gaussian estimate of
 *       the parameter entropy S[Theta_t] (M-info side of Eq 13-14).
 *   bm grid PARAMS MNIST_DIR GRID.tsv NUMBERS.tsv
 *       the trade-off of Sec. 6.4 on a grid of tau and learning rate r.
 *   bm ldb PARAMS LDB.tsv NUMBERS.tsv
 *       the local-detailed-balance residual of Eq 39 of the tau-step sampler
 *       kernel of a fixed machine, from the exact chain law: sequential sweeps
 *       (not reversible), symmetric scan (reversible) and a negative control.
 *   bm capacity PARAMS NUMBERS.tsv
 *       the heat capacity of the parametric reservoir against the number of
 *       parameters d at fixed n units (src/lib/expfam.c: Walsh-feature families,
 *       from the independent-unit model to every full-support law).
 *   bm keys [ldb|capacity]
 *       the parameter keys (of train and grid, of ldb, or of capacity) and what they mean.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm_learn.h"
#include "expfam.h"
#include "fvbm.h"
#include "idx.h"
#include "rng.h"
#include "stats.h"
#include "thermo.h"
#include "util.h"

#define STREAM_INIT (1ull << 62)
#define MAX_LIST 16
#define RATE_UNIT 1e-4 /* learning rates are given in units of 1e-4 to keep the list integer */
#define TAU_MAX 100000000L
#define GRID_STREAM_TAU_SHIFT 40
#define GRID_STREAM_RATE_SHIFT 32
#define FVBM_LDB_MAX_N 10 /* the tau-step kernel is an N x N matrix */

/* ---------------------------------------------------------------------- */
/* parameters: one key list that documents and validates                  */

typedef struct {
    long seed;
    long rows, cols, K, batch, chains, models, updates, every, probes, starts, start_models;
    double thr, init_sd, start_sd_wide;
    long rate_units[MAX_LIST]; /* learning rates in units of RATE_UNIT, as written */
    double rate[MAX_LIST];     /* ... and as used */
    long tau[MAX_LIST];        /* BM_TAU_INF for "inf" */
    int ntau, nrate;
} bmparams_t;

#define P(f) offsetof(bmparams_t, f)
static const conf_spec_t bm_keys[] = {
    {"seed", CONF_INT, P(seed), 0, SEED_MAX, .doc = "base seed; model k runs on Philox stream k"},
    {"grid_rows", CONF_INT, P(rows), 1, MNIST_SIDE, .doc = "pooled image rows"},
    {"grid_cols", CONF_INT, P(cols), 1, MNIST_SIDE, .doc = "pooled image columns; n = rows x cols <= 24"},
    {"threshold", CONF_DOUBLE, P(thr), 0, 1, .doc = "a block is on when its mean pixel/255 exceeds this"},
    {"K", CONF_INT, P(K), 2, MNIST_TRAIN, .doc = "training images", .quote = "K", .unit = "images"},
    {"batch", CONF_INT, P(batch), 1, MNIST_TRAIN, .doc = "distinct patterns per mini-batch, <= K",
     .quote = "batch", .unit = "patterns"},
    {"chains", CONF_INT, P(chains), 1, 1000000, .doc = "persistent chains per model", .quote = "chains", .unit = "chains"},
    {"models", CONF_INT, P(models), 2, 100000, .doc = "ensemble size M (per grid cell for grid)",
     .quote = "models", .unit = "models"},
    {"updates", CONF_INT, P(updates), 1, 10000000, .doc = "SGD updates", .quote = "updates", .unit = "updates"},
    {"record_every", CONF_INT, P(every), 1, 10000000, .doc = "table row every this many updates (default 1)",
     .optional = 1, .def = 1},
    {"learning_rates", CONF_LIST, P(rate_units), 1, 100000000, .count_offset = P(nrate), .max_count = MAX_LIST,
     .doc = "comma list, units of 1e-4"},
    {"taus", CONF_LIST, P(tau), 1, TAU_MAX, .count_offset = P(ntau), .max_count = MAX_LIST,
     .doc = "comma list of sweeps per update, or inf (exact expectations)", .inf_ok = 1, .inf_value = BM_TAU_INF},
    {"init_sd", CONF_DOUBLE, P(init_sd), 0, 100, .doc = "shared theta_0 ~ N(0, init_sd^2)"},
    {"starts", CONF_INT, P(starts), 0, 1000, .optional = 1, .def = 0,
     .doc = "train: random starts per law for the sign of Delta S_X (0: none)", .quote = "starts", .unit = "starts"},
    {"start_models", CONF_INT, P(start_models), 2, 100000, .optional = 1, .def = 2,
     .doc = "train: ensemble size per random start", .quote = "start_models", .unit = "models"},
    {"start_sd_wide", CONF_DOUBLE, P(start_sd_wide), 0, 100, .optional = 1, .def = 1,
     .doc = "train: the second start law, theta_0 ~ N(0, start_sd_wide^2) (the first is init_sd)",
     .quote = "start_sd_wide", .unit = "1"},
    {"path_probes", CONF_INT, P(probes), 0, 1000000, .optional = 1, .def = 0,
     .doc = "grid: probe chains per model for Eq 41's path-ratio EP at the first tau and the largest rate (0: none)"},
};
#undef P
#define NKEYS ((int)(sizeof bm_keys / sizeof bm_keys[0]))

/* bm ldb: a fixed machine, no data. */
typedef struct {
    long n, taus[MAX_LIST];
    int ntau;
    double coupling, field, control_beta;
} ldbparams_t;

#define P(f) offsetof(ldbparams_t, f)
static const conf_spec_t ldb_keys[] = {
    {"units", CONF_INT, P(n), 2, FVBM_LDB_MAX_N, .doc = "units n of the machine (N = 2^n states)",
     .quote = "units", .unit = "units"},
    {"coupling", CONF_DOUBLE, P(coupling), -10, 10, .doc = "every J_ij", .quote = "coupling", .unit = "1"},
    {"field", CONF_DOUBLE, P(field), -10, 10, .doc = "every h_i", .quote = "field", .unit = "1"},
    {"taus", CONF_LIST, P(taus), 1, TAU_MAX, .count_offset = P(ntau), .max_count = MAX_LIST,
     .doc = "comma list of kernel steps tau"},
    {"control_beta", CONF_DOUBLE, P(control_beta), 0.01, 100,
     .doc = "negative control: a reversible kernel whose conditionals use the energies times this",
     .quote = "control_beta", .unit = "1"},
};
#undef P
#define NLDB_KEYS ((int)(sizeof ldb_keys / sizeof ldb_keys[0]))

static bmparams_t read_params(const char *path, int grid, conf_t **keep) {
    bmparams_t p = {0};
    *keep = conf_read_file(path, bm_keys, NKEYS, &p);
    for (int i = 0; i < p.nrate; i++) p.rate[i] = p.rate_units[i] * RATE_UNIT;
    if (p.rows * p.cols > FVBM_MAX_N)
        die("%s: keys 'grid_rows' x 'grid_cols': n = %ld exceeds %d", path, p.rows * p.cols, FVBM_MAX_N);
    if (p.batch > p.K) die("%s: key 'batch' = %ld exceeds K = %ld", path, p.batch, p.K);
    if (!grid && (p.nrate != 1 || p.ntau != 1)) die("%s: 'bm train' takes one learning rate and one tau", path);
    return p;
}

/* ---------------------------------------------------------------------- */
/* set-up shared by train and grid                                        */

typedef struct {
    bmparams_t p;
    conf_t *conf;
    fvbm_t m;
    bm_data_t d;
    double *theta0;
} run_t;

static void run_setup(run_t *run, const char *params, const char *mnist_dir, int grid) {
    run->p = read_params(params, grid, &run->conf);
    const bmparams_t *p = &run->p;
    fvbm_init(&run->m, (int)(p->rows * p->cols));
    mnist_t tr = mnist_load(mnist_dir, "train");
    mnist_require_count(&tr, p->K, "key 'K'");
    run->d = bm_data_pool(&run->m, tr.x, (int)p->K, tr.rows, tr.cols, (int)p->rows, (int)p->cols, p->thr);
    mnist_free(&tr);
    run->theta0 = xmalloc((size_t)run->m.npar * sizeof(double));
    rng_t r;
    rng_init(&r, (uint64_t)p->seed, STREAM_INIT);
    for (int k = 0; k < run->m.npar; k++) run->theta0[k] = p->init_sd * rng_normal(&r);
}

/* ---------------------------------------------------------------------- */
/* train: the ensemble along training                                     */

/* Columns of the training table and numbers keys, from the observables. */
typedef struct {
    const char *col, *key, *desc;
    size_t off;
} obs_spec_t;

#define O(f) offsetof(bm_obs_t, f)
static const obs_spec_t train_obs[] = {
    {"W", "bm_W", "work W_X (Eq 51), ideal sampler p_theta", O(W)},
    {"Q", "bm_Q", "heat Q_X (Eq 52), ideal", O(Q)},
    {"dU", "bm_dU", "Delta <phi>_p = W + Q, ideal", O(dU)},
    {"sigma_cond", "bm_sigma_cond", "conditional EP Sigma_{X|Theta} = sum D(p_{t-1}||p_t), ideal", O(sigma_cond)},
    {"sigma_marg", "bm_sigma_marg", "marginal EP Sigma_X = Delta S_X - Q_X, ideal", O(sigma_marg)},
    {"sigma_ign", "bm_sigma_ign", "ignorance EP Sigma_X - Sigma_{X|Theta} (Eq 45), ideal", O(sigma_ign)},
    {"linfo", "bm_linfo", "conditional L-info D(p(.|theta)||p_t) (Eq 25), ensemble mean, ideal", O(linfo)},
    {"Wa", "bm_Wa", "work, actual sampler q_t", O(Wa)},
    {"Qa", "bm_Qa", "heat, actual sampler", O(Qa)},
    {"sigma_cond_a", "bm_sigma_cond_a", "conditional EP of the actual sampler, sum of D(q||p) drops", O(sigma_cond_a)},
    {"linfo_a", "bm_linfo_a", "L-info of the actual sampler, D(q_k||mean q)", O(linfo_a)},
    {"kl_data", "bm_kl_data", "D(p_data||p_theta), ensemble mean", O(kl_data)},
    {"S_theta_h", NULL, "Gaussian estimate of S[Theta_t], the n fields h only", O(S_theta_h)},
    {"linfo_se", NULL, "standard error of linfo, jackknife over models", O(linfo_se)},
    {"linfo_a_se", NULL, "standard error of linfo_a, jackknife over models", O(linfo_a_se)},
    {"S_theta_h_se", NULL, "standard error of S_theta_h, jackknife over models", O(S_theta_h_se)},
    {"eq44_residual", NULL, "max over models of |Delta I - (-Q + Delta S_X - Sigma_{X|Theta})|, ideal and actual",
     O(eq44_worst)},
};
#undef O
#define NOBS (sizeof train_obs / sizeof train_obs[0])
#define OBS(o, i) (*(const double *)((const char *)(o) + train_obs[i].off))

static table_t *train_table(const run_t *run, const char *path, int *col_update, int *cols) {
    table_t *t = table_open(path, "Boltzmann machine along training: ensemble means of cumulative thermodynamic quantities",
                            run->conf, (uint64_t)run->p.seed, "%.10g");
    table_note(t, "n = %d units, %d parameters, %zu states; M = %ld models; tau = %ld (0 stands for inf)", run->m.n,
               run->m.npar, run->m.N, run->p.models, run->p.tau[0]);
    *col_update = table_col(t, "1", "SGD update t", "update");
    for (size_t i = 0; i < NOBS; i++) cols[i] = table_col(t, "nats", train_obs[i].desc, "%s", train_obs[i].col);
    return t;
}

/* Eq 24 across the ensemble: coefficient of variation of the per-model heat -Q_X and
 * L-info at the end, with jackknife errors. */
static void train_cv(numbers_t *nb, const bm_ensemble_t *e) {
    double se, *mq = xmalloc((size_t)e->M * sizeof *mq);
    for (int k = 0; k < e->M; k++) mq[k] = -e->Qk[k];
    double cv = stats_cv(mq, (size_t)e->M, &se);
    numbers_put(nb, "bm_cv_minusQ", cv, "1"), numbers_put(nb, "bm_cv_minusQ_se", se, "1");
    cv = stats_cv(e->Ik, (size_t)e->M, &se);
    numbers_put(nb, "bm_cv_linfo", cv, "1"), numbers_put(nb, "bm_cv_linfo_se", se, "1");
    free(mq);
}

/* "Delta S_X is always negative from a random start" (the original's discussion): for each
 * of two start laws, theta_0 ~ N(0, s^2) with s = init_sd and s = start_sd_wide, 'starts'
 * draws of theta_0 (stream STREAM_STARTS + law << 16 + j), each an ensemble of start_models
 * models trained for the same updates on streams of their own; Delta S_X is the ensemble
 * mean change of the cross-entropy to the marginal (bm_obs_t.dSX). Numbers per law: the
 * fraction of starts with Delta S_X < 0, the mean over starts and its standard error, the
 * start's model entropy S[p_theta_0] (mean) against ln 2^n. */
#define STREAM_STARTS (1ull << 61)
static void train_starts(const run_t *run, numbers_t *nb) {
    const bmparams_t *p = &run->p;
    int J = (int)p->starts, Ms = (int)p->start_models, npar = run->m.npar;
    double *th0 = xmalloc((size_t)npar * sizeof *th0), *ds = xmalloc((size_t)J * sizeof *ds), *S0 = xmalloc((size_t)J * sizeof *S0);
    const double sds[2] = {p->init_sd, p->start_sd_wide};
    static const char *const name[2] = {"narrow", "wide"};
    for (int law = 0; law < 2; law++) {
        int nneg = 0;
        for (int j = 0; j < J; j++) {
            rng_t r;
            rng_init(&r, (uint64_t)p->seed, STREAM_STARTS + ((uint64_t)law << 16) + (uint64_t)j);
            for (int i = 0; i < npar; i++) th0[i] = sds[law] * rng_normal(&r);
            bm_ensemble_t e;
            bm_ensemble_init(&e, &run->m, Ms, (int)p->chains, (int)p->batch, th0, p->rate[0], p->tau[0],
                             (uint64_t)p->seed + ((uint64_t)(2 * j + law + 1) << 32)); /* streams of its own */
            bm_obs_t o;
            bm_ensemble_observe(&e, &run->d, &o);
            S0[j] = thermo_entropy(e.md[0].p, run->m.N);
            for (long u = 1; u <= p->updates; u++) bm_ensemble_step(&e, &run->d, u);
            bm_ensemble_observe(&e, &run->d, &o);
            ds[j] = o.dSX, nneg += o.dSX < 0;
            bm_ensemble_free(&e);
        }
        double neg = (double)nneg / J;
        numbers_putf(nb, sds[law], "1", "bm_starts_%s_sd", name[law]);
        numbers_putf(nb, neg, "1", "bm_starts_%s_frac_neg", name[law]);
        numbers_putf(nb, sqrt(neg * (1 - neg) / J), "1", "bm_starts_%s_frac_neg_se", name[law]);
        numbers_putf(nb, stats_mean(ds, NULL, (size_t)J), "nats", "bm_starts_%s_dSX_mean", name[law]);
        numbers_putf(nb, stats_sd(ds, NULL, (size_t)J) / sqrt(J), "nats", "bm_starts_%s_dSX_se", name[law]);
        numbers_putf(nb, stats_mean(S0, NULL, (size_t)J), "nats", "bm_starts_%s_S0", name[law]);
    }
    numbers_put(nb, "bm_starts_S_max", run->m.n * log(2.0), "nats");
    free(th0), free(ds), free(S0);
}

static void train_numbers(const run_t *run, const char *path, const bm_obs_t *o, const bm_ensemble_t *e) {
    const bmparams_t *p = &run->p;
    numbers_t *nb = numbers_open(path, "Boltzmann machine along training", run->conf, (uint64_t)p->seed);
    numbers_put(nb, "bm_n", run->m.n, "units");
    numbers_put(nb, "bm_npar", run->m.npar, "parameters");
    numbers_put_params(nb, "bm_", bm_keys, NKEYS, p);
    numbers_put(nb, "bm_tau", (double)p->tau[0], "sweeps");
    numbers_put(nb, "bm_rate", p->rate[0], "1");
    numbers_put(nb, "bm_data_entropy", thermo_entropy(run->d.pdata, run->m.N), "nats");
    for (size_t i = 0; i < NOBS; i++)
        if (train_obs[i].key) numbers_put(nb, train_obs[i].key, OBS(o, i), "nats");
    numbers_put(nb, "bm_linfo_bound", log((double)p->models), "nats");
    numbers_put(nb, "bm_S_theta_h", o->S_theta_h, "nats");
    numbers_put(nb, "bm_eq44_residual", o->eq44_worst, "nats");
    numbers_put(nb, "bm_first_law_residual", o->first_worst, "nats");
    numbers_put(nb, "bm_clausius_gap", -o->Q - o->linfo, "nats"); /* -Q_X vs the L-info it should equal (Eq 50) */
    /* By Eq 44 the gap is Sigma_{X|Theta} - Delta S_X: the conditional EP, and the failed
     * premise Delta S_X = 0 (all of Sigma_X heat) of Eq 50's first equality */
    numbers_put(nb, "bm_dS_X", o->dSX, "nats");
    numbers_put(nb, "bm_clausius_premise_share", -o->dSX / (-o->Q - o->linfo), "1");
    train_cv(nb, e);
    if (p->starts > 0) train_starts(run, nb);
    numbers_close(nb);
}

static int cmd_train(int argc, char **argv) {
    (void)argc; /* command_run checked the count */
    run_t run;
    run_setup(&run, argv[2], argv[3], 0);
    const bmparams_t *p = &run.p;
    bm_ensemble_t ens;
    bm_ensemble_init(&ens, &run.m, (int)p->models, (int)p->chains, (int)p->batch, run.theta0, p->rate[0], p->tau[0],
                     (uint64_t)p->seed);
    int col_update, cols[NOBS];
    table_t *t = train_table(&run, argv[4], &col_update, cols);
    bm_obs_t o;
    progress_t prog;
    progress_start(&prog, "updates", p->updates);
    for (long u = 0; u <= p->updates; u++) {
        if (u > 0) bm_ensemble_step(&ens, &run.d, u);
        if (u % p->every == 0 || u == p->updates) {
            bm_ensemble_observe(&ens, &run.d, &o);
            table_set(t, col_update, (double)u);
            for (size_t i = 0; i < NOBS; i++) table_set(t, cols[i], OBS(&o, i));
            table_row(t);
        }
        progress_step(&prog, 1, NULL);
    }
    table_close(t);
    progress_end(&prog, NULL);
    train_numbers(&run, argv[5], &o, &ens);
    bm_ensemble_free(&ens);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* grid: the Sec. 6.4 trade-off                                           */

enum { G_TAU, G_RATE, G_SIGMA_COND, G_SIGMA_COND_A, G_LAG, G_KL_DATA, G_SWEEPS, G_SIGMA_COND_A_SE, G_KL_DATA_SE, G_NCOLS };

static table_t *grid_table(const run_t *run, const char *path) {
    table_t *t = table_open(path, "Boltzmann machine: the Sec. 6.4 trade-off on a grid of tau and learning rate",
                            run->conf, (uint64_t)run->p.seed, "%.10g");
    table_note(t, "n = %d units; %ld models per cell, %ld updates each; tau = 0 stands for infinity (exact expectations)",
               run->m.n, run->p.models, run->p.updates);
    static const column_t cols[G_NCOLS] = {
        [G_TAU] = {"tau", "sweeps", "sampler sweeps per update (0 = infinity)"},
        [G_RATE] = {"rate", "1", "learning rate r"},
        [G_SIGMA_COND] = {"sigma_cond", "nats", "conditional EP of the ideal sampler, sum D(p_{t-1}||p_t), mean over models"},
        [G_SIGMA_COND_A] = {"sigma_cond_a", "nats", "conditional EP of the actual sampler, mean over models"},
        [G_LAG] = {"lag_kl", "nats", "D(q_n||p_n): how far the chains trail the model at the end"},
        [G_KL_DATA] = {"kl_data", "nats", "final D(p_data||p_theta), mean over models"},
        [G_SWEEPS] = {"sweeps", "sweeps", "compute: updates x tau x chains site-sweeps (0 for tau = infinity)"},
        [G_SIGMA_COND_A_SE] = {"sigma_cond_a_se", "nats", "standard error of sigma_cond_a: sd over the models / sqrt(models)"},
        [G_KL_DATA_SE] = {"kl_data_se", "nats", "standard error of kl_data: sd over the models / sqrt(models)"}};
    table_cols(t, cols, G_NCOLS);
    return t;
}

/* Means over the models of one grid cell, the standard errors of two of them, and the largest lag. */
typedef struct {
    double sc, sca, lag, kd, lagmax;
    double sca_se, kd_se;
} cell_t;

static cell_t grid_cell(const run_t *run, bm_model_t *md, int it, int ir) {
    const bmparams_t *p = &run->p;
    cell_t c = {0};
    double *sca = xmalloc((size_t)p->models * sizeof *sca), *kd = xmalloc((size_t)p->models * sizeof *kd);
    for (long k = 0; k < p->models; k++) {
        uint64_t stream = ((uint64_t)it << GRID_STREAM_TAU_SHIFT) | ((uint64_t)ir << GRID_STREAM_RATE_SHIFT) | (uint64_t)k;
        bm_model_start(md, run->theta0, p->rate[ir], p->tau[it], (uint64_t)p->seed, stream);
        for (long t = 1; t <= p->updates; t++) bm_model_step(md, &run->d, t);
        c.sc += md->acc.Sig / p->models, c.sca += md->acc.Siga / p->models;
        sca[k] = md->acc.Siga, kd[k] = thermo_kl(run->d.pdata, md->p, run->m.N);
        c.lag += bm_model_lag(md) / p->models, c.kd += kd[k] / p->models;
        c.lagmax = fmax(c.lagmax, bm_model_lag(md));
    }
    c.sca_se = stats_sd(sca, NULL, (size_t)p->models) / sqrt((double)p->models);
    c.kd_se = stats_sd(kd, NULL, (size_t)p->models) / sqrt((double)p->models);
    free(sca), free(kd);
    return c;
}

static void grid_cell_write(table_t *t, numbers_t *nb, const run_t *run, int it, int ir, const cell_t *c) {
    const bmparams_t *p = &run->p;
    long tau = p->tau[it];
    table_set(t, G_TAU, (double)tau);
    table_set(t, G_RATE, p->rate[ir]);
    table_set(t, G_SIGMA_COND, c->sc);
    table_set(t, G_SIGMA_COND_A, c->sca);
    table_set(t, G_LAG, c->lag);
    table_set(t, G_KL_DATA, c->kd);
    table_set(t, G_SWEEPS, tau == BM_TAU_INF ? 0 : (double)p->updates * tau * p->chains);
    table_set(t, G_SIGMA_COND_A_SE, c->sca_se);
    table_set(t, G_KL_DATA_SE, c->kd_se);
    table_row(t);
    char ts[24];
    if (tau == BM_TAU_INF) snprintf(ts, sizeof ts, "inf");
    else snprintf(ts, sizeof ts, "%ld", tau);
    numbers_putf(nb, c->sca, "nats", "bmgrid_sigma_cond_a_tau%s_r%d", ts, ir);
    numbers_putf(nb, c->kd, "nats", "bmgrid_kl_data_tau%s_r%d", ts, ir);
    numbers_putf(nb, c->sc, "nats", "bmgrid_sigma_cond_tau%s_r%d", ts, ir);
}

/* Eq 41's entropy production as a path ratio against the drop of D(q || p) that the
 * actual sampler's Sigma sums (bm_model.h), for one scan: the models of one grid cell
 * (first tau, largest rate) with probe chains. Given a model's parameter path the D drop
 * is exact and the probes are independent draws of sigma, so each probe's sigma minus its
 * model's D drop is one sample of the difference, and its standard error pools them all. */
#define GRID_STREAM_PATH (1ull << 48)
#define GRID_STREAM_PROBES (1ull << 47)
static void grid_path(const run_t *run, bm_model_t *md, fvbm_scan_t scan, numbers_t *nb) {
    const bmparams_t *p = &run->p;
    int ir = p->nrate - 1;
    long M = p->models;
    double ddrop = 0, ep = 0, diff = 0, ss = 0, P = (double)p->probes, n = M * P;
    for (long k = 0; k < M; k++) {
        uint64_t stream = GRID_STREAM_PATH | ((uint64_t)scan << 40) | (uint64_t)k;
        bm_model_start(md, run->theta0, p->rate[ir], p->tau[0], (uint64_t)p->seed, stream);
        md->scan = scan;
        bm_model_probes(md, (int)p->probes, (uint64_t)p->seed, stream | GRID_STREAM_PROBES);
        for (long t = 1; t <= p->updates; t++) bm_model_step(md, &run->d, t);
        double sd, e = bm_model_path_ep(md, &sd), dd = e - md->acc.Siga;
        ddrop += md->acc.Siga / M, ep += e / M, diff += dd / M;
        ss += (P > 1 ? (P - 1) * sd * sd : 0) + P * dd * dd; /* sum over this model's probes of diff^2 */
    }
    md->scan = FVBM_SCAN_SEQUENTIAL;
    const char *name = scan == FVBM_SCAN_SYMMETRIC ? "sym" : "seq";
    numbers_putf(nb, ddrop, "nats", "bmgrid_path_%s_ddrop", name);
    numbers_putf(nb, ep, "nats", "bmgrid_path_%s_ep", name);
    numbers_putf(nb, diff, "nats", "bmgrid_path_%s_diff", name);
    numbers_putf(nb, sqrt(fmax(0, ss - n * diff * diff) / (n - 1) / n), "nats", "bmgrid_path_%s_diff_se", name);
}

static int cmd_grid(int argc, char **argv) {
    (void)argc; /* command_run checked the count */
    run_t run;
    run_setup(&run, argv[2], argv[3], 1);
    const bmparams_t *p = &run.p;
    table_t *t = grid_table(&run, argv[4]);
    numbers_t *nb = numbers_open(argv[5], "Boltzmann machine tau x r grid", run.conf, (uint64_t)p->seed);
    bm_model_t md;
    bm_model_alloc(&md, &run.m, (int)p->chains, (int)p->batch);
    double lagmax = 0; /* the chains' largest lag behind the model, D(q_n||p_n), over cells */
    progress_t prog;
    progress_start(&prog, "grid cells", p->ntau * p->nrate);
    for (int it = 0; it < p->ntau; it++)
        for (int ir = 0; ir < p->nrate; ir++) {
            cell_t c = grid_cell(&run, &md, it, ir);
            lagmax = fmax(lagmax, c.lagmax);
            grid_cell_write(t, nb, &run, it, ir, &c);
            progress_step(&prog, 1, NULL);
        }
    table_close(t);
    numbers_put(nb, "bmgrid_lag_kl_max", lagmax, "nats");
    for (int ir = 0; ir < p->nrate; ir++) numbers_putf(nb, p->rate[ir], "1", "bmgrid_rate_r%d", ir);
    numbers_put(nb, "bmgrid_n", run.m.n, "units");
    numbers_put(nb, "bmgrid_models", (double)p->models, "models");
    numbers_put(nb, "bmgrid_updates", (double)p->updates, "updates");
    if (p->probes > 0 && p->tau[0] != BM_TAU_INF) {
        grid_path(&run, &md, FVBM_SCAN_SYMMETRIC, nb);
        grid_path(&run, &md, FVBM_SCAN_SEQUENTIAL, nb);
        numbers_put(nb, "bmgrid_path_probes", (double)p->probes, "probes per model");
        numbers_put(nb, "bmgrid_path_tau", (double)p->tau[0], "sweeps");
        numbers_put(nb, "bmgrid_path_rate", p->rate[p->nrate - 1], "1");
    }
    numbers_close(nb);
    progress_end(&prog, NULL);
    bm_model_free(&md);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* ldb: Eq 39 for the tau-step kernel of a fixed machine                  */

enum { L_TAU, L_SEQ, L_SYM, L_CTRL, L_TV, L_NCOLS };

static table_t *ldb_table(const char *path, const conf_t *conf, const ldbparams_t *p) {
    table_t *t = table_open(path, "Boltzmann machine: local detailed balance (Eq 39) of the tau-step sampler kernel",
                            conf, 0, "%.10g");
    table_note(t, "n = %ld units, every J_ij = %g, every h_i = %g; residual = max_{x,y} |ln K(x,y)/K(y,x) + phi(y) - phi(x)|",
               p->n, p->coupling, p->field);
    static const column_t cols[L_NCOLS] = {
        [L_TAU] = {"tau", "steps", "kernel steps tau (sequential: sweeps; symmetric: forward + reverse sweep pairs)"},
        [L_SEQ] = {"ldb_seq", "nats", "LDB residual of tau sequential sweeps (not reversible)"},
        [L_SYM] = {"ldb_sym", "nats", "LDB residual of tau symmetric-scan steps (reversible)"},
        [L_CTRL] = {"ldb_ctrl", "nats", "negative control: symmetric scan with conditionals at a wrong inverse temperature"},
        [L_TV] = {"tv_seq", "1", "max_x total variation between K^tau(x,.) of the sequential sweep and p_theta"}};
    table_cols(t, cols, L_NCOLS);
    return t;
}

static int cmd_ldb(int argc, char **argv) {
    (void)argc; /* command_run checked the count */
    ldbparams_t p = {0};
    conf_t *conf = conf_read_file(argv[2], ldb_keys, NLDB_KEYS, &p);
    fvbm_t m;
    fvbm_init(&m, (int)p.n);
    size_t N = m.N;
    double *th = xmalloc((size_t)m.npar * sizeof *th), *E = xmalloc(N * sizeof *E), *Ec = xmalloc(N * sizeof *Ec);
    double *pr = xmalloc(N * sizeof *pr), *cond = xmalloc((size_t)m.n * N / 2 * sizeof *cond);
    double *condc = xmalloc((size_t)m.n * N / 2 * sizeof *condc), *K = xmalloc(N * N * sizeof *K);
    for (int k = 0; k < m.npar; k++) th[k] = k < m.n ? p.field : p.coupling; /* fields first, then couplings */
    fvbm_energies(&m, th, E);
    fvbm_probs(&m, E, pr);
    fvbm_conditionals(&m, E, cond);
    for (size_t x = 0; x < N; x++) Ec[x] = p.control_beta * E[x];
    fvbm_conditionals(&m, Ec, condc);
    table_t *t = ldb_table(argv[3], conf, &p);
    numbers_t *nb = numbers_open(argv[4], "Boltzmann machine: local detailed balance of the sampler kernel", conf, 0);
    double sym_max = 0, ctrl_min = INFINITY; /* the reversible kernel's worst, the control's best */
    for (int i = 0; i < p.ntau; i++) {
        long tau = p.taus[i];
        fvbm_kernel(&m, cond, FVBM_SCAN_SEQUENTIAL, tau, K);
        double seq = fvbm_ldb_residual(&m, K, E), tv = fvbm_kernel_tv(&m, K, pr);
        fvbm_kernel(&m, cond, FVBM_SCAN_SYMMETRIC, tau, K);
        double sym = fvbm_ldb_residual(&m, K, E);
        fvbm_kernel(&m, condc, FVBM_SCAN_SYMMETRIC, tau, K);
        double ctrl = fvbm_ldb_residual(&m, K, E);
        sym_max = fmax(sym_max, sym), ctrl_min = fmin(ctrl_min, ctrl);
        double row[L_NCOLS] = {[L_TAU] = (double)tau, [L_SEQ] = seq, [L_SYM] = sym, [L_CTRL] = ctrl, [L_TV] = tv};
        for (int c = 0; c < L_NCOLS; c++) table_set(t, c, row[c]);
        table_row(t);
        numbers_putf(nb, seq, "nats", "bm_ldb_seq_tau%ld", tau);
        numbers_putf(nb, tv, "1", "bm_ldb_tv_tau%ld", tau);
    }
    table_close(t);
    numbers_put(nb, "bm_ldb_sym_max", sym_max, "nats");
    numbers_put(nb, "bm_ldb_ctrl_min", ctrl_min, "nats");
    numbers_put_params(nb, "bm_ldb_", ldb_keys, NLDB_KEYS, &p);
    numbers_close(nb);
    void *v[] = {th, E, Ec, pr, cond, condc, K};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) free(v[i]);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* capacity: the parametric reservoir's heat capacity against dim Theta   */

typedef struct {
    long seed, n, K, models, burn, steps, b_hot, b_cold;
    double rate, data_sd;
    long dims[MAX_LIST];
    int ndims;
} capparams_t;

#define C_(f) offsetof(capparams_t, f)
static const conf_spec_t cap_keys[] = {
    {"seed", CONF_INT, C_(seed), 0, SEED_MAX, .doc = "seed: data on stream 1 << 62, model j of dimension i on (i << 32) + j"},
    {"units", CONF_INT, C_(n), 2, EXPFAM_MAX_N, .doc = "binary units n (dim X), N = 2^n states", .quote = "units", .unit = "units"},
    {"dims", CONF_LIST, C_(dims), 1, 4095, .count_offset = C_(ndims), .max_count = MAX_LIST,
     .doc = "parameter counts d (Walsh features by order), each <= 2^n - 1"},
    {"K", CONF_INT, C_(K), 2, 10000000, .doc = "training patterns drawn from a random full-support law", .quote = "K", .unit = "patterns"},
    {"data_sd", CONF_DOUBLE, C_(data_sd), 0, 10, .doc = "that law's natural parameters ~ N(0, data_sd^2)", .quote = "data_sd", .unit = "1"},
    {"learning_rate", CONF_DOUBLE, C_(rate), 1e-9, 1, .doc = "SGD rate r", .quote = "rate", .unit = "1"},
    {"batch_hot", CONF_INT, C_(b_hot), 1, 10000000, .doc = "the smaller batch: the hotter reservoir", .quote = "batch_hot", .unit = "patterns"},
    {"batch_cold", CONF_INT, C_(b_cold), 1, 10000000, .doc = "the larger batch, < K", .quote = "batch_cold", .unit = "patterns"},
    {"models", CONF_INT, C_(models), 2, 1000000, .doc = "independent models per (d, batch)", .quote = "models", .unit = "models"},
    {"burn", CONF_INT, C_(burn), 0, 100000000, .doc = "SGD steps from theta* before averaging", .quote = "burn", .unit = "updates"},
    {"steps", CONF_INT, C_(steps), 1, 100000000, .doc = "SGD steps averaged per model", .quote = "steps", .unit = "updates"},
};
#undef C_
#define NCAP_KEYS ((int)(sizeof cap_keys / sizeof cap_keys[0]))

/* For each d: theta* by Newton, the stationary energy at two batch sizes, C = dE/dT with
 * T = r E|eta|^2 / (2 d) (Eq 20 per component), and the response 1/C; then the slope of
 * ln(1/C) against ln d (weighted by the errors). */
static int cmd_capacity(int argc, char **argv) {
    (void)argc;
    capparams_t p = {0};
    conf_t *conf = conf_read_file(argv[2], cap_keys, NCAP_KEYS, &p);
    size_t N = (size_t)1 << p.n;
    for (int i = 0; i < p.ndims; i++)
        if ((size_t)p.dims[i] > N - 1) die("%s: key 'dims': %ld exceeds 2^n - 1 = %zu", argv[2], p.dims[i], N - 1);
    if (p.b_hot >= p.b_cold || p.b_cold >= p.K) die("%s: keys 'batch_hot' < 'batch_cold' < 'K' needed", argv[2]);
    expfam_t full;
    expfam_init(&full, (int)p.n, (int)(N - 1));
    double *th = xcalloc(N, sizeof *th), *pt = xmalloc(N * sizeof *pt), *cdf = xmalloc(N * sizeof *cdf);
    rng_t r;
    rng_init(&r, (uint64_t)p.seed, STREAM_INIT);
    for (size_t k = 0; k + 1 < N; k++) th[k] = p.data_sd * rng_normal(&r);
    expfam_probs(&full, th, pt);
    for (size_t x = 0; x < N; x++) cdf[x] = pt[x] + (x ? cdf[x - 1] : 0);
    uint32_t *xs = xmalloc((size_t)p.K * sizeof *xs);
    for (long i = 0; i < p.K; i++) { /* inverse CDF */
        double u = rng_uniform(&r) * cdf[N - 1];
        size_t x = 0;
        while (x + 1 < N && cdf[x] < u) x++;
        xs[i] = (uint32_t)x;
    }
    numbers_t *nb = numbers_open(argv[3], "Boltzmann machine family: heat capacity of the parametric reservoir", conf, (uint64_t)p.seed);
    double lnd[MAX_LIST], y[MAX_LIST], se_y[MAX_LIST], eq_min = INFINITY, eq_max = -INFINITY;
    for (int i = 0; i < p.ndims; i++) {
        int d = (int)p.dims[i];
        expfam_t m;
        expfam_init(&m, (int)p.n, d);
        double *ts = xcalloc((size_t)d, sizeof *ts), *md = xcalloc((size_t)d, sizeof *md);
        for (long j = 0; j < p.K; j++)
            for (int k = 0; k < d; k++) md[k] += m.f[(size_t)xs[j] * d + k] / p.K;
        double gnorm = expfam_newton(&m, md, ts, 1e-12);
        if (gnorm >= 1e-12) die("capacity: Newton did not converge for d = %d (|grad| = %g)", d, gnorm);
        expfam_energy_t eh = expfam_stationary_energy(&m, xs, (int)p.K, (int)p.b_hot, p.rate, ts, (int)p.models, (int)p.burn,
                                                      (int)p.steps, (uint64_t)p.seed, ((uint64_t)(2 * i) << 32));
        expfam_energy_t ec = expfam_stationary_energy(&m, xs, (int)p.K, (int)p.b_cold, p.rate, ts, (int)p.models, (int)p.burn,
                                                      (int)p.steps, (uint64_t)p.seed, ((uint64_t)(2 * i + 1) << 32));
        double Th = p.rate * expfam_noise_power(&m, md, (int)p.K, (int)p.b_hot) / (2 * d);
        double Tc = p.rate * expfam_noise_power(&m, md, (int)p.K, (int)p.b_cold) / (2 * d);
        double C = (eh.E - ec.E) / (Th - Tc), Cse = sqrt(eh.se * eh.se + ec.se * ec.se) / (Th - Tc);
        lnd[i] = log(d), y[i] = -log(C), se_y[i] = Cse / C;
        numbers_putf(nb, C, "1", "bmcap_d%d_C", d);
        numbers_putf(nb, Cse, "1", "bmcap_d%d_C_se", d);
        numbers_putf(nb, C / (0.5 * d), "1", "bmcap_d%d_C_over_equipartition", d);
        eq_min = fmin(eq_min, C / (0.5 * d)), eq_max = fmax(eq_max, C / (0.5 * d));
        numbers_putf(nb, eh.E, "nats", "bmcap_d%d_E_hot", d);
        numbers_putf(nb, ec.E, "nats", "bmcap_d%d_E_cold", d);
        numbers_putf(nb, Th, "1", "bmcap_d%d_T_hot", d);
        numbers_putf(nb, Tc, "1", "bmcap_d%d_T_cold", d);
        free(ts), free(md);
        expfam_free(&m);
    }
    double slope, slope_se;
    expfam_fit_slope(lnd, y, se_y, p.ndims, &slope, &slope_se);
    numbers_put(nb, "bmcap_equipartition_min", eq_min, "1");
    numbers_put(nb, "bmcap_equipartition_max", eq_max, "1");
    numbers_put(nb, "bmcap_exponent", slope, "1");
    numbers_put(nb, "bmcap_exponent_se", slope_se, "1");
    numbers_put(nb, "bmcap_d_min", (double)p.dims[0], "parameters");
    numbers_put(nb, "bmcap_d_max", (double)p.dims[p.ndims - 1], "parameters");
    numbers_put_params(nb, "bmcap_", cap_keys, NCAP_KEYS, &p);
    numbers_close(nb);
    free(th), free(pt), free(cdf), free(xs);
    expfam_free(&full);
    return 0;
}

static int cmd_keys(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[2], "ldb") != 0 && strcmp(argv[2], "capacity") != 0)
        die("keys: '%s' is not 'ldb' or 'capacity'", argv[2]);
    if (argc == 3 && strcmp(argv[2], "capacity") == 0) conf_print_keys(cap_keys, NCAP_KEYS);
    else if (argc == 3) conf_print_keys(ldb_keys, NLDB_KEYS);
    else conf_print_keys(bm_keys, NKEYS);
    return 0;
}

int main(int argc, char **argv) {
    prog_name = "bm";
    static const command_t cmds[] = {{"train", "PARAMS MNIST_DIR TRAIN.tsv NUMBERS.tsv", 4, 4, cmd_train},
                                     {"grid", "PARAMS MNIST_DIR GRID.tsv NUMBERS.tsv", 4, 4, cmd_grid},
                                     {"ldb", "PARAMS LDB.tsv NUMBERS.tsv", 3, 3, cmd_ldb},
                                     {"capacity", "PARAMS NUMBERS.tsv", 2, 2, cmd_capacity},
                                     {"keys", "[ldb|capacity]", 0, 1, cmd_keys}};
    return command_run(cmds, (int)(sizeof cmds / sizeof cmds[0]), NULL, 0, argc, argv);
}
