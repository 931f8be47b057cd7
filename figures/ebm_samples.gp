# ebm_samples.gp - the EBM's samples at equally spaced points of training for
# one tau (rows: snapshots from theta_0 at the top to the last update at the
# bottom; columns: the first chains of the current batch), the transition
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
plot F using "gx":"gy":"v" with image
