/*
 * bm - the fully visible Boltzmann machine on binarised MNIST patches, exact
 * by enumeration (src/fvbm.c), trained by SGD with persistent Gibbs chains
 * advanced tau sweeps at fixed theta after each update (Eq 33).
 *
 *   bm train PARAMS MNIST_DIR TRAIN.tsv NUMBERS.tsv
 *       an ensemble of M models from one theta_0: cumulative W_X, Q_X,
 *       Delta U, Sigma_{X|Theta}, Sigma_X, L-info (Eqs 25, 44, 45, 51, 52)
 *       for the ideal sampler (p_theta) and the actual one (q_t, the exact
 *       law of a chain, propagated alongside), and a Gaussian estimate of
 *       the parameter entropy S[Theta_t] (M-info side of Eq 13-14).
 *   bm grid PARAMS MNIST_DIR GRID.tsv NUMBERS.tsv
 *       the trade-off of Sec. 6.4 on a grid of tau and learning rate r.
 *
 * Each model has its own Philox stream; the ensemble marginal and all sums
 * over models are taken in model order, so results do not depend on threads.
 */
#define _DEFAULT_SOURCE /* M_PI, strtok_r */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fvbm.h"
#include "idx.h"
#include "rng.h"
#include "thermo.h"
#include "util.h"

#define STREAM_INIT (1ull << 62)
#define MAX_LIST 16

/* ---------------------------------------------------------------------- */
/* data: MNIST pooled to rows x cols blocks, thresholded                  */

typedef struct {
    int K;
    uint32_t *x;
    double *pdata; /* empirical distribution over the 2^n states */
} patterns_t;

static patterns_t load_patterns(const char *dir, const fvbm_t *m, int rows, int cols, double thr, int K) {
    mnist_t tr = mnist_load(dir, "train");
    if (K > tr.n) die("bm: K = %d exceeds the %d training images", K, tr.n);
    int br = tr.rows / rows, bc = tr.cols / cols;
    int r0 = (tr.rows - rows * br) / 2, c0 = (tr.cols - cols * bc) / 2; /* centred crop */
    patterns_t d = {.K = K, .x = xmalloc((size_t)K * sizeof(uint32_t)), .pdata = xcalloc(m->N, sizeof(double))};
    for (int k = 0; k < K; k++) {
        const float *img = tr.x + (size_t)k * tr.rows * tr.cols;
        uint32_t s = 0;
        for (int a = 0; a < rows; a++)
            for (int b = 0; b < cols; b++) {
                double mean = 0;
                for (int u = 0; u < br; u++)
                    for (int v = 0; v < bc; v++) mean += img[(r0 + a * br + u) * tr.cols + c0 + b * bc + v];
                if (mean / (br * bc) > thr) s |= 1u << (a * cols + b);
            }
        d.x[k] = s;
        d.pdata[s] += 1.0 / K;
    }
    mnist_free(&tr);
    return d;
}

/* ---------------------------------------------------------------------- */
/* one model along training                                               */

typedef struct {
    const fvbm_t *m;
    int tau_inf, tau, chains, batch;
    double rate;
    double *theta, *E, *p, *q, *Eold, *pold, *qold, *cond, *work, *mom, *dmom;
    double lnZ, lnZold;
    uint32_t *x, *bx;
    uint32_t *bi;
    rng_t r;
    /* cumulative thermodynamics, ideal (p) and actual (q) */
    double W, Q, Sig, Wa, Qa, Siga;
} model_t;

static void model_alloc(model_t *md, const fvbm_t *m, int chains, int batch) {
    memset(md, 0, sizeof *md);
    md->m = m;
    size_t N = m->N;
    md->theta = xmalloc((size_t)m->npar * sizeof(double));
    md->mom = xmalloc((size_t)m->npar * sizeof(double));
    md->dmom = xmalloc((size_t)m->npar * sizeof(double));
    double **v[] = {&md->E, &md->p, &md->q, &md->Eold, &md->pold, &md->qold, &md->work};
    for (int i = 0; i < 7; i++) *v[i] = xmalloc(N * sizeof(double));
    md->cond = xmalloc((size_t)m->n * (N / 2) * sizeof(double));
    md->x = xmalloc((size_t)(chains > 0 ? chains : 1) * sizeof(uint32_t));
    md->bx = xmalloc((size_t)batch * sizeof(uint32_t));
    md->bi = xmalloc((size_t)batch * sizeof(uint32_t));
    md->chains = chains;
    md->batch = batch;
}

