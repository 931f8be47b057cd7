# ebm_samples.gp - the EBM's samples at equally spaced points of training for
# one tau (rows: snapshots from theta_0 at the top to the last update at the
# bottom, each row labelled with its update t; columns: the first chains of the current batch), the transition
# from noise to digits of Sec. 5.2. Pixel values in [0, 1], white = 0.
reset
load 'figures/style.gp'
F = datadir.sprintf('/ebm_samples_tau%d.tsv', tau)
unset border
unset tics
unset grid
unset key
unset colorbox
set size ratio -1
set yrange [*:*] reverse
set cbrange [0:1]
set palette gray negative
set margins 0, 0, 0, 0
set lmargin at screen 0.11
# row labels: the update of each snapshot (rows of 29 grid units: 28 pixels and a gap)
stats F using (column("gy")) nooutput
rows = int(STATS_max / 29) + 1
do for [s=0:rows-1] {
    stats F using (int(column("gy") / 29) == s ? column("update") : NaN) nooutput
    set label s + 1 sprintf("t = %d", STATS_max) at first -3, first 29*s + 13.5 right front
}
plot F using "gx":"gy":"v" with image
