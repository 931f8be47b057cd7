/*
 * bench - prints name<TAB>seconds<TAB>gflops for the simulator's hot paths:
 *   step_b<k>   one SGD step (Algorithm 1) of the Fig. 5.1 MLP at |b| = k
 *   fullgrad    grad U_B over the 60000 training images, with per-example norms
 *   sgemm_peak  cblas_sgemm 2048^3 in the same run: the practical limit
 *   fvbm_enum_n16   one exact enumeration of a 16-unit Boltzmann machine:
 *                   energies of all 65536 states, ln Z, all 136 moments
 *   fvbm_sweep_n16  one heat-bath sweep of the chain law (a 65536-vector),
 *                   with the conditionals it needs
 *   langevin_step   one MALA step (Eq 26 with the Metropolis test) of 100 chains
 *                   of the MNIST EBM 784-256-256-1 on its Gaussian base: normals,
 *                   proposal, energy forward and grad_x backward at the proposal,
 *                   accept/reject
 *   ebm_update      one contrastive Adam update of the EBM at batch 100: forward
 *                   and backward over 100 data images and 100 samples
 * (the fvbm rows have no GFLOP/s: they are exp- and memory-bound; '-')
 * first with 1 BLAS thread (what each experiment process uses), then again
 * with THREADS threads, those rows suffixed _<THREADS>t. GFLOP/s count the
 * multiply-adds a dense pass does (2 per MAC); the sparse first layer of
 * small batches does fewer, so step rows are dense-equivalent rates.
 * usage: bench MNIST_DIR THREADS
 */
#define _POSIX_C_SOURCE 200809L
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

#include "blasinfo.h"
#include "ebm.h"
#include "fvbm.h"
#include "idx.h"
#include "mlp.h"
#include "util.h"

/* Best of `reps` timings of fn, each over `inner` calls: the least disturbed run. */
#define BEST_OF(reps, inner, secs, body)                        \
    do {                                                        \
        secs = 1e30;                                            \
        for (int rep_ = 0; rep_ < (reps); rep_++) {             \
            double t_ = now_seconds();                          \
            for (int in_ = 0; in_ < (inner); in_++) { body; }   \
            t_ = (now_seconds() - t_) / (inner);                \
            if (t_ < secs) secs = t_;                           \
        }                                                       \
    } while (0)

/* FLOPs of forward + backward over n examples (no input-gradient for layer 0). */
static double pass_flops(const mlp_t *m, long n) {
    double macs = 0;
    for (int l = 0; l < m->nlayer; l++) macs += (double)m->size[l] * m->size[l + 1] * (l > 0 ? 3 : 2);
    return 2.0 * macs * n;
}

/* The Fig. 5.1 MLP: SGD steps, the full-data gradient and the same-run sgemm
 * peak, at 1 BLAS thread and then at maxthreads. */
static void bench_mlp(const mnist_t *tr, rng_t *r, int maxthreads) {
    const int sizes[] = {MNIST_PIXELS, 200, 200, 200, MNIST_CLASSES}, n = 2048;
    mlp_t m;
    mlp_init(&m, sizes, 4);
    float *theta = xmalloc(m.nparam * sizeof(float)), *grad = xmalloc(m.nparam * sizeof(float));
    mlp_init_uniform(&m, theta, r);
    mlp_work_t *w = mlp_work_alloc(&m, 1000);
    float *a = xmalloc((size_t)n * n * sizeof(float)), *bm = xmalloc((size_t)n * n * sizeof(float)),
          *c = xmalloc((size_t)n * n * sizeof(float));
    for (size_t i = 0; i < (size_t)n * n; i++) {
        a[i] = (float)rng_uniform(r);
        bm[i] = (float)rng_uniform(r);
    }
    printf("# model 784-200-200-200-10 (%zu parameters); rows without suffix: 1 BLAS thread\n", m.nparam);
    printf("name\tseconds\tgflops\n");
    double s;
    for (int threads = 1; threads <= maxthreads; threads += maxthreads > 1 ? maxthreads - 1 : 1) {
        openblas_set_num_threads(threads);
        char sfx[16] = "";
        if (threads > 1) snprintf(sfx, sizeof sfx, "_%dt", threads);
        const int batches[] = {1, 10, 100};
        for (int i = 0; i < 3; i++) {
            int b = batches[i];
            long off = 0;
            BEST_OF(5, b == 100 ? 200 : 2000, s, {
                mlp_sgd_step(&m, theta, tr->x + (size_t)off * MNIST_PIXELS, tr->label + off, b, 0.01f, w);
                off = (off + b) % (tr->n - b);
            });
            printf("step_b%d%s\t%.3e\t%.2f\n", b, sfx, s, pass_flops(&m, b) / s * 1e-9);
        }
        double pe;
        BEST_OF(3, 1, s, mlp_full_grad(&m, theta, tr->x, tr->label, tr->n, w, grad, &pe));
        double fg = pass_flops(&m, tr->n) / s * 1e-9;
        printf("fullgrad%s\t%.3e\t%.2f\n", sfx, s, fg);
        BEST_OF(3, 1, s, cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, bm, n, 0.0f, c, n));
        double pk = 2.0 * n * n * (double)n / s * 1e-9;
        printf("sgemm_peak%s\t%.3e\t%.2f\n", sfx, s, pk);
        printf("# %d thread(s): fullgrad at %.0f%% of the same-run sgemm peak\n", threads, 100 * fg / pk);
        if (threads == 1) { /* the kernel behind every rate above, and whether a faster one fits */
            printf("# sgemm 2048^3 at 1 thread (the sgemm_peak row):\n");
            blasinfo_report(stdout, "# ", blasinfo_kernel(), pk);
        }
    }
    free(theta), free(grad), free(a), free(bm), free(c);
    mlp_work_free(w);
}

