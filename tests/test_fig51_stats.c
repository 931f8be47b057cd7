/* The Fig. 5.1 statistics (src/fig51_stats.c) on small synthetic ensembles
 * whose answers are known in closed form: 3 noise trials with 5 records each,
 * built so that every trial mean, ratio and coefficient of variation below is
 * a number written down here, not recomputed by the code under test. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <math.h>
#include <string.h>

#include "fig51_stats.h"
#include "stats.h"
#include "util.h"

#define NT 3  /* trials (all of them noise and acf trials) */
#define NNO 5 /* recorded noise times: steps 0, 10, 20, 30, 40 */
#define LAGS 2

/* Trial-mean expected power at the five records: falls from a plateau, then
 * flattens. Trial k carries the factor (1 + d[k]) at the first four records and
 * (1 + e[k]) at the last, with sum d = sum e = 0, so the trial mean is exactly
 * base[i]; the leave-one-out means of the first four records are base[i] (1 - d[k]/2),
 * so the ratio over the whole run (8 / 1.6) has a jackknife error of exactly 0. */
static const double base[NNO] = {8.0, 4.0, 2.4, 1.6, 2.0};
static const double d[NT] = {0.25, -0.125, -0.125};
static const double e_end[NT] = {0.1, -0.2, 0.1}; /* not proportional to d */
/* trial k's mean expected power over the five records */
static double texp_of(int k) { return ((8.0 + 4.0 + 2.4 + 1.6) * (1 + d[k]) + 2.0 * (1 + e_end[k])) / 5; }

typedef struct {
    fig51_ens_t e;
    double acc[NT * 2], nvar[NT * NNO], nexp[NT * NNO], ndrift[NT * NNO], gmax[NT * NNO], nloss[NT * NNO];
    double force[NT * (NNO - 1)], acf[NT * (LAGS + 1)];
} synth_t;

static void synth(synth_t *s) {
    memset(s, 0, sizeof *s);
    for (int k = 0; k < NT; k++) {
        s->acc[k * 2 + 0] = 0.1;                 /* at step 0 */
        s->acc[k * 2 + 1] = 0.8 + 0.1 * k;       /* final: 0.8, 0.9, 1.0 */
        for (int i = 0; i < NNO; i++) {
            double ex = base[i] * (1 + (i == NNO - 1 ? e_end[k] : d[k]));
            s->nexp[k * NNO + i] = ex;
            s->nvar[k * NNO + i] = (i % 2 ? 1.5 : 2.5) * ex; /* measured/expected: 2.5, 1.5, 2.5, 1.5, 2.5 */
            s->ndrift[k * NNO + i] = 0.5 * ex;
            s->gmax[k * NNO + i] = 0.1 * (i + 1) + k; /* largest of a trial: 0.5 + k */
            s->nloss[k * NNO + i] = i == NNO - 1 ? 1.0 + 0.5 * k : 9.0; /* at the end: 1, 1.5, 2 */
        }
        static const double fc[NT][NNO - 1] = {{0.2, 0.4, 0.2, 0.4}, {0.5, 0.7, 0.5, 0.7}, {0.1, 0.2, 0.1, 0.2}};
        for (int i = 0; i < NNO - 1; i++) s->force[k * (NNO - 1) + i] = fc[k][i];
        /* window sums: dot[0] = 10, 20, 30; dot[1] = 1, -1, 3; dot[2] = -2, -2, -5 */
        const double dots[NT][LAGS + 1] = {{10, 1, -2}, {20, -1, -2}, {30, 3, -5}};
        for (int l = 0; l <= LAGS; l++) s->acf[k * (LAGS + 1) + l] = dots[k][l];
    }
    fig51_ens_t *e = &s->e;
    *e = (fig51_ens_t){.trials = NT, .noise_trials = NT, .acf_trials = NT, .nev = 2, .nno = NNO, .lags = LAGS,
                       .noise_every = 10, .late_start = 25, .inflation = 1.25};
    /* fig51_ens_finish allocates the per-trial arrays; the inputs are copied to the heap so
     * fig51_ens_free owns every array */
    double **dst[] = {&e->acc, &e->nvar, &e->nexp, &e->ndrift, &e->gmax, &e->nloss, &e->force, &e->acf};
    const double *src[] = {s->acc, s->nvar, s->nexp, s->ndrift, s->gmax, s->nloss, s->force, s->acf};
    const size_t len[] = {sizeof s->acc, sizeof s->nvar, sizeof s->nexp, sizeof s->ndrift, sizeof s->gmax,
                          sizeof s->nloss, sizeof s->force, sizeof s->acf};
    for (int i = 0; i < 8; i++) {
        *dst[i] = xmalloc(len[i]);
        memcpy(*dst[i], src[i], len[i]);
    }
    fig51_ens_finish(e);
}

