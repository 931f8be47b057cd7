# fig51_reservoir.gp - the parametric reservoir of the Fig. 5.1 ensemble (src/prog/fig51.c):
#  (a) the temperature of each parameter group, T_g = r E||eta_g||^2 / (2 dim g)
#      (E over the mini-batch draw, exact; mean over the noise trials), against the
#      SGD step, one panel per batch size (log y, each range fitted to its data):
#      one colour per layer, solid for its weights, dashed for its biases;
#  (b) Appendix A's backward SGD: the distance between the parameters SGD run
#          backward over the last w steps reaches and the ones it started from, relative
#          to the forward displacement over those steps, against the window w (log-log),
#          one point type per batch size, bars 2 jackknife standard errors over trials.
# The keys are drawn by hand right of (b), as data of a last, frameless plot over the
# whole figure (gnuplot's own key is laid out differently by the pdfcairo and svg
# terminals, and svg draws no dashed arrows).
# make passes datadir, batches (e.g. '1 10 100') and layers (weight layers, 'depth').
reset
load 'figures/style.gp'
G = datadir.'/fig51_groups.tsv'
R = datadir.'/fig51_reverse.tsv'
nb = words(batches)
# layer colours (black is for the weights/biases key and panel (d))
array LC[4] = ["#CC79A7", "#E69F00", "#56B4E9", "#009E73"]
lc(l) = LC[(l - 1) % 4 + 1]
col(l, kind, i) = sprintf("T_l%d%s_b%s", l, kind, word(batches, i))
nice(x) = (f = 10.0**floor(log10(x)), x/f < 2 ? f : (x/f < 5 ? 2*f : 5*f))

# ranges from the data (before any range is set: stats obeys the x range)
stats G using "step" nooutput
smax = STATS_max
array TLO[nb]; array THI[nb]
do for [i=1:nb] {
  TLO[i] = 1e300; THI[i] = 0
  do for [l=1:layers] { do for [k in "w b"] {
    stats G using (column(col(l, k, i))) nooutput
    TLO[i] = (STATS_min < TLO[i] ? STATS_min : TLO[i]); THI[i] = (STATS_max > THI[i] ? STATS_max : THI[i])
  } }
}
stats R using "window" nooutput
wmin = STATS_min; wmax = STATS_max
rlo = 1e300; rhi = 0
do for [i=1:nb] {
  stats R using (column("rel_b".word(batches, i)) - 2*column("rel_se_b".word(batches, i))) nooutput
  rlo = (STATS_min < rlo ? STATS_min : rlo)
  stats R using (column("rel_b".word(batches, i))) nooutput
  rlo = (STATS_min/1.5 < rlo ? STATS_min/1.5 : rlo)
  stats R using (column("rel_b".word(batches, i)) + 2*column("rel_se_b".word(batches, i))) nooutput
  rhi = (STATS_max > rhi ? STATS_max : rhi)
}
rlo = (rlo > 0 ? rlo : 1e-3*rhi)

# panel edges in screen coordinates
ML = 0.11; MR = 0.985; SP = 0.085
PW = (MR - ML - (nb - 1)*SP)/nb
px(i) = ML + (i - 1)*(PW + SP)
margins(l, r, b, t) = sprintf("set lmargin at screen %g; set rmargin at screen %g; set bmargin at screen %g; set tmargin at screen %g", l, r, b, t)
TB = 0.62; TT = 0.9; DB = 0.13; DT = 0.42; DR = 0.5

