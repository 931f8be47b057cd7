# bm_train.gp - Boltzmann machine along training (ensemble means): cumulative
# work, heat, Delta U, conditional / marginal / ignorance EP and L-info.
# Solid: ideal sampler (p_theta); dashed: the actual tau-sweep chains (q_t).
reset
load 'figures/style.gp'
F = datadir.'/bm_train.tsv'
set multiplot layout 1,2 margins 0.09,0.98,0.12,0.92 spacing 0.1,0.1
set title "(a) first law: W_X + Q_X = ΔU"
set xlabel "SGD update"
set ylabel "nats"
set key bottom left
plot F using "update":"W" with lines lt 1 title "W_X", \
     F using "update":"Q" with lines lt 2 title "Q_X", \
     F using "update":"dU" with lines lt 3 title "ΔU", \
     F using "update":"Wa" with lines lt 1 dt 2 notitle, \
     F using "update":"Qa" with lines lt 2 dt 2 notitle
set title "(b) entropy production and L-info"
set key top left
plot F using "update":"sigma_cond" with lines lt 1 title "Σ_{X|Θ}", \
     F using "update":"sigma_marg" with lines lt 2 title "Σ_X", \
     F using "update":"sigma_ign" with lines lt 3 lw 3 title "Σ_{ign}", \
     F using "update":"linfo" with lines lt 7 lw 1.5 title "L-info (Eq 25)", \
     F using "update":"sigma_cond_a" with lines lt 1 dt 2 notitle, \
     F using "update":"linfo_a" with lines lt 4 dt 2 title "L-info, actual sampler"
unset multiplot
