/* bm_learn.c - the Boltzmann machine's training state, step and ensemble
 * observables (see bm_learn.h for the equations). */
#define _DEFAULT_SOURCE /* M_PI, M_E */
#include "bm_learn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "thermo.h"
#include "util.h"

/* ---------------------------------------------------------------------- */
/* data                                                                   */

/* 1 when the mean of block (a, b) of a centred crop of img exceeds thr. */
static int block_on(const float *img, int img_cols, int r0, int c0, int br, int bc, int a, int b, double thr) {
    double mean = 0;
    for (int u = 0; u < br; u++)
        for (int v = 0; v < bc; v++) mean += img[(r0 + a * br + u) * img_cols + c0 + b * bc + v];
    return mean / (br * bc) > thr;
}

bm_data_t bm_data_pool(const fvbm_t *m, const float *img, int count, int img_rows, int img_cols, int rows, int cols,
                       double thr) {
    if (rows * cols != m->n) die("bm_data_pool: %d x %d blocks for a machine of %d units", rows, cols, m->n);
    if (rows > img_rows || cols > img_cols) die("bm_data_pool: %d x %d blocks of a %d x %d image", rows, cols, img_rows, img_cols);
    int br = img_rows / rows, bc = img_cols / cols;
    int r0 = (img_rows - rows * br) / 2, c0 = (img_cols - cols * bc) / 2; /* centred crop */
    bm_data_t d = {.K = count, .x = xmalloc((size_t)count * sizeof(uint32_t)), .pdata = xcalloc(m->N, sizeof(double))};
    for (int k = 0; k < count; k++) {
        const float *im = img + (size_t)k * img_rows * img_cols;
        uint32_t s = 0;
        for (int a = 0; a < rows; a++)
            for (int b = 0; b < cols; b++)
                if (block_on(im, img_cols, r0, c0, br, bc, a, b, thr)) s |= 1u << (a * cols + b);
        d.x[k] = s;
        d.pdata[s] += 1.0 / count;
    }
    return d;
}

void bm_data_free(bm_data_t *d) {
    free(d->x);
    free(d->pdata);
    memset(d, 0, sizeof *d);
}

/* ---------------------------------------------------------------------- */
/* one model                                                              */

void bm_model_alloc(bm_model_t *md, const fvbm_t *m, int chains, int batch) {
    memset(md, 0, sizeof *md);
    md->m = m;
    size_t N = m->N;
    md->theta = xmalloc((size_t)m->npar * sizeof(double));
    md->mom = xmalloc((size_t)m->npar * sizeof(double));
    md->dmom = xmalloc((size_t)m->npar * sizeof(double));
    double **v[] = {&md->E, &md->p, &md->q, &md->Eold, &md->pold, &md->qold, &md->work};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) *v[i] = xmalloc(N * sizeof(double));
    md->cond = xmalloc((size_t)m->n * (N / 2) * sizeof(double));
    md->x = xmalloc((size_t)(chains > 0 ? chains : 1) * sizeof(uint32_t));
    md->bx = xmalloc((size_t)batch * sizeof(uint32_t));
    md->bi = xmalloc((size_t)batch * sizeof(uint32_t));
    md->chains = chains;
    md->batch = batch;
}

void bm_model_free(bm_model_t *md) {
    void *v[] = {md->theta, md->mom, md->dmom, md->E, md->p, md->q, md->Eold, md->pold, md->qold, md->work,
                 md->cond, md->x, md->bx, md->bi, md->px, md->psig, md->row};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) free(v[i]);
    memset(md, 0, sizeof *md);
}

void bm_model_start(bm_model_t *md, const double *theta0, double rate, long tau, uint64_t seed, uint64_t stream) {
    const fvbm_t *m = md->m;
    md->rate = rate;
    md->tau = tau;
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
    memset(&md->acc, 0, sizeof md->acc);
    md->probes = 0;
}

/* One exact draw from the law w over the N states. */
static uint32_t draw_state(const double *w, size_t N, rng_t *r) {
    double u = rng_uniform(r), acc = 0;
    size_t s = 0;
    while (s + 1 < N && (acc += w[s]) <= u) s++;
    return (uint32_t)s;
}

void bm_model_probes(bm_model_t *md, int count, uint64_t seed, uint64_t stream) {
    size_t N = md->m->N;
    if (md->tau == BM_TAU_INF) die("bm_model_probes: tau = inf has no sampler kernel");
    free(md->px), free(md->psig), free(md->row);
    md->probes = count;
    md->px = xmalloc((size_t)count * sizeof *md->px);
    md->psig = xmalloc((size_t)count * sizeof *md->psig);
    md->row = xmalloc(N * sizeof *md->row);
    rng_init(&md->pr, seed, stream);
    for (int c = 0; c < count; c++) {
        md->px[c] = draw_state(md->q, N, &md->pr);
        md->psig[c] = log(md->q[md->px[c]]);
    }
}

