/*
 * fig51_stats.h - the ensemble statistics of Fig. 5.1 (Eqs 20, 21, 24 of the
 * original) as functions of the kept trials, for the jackknife of src/stats.h.
 *
 * `fig51 merge` fills one fig51_ens_t per batch size from the shard records
 * (src/fig51_shard.h) and writes each statistic below with its jackknife
 * standard error over trials; the unit tests (tests/test_fig51_stats.c) feed small
 * synthetic ensembles whose answers are known. Nothing here reads a file.
 *
 * Layout: one value per (trial, recorded time), row-major by trial:
 *   acc    (trials, nev)            test accuracy; the last column is the end of the run
 *   nvar, nexp, ndrift, gmax, nloss (noise_trials, nno)
 *                                   one sgdnoise_measure at steps 0, noise_every, ...
 *   force  (noise_trials, nno - 1)  relative change of grad U_B since the previous record
 *   acf    (acf_trials, lags + 1)   window sums of eta^.eta^ (src/sgdnoise.h)
 *   gexp, gdrift (noise_trials, nno, ngroups)
 *                                   the noise record per parameter group (sgdnoise_measure's groups)
 *   rdist, rdisp (reverse_trials, nrev)
 *                                   Appendix A's backward SGD over the last rev_w[j] steps
 */
#ifndef FIG51_STATS_H
#define FIG51_STATS_H

#include <stddef.h>

#include "stats.h"

/* The late window of Eq 20's stationarity check starts at this fraction of
 * the run: past the escape from the initial loss plateau, which alone sets
 * the largest-over-smallest ratio of the noise power over the whole run. */
#define FIG51_LATE_FRACTION 0.5

typedef struct {
    long trials, noise_trials, acf_trials;
    int nev, nno, lags;
    long noise_every, late_start; /* steps; late_start: first step of the late window */
    double *acc, *nvar, *nexp, *ndrift, *gmax, *nloss, *force, *acf;
    double *param; /* (param_trials, steps + 1): panel (a), plotted only */
    double inflation; /* of the acf normaliser, 1 + c(K,M)/c(K,|b|) (src/sgdnoise.h) */
    double rate;      /* r: T_g = r E||eta_g||^2 / (2 dim_g) */
    int ngroups, nrev;
    double *gexp, *gdrift, *rdist, *rdisp;
    long reverse_trials, *rev_w;
    /* per trial, from fig51_ens_finish */
    double *tacc;                       /* final test accuracy (trials) */
    double *tvar, *texp, *tdrift, *tgmax; /* noise trials: means over the recorded times (gmax: largest) */
    double *tloss_end, *texp_end;       /* noise trials: full-data loss and expected power at the last record */
    double *tgT, *tgdn;                 /* (noise_trials, ngroups): late-window temperature and drift over noise */
    double *tdn_late;                   /* noise trials: late-window drift over noise, all parameters */
    double *ttau, *tdrop, *tslope;      /* noise trials: the loss curve's two regimes (fig51_loss_regimes) */
} fig51_ens_t;

/* Per-trial summaries from the filled arrays (allocates the t* arrays). */
void fig51_ens_finish(fig51_ens_t *e);
void fig51_ens_free(fig51_ens_t *e);

/* ||G - Gprev|| / ||Gprev||: how much the full-data force changed between two
 * noise measurements (Eq 21's lazy dynamics would keep it at 0). */
double fig51_force_change(const float *G, const float *Gprev, size_t P);

/* A statistic's context: the ensemble, and the lag for the autocorrelation
 * (the parameter group, or the reverse window's index, for those statistics). */
typedef struct {
    const fig51_ens_t *e;
    int lag;
} fig51_ctx_t;

/* Sec. 5.1.1's two regimes of one loss curve L[0..n) recorded every `every`
 * steps, late window from step late_start:
 *   tau   the step at which L - L[n-1] first falls to (L[0] - L[n-1]) / e,
 *         interpolated linearly between records (the fast decline's time constant);
 *   drop  (L(late_start) - L[n-1]) / (L[0] - L[n-1]): the fraction of the whole
 *         decline left to the late window (small when the fast phase did most of it);
 *   slope the least-squares slope of L over the late window, per 1000 steps.
 * NAN where undefined (a curve that does not decline). */
