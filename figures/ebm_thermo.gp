# ebm_thermo.gp - the EBM on MNIST along training (MALA at T = 1), one colour per tau:
# (a) ln Z_t - ln Z_0 by the summed per-update BAR estimates (band: 2 bootstrap
#     errors), the one-sided exponential averages (dashed, the control) and AIS
#     from the base at the checkpoints (points, 2 standard errors);
# (b) the spread over measurement chains of E_t - E_{t-1} per update and the
#     per-update work W_t = KL(p_{t-1} || p_t) (log scale);
# (c) the cumulative work W_X (Eq 51) and heat dissipated -Q_X (Eq 52).
reset
load 'figures/style.gp'
N = words(taus)
T(i) = datadir.sprintf('/ebm_trace_tau%s.tsv', word(taus, i))
A(i) = datadir.sprintf('/ebm_ais_tau%s.tsv', word(taus, i))
set multiplot layout 1, 3
set xlabel "update t"
set ylabel "nats"
set key top left
set title "(a) ln Z_t - ln Z_0: BAR, AIS"
plot for [i=1:N] T(i) using "update":(column("lnZ") - 2*column("lnZ_se")):(column("lnZ") + 2*column("lnZ_se")) with filledcurves lt i notitle, \
     for [i=1:N] T(i) using "update":"lnZ" with lines lt i title sprintf("BAR, τ = %s", word(taus, i)), \
     for [i=1:N] T(i) using "update":"lnZ_exp" with lines lt i dt 2 notitle, \
     for [i=1:N] A(i) using "update":"ais":(2*column("ais_se")) with yerrorbars lt i pt 7 title sprintf("AIS, τ = %s", word(taus, i))
set title "(b) per update: sd of ΔE, KL"
set logscale y
set format y "10^{%L}"
plot for [i=1:N] T(i) using "update":"dE_sd_t" every ::1 with lines lt i title sprintf("sd ΔE, τ = %s", word(taus, i)), \
     for [i=1:N] T(i) using "update":(column("W_t") > 0 ? column("W_t") : 1/0) every ::1 with points lt i pt 7 ps 0.2 title sprintf("W_t, τ = %s", word(taus, i))
unset logscale y
set format y "%g"
set title "(c) cumulative work and heat"
plot for [i=1:N] T(i) using "update":(column("W") - 2*column("W_se")):(column("W") + 2*column("W_se")) with filledcurves lt i notitle, \
     for [i=1:N] T(i) using "update":"W" with lines lt i title sprintf("W_X, τ = %s", word(taus, i)), \
     for [i=1:N] T(i) using "update":(-column("Q")) with lines lt i dt 2 title sprintf("-Q_X, τ = %s", word(taus, i))
unset multiplot
