# fig5_1.gp - Fig. 5.1 of the original, reproduced: SGD on MNIST for three
# batch sizes, an ensemble of trials each.
#  (a) one last-layer parameter, first trials    (b) test accuracy, mean +- 1 std
#  (c) noise variance (1/dim)||eta||^2 measured (solid) and its exact
#      expectation (dashed); thin dotted: max |grad U_B|
#  (d) normalised autocorrelation of eta at lags >= 1 (window estimator), 2-SE bars
# make passes datadir, batches (e.g. '1 10 100') and ptrials.
reset
load 'figures/style.gp'
P = datadir.'/fig51_param.tsv'
A = datadir.'/fig51_acc.tsv'
N = datadir.'/fig51_noise.tsv'
C = datadir.'/fig51_acf.tsv'
nb = words(batches)
lab(i) = sprintf("|b| = %s", word(batches, i))
# one legend for the whole figure, above the panels: each batch size in its colour
set multiplot layout 2,2 margins 0.13,0.97,0.11,0.9 spacing 0.13,0.2

# (a) the parameter as a change from its common initial value, in units of 10^-3:
# tick labels stay short ("-0.04014" would need five digits per tick)
stats P using (column(sprintf("b%s_t0", word(batches, 1)))) every ::0::0 nooutput
theta0 = STATS_min
set title "(a) one last-layer parameter"
set xlabel "SGD step"
set ylabel "θ_i - θ_i(0) (10^{-3})" offset 1,0
unset key
do for [i=1:nb] { set label i lab(i) at screen 0.5 + 0.18*(i - (nb + 1)/2.0), screen 0.975 center tc lt i front }
plot for [i=1:nb] for [k=0:ptrials-1] P using "step":(1e3*(column(sprintf("b%s_t%d", word(batches, i), k)) - theta0)) \
     with lines lt i lw 0.6 notitle
unset label

set title "(b) test accuracy (band: ±1 s.d.)"
set ylabel "accuracy"
set yrange [0:1]
plot for [i=1:nb] A using "step":(column("mean_b".word(batches, i)) - column("std_b".word(batches, i))):(column("mean_b".word(batches, i)) + column("std_b".word(batches, i))) \
     with filledcurves lt i notitle, \
     for [i=1:nb] A using "step":(column("mean_b".word(batches, i))) with lines lt i notitle
set yrange [*:*]

set title "(c) noise variance"
set ylabel "(1/dim θ) ||η||^2"
set logscale y
set format y "10^{%T}"
plot for [i=1:nb] N using "step":(column("var_b".word(batches, i))) with linespoints lt i notitle, \
     for [i=1:nb] N using "step":(column("exp_b".word(batches, i))) with lines lt i dt 2 lw 1 notitle, \
     for [i=1:nb] N using "step":(column("gmax_b".word(batches, i))) with lines lt i dt 3 lw 0.8 notitle
unset logscale y
set format y "%g"

# (d) the three batch sizes side by side at each lag (offsets of a quarter lag), bars only
stats C using 1 nooutput
maxlag = STATS_max
set title "(d) autocorrelation of η (bars: 2 s.e.)"
set xlabel "lag (steps)"
set ylabel "C(lag)"
set xrange [0.5:maxlag + 0.5]
set xtics 2
plot 0 with lines lt 7 notitle, \
     for [i=1:nb] C every ::1 using ($1 + 0.27*(i - (nb + 1)/2.0)):(column("C_b".word(batches, i))):(column("band_b".word(batches, i))) \
     with yerrorbars lt i pt 7 ps 0.3 notitle
unset multiplot
