# bm_ldb.gp - local detailed balance (Eq 39) of the Boltzmann machine's sampler
# kernel against the number of kernel steps tau: the residual
# max |ln K(x,y)/K(y,x) + phi(y) - phi(x)| of the non-reversible sequential
# sweep (falls as the tau-step kernel approaches p_theta), of the reversible
# symmetric scan (round-off at every tau), and of a negative control (a
# reversible kernel at the wrong temperature: a plateau), with the largest
# total-variation distance of the sequential kernel's rows from p_theta.
reset
load 'figures/style.gp'
F = datadir.'/bm_ldb.tsv'
set xlabel "kernel steps τ"
set ylabel "LDB residual (nats), distance to p_θ"
set logscale y
set format y "10^{%L}"
set yrange [1e-16:20]
set key at graph 0.97, graph 0.82 right top
plot F using "tau":"ldb_seq" with linespoints lt 1 title "sequential sweep (not reversible)", \
     F using "tau":"tv_seq" with linespoints lt 1 dt 2 title "max_x TV(K^τ(x,.), p_θ), sequential", \
     F using "tau":"ldb_sym" with linespoints lt 2 title "symmetric scan (reversible)", \
     F using "tau":"ldb_ctrl" with linespoints lt 3 title sprintf("control: reversible at β = %g", cbeta)