/* One sampler step of the model's scan: on a law q (exactly), or on chains. */
static void kernel_dist(const bm_model_t *md, double *q) {
    fvbm_sweep_dist(md->m, md->cond, q);
    if (md->scan == FVBM_SCAN_SYMMETRIC) fvbm_sweep_dist_reverse(md->m, md->cond, q);
}
static void kernel_chains(const bm_model_t *md, uint32_t *x, int count, rng_t *r) {
    fvbm_sweep_chains(md->m, md->cond, x, count, r);
    if (md->scan == FVBM_SCAN_SYMMETRIC) fvbm_sweep_chains_reverse(md->m, md->cond, x, count, r);
}

/* K^tau(x, y) of the current conditionals: the point mass at x moved tau steps, read at y. */
static double kernel_entry(bm_model_t *md, uint32_t x, uint32_t y) {
    memset(md->row, 0, md->m->N * sizeof *md->row);
    md->row[x] = 1;
    for (long s = 0; s < md->tau; s++) kernel_dist(md, md->row);
    return md->row[y];
}

static void probes_step(bm_model_t *md) {
    for (int c = 0; c < md->probes; c++) {
        uint32_t from = md->px[c];
        for (long s = 0; s < md->tau; s++) kernel_chains(md, &md->px[c], 1, &md->pr);
        md->psig[c] += log(kernel_entry(md, from, md->px[c])) - log(kernel_entry(md, md->px[c], from));
    }
}

double bm_model_path_ep(const bm_model_t *md, double *sd) {
    double s = 0, s2 = 0;
    for (int c = 0; c < md->probes; c++) {
        double sig = md->psig[c] - log(md->q[md->px[c]]);
        s += sig, s2 += sig * sig;
    }
    double mean = s / md->probes;
    if (sd) *sd = md->probes > 1 ? sqrt(fmax(0, (s2 - s * mean) / (md->probes - 1))) : NAN;
    return mean;
}

/* theta -= r (model moments - batch moments): SGD on the batch's mean phi. */
static void sgd_update(bm_model_t *md, const bm_data_t *d) {
    const fvbm_t *m = md->m;
    rng_distinct(&md->r, (uint32_t)d->K, md->batch, md->bi); /* |b| distinct patterns */
    for (int i = 0; i < md->batch; i++) md->bx[i] = d->x[md->bi[i]];
    fvbm_data_moments(m, md->bx, md->batch, md->dmom);
    if (md->tau == BM_TAU_INF) fvbm_moments(m, md->p, md->mom, md->work); /* exact model expectation */
    else fvbm_data_moments(m, md->x, md->chains, md->mom);               /* persistent chains */
    for (int k = 0; k < m->npar; k++) md->theta[k] -= md->rate * (md->mom[k] - md->dmom[k]);
}

void bm_model_step(bm_model_t *md, const bm_data_t *d, long t) {
    const fvbm_t *m = md->m;
    size_t N = m->N;
    bm_thermo_t *a = &md->acc;
    sgd_update(md, d);
    memcpy(md->Eold, md->E, N * sizeof(double));
    memcpy(md->pold, md->p, N * sizeof(double));
    memcpy(md->qold, md->q, N * sizeof(double));
    md->lnZold = md->lnZ;
    fvbm_energies(m, md->theta, md->E);
    md->lnZ = fvbm_probs(m, md->E, md->p);
    CHECK_FINITE(md->lnZ, "ln Z is not finite after update %ld (learning rate %g)", t, md->rate);
    /* ideal sampler: the chains are always at p_theta (Eqs 51-52, <sigma> = D) */
    a->W += fvbm_mean_phi(m, md->pold, md->E, md->lnZ) - fvbm_mean_phi(m, md->pold, md->Eold, md->lnZold);
    a->Q += fvbm_mean_phi(m, md->p, md->E, md->lnZ) - fvbm_mean_phi(m, md->pold, md->E, md->lnZ);
    a->Sig += thermo_kl(md->pold, md->p, N);
    /* actual sampler: work at fixed q, then tau exact sweeps of q at the new theta */
    a->Wa += fvbm_mean_phi(m, md->qold, md->E, md->lnZ) - fvbm_mean_phi(m, md->qold, md->Eold, md->lnZold);
    if (md->tau == BM_TAU_INF) memcpy(md->q, md->p, N * sizeof(double));
    else {
        fvbm_conditionals(m, md->E, md->cond);
        for (long s = 0; s < md->tau; s++) kernel_dist(md, md->q);
        for (long s = 0; s < md->tau; s++) kernel_chains(md, md->x, md->chains, &md->r);
        if (md->probes) probes_step(md);
    }
    a->Qa += fvbm_mean_phi(m, md->q, md->E, md->lnZ) - fvbm_mean_phi(m, md->qold, md->E, md->lnZ);
    /* EP of relaxation at fixed theta with stationary p: the drop of D(q||p) */
    a->Siga += thermo_kl(md->qold, md->p, N) - thermo_kl(md->q, md->p, N);
}

