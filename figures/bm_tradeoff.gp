# bm_tradeoff.gp - Sec. 6.4's trade-off on a grid of sampler sweeps tau and
# learning rate r: (a) conditional EP of the actual sampler against r, one
# line per tau (the taus side by side: each drawn at r times a small factor, so
# that their bars do not hide each other); (b) the final D(p_data||p_theta)
# against the compute spent, one colour per r (the grid's rows run over r within
# each tau, so every nr-th row from row j is rate j), with the exact-expectation
# (tau = infinity) value of each r as a dashed line. Bars: 2 standard errors over
# the models of a cell. tau = 0 in the data stands for infinity.
reset
load 'figures/style.gp'
F = datadir.'/bm_grid.tsv'
taus = system("awk -F'\\t' '!/^#/ && $1 != \"tau\" {print $1}' ".F." | sort -nu | tr '\\n' ' '")
rates = system("awk -F'\\t' '!/^#/ && $1 != \"tau\" {print $2}' ".F." | sort -gu | tr '\\n' ' '")
nt = words(taus); nr = words(rates)
tl(t) = (t == 0 ? "τ = ∞" : sprintf("τ = %d", t))
# ranges from the data (before any range is set: stats obeys the x range)
stats F using (column("sigma_cond_a") - 2*column("sigma_cond_a_se")) nooutput
ylo = STATS_min
stats F using (column("sigma_cond_a") + 2*column("sigma_cond_a_se")) nooutput
yhi = STATS_max
stats F using (column("sweeps") > 0 ? column("sweeps") : NaN) nooutput
smin = STATS_min; smax = STATS_max
# the exact-expectation value of each rate
array KI[nr]
do for [j=1:nr] {
  stats F using (column("tau") == 0 && column("rate") == word(rates, j) + 0 ? column("kl_data") : NaN) nooutput
  KI[j] = STATS_mean
}
# panels by hand: (a) left, (b) middle, (b)'s key on the right
set multiplot
set bmargin at screen 0.24; set tmargin at screen 0.88

set lmargin at screen 0.12; set rmargin at screen 0.46
set title "(a) conditional EP vs learning rate"
set xlabel "learning rate r"
set ylabel "Σ_{X|Θ} (nats)"
set logscale xy
set format x "%g"
set format y "%g"
set ytics (0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1)
rmin = word(rates, 1) + 0; rmax = word(rates, nr) + 0
set xrange [rmin/1.3:rmax*1.3]
set xtics (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1)
set yrange [ylo/1.3:yhi*1.3]
DX = 1.05   # side-by-side factor between neighbouring taus
set key top left Left reverse samplen 2
plot for [i=1:nt] F using (column("tau") == word(taus, i) + 0 ? column("rate")*DX**(i - (nt + 1)/2.0) : NaN):"sigma_cond_a":(2*column("sigma_cond_a_se")) \
     with yerrorbars lt i pt 7 ps 0.4 notitle, \
     for [i=1:nt] F using (column("tau") == word(taus, i) + 0 ? column("rate")*DX**(i - (nt + 1)/2.0) : NaN):"sigma_cond_a" \
     with lines lt i title tl(word(taus, i) + 0)

set lmargin at screen 0.56; set rmargin at screen 0.8
set title "(b) final KL vs compute"
set xlabel "sweeps × chains"
set format x "10^{%T}"
set xtics autofreq
set ylabel "D(p_{data}||p_θ) (nats)"
unset logscale y
set ytics autofreq
set xrange [smin/1.5:smax*1.5]
set yrange [*:*]
set key at screen 0.82, graph 1 left top Left reverse samplen 2
plot for [j=1:nr] F using (column("rate") == word(rates, j) + 0 && column("sweeps") > 0 ? column("sweeps") : NaN):"kl_data":(2*column("kl_data_se")) \
     with yerrorbars lt j pt 7 ps 0.4 notitle, \
     for [j=1:nr] F every nr::(j - 1) using (column("sweeps") > 0 ? column("sweeps") : NaN):"kl_data" \
     with lines lt j title sprintf("r = %s", word(rates, j)), \
     for [j=1:nr] KI[j] with lines lt j dt 2 lw 1 notitle, \
     NaN with lines lc "black" dt 2 lw 1 title "τ = ∞"
unset multiplot
