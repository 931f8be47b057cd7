# gauss_ep.gp - distribution of the stochastic EP sigma (Eq 41) over
# x-trajectories on one parameter path of the Gaussian PPM, and the same
# density weighted by exp(-sigma), whose integral is <exp(-sigma)> = 1.
reset
load 'figures/style.gp'
F = datadir.'/gauss_ep.tsv'
set xlabel "σ (nats)"
set ylabel "density"
set key top right
plot F using "sigma":"density" with boxes fs solid 0.4 lt 1 title "P(σ)", \
     F using "sigma":"exp_minus_sigma_weight" with lines lt 2 lw 2 title "P(σ) e^{-σ}"
