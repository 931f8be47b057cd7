# ebm_thermo.gp - the EBM on MNIST along training (MALA at T = 1), one colour per tau
# (named above the panels); each panel's line styles in a key below it:
# (a) ln Z_t - ln Z_0 by the summed per-update BAR estimates (band: 2 bootstrap
#     errors), the one-sided exponential averages (dashed, the control) and AIS
#     from the base at the checkpoints (points, 2 standard errors);
# (b) the spread over measurement chains of E_t - E_{t-1} per update and the
#     per-update work W_t = KL(p_{t-1} || p_t) (log scale);
# (c) the cumulative work W_X (Eq 51) and heat dissipated -Q_X (Eq 52).
# The keys are drawn by hand in a strip under the panels (gnuplot's own key is laid
# out differently by the pdfcairo and svg terminals, and svg draws no dashed arrows):
# line styles in black per panel, the tau colours once, as data of a last, frameless
# plot over the whole figure.
# One tick format per axis: updates as integers, and a linear axis whose values reach
# 10^4 is scaled by a power of 10^3 named in its label.
reset
load 'figures/style.gp'
N = words(taus)
T(i) = datadir.sprintf('/ebm_trace_tau%s.tsv', word(taus, i))
A(i) = datadir.sprintf('/ebm_ais_tau%s.tsv', word(taus, i))
# a tick step of 1, 2 or 5 times a power of ten, about a quarter of the range
nice(x) = (f = 10.0**floor(log10(x)), x/f < 2 ? f : (x/f < 5 ? 2*f : 5*f))
# the power of ten (a multiple of 3) that keeps tick labels below 10^4, and its label
pow3(m) = (m >= 1e4 ? 3*floor(log10(m)/3) : 0)
ylab(p) = (p == 0 ? "nats" : sprintf("nats (10^{%d})", p))
umax = 0
do for [i=1:N] { stats T(i) using "update" nooutput; umax = (STATS_max > umax ? STATS_max : umax) }
# the largest |value| drawn in (a) and in (c)
ma = 0; mc = 0
do for [i=1:N] {
  stats T(i) using (abs(column("lnZ")) + 2*column("lnZ_se")) nooutput; ma = (STATS_max > ma ? STATS_max : ma)
  stats T(i) using (abs(column("lnZ_exp"))) nooutput; ma = (STATS_max > ma ? STATS_max : ma)
  stats A(i) using (abs(column("ais")) + 2*column("ais_se")) nooutput; ma = (STATS_max > ma ? STATS_max : ma)
  stats T(i) using (abs(column("W")) + 2*column("W_se")) nooutput; mc = (STATS_max > mc ? STATS_max : mc)
  stats T(i) using (abs(column("Q"))) nooutput; mc = (STATS_max > mc ? STATS_max : mc)
}
pa = pow3(ma); sa = 10.0**pa
pc = pow3(mc); sc = 10.0**pc

# panel edges in screen coordinates
ML = 0.1; MR = 0.985; SP = 0.1; MB = 0.31; MT = 0.88
PW = (MR - ML - 2*SP)/3
px(i) = ML + (i - 1)*(PW + SP)
panel(i) = sprintf("set lmargin at screen %g; set rmargin at screen %g; set bmargin at screen %g; set tmargin at screen %g", px(i), px(i) + PW, MB, MT)
# the key strip: row 1 at YK1, row 2 at YK2; a sample is SL long, its text starts TX
# after it; a panel's second entry starts E2 after its first
YK1 = 0.095; YK2 = 0.03; SL = 0.04; TX = 0.01; E2 = 0.115
seg(x, y) = sprintf("%g\t%g\n%g\t%g\n\n", x, y, x + SL, y)
set print $SOLID
print seg(px(1), YK1).seg(px(2), YK1).seg(px(3), YK1)
set print $DASHED
print seg(px(1) + E2, YK1).seg(px(3) + E2, YK1)
set print $DOTS
print sprintf("%g\t%g", px(2) + E2 + SL/2, YK1)
set print $BARS
print sprintf("%g\t%g\t0.025", px(1) + SL/2, YK2)
set print $TAUS
do for [i=1:N] { x = px(2) + (i - 1)*E2; print sprintf("%g\t%g\t%d", x, YK2, i); print sprintf("%g\t%g\t%d", x + SL, YK2, i); print "" }
unset print