/* theta_0, the chains drawn from p_{theta_0}, q_0 = p_0 */
static void model_start(model_t *md, const double *theta0, uint64_t seed, uint64_t stream) {
    const fvbm_t *m = md->m;
    memcpy(md->theta, theta0, (size_t)m->npar * sizeof(double));
    rng_init(&md->r, seed, stream);
    fvbm_energies(m, md->theta, md->E);
    md->lnZ = fvbm_probs(m, md->E, md->p);
    memcpy(md->q, md->p, m->N * sizeof(double));
    for (int c = 0; c < md->chains; c++) { /* exact draws from p_0 */
        double u = rng_uniform(&md->r), acc = 0;
        size_t s = 0;
        while (s + 1 < m->N && (acc += md->p[s]) <= u) s++;
        md->x[c] = (uint32_t)s;
    }
    md->W = md->Q = md->Sig = md->Wa = md->Qa = md->Siga = 0;
}

/* One SGD update followed by tau sweeps at the new theta (Eq 33). */
static void model_step(model_t *md, const patterns_t *d, long t) {
    const fvbm_t *m = md->m;
    size_t N = m->N;
    rng_distinct(&md->r, (uint32_t)d->K, md->batch, md->bi); /* |b| distinct patterns */
    for (int i = 0; i < md->batch; i++) md->bx[i] = d->x[md->bi[i]];
    fvbm_data_moments(m, md->bx, md->batch, md->dmom);
    if (md->tau_inf) fvbm_moments(m, md->p, md->mom, md->work); /* exact model expectation */
    else fvbm_data_moments(m, md->x, md->chains, md->mom);        /* persistent chains */
    for (int k = 0; k < m->npar; k++) md->theta[k] -= md->rate * (md->mom[k] - md->dmom[k]); /* grad phi(b) */

    memcpy(md->Eold, md->E, N * sizeof(double));
    memcpy(md->pold, md->p, N * sizeof(double));
    memcpy(md->qold, md->q, N * sizeof(double));
    md->lnZold = md->lnZ;
    fvbm_energies(m, md->theta, md->E);
    md->lnZ = fvbm_probs(m, md->E, md->p);
    CHECK_FINITE(md->lnZ, "bm: ln Z is not finite after update %ld (learning rate %g)", t, md->rate);
    /* ideal sampler: the chains are always at p_theta (Eqs 51-52, <sigma> = D) */
    md->W += fvbm_mean_phi(m, md->pold, md->E, md->lnZ) - fvbm_mean_phi(m, md->pold, md->Eold, md->lnZold);
    md->Q += fvbm_mean_phi(m, md->p, md->E, md->lnZ) - fvbm_mean_phi(m, md->pold, md->E, md->lnZ);
    md->Sig += kl(md->pold, md->p, N);
    /* actual sampler: work at fixed q, then tau exact sweeps of q at the new theta */
    md->Wa += fvbm_mean_phi(m, md->qold, md->E, md->lnZ) - fvbm_mean_phi(m, md->qold, md->Eold, md->lnZold);
    if (md->tau_inf) memcpy(md->q, md->p, N * sizeof(double));
    else {
        fvbm_conditionals(m, md->E, md->cond);
        for (int s = 0; s < md->tau; s++) fvbm_sweep_dist(m, md->cond, md->q);
        for (int s = 0; s < md->tau; s++) fvbm_sweep_chains(m, md->cond, md->x, md->chains, &md->r);
    }
    md->Qa += fvbm_mean_phi(m, md->q, md->E, md->lnZ) - fvbm_mean_phi(m, md->qold, md->E, md->lnZ);
    /* EP of relaxation at fixed theta with stationary p: the drop of D(q||p) */
    md->Siga += kl(md->qold, md->p, N) - kl(md->q, md->p, N);
}

/* ---------------------------------------------------------------------- */
/* parameter entropy: Gaussian estimate from the ensemble                 */

/* ln det by Cholesky (OpenBLAS's LAPACK). */
extern void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);

/* 1/2 ln det(2 pi e C) of the sample covariance of the first d coordinates
 * of M vectors (stride npar). Returns -INFINITY when C is singular. */
