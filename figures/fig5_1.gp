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
set multiplot layout 2,2 margins 0.11,0.98,0.08,0.95 spacing 0.11,0.12

set title "(a) one last-layer parameter" offset 0,-0.6
set xlabel "SGD step"
set ylabel "θ_i"
set key bottom right
plot for [i=1:nb] for [k=0:ptrials-1] P using "step":(column(sprintf("b%s_t%d", word(batches, i), k))) \
     with lines lt i lw 0.6 title (k == 0 ? lab(i) : "")

set title "(b) test accuracy"
set ylabel "accuracy"
set yrange [0:1]
set key top left
plot for [i=1:nb] A using "step":(column("mean_b".word(batches, i)) - column("std_b".word(batches, i))):(column("mean_b".word(batches, i)) + column("std_b".word(batches, i))) \
     with filledcurves lt i notitle, \
     for [i=1:nb] A using "step":(column("mean_b".word(batches, i))) with lines lt i title lab(i)
set yrange [*:*]

set title "(c) noise variance"
set ylabel "(1/dim θ) ||η||^2"
set logscale y
set format y "10^{%T}"
set key bottom right maxrows 3
plot for [i=1:nb] N using "step":(column("var_b".word(batches, i))) with linespoints lt i title lab(i), \
     for [i=1:nb] N using "step":(column("exp_b".word(batches, i))) with lines lt i dt 2 lw 1 notitle, \
     for [i=1:nb] N using "step":(column("gmax_b".word(batches, i))) with lines lt i dt 3 lw 0.8 notitle
unset logscale y
set format y "%g"

set title "(d) autocorrelation of η"
set xlabel "lag (steps)"
set ylabel "C(lag)"
set key top right
set yrange [*:*]
set xrange [0.2:*]
plot 0 with lines lt 7 notitle, \
     for [i=1:nb] C every ::1 using ($1 + 0.15*(i-2)):(column("C_b".word(batches, i))):(column("band_b".word(batches, i))) \
     with yerrorlines lt i title lab(i)
unset multiplot