/* The Boltzmann machine of the generative experiments (no BLAS). */
static void bench_fvbm(rng_t *r) {
    fvbm_t fm;
    fvbm_init(&fm, 16);
    double *th = xmalloc((size_t)fm.npar * sizeof(double)), *E = xmalloc(fm.N * sizeof(double));
    double *p = xmalloc(fm.N * sizeof(double)), *work = xmalloc(fm.N * sizeof(double));
    double *mom = xmalloc((size_t)fm.npar * sizeof(double)), *cond = xmalloc(16 * fm.N / 2 * sizeof(double));
    for (int k = 0; k < fm.npar; k++) th[k] = 0.1 * rng_normal(r);
    double lnZ = 0, s;
    BEST_OF(5, 20, s, {
        fvbm_energies(&fm, th, E);
        lnZ += fvbm_probs(&fm, E, p);
        fvbm_moments(&fm, p, mom, work);
    });
    printf("fvbm_enum_n16\t%.3e\t-\n", s);
    BEST_OF(5, 20, s, {
        fvbm_conditionals(&fm, E, cond);
        fvbm_sweep_dist(&fm, cond, p);
    });
    printf("fvbm_sweep_n16\t%.3e\t-\n", s);
    if (!isfinite(lnZ)) die("fvbm bench: ln Z not finite");
    free(th), free(E), free(p), free(work), free(mom), free(cond);
}

/* The EBM's hot paths at 1 BLAS thread: a Langevin step of 100 chains and one
 * update at batch 100 (FLOPs: forward + input-gradient pass, resp. forward +
 * parameter-gradient pass over 200 examples). */
static void bench_ebm(const mnist_t *tr, rng_t *r);

int main(int argc, char **argv) {
    prog_name = "bench";
    if (argc != 3) die("usage: bench MNIST_DIR THREADS");
    int maxthreads = (int)parse_long_arg(argv[2], "MAXTHREADS");
    if (maxthreads < 1) die("argument MAXTHREADS: %d is not a thread count >= 1", maxthreads);
    mnist_t tr = mnist_load(argv[1], "train");
    rng_t r;
    rng_init(&r, 1, 0);
    bench_mlp(&tr, &r, maxthreads);
    bench_fvbm(&r);
    bench_ebm(&tr, &r);
    mnist_free(&tr);
    return 0;
}

static void bench_ebm(const mnist_t *tr, rng_t *r) {
    enum { N = 100, D = MNIST_PIXELS, H = 256 };
    openblas_set_num_threads(1);
    const int sizes[] = {D, H, H, 1};
    mlp_t m;
    mlp_init(&m, sizes, 3);
    float *theta = xmalloc(m.nparam * sizeof(float)), *mean = xcalloc(D, sizeof(float));
    float *xcat = xmalloc(2 * N * D * sizeof(float));
    mlp_init_uniform(&m, theta, r);
    ebm_t e;
    ebm_model(&e, &m, mean, 1.0);
    ebm_chains_t *c = ebm_chains_alloc(N, D);
    ebm_work_t *w = ebm_work_alloc(&m, 2 * N);
    ebm_chains_draw_base(&e, c, r);
    ebm_chains_refresh(&e, theta, c, w);
    double s, macs = (double)D * H + (double)H * H + H;
    BEST_OF(5, 200, s, ebm_mala_step(&e, theta, c, 0.1f, w, r));
    printf("langevin_step\t%.3e\t%.2f\n", s, 2.0 * macs * 2 * N / s * 1e-9);
    ebm_opt_t o;
    ebm_opt_init(&o, &m, EBM_OPT_ADAM, 1e-4f, 0.0f, 0.999f);
    BEST_OF(5, 100, s, ebm_update(&m, theta, tr->x, c->x, N, 0.0f, &o, w, xcat));
    printf("ebm_update\t%.3e\t%.2f\n", s, 2.0 * macs * 2 * (2 * N) / s * 1e-9);
    ebm_opt_free(&o);
    ebm_work_free(w);
    ebm_chains_free(c);
    free(theta), free(mean), free(xcat);
}
