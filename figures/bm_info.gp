# bm_info.gp - the two sides of the DPI (Eq 13) over training: L-info of the
# ensemble (left axis) and a Gaussian estimate of the parameter entropy
# S[Theta_t] on the n fields (right axis; M-info = S(Theta) by Eq 14).
reset
load 'figures/style.gp'
F = datadir.'/bm_train.tsv'
set xlabel "SGD update"
set ylabel "L-info (nats)"
set y2label "Gaussian estimate of S[Θ_t] (nats)"
set ytics nomirror
set y2tics
set key bottom right
plot F using "update":"linfo" with lines lt 1 title "L-info, ideal sampler", \
     F using "update":"linfo_a" with lines lt 1 dt 2 title "L-info, actual sampler", \
     F using "update":"S_theta_h" axes x1y2 with linespoints lt 2 title "S[Θ] estimate (fields h)"
