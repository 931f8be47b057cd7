# bm_tradeoff.gp - Sec. 6.4's trade-off on a grid of sampler sweeps tau and
# learning rate r: (a) conditional EP of the actual sampler against r, one
# line per tau; (b) the final D(p_data||p_theta) against the compute spent.
# tau = 0 in the data stands for infinity (exact expectations).
reset
load 'figures/style.gp'
F = datadir.'/bm_grid.tsv'
set multiplot layout 1,2 margins 0.1,0.97,0.16,0.88 spacing 0.11,0.1
set title "(a) conditional EP vs learning rate"
set xlabel "learning rate r"
set ylabel "Σ_{X|Θ} (nats)"
set logscale xy
set key top left
taus = system("awk -F'\\t' '!/^#/ && $1 != \"tau\" {print $1}' ".F." | sort -nu | tr '\\n' ' '")
tl(t) = (t == 0 ? "τ = ∞" : sprintf("τ = %d", t))
plot for [i=1:words(taus)] F using (column(1) == word(taus, i) + 0 ? column("rate") : NaN):"sigma_cond_a" \
     with linespoints lt i title tl(word(taus, i) + 0)
set title "(b) final KL vs compute"
set xlabel "sweeps x chains (exact expectations not shown)"
set format x "10^{%T}"
set ylabel "D(p_{data}||p_θ) (nats)"
unset logscale y
rates = system("awk -F'\\t' '!/^#/ && $1 != \"tau\" {print $2}' ".F." | sort -gu | tr '\\n' ' '")
set key top right
plot for [i=1:words(rates)] F using (column("rate") == word(rates, i) + 0 && column("sweeps") > 0 ? column("sweeps") : NaN):"kl_data" \
     with linespoints lt i title sprintf("r = %s", word(rates, i))
unset multiplot