static double gaussian_entropy(const double *th, int M, int npar, int d) {
    double *mean = xcalloc((size_t)d, sizeof(double)), *C = xcalloc((size_t)d * d, sizeof(double));
    for (int k = 0; k < M; k++)
        for (int i = 0; i < d; i++) mean[i] += th[(size_t)k * npar + i] / M;
    for (int k = 0; k < M; k++)
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                C[i * d + j] += (th[(size_t)k * npar + i] - mean[i]) * (th[(size_t)k * npar + j] - mean[j]) / (M - 1);
    int info;
    dpotrf_("L", &d, C, &d, &info);
    double ld = 0;
    for (int i = 0; i < d && info == 0; i++) ld += 2 * log(C[i * d + i]);
    free(mean);
    free(C);
    return info == 0 ? 0.5 * (d * log(2 * M_PI * M_E) + ld) : -INFINITY;
}

/* ---------------------------------------------------------------------- */

typedef struct {
    uint64_t seed;
    int rows, cols, K, batch, chains, models, updates, every;
    double thr, rate[MAX_LIST], init_sd;
    long tau[MAX_LIST];
    int ntau, nrate;
} bmparams_t;

static bmparams_t read_params(const char *path, int grid, conf_t **keep) {
    conf_t *c = conf_load(path);
    static const char *const known[] = {"seed", "grid_rows", "grid_cols", "threshold", "K", "batch", "chains",
        "models", "updates", "record_every", "learning_rates", "taus", "init_sd", NULL};
    conf_known(c, known);
    bmparams_t p = {0};
    p.seed = (uint64_t)conf_int(c, "seed", 0, 0x7fffffffffffffffL);
    p.rows = (int)conf_int(c, "grid_rows", 1, 28);
    p.cols = (int)conf_int(c, "grid_cols", 1, 28);
    if (p.rows * p.cols > FVBM_MAX_N)
        die("%s: keys 'grid_rows' x 'grid_cols': n = %d exceeds %d", path, p.rows * p.cols, FVBM_MAX_N);
    p.thr = conf_double(c, "threshold", 0, 1);
    p.K = (int)conf_int(c, "K", 2, 60000);
    p.batch = (int)conf_int(c, "batch", 1, p.K);
    p.chains = (int)conf_int(c, "chains", 1, 1000000);
    p.models = (int)conf_int(c, "models", 2, 100000);
    p.updates = (int)conf_int(c, "updates", 1, 10000000);
    p.every = (int)conf_int_or(c, "record_every", 1, 1, 10000000);
    long rl[MAX_LIST];
    /* learning rates are given in units of 1e-4 to keep the list integer */
    p.nrate = conf_int_list(c, "learning_rates", rl, MAX_LIST, 1, 100000000);
    for (int i = 0; i < p.nrate; i++) p.rate[i] = rl[i] * 1e-4;
    /* taus: sweeps per update, >= 1, or "inf" for exact expectations (stored as 0) */
    char tl[512];
    snprintf(tl, sizeof tl, "%s", conf_str(c, "taus"));
    for (char *save = NULL, *tok = strtok_r(tl, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        if (p.ntau == MAX_LIST) die("%s: key 'taus' has more than %d values", path, MAX_LIST);
        char *end;
        long v = strcmp(tok, "inf") == 0 ? 0 : strtol(tok, &end, 10);
        if (strcmp(tok, "inf") != 0 && (*end || v < 1 || v > 100000000))
            die("%s: key 'taus': '%s' is not a number of sweeps >= 1 or 'inf'", path, tok);
        p.tau[p.ntau++] = v;
    }
    if (p.ntau == 0) die("%s: key 'taus' is empty", path);
    p.init_sd = conf_double(c, "init_sd", 0, 100);
    conf_finish(c);
    if (!grid && (p.nrate != 1 || p.ntau != 1)) die("%s: 'bm train' takes one learning rate and one tau", path);
    *keep = c;
    return p;
}

static void shared_theta0(const bmparams_t *p, const fvbm_t *m, double *theta0) {
    rng_t r;
    rng_init(&r, p->seed, STREAM_INIT);
    for (int k = 0; k < m->npar; k++) theta0[k] = p->init_sd * rng_normal(&r);
}

/* Parameters, model shape, data patterns and the shared theta_0 of a run. */
static bmparams_t setup(char **argv, int grid, conf_t **conf, fvbm_t *m, patterns_t *d, double **theta0) {
    bmparams_t p = read_params(argv[2], grid, conf);
    fvbm_init(m, p.rows * p.cols);
    *d = load_patterns(argv[3], m, p.rows, p.cols, p.thr, p.K);
    *theta0 = xmalloc((size_t)m->npar * sizeof(double));
    shared_theta0(&p, m, *theta0);
    return p;
}

static int cmd_train(int argc, char **argv) {
    if (argc != 6) die("usage: bm train PARAMS MNIST_DIR TRAIN.tsv NUMBERS.tsv");
    conf_t *conf;
    fvbm_t m;
    patterns_t d;
    double *theta0;
    bmparams_t p = setup(argv, 0, &conf, &m, &d, &theta0);
    int M = p.models;
    size_t N = m.N;
    model_t *md = xmalloc((size_t)M * sizeof *md);
    for (int k = 0; k < M; k++) {
        model_alloc(&md[k], &m, p.chains, p.batch);
        md[k].tau_inf = p.tau[0] == 0;
        md[k].tau = (int)p.tau[0];
        md[k].rate = p.rate[0];
        model_start(&md[k], theta0, p.seed, (uint64_t)k);
    }
    double *marg = xmalloc(N * sizeof(double)), *marga = xmalloc(N * sizeof(double));
    double *ths = xmalloc((size_t)M * m.npar * sizeof(double));
    double *I0 = xcalloc((size_t)M, sizeof(double)), *Ia0 = xcalloc((size_t)M, sizeof(double));
    double *SX0 = xcalloc((size_t)M, sizeof(double)), *SXa0 = xcalloc((size_t)M, sizeof(double));
    double *S0 = xcalloc((size_t)M, sizeof(double));
    double *U0a = xcalloc((size_t)M, sizeof(double)); /* <phi_0>_{q_0} of the actual sampler */

    out_t *o = out_open(argv[4]);
    FILE *f = out_file(o);
    prov_write(f, "Boltzmann machine along training: ensemble means of cumulative thermodynamic quantities", conf, p.seed);
    fprintf(f, "# n = %d units, %d parameters, %zu states; M = %d models; tau = %ld (0 stands for inf)\n", m.n, m.npar, N, M, p.tau[0]);
    const column_t cols[] = {
        {"update", "1", "SGD update t"},
        {"W", "nats", "work W_X (Eq 51), ideal sampler p_theta"},
        {"Q", "nats", "heat Q_X (Eq 52), ideal"},
        {"dU", "nats", "Delta <phi>_p = W + Q, ideal"},
        {"sigma_cond", "nats", "conditional EP Sigma_{X|Theta} = sum D(p_{t-1}||p_t), ideal"},
        {"sigma_marg", "nats", "marginal EP Sigma_X = Delta S_X - Q_X, ideal"},
        {"sigma_ign", "nats", "ignorance EP Sigma_X - Sigma_{X|Theta} (Eq 45), ideal"},
        {"linfo", "nats", "conditional L-info D(p(.|theta)||p_t) (Eq 25), ensemble mean, ideal"},
        {"Wa", "nats", "work, actual sampler q_t"},
        {"Qa", "nats", "heat, actual sampler"},
        {"sigma_cond_a", "nats", "conditional EP of the actual sampler, sum of D(q||p) drops"},
        {"linfo_a", "nats", "L-info of the actual sampler, D(q_k||mean q)"},
        {"kl_data", "nats", "D(p_data||p_theta), ensemble mean"},
        {"S_theta_h", "nats", "Gaussian estimate of S[Theta_t], the n fields h only"},
        {"eq44_residual", "nats", "max over models of |Delta I - (-Q + Delta S_X - Sigma_{X|Theta})|, ideal and actual"}};
    columns_write(f, cols, 15);
    double worst44 = 0, worst_first = 0, last[15] = {0};
    progress_t prog;
    progress_start(&prog, "updates", p.updates);
    for (int t = 0; t <= p.updates; t++) {
        if (t > 0)
            for (int k = 0; k < M; k++) model_step(&md[k], &d, t);
        if (t % p.every && t != p.updates) {
            progress_step(&prog, 1, NULL);
            continue;
        }
        /* ensemble marginals p_t = mean_k p(.|theta_k), and of the actual samplers */
        memset(marg, 0, N * sizeof(double));
        memset(marga, 0, N * sizeof(double));
        for (int k = 0; k < M; k++)
            for (size_t x = 0; x < N; x++) marg[x] += md[k].p[x] / M, marga[x] += md[k].q[x] / M;
        double row[15] = {t};
        for (int k = 0; k < M; k++) {
            model_t *a = &md[k];
            double SX = cross_entropy(a->p, marg, N), S = entropy(a->p, N), I = SX - S;
            double SXa = cross_entropy(a->q, marga, N), Sa = entropy(a->q, N), Ia = SXa - Sa;
            if (t == 0) {
                I0[k] = I, Ia0[k] = Ia, SX0[k] = SX, SXa0[k] = SXa, S0[k] = S;
                U0a[k] = fvbm_mean_phi(&m, a->q, a->E, a->lnZ);
            }
            /* Eq 44: Delta I = -Q + Delta S_X - Sigma_{X|Theta}, for both samplers */
            worst44 = fmax(worst44, fabs((I - I0[k]) - (-a->Q + (SX - SX0[k]) - a->Sig)));
            worst44 = fmax(worst44, fabs((Ia - Ia0[k]) - (-a->Qa + (SXa - SXa0[k]) - a->Siga)));
            /* first law, Eqs 51-52: W + Q = Delta <phi>, = Delta S for the ideal sampler */
            worst_first = fmax(worst_first, fabs(a->W + a->Q - (S - S0[k])));
            worst_first = fmax(worst_first, fabs(a->Wa + a->Qa - (fvbm_mean_phi(&m, a->q, a->E, a->lnZ) - U0a[k])));
            double v[] = {a->W, a->Q, a->W + a->Q, a->Sig, (SX - SX0[k]) - a->Q, (SX - SX0[k]) - a->Q - a->Sig, I,
                          a->Wa, a->Qa, a->Siga, Ia, kl(d.pdata, a->p, N)};
            for (int i = 0; i < 12; i++) row[i + 1] += v[i] / M;
            memcpy(ths + (size_t)k * m.npar, a->theta, (size_t)m.npar * sizeof(double));
        }
        row[13] = t == 0 ? -INFINITY : gaussian_entropy(ths, M, m.npar, m.n);
        row[14] = worst44;
        fprintf(f, "%d", t);
        for (int i = 1; i < 15; i++) fprintf(f, "\t%.10g", row[i]);
        fputc('\n', f);
        memcpy(last, row, sizeof last);
        progress_step(&prog, 1, NULL);
    }
    out_close(o);
    progress_end(&prog, NULL);

    numbers_t *nb = numbers_open(argv[5], "Boltzmann machine along training", conf, p.seed);
    numbers_put(nb, "bm_n", m.n, "units");
    numbers_put(nb, "bm_npar", m.npar, "parameters");
    numbers_put(nb, "bm_models", M, "models");
    numbers_put(nb, "bm_updates", p.updates, "updates");
    numbers_put(nb, "bm_tau", p.tau[0], "sweeps");
    numbers_put(nb, "bm_rate", p.rate[0], "1");
    numbers_put(nb, "bm_K", p.K, "images");
    numbers_put(nb, "bm_batch", p.batch, "patterns");
    numbers_put(nb, "bm_chains", p.chains, "chains");
    numbers_put(nb, "bm_data_entropy", entropy(d.pdata, N), "nats");
    const char *keys[] = {NULL, "bm_W", "bm_Q", "bm_dU", "bm_sigma_cond", "bm_sigma_marg", "bm_sigma_ign", "bm_linfo",
                          "bm_Wa", "bm_Qa", "bm_sigma_cond_a", "bm_linfo_a", "bm_kl_data"};
    for (int i = 1; i <= 12; i++) numbers_put(nb, keys[i], last[i], "nats");
    numbers_put(nb, "bm_linfo_bound", log((double)M), "nats");
    numbers_put(nb, "bm_S_theta_h", last[13], "nats");
    numbers_put(nb, "bm_eq44_residual", worst44, "nats");
    numbers_put(nb, "bm_first_law_residual", worst_first, "nats");
    numbers_put(nb, "bm_clausius_gap", -last[2] - last[7], "nats"); /* -Q_X vs the L-info it should equal (Eq 50) */
    numbers_close(nb);
    return 0;
}

static int cmd_grid(int argc, char **argv) {
    if (argc != 6) die("usage: bm grid PARAMS MNIST_DIR GRID.tsv NUMBERS.tsv");
    conf_t *conf;
    fvbm_t m;
    patterns_t d;
    double *theta0;
    bmparams_t p = setup(argv, 1, &conf, &m, &d, &theta0);
    out_t *o = out_open(argv[4]);
    FILE *f = out_file(o);
    prov_write(f, "Boltzmann machine: the Sec. 6.4 trade-off on a grid of tau and learning rate", conf, p.seed);
    fprintf(f, "# n = %d units; %d models per cell, %d updates each; tau = 0 stands for infinity (exact expectations)\n",
            m.n, p.models, p.updates);
    const column_t cols[] = {{"tau", "sweeps", "sampler sweeps per update (0 = infinity)"},
                             {"rate", "1", "learning rate r"},
                             {"sigma_cond", "nats", "conditional EP of the ideal sampler, sum D(p_{t-1}||p_t), mean over models"},
                             {"sigma_cond_a", "nats", "conditional EP of the actual sampler, mean over models"},
                             {"lag_kl", "nats", "D(q_n||p_n): how far the chains trail the model at the end"},
                             {"kl_data", "nats", "final D(p_data||p_theta), mean over models"},
                             {"sweeps", "sweeps", "compute: updates x tau x chains site-sweeps (0 for tau = infinity)"}};
    columns_write(f, cols, 7);
    numbers_t *nb = numbers_open(argv[5], "Boltzmann machine tau x r grid", conf, p.seed);
    model_t md;
    model_alloc(&md, &m, p.chains, p.batch);
    double lagmax = 0; /* the chains' largest lag behind the model, D(q_n||p_n), over cells */
    progress_t prog;
    progress_start(&prog, "grid cells", p.ntau * p.nrate);
    for (int it = 0; it < p.ntau; it++)
        for (int ir = 0; ir < p.nrate; ir++) {
            double sc = 0, sca = 0, lag = 0, kd = 0;
            for (int k = 0; k < p.models; k++) {
                md.tau_inf = p.tau[it] == 0;
                md.tau = (int)p.tau[it];
                md.rate = p.rate[ir];
                model_start(&md, theta0, p.seed, ((uint64_t)it << 40) | ((uint64_t)ir << 32) | (uint64_t)k);
                for (int t = 1; t <= p.updates; t++) model_step(&md, &d, t);
                sc += md.Sig / p.models, sca += md.Siga / p.models;
                lag += kl(md.q, md.p, m.N) / p.models, kd += kl(d.pdata, md.p, m.N) / p.models;
                lagmax = fmax(lagmax, kl(md.q, md.p, m.N));
            }
            double sweeps = md.tau_inf ? 0 : (double)p.updates * p.tau[it] * p.chains;
            fprintf(f, "%ld\t%.6g\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\n", p.tau[it], p.rate[ir], sc, sca, lag, kd, sweeps);
            char key[96];
            char ts[16];
            if (md.tau_inf) snprintf(ts, sizeof ts, "inf");
            else snprintf(ts, sizeof ts, "%ld", p.tau[it]);
            snprintf(key, sizeof key, "bmgrid_sigma_cond_a_tau%s_r%d", ts, ir);
            numbers_put(nb, key, sca, "nats");
            snprintf(key, sizeof key, "bmgrid_kl_data_tau%s_r%d", ts, ir);
            numbers_put(nb, key, kd, "nats");
            snprintf(key, sizeof key, "bmgrid_sigma_cond_tau%s_r%d", ts, ir);
            numbers_put(nb, key, sc, "nats");
            progress_step(&prog, 1, NULL);
        }
    out_close(o);
    numbers_put(nb, "bmgrid_lag_kl_max", lagmax, "nats");
    for (int ir = 0; ir < p.nrate; ir++) {
        char key[64];
        snprintf(key, sizeof key, "bmgrid_rate_r%d", ir);
        numbers_put(nb, key, p.rate[ir], "1");
    }
    numbers_put(nb, "bmgrid_n", m.n, "units");
    numbers_put(nb, "bmgrid_models", p.models, "models");
    numbers_put(nb, "bmgrid_updates", p.updates, "updates");
    numbers_close(nb);
    progress_end(&prog, NULL);
    return 0;
}

int main(int argc, char **argv) {
    prog_name = "bm";
    if (argc >= 2 && strcmp(argv[1], "train") == 0) return cmd_train(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "grid") == 0) return cmd_grid(argc, argv);
    die("usage: bm train|grid PARAMS MNIST_DIR OUT.tsv NUMBERS.tsv");
}