#define CLOSE(got, want) cr_expect(epsilon_eq(dbl, got, want, 1e-12 * fmax(1, fabs(want))), "got %.17g, want %.17g", got, want)

Test(fig51_stats, per_trial_summaries_are_the_means_over_the_run) {
    synth_t s;
    synth(&s);
    for (int k = 0; k < NT; k++) {
        CLOSE(s.e.texp[k], texp_of(k));
        CLOSE(s.e.tdrift[k], 0.5 * texp_of(k));
        CLOSE(s.e.tgmax[k], 0.5 + k);
        CLOSE(s.e.tacc[k], 0.8 + 0.1 * k);
        CLOSE(s.e.tloss_end[k], 1.0 + 0.5 * k);
        CLOSE(s.e.texp_end[k], 2.0 * (1 + e_end[k]));
    }
    fig51_ens_free(&s.e);
}

/* Eq 20: the trial-mean expected power runs from 8 down to 1.6 (ratio 5) over the
 * run, and from 1.6 to 2 (ratio 1.25) over the late window (records at steps 30, 40);
 * a window that started one record early would take in 2.4 (ratio 1.5). */
Test(fig51_stats, noise_power_max_over_min_over_the_run_and_the_late_window) {
    synth_t s;
    synth(&s);
    fig51_ctx_t c = {&s.e, 0};
    CLOSE(fig51_stat_all(fig51_exp_max_over_min, NT, &c), 5.0);
    CLOSE(fig51_stat_all(fig51_exp_late_max_over_min, NT, &c), 1.25);
    cr_expect(lt(dbl, stats_jackknife_se(fig51_exp_max_over_min, NT, &c), 1e-12), "a common factor per trial cancels");
    s.e.late_start = 21; /* the first record at or after step 21 is step 30 */
    CLOSE(fig51_stat_all(fig51_exp_late_max_over_min, NT, &c), 1.25);
    s.e.late_start = 20; /* now step 20 (power 2.4) is in: 2.4 / 1.6 */
    CLOSE(fig51_stat_all(fig51_exp_late_max_over_min, NT, &c), 1.5);
    s.e.late_start = 10; /* steps 10..40: 4 / 1.6 */
    CLOSE(fig51_stat_all(fig51_exp_late_max_over_min, NT, &c), 2.5);
    fig51_ens_free(&s.e);
}

/* Eq 21: ||G - Gprev|| / ||Gprev|| on vectors whose norms are integers, and the
 * run-then-ensemble mean of the recorded changes (trial means 0.3, 0.6, 0.15),
 * whose jackknife error is that of a mean, s / sqrt(n). */
Test(fig51_stats, force_change_of_known_vectors_and_its_ensemble_mean) {
    const float G[3] = {3, 4, 0}, Gprev[3] = {0, 0, 5}; /* difference (3, 4, -5): norm sqrt(50) */
    CLOSE(fig51_force_change(G, Gprev, 3), sqrt(2.0));
    const float same[3] = {0, 0, 5};
    CLOSE(fig51_force_change(same, Gprev, 3), 0.0);
    synth_t s;
    synth(&s);
    fig51_ctx_t c = {&s.e, 0};
    CLOSE(fig51_stat_all(fig51_force, NT, &c), 0.35);
    double sd = sqrt(((0.3 - 0.35) * (0.3 - 0.35) + (0.6 - 0.35) * (0.6 - 0.35) + (0.15 - 0.35) * (0.15 - 0.35)) / 2);
    CLOSE(stats_jackknife_se(fig51_force, NT, &c), sd / sqrt(3.0));
    fig51_ens_free(&s.e);
}

Test(fig51_stats, noise_power_ratios_drift_and_largest_force) {
    synth_t s;
    synth(&s);
    fig51_ctx_t c = {&s.e, 0};
    /* 9 measurements (3 trials x 3 of 5 records at 2.5, 2 at 1.5), samples of a mean */
    CLOSE(fig51_stat_all(fig51_meas_over_exp, NT * NNO, &c), (3 * 2.5 + 2 * 1.5) / 5);
    CLOSE(fig51_stat_all(fig51_exp, NT, &c), 3.6);
    double var = (8.0 * 2.5 + 4.0 * 1.5 + 2.4 * 2.5 + 1.6 * 1.5 + 2.0 * 2.5) / 5; /* 7.88: mean measured power */
    CLOSE(fig51_stat_all(fig51_var, NT, &c), var);
    CLOSE(fig51_stat_all(fig51_drift_over_noise, NT, &c), 0.5 * 3.6 / var);
    CLOSE(fig51_stat_all(fig51_gmax, NT, &c), 1.5);
    CLOSE(fig51_stat_all(fig51_rms_over_gmax, NT, &c), sqrt(var) / 1.5);
    fig51_ens_free(&s.e);
}

