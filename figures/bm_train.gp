# bm_train.gp - Boltzmann machine along training (ensemble means): cumulative
# work, heat, Delta U, conditional / marginal / ignorance EP and L-info.
# Solid: ideal sampler (p_theta); dashed: the actual tau-sweep chains (q_t).
# (b)'s key is drawn by hand under it (no region of (b) is free of data for five
# entries; gnuplot's own key is laid out differently by the pdfcairo and svg
# terminals), as data of a last, frameless plot over the whole figure.
reset
load 'figures/style.gp'
F = datadir.'/bm_train.tsv'
set multiplot layout 1,2 margins 0.11,0.98,0.33,0.88 spacing 0.1,0.1
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
unset key
plot F using "update":"sigma_cond" with lines lt 1, \
     F using "update":"sigma_marg" with lines lt 2, \
     F using "update":"sigma_ign" with lines lt 3 lw 3, \
     F using "update":"linfo" with lines lt 7 lw 1.5, \
     F using "update":"sigma_cond_a" with lines lt 1 dt 2, \
     F using "update":"linfo_a" with lines lt 4 dt 2
# (b)'s key: entries k at (KX[k], KY[k]) in screen coordinates, the styles of the plot above
array KX[5] = [0.55, 0.7, 0.85, 0.55, 0.78]
array KY[5] = [0.1, 0.1, 0.1, 0.035, 0.035]
array KT[5] = ["Σ_{X|Θ}", "Σ_X", "Σ_{ign}", "L-info (Eq. 25)", "L-info, chains"]
SL = 0.035; TX = 0.01
set print $K
do for [k=1:5] { print sprintf("%g\t%g", KX[k], KY[k]); print sprintf("%g\t%g", KX[k] + SL, KY[k]); print ""; print "" }
unset print
do for [k=1:5] { set label k KT[k] at screen KX[k] + SL + TX, screen KY[k] left }
set lmargin at screen 0; set rmargin at screen 1; set bmargin at screen 0; set tmargin at screen 1
unset border; unset tics; unset grid; unset title; unset xlabel; unset ylabel
set xrange [0:1]; set yrange [0:1]
set key noautotitle
unset key
plot $K index 0 with lines lt 1, $K index 1 with lines lt 2, $K index 2 with lines lt 3 lw 3, \
     $K index 3 with lines lt 7 lw 1.5, $K index 4 with lines lt 4 dt 2
unset multiplot
