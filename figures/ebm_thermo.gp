# ebm_thermo.gp - the Langevin EBM on MNIST along training, one colour per tau:
# (a) the heat the Langevin steps dissipate, -Q_X (Eq 52), and the energy the
# chains bring back from the replay buffer, R (both cumulative, log scale);
# (b) the work W_X (Eq 51, exponential-average estimate of Delta ln Z) with its
# 95% bootstrap band over chains, and Delta U = Delta <phi> = W + Q + R.
reset
load 'figures/style.gp'
N = words(taus)
F(i) = datadir.sprintf('/ebm_trace_tau%s.tsv', word(taus, i))
set multiplot layout 1, 2
set xlabel "SGD update t"
set ylabel "nats"
set logscale y
set format y "10^{%L}"
set key top left
set title "(a) heat dissipated and buffer exchange"
plot for [i=1:N] F(i) using "update":(-column("Q")) every ::1 with lines lt i title sprintf("-Q_X, τ = %s", word(taus, i)), \
     for [i=1:N] F(i) using "update":"R" every ::1 with lines lt i dt 2 title sprintf("R, τ = %s", word(taus, i))
unset logscale y
set format y "%g"
set title "(b) work and ΔU"
plot for [i=1:N] F(i) using "update":"W_lo":"W_hi" with filledcurves lt i notitle, \
     for [i=1:N] F(i) using "update":"W" with lines lt i title sprintf("W_X, τ = %s", word(taus, i)), \
     for [i=1:N] F(i) using "update":"dU" with lines lt i dt 2 title sprintf("ΔU, τ = %s", word(taus, i))
unset multiplot