set multiplot
unset key
# each panel's y label at the same distance from its axis in both terminals (label 20)
unset ylabel
set xlabel "update t" offset 0,0.3
set xrange [0:umax]
set xtics nice(umax/4.0)
set format x "%.0f"
eval panel(1)
set title "(a) ln Z_t - ln Z_0: BAR, AIS"
set label 20 ylab(pa) at screen px(1) - 0.075, screen (MB + MT)/2 center rotate by 90
plot for [i=1:N] T(i) using "update":((column("lnZ") - 2*column("lnZ_se"))/sa):((column("lnZ") + 2*column("lnZ_se"))/sa) with filledcurves lt i, \
     for [i=1:N] T(i) using "update":(column("lnZ")/sa) with lines lt i, \
     for [i=1:N] T(i) using "update":(column("lnZ_exp")/sa) with lines lt i dt 2, \
     for [i=1:N] A(i) using "update":(column("ais")/sa):(2*column("ais_se")/sa) with yerrorbars lt i pt 7
unset label 20
eval panel(2)
set title "(b) per update: sd of ΔE, KL"
set label 20 "nats" at screen px(2) - 0.075, screen (MB + MT)/2 center rotate by 90
set logscale y
set format y "10^{%L}"
plot for [i=1:N] T(i) using "update":"dE_sd_t" every ::1 with lines lt i, \
     for [i=1:N] T(i) using "update":(column("W_t") > 0 ? column("W_t") : 1/0) every ::1 with points lt i pt 7 ps 0.3
unset logscale y
set format y "%g"
unset label 20
eval panel(3)
set title "(c) cumulative W_X, -Q_X"
set label 20 ylab(pc) at screen px(3) - 0.075, screen (MB + MT)/2 center rotate by 90
plot for [i=1:N] T(i) using "update":((column("W") - 2*column("W_se"))/sc):((column("W") + 2*column("W_se"))/sc) with filledcurves lt i, \
     for [i=1:N] T(i) using "update":(column("W")/sc) with lines lt i, \
     for [i=1:N] T(i) using "update":(-column("Q")/sc) with lines lt i dt 2

unset label 20
# the key strip: a frameless plot over the whole figure, its axes the screen coordinates
set lmargin at screen 0; set rmargin at screen 1; set bmargin at screen 0; set tmargin at screen 1
unset border; unset tics; unset grid; unset title; unset xlabel; unset ylabel
set xrange [0:1]; set yrange [0:1]
set key noautotitle
set label 1 "BAR" at screen px(1) + SL + TX, screen YK1 left
set label 2 "exp. avg." at screen px(1) + E2 + SL + TX, screen YK1 left
set label 3 "AIS" at screen px(1) + SL + TX, screen YK2 left
set label 4 "sd ΔE" at screen px(2) + SL + TX, screen YK1 left
set label 5 "W_t" at screen px(2) + E2 + SL + TX, screen YK1 left
set label 6 "W_X" at screen px(3) + SL + TX, screen YK1 left
set label 7 "-Q_X" at screen px(3) + E2 + SL + TX, screen YK1 left
do for [i=1:N] { set label 7 + i sprintf("τ = %s", word(taus, i)) at screen px(2) + (i - 1)*E2 + SL + TX, screen YK2 left tc lt i }
plot $SOLID with lines lc "black" lw 1.5 dt 1, $DASHED with lines lc "black" lw 1.5 dt 2, \
     $DOTS with points lc "black" pt 7 ps 0.3, $BARS with yerrorbars lc "black" pt 7 ps 0.4, \
     $TAUS using 1:2:3 with lines lc variable lw 3
unset multiplot