set multiplot
unset key
set format x "%.0f"
set xrange [0:smax]
set xtics nice(smax/2.5)
# axis labels as screen labels (label 20, 21), the same distance from their axes in both
# terminals (the svg terminal places gnuplot's own labels lower and drops those it
# pushes off the canvas)
unset xlabel; unset ylabel
XL = 0.09; YL = 0.08
set logscale y
set format y "10^{%T}"
do for [i=1:nb] {
  eval margins(px(i), px(i) + PW, TB, TT)
  set title sprintf("%sT_g, |b| = %s", i == 1 ? "(a) " : "", word(batches, i))
  if (i == 1) { set label 21 "temperature T_g" at screen px(1) - YL, screen (TB + TT)/2 center rotate by 90 } else { unset label 21 }
  set label 20 "SGD step" at screen px(i) + PW/2, screen TB - XL center
  set yrange [TLO[i]/1.5:THI[i]*1.5]
  plot for [l=1:layers] G using "step":(column(col(l, "w", i))) with lines lc rgb lc(l) lw 1.5 dt 1, \
       for [l=1:layers] G using "step":(column(col(l, "b", i))) with lines lc rgb lc(l) lw 1.5 dt 2
}

eval margins(ML, DR, DB, DT)
set title "(b) backward SGD (bars: 2 s.e.)"
set label 20 "window w (steps)" at screen (ML + DR)/2, screen DB - XL center
set label 21 "relative distance" at screen ML - YL, screen (DB + DT)/2 center rotate by 90
set logscale x
set xrange [wmin/1.3:wmax*1.3]
set xtics 1, 2 format "%.0f"
set yrange [rlo/1.2:rhi*1.2]
set format y "%g"
array PT[6] = [7, 5, 9, 11, 13, 3]
plot for [i=1:nb] R using "window":(column("rel_b".word(batches, i))):(2*column("rel_se_b".word(batches, i))) \
         with yerrorbars lc "black" pt PT[(i - 1) % 6 + 1] ps 0.5, \
     for [i=1:nb] R using "window":(column("rel_b".word(batches, i))) with lines lc "black" lw 0.8

# the keys: a frameless plot over the whole figure, its axes the screen coordinates
eval margins(0, 1, 0, 1)
unset label 20; unset label 21
unset border; unset tics; unset grid; unset title; unset xlabel; unset ylabel; unset logscale
set xrange [0:1]; set yrange [0:1]
set key noautotitle
SL = 0.045; TX = 0.012; LH = 0.055   # sample length, text gap, line height
KX1 = DR + 0.06; KX2 = 0.76; KY = DT - 0.02
set print $PTS
do for [i=1:nb] { print sprintf("%g\t%g\t0.018\t%d", KX1 + SL/2, KY - (i - 1)*LH, PT[(i - 1) % 6 + 1]) }
set print $LAYERS
do for [l=1:layers] { y = KY - (l - 1)*LH; print sprintf("%g\t%g", KX2, y); print sprintf("%g\t%g", KX2 + SL, y); print "" }
set print $SOLID
y = KY - layers*LH; print sprintf("%g\t%g\n%g\t%g", KX2, y, KX2 + SL, y)
set print $DASHED
y = KY - (layers + 1)*LH; print sprintf("%g\t%g\n%g\t%g", KX2, y, KX2 + SL, y)
unset print
do for [i=1:nb] { set label i sprintf("|b| = %s", word(batches, i)) at screen KX1 + SL + TX, screen KY - (i - 1)*LH left }
do for [l=1:layers] { set label 10 + l sprintf("layer %d", l) at screen KX2 + SL + TX, screen KY - (l - 1)*LH left tc rgb lc(l) }
set label 30 "weights" at screen KX2 + SL + TX, screen KY - layers*LH left
set label 31 "biases" at screen KX2 + SL + TX, screen KY - (layers + 1)*LH left
set label 32 "(b)" at screen KX1, screen KY + LH left
set label 33 "(a)" at screen KX2, screen KY + LH left
plot $PTS using 1:2:($2 - $3):($2 + $3):4 with yerrorbars lc "black" pt variable ps 0.5, \
     for [l=1:layers] $LAYERS every :::(l - 1)::(l - 1) using 1:2 with lines lc rgb lc(l) lw 1.5, \
     $SOLID with lines lc "black" lw 1.5 dt 1, $DASHED with lines lc "black" lw 1.5 dt 2
unset multiplot
