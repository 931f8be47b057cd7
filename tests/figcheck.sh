#!/bin/bash
# figcheck.sh BUILD_DIR - the figure rules of figures/style.gp that can be
# measured, on a finished build (BUILD_DIR/quick: its figures and paper):
#   - no figures/*.gp uses the Symbol font ({/Symbol ...}: Latin letters in SVG);
#   - every SVG renders (rsvg-convert) and every PDF figure renders (pdftoppm);
#   - at the printed size (the paper's page width and geometry margin, read from
#     its PDF and LaTeX source) every SVG text is >= 8 pt (scripts >= 6.4 pt)
#     and no two overlap, and every PDF figure's median word is >= 8 pt
#     (build/bin/figcheck, src/lib/figtext.c).
# FIG_SCRIPTS=DIR reads the scripts from DIR instead of figures/.
# Prints one line per figure and every failure; exit status 1 on any failure.
set -uo pipefail
build=$1
q=$build/quick
figs=$q/figures
fc=$build/bin/figcheck
bad=0
say() { echo "figcheck.sh: $*"; }

scripts=${FIG_SCRIPTS:-figures} # (another directory: the check's own test)
if grep -n '{/Symbol' "$scripts"/*.gp; then say "the Symbol font above: write Greek as UTF-8 text"; bad=1; fi

# the page: pdfinfo's width in bp; the margin of \usepackage[margin=...]{geometry}
page=$(pdfinfo "$q/paper.pdf" 2>/dev/null | sed -n 's/^Page size: *\([0-9.]*\) x .*/\1/p')
margin=$(sed -n 's/.*\\usepackage\[margin=\([^],]*\)\]{geometry}.*/\1/p' "$q/paper.tex" | head -n 1)
[ -n "$page" ] || { say "$q/paper.pdf: no page size (pdfinfo)"; exit 1; }
[ -n "$margin" ] || { say "$q/paper.tex: no \\usepackage[margin=...]{geometry}: how wide is the text now?"; exit 1; }

tmp=$(mktemp -d /tmp/figcheck.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
n=0
for svg in "$figs"/*.svg; do
    n=$((n + 1))
    rsvg-convert "$svg" -o "$tmp/r.png" 2> "$tmp/err" && [ -s "$tmp/r.png" ] ||
        { say "$svg does not render: $(head -n 1 "$tmp/err")"; bad=1; }
done
[ $n -gt 0 ] || { say "no SVG figure in $figs"; exit 1; }
"$fc" svg "$page" "$margin" "$figs"/*.svg || bad=1
for pdf in "$figs"/*.pdf; do
    pdftoppm -png -r 50 -singlefile "$pdf" "$tmp/r" 2> "$tmp/err" && [ -s "$tmp/r.png" ] ||
        { say "$pdf does not render: $(head -n 1 "$tmp/err")"; bad=1; }
    pdftotext -bbox "$pdf" "$tmp/bbox.html" 2> /dev/null || { say "$pdf: pdftotext -bbox failed"; bad=1; continue; }
    "$fc" pdf "$page" "$margin" "$pdf" "$tmp/bbox.html" || bad=1
done
exit $bad
