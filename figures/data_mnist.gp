# data_mnist.gp - Data section figure: the mean training image of each digit
# (top two rows) and the number of training and test images per class (bottom).
# Inputs (make passes datadir): mnist_mean.tsv, mnist_counts.tsv.
reset
load 'figures/style.gp'
mean = datadir.'/mnist_mean.tsv'
counts = datadir.'/mnist_counts.tsv'
set multiplot
unset key
unset colorbox
set cbrange [0:1]
set size ratio -1
unset border
unset tics
unset grid
W = 0.19; H = 0.30
do for [d=0:9] {
    set origin 0.02 + W*(d%5), 0.68 - H*int(d/5)*0.98
    set size W, H
    set title sprintf("%d", d) offset 0,-0.8
    set xrange [-0.5:27.5]
    set yrange [27.5:-0.5]
    plot mean using (column("col")):(column("row")):(column("digit") == d ? column("mean") : NaN) \
        every ::(d*784)::(d*784+783) with image pixels notitle
}
unset title
set size noratio
set origin 0, 0
set size 1, 0.40
set border 3
set xtics nomirror out
set ytics nomirror out
set grid ytics
set key top left horizontal
set xrange [-0.6:9.6]
set yrange [0:8500]
set xtics 1
set xlabel "digit"
set ylabel "images"
set style fill solid 0.8 noborder
set boxwidth 0.38
plot counts using ($1-0.2):(column("train")) with boxes lt 1 title "training", \
     counts using ($1+0.2):(column("test")) with boxes lt 2 title "test"
unset multiplot
