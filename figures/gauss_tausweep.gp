# gauss_tausweep.gp - Gaussian PPM, conditional EP over the whole run against
# the sampler's steps per update tau (slow sampler: one OU step keeps c = 0.90
# of its memory), closed form (lines) and ensemble with 2 standard errors
# (points), from a drifting start and from the stationary law, with the
# perfect-sampler floors set by the learning rate.
reset
load 'figures/style.gp'
F = datadir.'/gauss_tausweep.tsv'
set logscale x
set xrange [0.8:300]
set xlabel "sampler steps per update τ"
set ylabel "conditional EP Σ_{X|Θ} (nats)"
set key top right
plot F using "tau":"ep_exact" with lines lt 1 title "drifting start, closed form", \
     F using "tau":"ep_sim":(2*column("ep_se")) with yerrorbars lt 1 pt 7 title "ensemble", \
     F using "tau":"floor_drift" with lines lt 7 title "perfect sampler", \
     F using "tau":"ep_stat_exact" with lines lt 2 title "stationary start, closed form", \
     F using "tau":"ep_stat_sim":(2*column("ep_stat_se")) with yerrorbars lt 2 pt 5 title "ensemble", \
     F using "tau":"floor_stat" with lines lt 7 notitle