/* Panel (d): C(l) = sum dot[l] / (sum dot[0] / inflation) = (3 / 60) * 1.25 at
 * lag 1 and (-9 / 60) * 1.25 at lag 2; C(0) = 1. */
Test(fig51_stats, autocorrelation_from_pooled_window_sums) {
    synth_t s;
    synth(&s);
    fig51_ctx_t c = {&s.e, 1};
    CLOSE(fig51_stat_all(fig51_acf, NT, &c), 3.0 / 60 * 1.25);
    c.lag = 2;
    CLOSE(fig51_stat_all(fig51_acf, NT, &c), -9.0 / 60 * 1.25);
    CLOSE(fig51_stat_all(fig51_acf_maxabs, NT, &c), 9.0 / 60 * 1.25);
    c.lag = 0;
    CLOSE(fig51_stat_all(fig51_acf, NT, &c), 1.0);
    fig51_ens_free(&s.e);
}

/* Eq 24's low-variance condition: sd over mean of the final accuracy
 * (0.8, 0.9, 1.0: 0.1 / 0.9), of the final loss (1, 1.5, 2: 0.5 / 1.5) and of
 * the final expected power (2 (1 + e_k): sd of e over 1), not of its mean over the run. */
Test(fig51_stats, coefficients_of_variation_of_accuracy_loss_and_noise_power) {
    synth_t s;
    synth(&s);
    fig51_ctx_t c = {&s.e, 0};
    CLOSE(fig51_stat_all(fig51_acc_mean, NT, &c), 0.9);
    CLOSE(fig51_stat_all(fig51_acc_sd, NT, &c), 0.1);
    CLOSE(fig51_stat_all(fig51_acc_cv, NT, &c), 0.1 / 0.9);
    CLOSE(fig51_stat_all(fig51_loss_cv, NT, &c), 0.5 / 1.5);
    CLOSE(fig51_stat_all(fig51_noise_cv, NT, &c), sqrt((0.2 * 0.2 + 2 * 0.1 * 0.1) / 2));
    fig51_ens_free(&s.e);
}

/* Between batch sizes: a / b of the mean expected power, with the delta-method
 * error from the two means' errors s / sqrt(n), written out here. */
Test(fig51_stats, ratio_of_two_ensembles_with_its_delta_method_error) {
    synth_t a, b;
    synth(&a);
    synth(&b);
    const double tb[NT] = {1.0, 2.0, 4.5}; /* b's per-trial means */
    for (int k = 0; k < NT; k++) b.e.texp[k] = tb[k];
    fig51_ctx_t ca = {&a.e, 0}, cb = {&b.e, 0};
    fig51_ratio_t r = fig51_ratio(fig51_exp, &ca, &cb, NT);
    double ma = 3.6, mb = 2.5, sa = 0, sb = sqrt((1.5 * 1.5 + 0.25 + 4) / 2);
    for (int k = 0; k < NT; k++) sa += (texp_of(k) - ma) * (texp_of(k) - ma) / 2;
    sa = sqrt(sa);
    double rel = sqrt(pow(sa / sqrt(3.0) / ma, 2) + pow(sb / sqrt(3.0) / mb, 2));
    CLOSE(r.value, ma / mb);
    CLOSE(r.se, ma / mb * rel);
    cr_expect(isnan(fig51_ratio(fig51_exp, &ca, &cb, 1).se), "one trial has no error");
    fig51_ens_free(&a.e);
    fig51_ens_free(&b.e);
}

/* Sec. 5.1.1's two regimes of a loss curve, on a piecewise-linear curve whose
 * answers are exact: records 5, 3, 2, 1.5, 1.2, 1 every 100 steps. The decline
 * is 4; the curve first comes within 4/e of its end between steps 100 and 200,
 * at step 100 (3 - 4/e); at the late window's start (250) it is 1.75, a
 * fraction 0.1875 of the decline still to go; the records at 300, 400, 500
 * have least-squares slope -0.0025 per step. A curve that never declines has
 * no time constant. */
Test(fig51_stats, loss_curve_time_constant_late_drop_and_slope) {
    const double L[] = {5, 3, 2, 1.5, 1.2, 1};
    fig51_regimes_t r = fig51_loss_regimes(L, 6, 100, 250);
    CLOSE(r.tau, 100 * (3 - 4 / exp(1.0)));
    CLOSE(r.drop, 0.1875);
    CLOSE(r.slope, -2.5);
    r = fig51_loss_regimes(L, 6, 100, 300); /* a record exactly at the start is in the window */
    CLOSE(r.drop, 0.125);
    CLOSE(r.slope, -2.5);
    r = fig51_loss_regimes(L, 6, 100, 400); /* records 400, 500: slope -0.002 per step */
    CLOSE(r.slope, -2.0);
    const double flat[] = {2, 2.5, 3};
    r = fig51_loss_regimes(flat, 3, 100, 100);
    cr_expect(isnan(r.tau) && isnan(r.drop), "a rising curve has no decline (tau %g, drop %g)", r.tau, r.drop);
    r = fig51_loss_regimes(L, 6, 100, 450); /* one late record: no slope */
    cr_expect(isnan(r.slope), "one record has no slope (got %g)", r.slope);
}

