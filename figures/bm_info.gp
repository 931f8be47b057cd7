# bm_info.gp - the two sides of the DPI (Eq 13) over training, one quantity per panel:
# (a) the ensemble L-info (Eq 25) of the ideal sampler (band: 2 standard errors, the
#     delete-one jackknife over models) and of the actual chains (dashed);
# (b) the Gaussian estimate of the parameter entropy S[Theta_t] from the n fields h
#     (M-info = S(Theta) by Eq 14), bars 2 jackknife standard errors; -inf at t = 0
#     (shared theta_0), so it starts at the first record.
reset
load 'figures/style.gp'
F = datadir.'/bm_train.tsv'
set multiplot layout 1,2 margins 0.14,0.98,0.24,0.85 spacing 0.12,0.1
set xlabel "SGD update"
stats F using "update" nooutput
set xrange [STATS_min:STATS_max]
set title "(a) L-info (band: 2 s.e.)"
set ylabel "nats"
set key bottom right
plot F using "update":(column("linfo") - 2*column("linfo_se")):(column("linfo") + 2*column("linfo_se")) with filledcurves lt 1 notitle, \
     F using "update":"linfo" with lines lt 1 title "ideal sampler", \
     F using "update":"linfo_a" with lines lt 2 dt 2 title "actual chains"
set title "(b) S[Θ_t], Gaussian (bars: 2 s.e.)"
set ylabel "nats"
unset key
plot F using "update":(column("S_theta_h") > -1e300 ? column("S_theta_h") : NaN):(2*column("S_theta_h_se")) with yerrorbars lt 2 pt 7 ps 0.5, \
     F using "update":(column("S_theta_h") > -1e300 ? column("S_theta_h") : NaN) with lines lt 2 lw 1
unset multiplot
