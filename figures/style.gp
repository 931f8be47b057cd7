# style.gp - shared look of every figure: loaded by each script after `reset`.
# Greek letters are UTF-8 text, never the Symbol font: SVG viewers show that as Latin letters.
set encoding utf8
set datafile separator "\t"
set datafile commentschars "#"
set key autotitle columnhead
set border 3 lw 1 lc rgb "#404040"
set tics nomirror out scale 0.6
set grid lc rgb "#dddddd" lw 0.5
set style fill transparent solid 0.25 noborder
# one colour per batch size / curve family (colour-blind safe, Okabe-Ito)
set linetype 1 lc rgb "#0072B2" lw 1.5 pt 7 ps 0.4
set linetype 2 lc rgb "#D55E00" lw 1.5 pt 5 ps 0.4
set linetype 3 lc rgb "#009E73" lw 1.5 pt 9 ps 0.4
set linetype 4 lc rgb "#CC79A7" lw 1.5 pt 11 ps 0.4
set linetype 5 lc rgb "#E69F00" lw 1.5 pt 13 ps 0.4
set linetype 6 lc rgb "#56B4E9" lw 1.5 pt 3 ps 0.4
set linetype 7 lc rgb "#000000" lw 1.0 dt 2
set palette defined (0 "#ffffff", 0.5 "#6a9fd4", 1 "#08306b")