double bm_model_lag(const bm_model_t *md) { return thermo_kl(md->q, md->p, md->m->N); }

/* ---------------------------------------------------------------------- */
/* the ensemble                                                           */

void bm_ensemble_init(bm_ensemble_t *e, const fvbm_t *m, int M, int chains, int batch, const double *theta0,
                      double rate, long tau, uint64_t seed) {
    memset(e, 0, sizeof *e);
    e->m = m;
    e->M = M;
    e->md = xmalloc((size_t)M * sizeof *e->md);
    for (int k = 0; k < M; k++) {
        bm_model_alloc(&e->md[k], m, chains, batch);
        bm_model_start(&e->md[k], theta0, rate, tau, seed, (uint64_t)k);
    }
    e->marg = xmalloc(m->N * sizeof(double));
    e->marga = xmalloc(m->N * sizeof(double));
    e->ths = xmalloc((size_t)M * m->npar * sizeof(double));
    double **v[] = {&e->I0, &e->Ia0, &e->SX0, &e->SXa0, &e->S0, &e->U0a, &e->Qk, &e->Ik};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) *v[i] = xcalloc((size_t)M, sizeof(double));
}

void bm_ensemble_step(bm_ensemble_t *e, const bm_data_t *d, long t) {
    for (int k = 0; k < e->M; k++) bm_model_step(&e->md[k], d, t);
}

/* p_t = mean_k p(.|theta_k), and the same for the actual samplers' q. */
static void ensemble_marginals(bm_ensemble_t *e) {
    size_t N = e->m->N;
    int M = e->M;
    memset(e->marg, 0, N * sizeof(double));
    memset(e->marga, 0, N * sizeof(double));
    for (int k = 0; k < M; k++)
        for (size_t x = 0; x < N; x++) e->marg[x] += e->md[k].p[x] / M, e->marga[x] += e->md[k].q[x] / M;
}

/* Model k's contribution (1/M of its values) to the means, and the worst
 * Eq 44 and first-law residuals. */
static void observe_model(bm_ensemble_t *e, int k, const bm_data_t *d, bm_obs_t *o) {
    const fvbm_t *m = e->m;
    size_t N = m->N;
    const bm_model_t *a = &e->md[k];
    const bm_thermo_t *c = &a->acc;
    double SX = thermo_cross_entropy(a->p, e->marg, N), S = thermo_entropy(a->p, N), I = SX - S;
    double SXa = thermo_cross_entropy(a->q, e->marga, N), Sa = thermo_entropy(a->q, N), Ia = SXa - Sa;
    if (!e->observed) {
        e->I0[k] = I, e->Ia0[k] = Ia, e->SX0[k] = SX, e->SXa0[k] = SXa, e->S0[k] = S;
        e->U0a[k] = fvbm_mean_phi(m, a->q, a->E, a->lnZ);
    }
    /* Eq 44: Delta I = -Q + Delta S_X - Sigma_{X|Theta}, for both samplers */
    e->eq44_worst = fmax(e->eq44_worst, fabs((I - e->I0[k]) - (-c->Q + (SX - e->SX0[k]) - c->Sig)));
    e->eq44_worst = fmax(e->eq44_worst, fabs((Ia - e->Ia0[k]) - (-c->Qa + (SXa - e->SXa0[k]) - c->Siga)));
    /* first law, Eqs 51-52: W + Q = Delta <phi>, = Delta S for the ideal sampler */
    e->first_worst = fmax(e->first_worst, fabs(c->W + c->Q - (S - e->S0[k])));
    e->first_worst = fmax(e->first_worst, fabs(c->Wa + c->Qa - (fvbm_mean_phi(m, a->q, a->E, a->lnZ) - e->U0a[k])));
    int M = e->M;
    e->Qk[k] = c->Q, e->Ik[k] = I;
    o->W += c->W / M;
    o->Q += c->Q / M;
    o->dU += (c->W + c->Q) / M;
    o->sigma_cond += c->Sig / M;
    o->sigma_marg += ((SX - e->SX0[k]) - c->Q) / M;
    o->dSX += (SX - e->SX0[k]) / M;
    o->sigma_ign += ((SX - e->SX0[k]) - c->Q - c->Sig) / M;
    o->linfo += I / M;
    o->Wa += c->Wa / M;
    o->Qa += c->Qa / M;
    o->sigma_cond_a += c->Siga / M;
    o->linfo_a += Ia / M;
    o->kl_data += thermo_kl(d->pdata, a->p, N) / M;
    memcpy(e->ths + (size_t)k * m->npar, a->theta, (size_t)m->npar * sizeof(double));
}

