# gauss_ppm.gp - Gaussian PPM, simulation against closed forms: (a) ensemble
# variance of mu_t, (b) L-info, (c) the Clausius relation of Eqs 49-50:
# dissipated heat -Q_X, parameter entropy change and L-info change.
reset
load 'figures/style.gp'
F = datadir.'/gauss_moments.tsv'
set multiplot layout 1,3 margins 0.1,0.97,0.2,0.9 spacing 0.09,0.1
set xlabel "SGD update"
set xtics 100
set title "(a) Var(μ_t)"
set ylabel "Var(μ_t)"
set logscale y
set format y "10^{%T}"
set key bottom right
plot F using "step":"var_sim" with points lt 1 title "ensemble", F using "step":"var_exact" with lines lt 7 title "closed form"
unset logscale y
set format y "%g"
set title "(b) L-info"
set key bottom right
set ylabel "nats"
plot F using "step":"linfo_sim" with points lt 2 title "ensemble (p_t)", F using "step":"linfo_exact" with lines lt 7 title "ln(1+v_t/σ^2)/2"
set title "(c) Eq 50: -Q_X, ΔS[Θ], ΔI"
set key center right
plot F using "step":"minusQ_ideal" with lines lt 1 title "-Q_X", F using "step":"dS_theta" with lines lt 2 title "ΔS[Θ]", \
     F using "step":"dI" with lines lt 3 title "ΔI_{X;Θ}"
unset multiplot