/* Sec. 5.1.2's group temperatures T_g = r E||eta_g||^2 / (2 dim_g) over the
 * late window (records at steps 30 and 40; the early records are 100 times
 * larger, so a window that took them in is off by far), the spread of the
 * groups' temperatures and each group's drift over noise; and the late-window
 * drift over noise of all parameters. Trial k scales group g by (1 + d[k]),
 * sum d = 0, so the trial means are exact. */
Test(fig51_stats, group_temperatures_their_spread_and_drift_over_noise) {
    synth_t s;
    synth(&s);
    enum { NG = 2 };
    s.e.ngroups = NG;
    s.e.rate = 0.1;
    s.e.gexp = xmalloc(NT * NNO * NG * sizeof(double));
    s.e.gdrift = xmalloc(NT * NNO * NG * sizeof(double));
    for (int k = 0; k < NT; k++)
        for (int i = 0; i < NNO; i++)
            for (int g = 0; g < NG; g++) {
                double v = (g + 1) * 10 * (1 + d[k]) * (i < 3 ? 100 : 1);
                s.e.gexp[(k * NNO + i) * NG + g] = v;
                s.e.gdrift[(k * NNO + i) * NG + g] = (g ? 0.25 : 0.5) * v * (i < 3 ? 3 : 1);
            }
    free(s.e.tgT), free(s.e.tgdn), free(s.e.tdn_late), free(s.e.ttau), free(s.e.tdrop), free(s.e.tslope);
    free(s.e.tacc), free(s.e.tvar), free(s.e.texp), free(s.e.tdrift), free(s.e.tgmax), free(s.e.tloss_end),
        free(s.e.texp_end);
    fig51_ens_finish(&s.e); /* again, now with the groups */
    fig51_ctx_t c = {&s.e, 0};
    CLOSE(fig51_stat_all(fig51_group_T, NT, &c), 0.5);
    CLOSE(fig51_stat_all(fig51_group_drift_over_noise, NT, &c), 0.5);
    c.lag = 1;
    CLOSE(fig51_stat_all(fig51_group_T, NT, &c), 1.0);
    CLOSE(fig51_stat_all(fig51_group_drift_over_noise, NT, &c), 0.25);
    CLOSE(fig51_stat_all(fig51_group_T_spread, NT, &c), 2.0);
    /* the late window of all parameters: records 30, 40 of ndrift / nexp = 0.5 */
    CLOSE(fig51_stat_all(fig51_late_drift_over_noise, NT, &c), 0.5);
    s.e.ndrift[0 * NNO + 4] = 0.5 * s.e.nexp[0 * NNO + 4] + (s.e.nexp[3] + s.e.nexp[4]); /* trial 0: +1 late */
    free(s.e.tdn_late);
    s.e.tdn_late = NULL;
    free(s.e.tgT), free(s.e.tgdn), free(s.e.ttau), free(s.e.tdrop), free(s.e.tslope);
    free(s.e.tacc), free(s.e.tvar), free(s.e.texp), free(s.e.tdrift), free(s.e.tgmax), free(s.e.tloss_end),
        free(s.e.texp_end);
    fig51_ens_finish(&s.e);
    CLOSE(fig51_stat_all(fig51_late_drift_over_noise, NT, &c), 0.5 + 1.0 / 3);
    fig51_ens_free(&s.e);
}

/* Appendix A: the mean over trials of dist / disp at each window. */
Test(fig51_stats, reverse_relative_distance_per_window) {
    synth_t s;
    synth(&s);
    s.e.reverse_trials = NT;
    s.e.nrev = 2;
    s.e.rdist = xmalloc(NT * 2 * sizeof(double));
    s.e.rdisp = xmalloc(NT * 2 * sizeof(double));
    const double dist[NT][2] = {{1, 2}, {2, 6}, {3, 3}}, disp[NT][2] = {{10, 10}, {10, 20}, {10, 30}};
    for (int k = 0; k < NT; k++)
        for (int j = 0; j < 2; j++) s.e.rdist[k * 2 + j] = dist[k][j], s.e.rdisp[k * 2 + j] = disp[k][j];
    fig51_ctx_t c = {&s.e, 0};
    CLOSE(fig51_stat_all(fig51_reverse_rel, NT, &c), 0.2);
    c.lag = 1;
    CLOSE(fig51_stat_all(fig51_reverse_rel, NT, &c), (0.2 + 0.3 + 0.1) / 3);
    fig51_ens_free(&s.e);
}
