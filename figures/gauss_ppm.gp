# gauss_ppm.gp - Gaussian PPM, simulation against closed forms: (a) ensemble
# variance of mu_t (bars: 2 standard errors, from the ensemble's fourth moment), (b) L-info, (c) the Clausius relation of Eqs 49-50:
# dissipated heat -Q_X, parameter entropy change and L-info change.
reset
load 'figures/style.gp'
F = datadir.'/gauss_moments.tsv'
# the y range of (a) from the data (stats obeys the x range: taken before any is set)
stats F using (column("var_sim") - 2*column("var_se")) nooutput
vlo = STATS_min
stats F using (column("var_sim") + 2*column("var_se")) nooutput
vhi = STATS_max
stats F using "var_exact" nooutput
vlo = (STATS_min < vlo ? STATS_min : vlo); vhi = (STATS_max > vhi ? STATS_max : vhi)
set multiplot layout 1,3 margins 0.11,0.97,0.25,0.86 spacing 0.095,0.1
set xlabel "SGD update"
set xtics 100
set title "(a) Var(μ_t)"
set ylabel "Var(μ_t)"
set logscale y
set format y "10^{%T}"
set yrange [vlo/1.5:vhi*1.5]
set key bottom right
plot F using "step":"var_sim":(2*column("var_se")) with yerrorbars lt 1 pt 7 ps 0.3 title "ensemble", F using "step":"var_exact" with lines lt 7 title "closed form"
unset logscale y
set format y "%g"
set yrange [*:*]
set title "(b) L-info"
set key bottom right
set ylabel "nats"
plot F using "step":"linfo_sim" with points lt 2 title "ensemble (p_t)", F using "step":"linfo_exact" with lines lt 7 title "ln(1+v_t/σ^2)/2"
set title "(c) Eq 50: -Q_X, ΔS[Θ], ΔI"
set key center right
plot F using "step":"minusQ_ideal" with lines lt 1 title "-Q_X", F using "step":"dS_theta" with lines lt 2 title "ΔS[Θ]", \
     F using "step":"dI" with lines lt 3 title "ΔI_{X;Θ}"
unset multiplot