typedef struct {
    double tau, drop, slope;
} fig51_regimes_t;
fig51_regimes_t fig51_loss_regimes(const double *L, int n, long every, long late_start);

/* stats_fn statistics (ctx: fig51_ctx_t); n is the count of the trials they
 * run over (trials, noise trials, acf trials, or noise trials x nno for
 * meas_over_exp, whose samples are the single measurements). */
double fig51_acc_mean(const unsigned char *keep, size_t n, void *ctx);
double fig51_acc_sd(const unsigned char *keep, size_t n, void *ctx);
double fig51_var(const unsigned char *keep, size_t n, void *ctx);      /* measured power, mean */
double fig51_exp(const unsigned char *keep, size_t n, void *ctx);      /* exact expected power, mean */
double fig51_gmax(const unsigned char *keep, size_t n, void *ctx);
double fig51_meas_over_exp(const unsigned char *keep, size_t n, void *ctx);
double fig51_rms_over_gmax(const unsigned char *keep, size_t n, void *ctx);
double fig51_drift_over_noise(const unsigned char *keep, size_t n, void *ctx);
/* Largest over smallest, over the recorded times, of the trial-mean expected
 * power: over the whole run, and over the late window (steps >= late_start). */
double fig51_exp_max_over_min(const unsigned char *keep, size_t n, void *ctx);
double fig51_exp_late_max_over_min(const unsigned char *keep, size_t n, void *ctx);
/* Mean relative force change per noise interval: per trial over the run, then over trials. */
double fig51_force(const unsigned char *keep, size_t n, void *ctx);
/* C(lag) from the pooled window sums, and the largest |C| over lags 1..lags. */
double fig51_acf(const unsigned char *keep, size_t n, void *ctx);
double fig51_acf_maxabs(const unsigned char *keep, size_t n, void *ctx);
/* Eq 24's low-variance condition: the ensemble's coefficient of variation
 * (standard deviation over mean) of the final test accuracy (all trials), and
 * of the full-data loss and the expected noise power at the last record (noise trials). */
double fig51_acc_cv(const unsigned char *keep, size_t n, void *ctx);
double fig51_loss_cv(const unsigned char *keep, size_t n, void *ctx);
double fig51_noise_cv(const unsigned char *keep, size_t n, void *ctx);

/* Sec. 5.1.2: group lag's late-window temperature r E||eta_g||^2 / (2 dim_g)
 * (trial mean), the largest over the smallest group temperature, and group
 * lag's late-window drift over noise; and the late-window drift over noise of
 * all parameters (noise trials). */
double fig51_group_T(const unsigned char *keep, size_t n, void *ctx);
double fig51_group_T_spread(const unsigned char *keep, size_t n, void *ctx);
double fig51_group_drift_over_noise(const unsigned char *keep, size_t n, void *ctx);
double fig51_late_drift_over_noise(const unsigned char *keep, size_t n, void *ctx);
/* Sec. 5.1.1 (noise trials): trial means of fig51_loss_regimes' tau, drop, slope. */
double fig51_loss_tau(const unsigned char *keep, size_t n, void *ctx);
double fig51_loss_drop(const unsigned char *keep, size_t n, void *ctx);
double fig51_loss_slope(const unsigned char *keep, size_t n, void *ctx);
/* Appendix A (reverse trials): mean over trials of dist/disp at window index lag. */
double fig51_reverse_rel(const unsigned char *keep, size_t n, void *ctx);

/* fn over all n trials. */
double fig51_stat_all(stats_fn fn, size_t n, fig51_ctx_t *c);

/* a / b of one statistic on two independent ensembles, with the delta-method
 * error from their jackknife errors (NAN for n < 2). */
typedef struct {
    double value, se;
} fig51_ratio_t;
fig51_ratio_t fig51_ratio(stats_fn fn, fig51_ctx_t *a, fig51_ctx_t *b, size_t n);

#endif