void bm_ensemble_observe(bm_ensemble_t *e, const bm_data_t *d, bm_obs_t *o) {
    memset(o, 0, sizeof *o);
    ensemble_marginals(e);
    for (int k = 0; k < e->M; k++) observe_model(e, k, d, o);
    o->S_theta_h = e->observed ? bm_gaussian_entropy(e->ths, e->M, e->m->npar, e->m->n) : -INFINITY;
    o->S_theta_h_se = e->observed ? bm_gaussian_entropy_se(e->ths, e->M, e->m->npar, e->m->n) : NAN;
    const double **law = xmalloc((size_t)e->M * sizeof *law);
    for (int k = 0; k < e->M; k++) law[k] = e->md[k].p;
    o->linfo_se = bm_jackknife_linfo_se(law, e->marg, e->M, e->m->N);
    for (int k = 0; k < e->M; k++) law[k] = e->md[k].q;
    o->linfo_a_se = bm_jackknife_linfo_se(law, e->marga, e->M, e->m->N);
    free(law);
    e->observed = 1;
    o->eq44_worst = e->eq44_worst;
    o->first_worst = e->first_worst;
}

void bm_ensemble_free(bm_ensemble_t *e) {
    for (int k = 0; k < e->M; k++) bm_model_free(&e->md[k]);
    void *v[] = {e->md, e->marg, e->marga, e->ths, e->I0, e->Ia0, e->SX0, e->SXa0, e->S0, e->U0a, e->Qk, e->Ik};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) free(v[i]);
    memset(e, 0, sizeof *e);
}

/* ---------------------------------------------------------------------- */
/* parameter entropy: Gaussian estimate from the ensemble                 */

/* ln det by Cholesky (OpenBLAS's LAPACK). */
extern void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);

double bm_gaussian_entropy(const double *th, int M, int npar, int d) {
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

double bm_gaussian_entropy_se(const double *th, int M, int npar, int d) {
    if (M < 3) return NAN;
    double *sub = xmalloc((size_t)(M - 1) * d * sizeof(double)), *Sj = xmalloc((size_t)M * sizeof(double)), mean = 0;
    for (int j = 0; j < M; j++) {
        for (int k = 0, r = 0; k < M; k++)
            if (k != j) memcpy(sub + (size_t)r++ * d, th + (size_t)k * npar, (size_t)d * sizeof(double));
        Sj[j] = bm_gaussian_entropy(sub, M - 1, d, d);
        mean += Sj[j] / M;
    }
    double ss = 0;
    for (int j = 0; j < M; j++) ss += (Sj[j] - mean) * (Sj[j] - mean);
    free(sub), free(Sj);
    return isfinite(mean) ? sqrt((M - 1.0) / M * ss) : NAN;
}

/* ---------------------------------------------------------------------- */
/* the L-info's standard error over models                                */

double bm_jackknife_linfo_se(const double *const *law, const double *mix, int M, size_t N) {
    if (M < 2) return NAN;
    double *S = xmalloc((size_t)M * sizeof(double)), *mj = xmalloc(N * sizeof(double)), *Ij = xmalloc((size_t)M * sizeof(double));
    double Ssum = 0, mean = 0;
    for (int k = 0; k < M; k++) S[k] = thermo_entropy(law[k], N), Ssum += S[k];
    for (int j = 0; j < M; j++) {
        for (size_t x = 0; x < N; x++) mj[x] = fmax(0, (M * mix[x] - law[j][x]) / (M - 1)); /* no -0 from round-off */
        Ij[j] = thermo_entropy(mj, N) - (Ssum - S[j]) / (M - 1);
        mean += Ij[j] / M;
    }
    double ss = 0;
    for (int j = 0; j < M; j++) ss += (Ij[j] - mean) * (Ij[j] - mean);
    free(S), free(mj), free(Ij);
    return sqrt((M - 1.0) / M * ss);
}
