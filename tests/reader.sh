# tests/reader.sh - the quick build read as a reader would (issue 11), sourced by
# tests/run.sh after its quick build in "$tmp/build"; uses run.sh's check and tmp.
# Stated limits: the quick PDF has READER_PAGES_MIN..MAX pages; no overfull line is
# wider than READER_OVERFULL_PT (the widest are the quick-scale-only claim markers of
# the summary table, 62 pt: a claim id in typewriter type that TeX cannot break).
# The text layer may hold control characters on at most READER_CTRL_LINES lines (unmapped
# glyphs of display math, 7 lines in this build).
READER_PAGES_MIN=25 READER_PAGES_MAX=50 READER_OVERFULL_PT=65 READER_CTRL_LINES=10
rq="$tmp/build/quick"
reader_text() { pdftotext -layout "$rq/paper.pdf" "$tmp/reader.txt"; }
reader_pages() {
    local n; n=$(pdfinfo "$rq/paper.pdf" | awk '/^Pages:/ { print $2 }')
    echo "pages: $n (stated range $READER_PAGES_MIN-$READER_PAGES_MAX)"
    [ -n "$n" ] && [ "$n" -ge "$READER_PAGES_MIN" ] && [ "$n" -le "$READER_PAGES_MAX" ]
}
check "reader: the quick PDF has $READER_PAGES_MIN-$READER_PAGES_MAX pages" reader_pages
reader_figures() { # every figure of the Markdown is in the PDF (caption and image) and the HTML
    local want got inc html
    want=$(cat paper/*.md | grep -o '{#fig:[A-Za-z0-9_-]*' | sort -u | wc -l)
    reader_text || return 1
    got=$(pdftotext "$rq/paper.pdf" - | tr -d '\f' | grep -o '^Figure [0-9]*:' | sort -u | wc -l)
    inc=$(grep -c '^[^%]*\\includegraphics' "$rq/paper.tex")
    html=$(grep -o '<figure>' "$rq/paper.html" | wc -l)   # the provenance DAG is <figure class="dag">
    echo "figures in the Markdown: $want, PDF captions: $got, PDF images: $inc, HTML figures: $html"
    [ "$want" -gt 0 ] && [ "$got" -eq "$want" ] && [ "$inc" -eq "$want" ] && [ "$html" -eq "$want" ]
}
check "reader: every figure is in the PDF and the HTML" reader_figures
reader_placeholders() { # FILE: no ??, no [key] of the numbers file, no {.num}/{.claim} left
    local f=$1 bad=0
    grep -n '??' "$f" && bad=1
    grep -n -E '\{\.(num|claim|ledger-count)' "$f" && bad=1
    awk -F'\t' 'NR > 1 && $1 != "key" && $1 !~ /^#/ { print "[" $1 "]" }' "$rq/numbers.tsv" > "$tmp/reader-keys"
    grep -n -F -f "$tmp/reader-keys" "$f" && bad=1
    return $bad
}
reader_pdf_text() {
    reader_text || return 1
    reader_placeholders "$tmp/reader.txt" || return 1
    ! grep -n -E '\\begin|\\frac|\$\$' "$tmp/reader.txt" || return 1
    # pdftotext gives control characters for the math-extension glyphs of display
    # equations (big sums and delimiters without a Unicode name): a stated number of lines
    local lines; lines=$(LC_ALL=C grep -c -P '[\x00-\x08\x0b\x0e-\x1f\x7f]' "$tmp/reader.txt")
    echo "lines with control characters (display-math glyphs): $lines (limit $READER_CTRL_LINES)"
    [ "$lines" -le "$READER_CTRL_LINES" ]
}
check "reader: the PDF text has no ??, unresolved keys, raw LaTeX or control characters" reader_pdf_text
reader_latex_log() {
    local log="$rq/paper.latex.log" wide
    ! grep -n -E "LaTeX Warning: (Reference|Citation|Hyper reference).*undefined|There were undefined|Rerun to get" "$log" || return 1
    wide=$(grep -o 'Overfull \\hbox ([0-9.]*pt' "$log" | tr -d '(' | awk '{ if ($3 + 0 > m) m = $3 + 0 } END { print m + 0 }')
    echo "widest overfull line: ${wide} pt (limit $READER_OVERFULL_PT pt)"
    awk -v w="$wide" -v l="$READER_OVERFULL_PT" 'BEGIN { exit !(w <= l) }'
}
check "reader: no undefined reference or citation, no overfull line over $READER_OVERFULL_PT pt in the LaTeX log" reader_latex_log
reader_html() { # placeholders, and every internal link resolves to an id
    local h="$rq/paper.html"
    reader_placeholders "$h" || return 1
    grep -o 'href="#[^"]*"' "$h" | sed 's/^href="#//; s/"$//' | sort -u > "$tmp/reader-hrefs"
    grep -o ' id="[^"]*"' "$h" | sed 's/^ id="//; s/"$//' | sort -u > "$tmp/reader-ids"
    local n missing; n=$(wc -l < "$tmp/reader-hrefs")
    missing=$(comm -23 "$tmp/reader-hrefs" "$tmp/reader-ids")
    echo "internal links: $n distinct targets"
    [ "$n" -gt 0 ] && [ -z "$missing" ] || { echo "links to no id: $missing"; return 1; }
    grep -q 'id="refs"' "$h" && grep -q 'href="#ref-parsi2023"' "$h"
}
check "reader: the HTML has no placeholders, every internal link resolves, citations link to the references" reader_html
reader_math() { # issue 22: the maths font travels inside the HTML, byte for byte the file that
    # paper/html.css names, so the standalone file renders offline; the MathML is corrected
    # by filters/mathml.lua: no plain delimiter stretches (only \left...\right may), operator
    # names carry TeX's spacing, a minus after a relation is unary
    local h="$rq/paper.html" font n stretchy names unary
    font=$(sed -n 's/.*src: *url("\([^"]*\)").*/\1/p' paper/html.css)
    [ -n "$font" ] && [ -f "$font" ] || { echo "paper/html.css names no font file that exists: '$font'"; return 1; }
    tr '\n' ' ' < "$h" | grep -oP '@font-face *\{[^}]*"Paper Math"[^}]*\}' |
        grep -oP 'url\(data:[^;,)]*;base64,\K[A-Za-z0-9+/=]+' | base64 -d > "$tmp/reader-font" 2> /dev/null
    cmp -s "$tmp/reader-font" "$font" || { echo "the HTML has no @font-face \"Paper Math\" whose data: URL holds $font"; return 1; }
    grep -q 'math *{[^}]*font-family: *"Paper Math"' "$h" || { echo "the HTML does not set math in \"Paper Math\""; return 1; }
    tr '\n' ' ' < "$h" | grep -oP '<math .*?</math>' > "$tmp/reader-math"
    n=$(wc -l < "$tmp/reader-math")
    stretchy=$(grep -v '\\left' "$tmp/reader-math" | grep -cP '<mo stretchy="true"[^>]*>(\(|\)|\[|\]|\||‖|⟨|⟩|\{|\})</mo>')
    names=$(grep -cP '<mo>[A-Za-z]+</mo>' "$tmp/reader-math")
    unary=$(grep -cP '<mo>(=|:=|≤|≥|&lt;|&gt;|,)</mo><mo>(−|\+)</mo>' "$tmp/reader-math")
    echo "maths font: $font embedded ($(wc -c < "$tmp/reader-font") bytes); math elements: $n;" \
        "with a stretchy plain delimiter: $stretchy; a bare operator name: $names; a binary minus after a relation: $unary"
    [ "$n" -gt 0 ] && [ "$stretchy" -eq 0 ] && [ "$names" -eq 0 ] && [ "$unary" -eq 0 ]
}
check "reader: the HTML embeds its maths font as a data: URL; no plain delimiter stretches, TeX's spacing (issue 22)" reader_math
reader_render() { # the first page renders to a PNG that is not blank
    pdftoppm -png -r 40 -f 1 -l 1 -singlefile "$rq/paper.pdf" "$tmp/page1" || return 1
    [ "$(head -c 4 "$tmp/page1.png" | od -An -c | tr -d ' ')" = '211PNG' ] || return 1
    pdftoppm -gray -r 40 -f 1 -l 1 -singlefile "$rq/paper.pdf" "$tmp/page1" || return 1
    local ink; ink=$(tail -c 100000 "$tmp/page1.pgm" | od -An -v -tu1 | tr -s ' ' '\n' | awk '$1 != "" && $1 < 128 { n++ } END { print n + 0 }')
    echo "first page: dark pixels $ink"
    [ "$ink" -gt 500 ]
}
check "reader: the first page renders to PNG (pdftoppm) with text on it" reader_render
