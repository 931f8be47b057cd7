/* ebm_exact.c - the low-dimensional exact case of the EBM (ebm_exact.h). */
#include "ebm_exact.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define GRID_CHUNK 4096 /* grid points per network pass */

ebm_grid_t *ebm_grid_alloc(int d, int G, const float *mean, double sd, double box) {
    if (d < 1 || d > 2) die("ebm_grid: dimension %d (1 or 2)", d);
    if (G < 2 || !(box > 0) || !(sd > 0)) die("ebm_grid: %d points, box %g, sd %g", G, box, sd);
    ebm_grid_t *g = xcalloc(1, sizeof *g);
    g->d = d, g->G = G;
    g->npts = d == 1 ? G : (long)G * G;
    g->h = 2 * box * sd / G;
    g->x = xmalloc((size_t)g->npts * d * sizeof(float));
    g->eb = xmalloc((size_t)g->npts * sizeof(double));
    g->f = xmalloc((size_t)g->npts * sizeof(double));
    for (long p = 0; p < g->npts; p++)
        for (int j = 0; j < d; j++) {
            long k = j == 0 ? p % G : p / G; /* axis index */
            g->x[p * d + j] = (float)(mean[j] - box * sd + (k + 0.5) * g->h);
        }
    return g;
}

void ebm_grid_free(ebm_grid_t *g) {
    if (!g) return;
    free(g->x), free(g->eb), free(g->f);
    free(g);
}

double ebm_grid_energies(const ebm_t *e, const float *theta, ebm_grid_t *g, ebm_work_t *w, double *E) {
    if (e->d != g->d) die("ebm_grid_energies: grid of dimension %d, model of %d", g->d, e->d);
    ebm_eval(e, theta, g->x, (int)g->npts, w, g->eb, g->f, NULL);
    double m = INFINITY, s = 0;
    for (long p = 0; p < g->npts; p++) E[p] = g->eb[p] + g->f[p], m = fmin(m, E[p]);
    for (long p = 0; p < g->npts; p++) s += exp(-(E[p] - m));
    return -m + log(s) + g->d * log(g->h);
}

ebm_exact_update_t ebm_grid_update(const ebm_grid_t *g, const double *Eprev, double lnZprev, const double *Enew,
                                   double lnZnew) {
    double vol = g->d * log(g->h), dE_prev = 0, Enew_prev = 0, Enew_new = 0;
    for (long p = 0; p < g->npts; p++) {
        double pp = exp(-Eprev[p] - lnZprev + vol), pn = exp(-Enew[p] - lnZnew + vol); /* probabilities of the cells */
        dE_prev += pp * (Enew[p] - Eprev[p]);
        Enew_prev += pp * Enew[p], Enew_new += pn * Enew[p];
    }
    ebm_exact_update_t u;
    u.dlnZ = lnZnew - lnZprev;
    u.W = dE_prev + u.dlnZ;
    u.Q = Enew_new - Enew_prev;
    return u;
}

/* K points of the mixture: component k ~ Bernoulli(1/2), first axis +-sep/2. */
static float *mixture_data(const ebm_exact_cfg_t *c, rng_t *r) {
    float *x = xmalloc((size_t)c->K * c->d * sizeof(float));
    for (int k = 0; k < c->K; k++) {
        double side = rng_uniform(r) < 0.5 ? -0.5 : 0.5;
        for (int j = 0; j < c->d; j++) x[(size_t)k * c->d + j] = (float)((j == 0 ? side * c->sep : 0) + c->width * rng_normal(r));
    }
    return x;
}

ebm_exact_result_t ebm_exact_run(const ebm_exact_cfg_t *c, uint64_t seed, uint64_t stream) {
    rng_t r;
    rng_init(&r, seed, stream);
    float *data = mixture_data(c, &r);
    float mean[2] = {0, 0};
    ebm_data_mean(data, c->K, c->d, 0.0f, mean);
    const int sizes[] = {c->d, c->hidden, c->hidden, 1};
    mlp_t net;
    mlp_init(&net, sizes, 3);
    float *theta0 = xmalloc(net.nparam * sizeof(float));
    ebm_init_theta(&net, theta0, &r);
    ebm_t e;
    ebm_model(&e, &net, mean, c->base_sd);
    ebm_grid_t *g = ebm_grid_alloc(c->d, c->G, mean, c->base_sd, c->box);
    ebm_work_t *w = ebm_work_alloc(&net, GRID_CHUNK);
    double *Ep = xmalloc((size_t)g->npts * sizeof(double)), *En = xmalloc((size_t)g->npts * sizeof(double));
    ebm_exact_result_t res = {0};
    double lnZp = ebm_grid_energies(&e, theta0, g, w, Ep), lnZ0 = lnZp;
    res.lnZ0_err = lnZ0 - ebm_base_lnZ(&e);
    ebm_train_t s;
    ebm_train_init(&s, &e, &c->tc, theta0, data, c->K, seed, stream + 1);
    for (long t = 1; t <= c->tc.updates; t++) {
        ebm_train_step(&s);
        double lnZn = ebm_grid_energies(&e, s.theta, g, w, En);
        ebm_exact_update_t u = ebm_grid_update(g, Ep, lnZp, En, lnZn);
        res.W_exact += u.W, res.Q_exact += u.Q;
        double *tmp = Ep;
        Ep = En, En = tmp, lnZp = lnZn;
    }
    res.dlnZ_exact = lnZp - lnZ0;
    res.kl_mean_exact = res.W_exact / c->tc.updates;
    res.W = s.cum.W, res.W_se = s.cum.W_se;
    res.dlnZ = s.cum.lnZ, res.dlnZ_se = s.cum.lnZ_se, res.dlnZ_exp = s.cum.lnZ_exp;
    res.Q = s.cum.Q, res.Q_se = s.cum.Q_se;
    res.accept = ebm_train_summary(&s).accept;
    res.first_worst = s.cum.first_worst;
    ebm_train_free(&s);
    ebm_work_free(w);
    ebm_grid_free(g);
    free(Ep), free(En), free(theta0), free(data);
    return res;
}
