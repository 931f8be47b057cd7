# sweep.gp - the learning-rate x batch-size sweep of the Fig. 5.1 ensemble
# (cluster/sweep.mk): final test accuracy and the measured noise power per
# (r, |b|), each with its jackknife standard error over trials.
#  (a) accuracy against r/|b|, the temperature scale of the Langevin reading
#      (Eq 19): curves of different |b| fall on one line where that scale is
#      all that matters
#  (b) noise power (1/dim)||eta||^2 against |b|, one curve per r
# make passes datadir, batches (e.g. '1 10 100') and rates ('0.0025 0.005 ...').
reset
load 'figures/style.gp'
S = datadir.'/sweep.tsv'
set datafile missing NaN   # rows of other curves are skipped, not line breaks
nb = words(batches)
nr = words(rates)
set multiplot layout 1,2 margins 0.09,0.98,0.15,0.9 spacing 0.1
set logscale x
set format x "10^{%L}"

set title "(a) final test accuracy"
set xlabel "r/|b|"
set ylabel "accuracy"
set key bottom right
pick(col, want, v) = column(col) == want ? v : NaN
# points with error bars; the joining lines by `smooth unique` (sorted by x)
plot for [i=1:nb] S using (pick("batch", real(word(batches, i)), column("r_over_b"))):"acc_mean":"acc_mean_se" \
     with yerrorbars lt i notitle, \
     for [i=1:nb] S using (pick("batch", real(word(batches, i)), column("r_over_b"))):"acc_mean" \
     smooth unique with lines lt i title sprintf("|b| = %s", word(batches, i))

set title "(b) noise power"
set xlabel "|b|"
set ylabel "(1/dim) ||η||^2"
set logscale y
set format y "10^{%L}"
set key top right
plot for [j=1:nr] S using (pick("rate", real(word(rates, j)), column("batch"))):"noise_var":"noise_var_se" \
     with yerrorbars lt j notitle, \
     for [j=1:nr] S using (pick("rate", real(word(rates, j)), column("batch"))):"noise_var" \
     smooth unique with lines lt j title sprintf("r = %s", word(rates, j))
unset multiplot
