# style.gp - shared look of every figure: loaded by each script after `reset`.
#
# Figure rules (README "Figure rules"; make test measures what it can: tests/figcheck.sh)
#  1. Drawn at the final printed size: figures/figures.mk gives each figure its size
#     (FIG_SIZE_<name>, at most the text width, 6.5 in), and the paper prints it at that
#     size; never drawn large and shrunk.
#  2. Text at least 8 pt at that size: one font for both terminals, FIG_FONT_PT = 9 pt
#     (figures.mk); sub- and superscripts at gnuplot's 0.8 of it (7.2 pt, >= 6.4 pt).
#     Checked on every SVG text and on each PDF figure's median word.
#  3. Error bars or bands wherever the text quotes an uncertainty (2 standard errors
#     unless the caption says otherwise).
#  4. No twin axes: two quantities get two panels, each with its own labelled y axis.
#  5. Legends off the data: outside the plot area, or in a region the data never reach
#     (checked by eye: figcheck sees text against text only).
#  6. One tick format per axis: no mixed "1e+06"/"500000"; large or small values are
#     scaled, with the factor in the axis label ("sweeps (10^3)").
#  7. Axis ranges fitted to the data: no empty decade or half-panel of padding.
#  8. Labels never overprint: panel titles and axis labels of a multiplot keep clear of
#     the neighbouring panel (checked: figcheck's estimated text boxes).
#  9. Greek letters are UTF-8 text, never the Symbol font (the /Symbol escape): SVG viewers
#     show that as Latin letters (checked).
set encoding utf8
set datafile separator "\t"
set datafile commentschars "#"
set key autotitle columnhead
set border 3 lw 1 lc rgb "#404040"
set tics nomirror out scale 0.6
set grid lc rgb "#dddddd" lw 0.5
set style fill transparent solid 0.25 noborder
# key lines a little tighter than gnuplot's default, short line samples
set key spacing 1.1 samplen 2.5
# one colour per batch size / curve family (colour-blind safe, Okabe-Ito)
set linetype 1 lc rgb "#0072B2" lw 1.5 pt 7 ps 0.4
set linetype 2 lc rgb "#D55E00" lw 1.5 pt 5 ps 0.4
set linetype 3 lc rgb "#009E73" lw 1.5 pt 9 ps 0.4
set linetype 4 lc rgb "#CC79A7" lw 1.5 pt 11 ps 0.4
set linetype 5 lc rgb "#E69F00" lw 1.5 pt 13 ps 0.4
set linetype 6 lc rgb "#56B4E9" lw 1.5 pt 3 ps 0.4
set linetype 7 lc rgb "#000000" lw 1.0 dt 2
set palette defined (0 "#ffffff", 0.5 "#6a9fd4", 1 "#08306b")
