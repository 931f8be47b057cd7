#!/bin/sh
# check-output.sh KIND FILE - refuse an output that its producer left empty or
# cut short, before it is renamed into place. gnuplot (and other tools) exit 0
# when they cannot write (a full disk), so their exit status proves nothing.
#   svg   non-empty and well-formed XML (xmllint)
#   pdf   non-empty and ends with the %%EOF trailer
#   html  non-empty and ends with </html>
#   prov  non-empty and ends with the figure's 'target' line
# A bad file is removed (freeing the space) and the exit status is 1, with a
# message naming the file and what is wrong.
set -u
kind=$1 f=$2
bad() { echo "check-output: $f: $*; removed, not renamed into place" >&2; rm -f "$f"; exit 1; }
[ -s "$f" ] || bad "empty or missing (a full disk?)"
case $kind in
    svg) xmllint --noout "$f" > /dev/null 2>&1 || bad "not well-formed XML: $(xmllint --noout "$f" 2>&1 | head -n 1)" ;;
    pdf) tail -c 1024 "$f" | grep -aq '%%EOF' || bad "no %%EOF trailer (truncated PDF)" ;;
    html) tail -c 64 "$f" | grep -aq '</html>' || bad "does not end with </html> (truncated)" ;;
    prov) tail -n 1 "$f" | grep -q '^target	' || bad "does not end with its target line (truncated)" ;;
    *) echo "check-output: unknown kind '$kind' (svg, pdf, html, prov)" >&2; exit 2 ;;
esac
