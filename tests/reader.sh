# tests/reader.sh - the quick build read as a reader would (issue 11), sourced by
# tests/run.sh after its quick build in "$tmp/build"; uses run.sh's check and tmp.
# Stated limits: the quick PDF has READER_PAGES_MIN..MAX pages; no overfull line is
# wider than READER_OVERFULL_PT (the widest, 15 pt, is a line of test names in the ledger
# appendix; claim ids, up to 62 pt over before they were set breakable, no longer overflow).
# The text layer may hold control characters on at most READER_CTRL_LINES lines (unmapped
# glyphs of display math, 7 lines in this build).
READER_PAGES_MIN=25 READER_PAGES_MAX=50 READER_OVERFULL_PT=15 READER_CTRL_LINES=10
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
    inc=$(grep -c '^[^%]*\\includegraphics.*/figures/' "$rq/paper.tex")   # the build DAG (rulegraph.pdf) is no figure of the Markdown
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
# The scale on the title page (paper/filters/scale.lua): the quick PDF's first page and the
# HTML's title block say "quick scale: numbers for testing, not for citation"; the same
# filter at SCALE=paper adds no such line (run on the paper's own front matter).
SCALE_LINE='quick scale: numbers for testing, not for citation'
reader_scale_line() {
    pdftotext -f 1 -l 1 "$rq/paper.pdf" - | tr -s ' \n' '  ' | grep -qF "$SCALE_LINE" || { echo "PDF page 1 lacks: $SCALE_LINE"; return 1; }
    # in the HTML, in the title block (before the abstract), not only in the appendix
    sed -n '/<header/,/<\/header>/p' "$rq/paper.html" | tr -s ' \n' '  ' | grep -qF "$SCALE_LINE" || { echo "HTML header lacks: $SCALE_LINE"; return 1; }
    local paper; paper=$(PAPER_SCALE=paper pandoc --standalone --lua-filter paper/filters/scale.lua -t html5 paper/00-front.md --metadata pagetitle=t | tr -s ' \n' '  ')
    ! grep -qF 'not for citation' <<< "$paper" || { echo "a paper-scale title block carries the scale line"; return 1; }
}
check "reader: a quick build says so under the title (PDF page 1, HTML header); a paper-scale one does not" reader_scale_line
# Table 1's statuses (paper/filters/ledger.lua) against the same rule computed here by awk
# from paper/summary.tsv, the ledger's verdicts and guards, and this build's claims report:
# "ledger" takes the weakest verdict of the rows, "refuted by ID" is "does not hold", and
# either is "not shown at this scale" when one of its guards is false.
reader_summary_status() {
    local want got
    want=$(awk -F'\t' '
        FILENAME ~ /claims.tsv$/ { if (FNR > 1) holds[$1] = $2; next }
        FILENAME ~ /ledger.tsv$/ { if ($0 ~ /^#/ || $1 == "id" || NF < 8) next
            verdict[$1] = $7; guard[$1] = ""
            if (match($4, /\{claim=[A-Za-z0-9_-]+\}$/)) guard[$1] = substr($4, RSTART + 7, RLENGTH - 8)
            next }
        /^#/ || $1 == "claim" || NF == 0 { next }
        { rank["holds"] = 1; rank["conditional"] = 2; rank["does not hold"] = 3
          name["holds"] = "holds"; name["conditional"] = "holds under stated conditions"; name["does not hold"] = "does not hold"
          shown = 1; v = ""
          if ($3 == "ledger") {
              n = split($2, ids, ",")
              for (i = 1; i <= n; i++) {
                  if (v == "" || rank[verdict[ids[i]]] > rank[v]) v = verdict[ids[i]]
                  if (guard[ids[i]] != "" && holds[guard[ids[i]]] != "true") shown = 0
              }
          } else if ($3 ~ /^refuted by /) { v = "does not hold"; g = substr($3, 12); if (holds[g] != "true") shown = 0 }
          else { print "unknown status " $3; exit 1 }
          print shown ? name[v] : "not shown at this scale" }' "$rq/claims.tsv" tests/ledger.tsv paper/summary.tsv)
    got=$(tr '\n' ' ' < "$rq/paper.html" | grep -o '<span class="status">[^<]*</span>' | sed 's/<[^>]*>//g; s/  */ /g')
    echo "Table 1 statuses (HTML):"; echo "$got" | sed 's/^/  /'
    [ -n "$want" ] && [ "$want" = "$got" ] || { echo "expected (ledger, claims):"; echo "$want" | sed 's/^/  /'; return 1; }
    # the PDF prints the same statuses (Table 1 on pages 1-2)
    local pdf; pdf=$(pdftotext -f 1 -l 3 "$rq/paper.pdf" - | tr -s ' \n' '  ')
    grep -qF "not shown at this scale" <<< "$pdf" || ! grep -q 'not shown' <<< "$want" || { echo "the PDF's Table 1 lacks 'not shown at this scale'"; return 1; }
}
check "reader: Table 1's statuses are the ledger's verdicts and the claims' predicates of this build" reader_summary_status
# A false claim's marker in a narrow table column: its id (hyphens, no spaces) must break,
# not overflow (34 overfull boxes of up to 62 pt came from claim ids in typewriter type).
# The paper's own claims filter and LaTeX header on a one-row table; no overfull box.
reader_claim_id_breaks() {
    local d="$tmp/claimid"; mkdir -p "$d"
    printf 'key\tvalue\tunit\nk\t1\t1\n' > "$d/numbers.tsv"
    printf 'id\tpredicate\twhat it guards\nan-unusually-long-claim-identifier-of-a-guard\tk > 2\ttest\n' > "$d/claims.tsv"
    printf '| claim | status |\n|------------------------------------------|--------|\n| words words words words words words words | holds [x]{.claim ref=an-unusually-long-claim-identifier-of-a-guard} |\n' > "$d/t.md"
    NUMBERS_FILE="$d/numbers.tsv" CLAIMS_FILE="$d/claims.tsv" pandoc --standalone --include-in-header paper/latex-header.tex \
        --lua-filter paper/filters/claims.lua -t latex "$d/t.md" -o "$d/t.tex" || return 1
    (cd "$d" && pdflatex -interaction=nonstopmode -halt-on-error t.tex > /dev/null) || { tail -n 20 "$d/t.log"; return 1; }
    grep -q 'an-unusually-long' "$d/t.tex" || return 1
    ! grep -A1 '^Overfull' "$d/t.log"
}
check "reader: a claim id in a narrow table column breaks at its hyphens (no overfull box)" reader_claim_id_breaks
# The ledger appendix gives every residual with its unit: each residual cell of the HTML
# ledger table has one value per residual key of tests/ledger.tsv, each ending in that
# key's unit from the numbers file ("(dimensionless)" for 1); no TeX source ($) is left.
reader_ledger_units() {
    local rows="$tmp/ledger-cells.tsv" bad
    tr '\n' ' ' < "$rq/paper.html" | sed 's/<tr/\n<tr/g' | grep 'id="ledger-' | sed 's/<\/tr>.*//' |
        awk -F'<td>' '{ id = $0; sub(/.*id="ledger-/, "", id); sub(/".*/, "", id); print id "\t" $NF }' |
        sed 's/<annotation[^>]*>[^<]*<\/annotation>//g; s/<[^>]*>//g; s/\xc2\xa0/ /g; s/  */ /g; s/ *$//' > "$rows"
    echo "ledger rows in the HTML table: $(wc -l < "$rows")"
    bad=$(awk -F'\t' '
        FILENAME ~ /numbers.tsv$/ { if ($1 !~ /^#/ && $1 != "key") unit[$1] = ($3 == "1") ? "(dimensionless)" : $3; next }
        FILENAME ~ /ledger.tsv$/ { if ($0 !~ /^#/ && $1 != "id" && NF >= 8) keys[$1] = $5; next }
        { seen[$1] = 1; n = split(keys[$1], k, ","); cell = $2
          if (keys[$1] == "-") { if (cell ~ /[0-9]/) print $1 ": a residual where the ledger names none: " cell; next }
          m = split(cell, v, /, /)
          if (m != n) { print $1 ": " n " residual keys but cell \"" cell "\""; next }
          for (i = 1; i <= n; i++) { u = unit[k[i]]
              if (u == "" || substr(v[i], length(v[i]) - length(u) + 1) != u || length(v[i]) <= length(u) + 1)
                  print $1 ": residual " k[i] " printed \"" v[i] "\" without its unit \"" u "\"" } }
        END { for (id in keys) if (!(id in seen)) print id ": no row in the HTML ledger table" }' \
        "$rq/numbers.tsv" tests/ledger.tsv "$rows")
    [ -z "$bad" ] || { echo "$bad"; return 1; }
    ! awk '/id="sec:ledger"/,/id="provenance"/' "$rq/paper.html" | grep -n '\$' | head -3
}
check "reader: every residual of the ledger appendix has its unit, and its statements are typeset maths" reader_ledger_units
# Results tables hold results: no table row of the paper quotes a number whose unit in the
# numbers file is seconds (a wall-clock time depends on the machine and its load; `make
# report` prints them), so Table 4 of the EBM has no wall-time column.
reader_no_seconds_in_tables() {
    local bad
    bad=$(awk -F'\t' 'FNR == NR { if ($3 == "s") secs[$1] = 1; next }
        /^\|/ { line = $0
            while (match(line, /\[[A-Za-z0-9_]+\]\{\.num/)) {
                key = substr(line, RSTART + 1, RLENGTH - 7); line = substr(line, RSTART + RLENGTH)
                if (key in secs) print FILENAME ":" FNR ": table quotes " key " (seconds)"
            } }' "$rq/numbers.tsv" paper/*.md)
    [ -z "$bad" ] || { echo "$bad"; return 1; }
}
check "reader: no results table quotes a wall-clock time (unit s)" reader_no_seconds_in_tables
# The HTML reads like the PDF: a table of contents; "Table N:" captions numbered as the PDF
# numbers them (the same N starts the same caption in both); every numbered equation is a
# flex row of the display maths and its number (span.eqno), which the page's CSS keeps at
# the right on the same line.
reader_html_layout() {
    local h="$rq/paper.html" flat="$tmp/flat.html"
    tr '\n' ' ' < "$h" | sed 's/  */ /g' > "$flat"
    grep -q '<nav id="TOC"' "$flat" || { echo "no table of contents (nav#TOC)"; return 1; }
    local toc; toc=$(sed 's/.*<nav id="TOC"[^>]*>//; s/<\/nav>.*//' "$flat" | grep -o 'href="#[^"]*"' | wc -l)
    echo "table of contents: $toc entries"
    [ "$toc" -ge 10 ] || return 1
    # captions: HTML "Table N: first words" against the PDF's
    grep -o '<caption><span class="table-number">Table [0-9]*:</span> [^<]*' "$flat" |
        sed 's/<[^>]*>//g' | awk '{ printf "%s %s", $1, $2; for (i = 3; i <= 6; i++) printf " %s", $i; print "" }' > "$tmp/html-tables"
    pdftotext "$rq/paper.pdf" - | tr '\n' ' ' | sed 's/  */ /g' | grep -o 'Table [0-9]*: [^ ]* [^ ]* [^ ]* [^ ]*' |
        awk '!seen[$2]++' > "$tmp/pdf-tables"
    echo "tables: HTML $(wc -l < "$tmp/html-tables"), PDF $(wc -l < "$tmp/pdf-tables")"
    local n; n=$(awk '{ sub(/:$/, "", $2); if ($2 != NR) bad = 1 } END { print bad ? "bad" : NR }' "$tmp/html-tables")
    [ "$n" != bad ] && [ "$n" -gt 0 ] || { echo "HTML tables not numbered 1..N in order:"; cat "$tmp/html-tables"; return 1; }
    diff <(sed "s/['’]//g" "$tmp/html-tables") <(sed "s/['’]//g" "$tmp/pdf-tables") || { echo "HTML and PDF table captions differ (above)"; return 1; }
    # equations: each span.equation holds the display maths, then its number
    local eqs first good
    eqs=$(grep -o '<span id="eq:[^"]*" class="equation">' "$flat" | wc -l)
    first=$(grep -o 'class="equation"><math display="block"' "$flat" | wc -l)
    good=$(grep -o '<span class="eqno">([^<)]*)</span></span>' "$flat" | wc -l)
    echo "numbered equations: $eqs; opening with the maths: $first; closing with the number in span.eqno: $good"
    [ "$eqs" -gt 50 ] && [ "$eqs" -eq "$first" ] && [ "$eqs" -eq "$good" ] || return 1
    grep -q 'span.equation { display: flex' "$flat" && grep -q 'span.equation > span.eqno' "$flat" ||
        { echo "the CSS that sets equation numbers at the right is missing"; return 1; }
}
check "reader: the HTML has a table of contents, tables numbered as in the PDF, equation numbers at the right" reader_html_layout
# Figures fill their pages: on every page holding a figure caption, the longest band of
# blank pixel rows (the page drawn at 20 dpi) is under READER_FIGURE_GAP percent of the
# page height, not counting the band above the page number. A figure alone on a LaTeX
# float page sat centred in a blank page (bands of 24-27% above it, Figs. 1 and 10, before
# paper/latex-header.tex set the float fractions); the top margin alone makes 9-10%.
READER_FIGURE_GAP=18
reader_figure_pages() {
    local d="$tmp/figpages" p f w h gap bad=0 n=0
    mkdir -p "$d"
    local pages; pages=$(pdfinfo "$rq/paper.pdf" | awk '/^Pages:/ { print $2 }')
    for p in $(seq 1 "$pages"); do
        pdftotext -f "$p" -l "$p" "$rq/paper.pdf" - | grep -q '^Figure [0-9]*:' || continue
        n=$((n + 1))
        pdftoppm -gray -r 20 -f "$p" -l "$p" -singlefile "$rq/paper.pdf" "$d/p" || return 1
        f="$d/p.pgm"; read -r w h < <(sed -n 2p "$f")
        # blank runs that end at a dark row, in order; the last one ends at the page
        # number, and the text above it may stop short of it when the next float does
        # not fit (a page end, not a figure alone), so it is left out
        gap=$(tail -c $((w * h)) "$f" | od -An -v -tu1 -w"$w" | awk -v h="$h" '
            { dark = 0; for (i = 1; i <= NF; i++) if ($i < 200) dark++
              if (dark == 0) run++; else { if (run > 0) runs[++k] = run; run = 0 } }
            END { for (j = 1; j < k; j++) if (runs[j] > best) best = runs[j]
                  if (run > best) best = run
                  printf "%.0f", 100 * best / h }')
        echo "page $p: longest blank band ${gap}% of the page"
        [ "$gap" -lt "$READER_FIGURE_GAP" ] || bad=1
    done
    [ "$n" -gt 0 ] && [ "$bad" -eq 0 ]
}
check "reader: pages with a figure have no blank band over $READER_FIGURE_GAP% of the page (figures fill, not float alone)" reader_figure_pages
# Links to files work from the `make dist` archive: every relative link of the HTML and
# the PDF (its LaTeX source) is either ../../PATH, a file git tracks (git archive puts it
# there), or a build output beside the paper that tools/dist.sh archives; no #L anchor on a
# local file (it has none). Both outputs link the same test and script files.
reader_archive_links() {
    local bad=0 href path archived
    archived=$(sed -n 's/^for f in \(data numbers.*\); do$/\1/p' tools/dist.sh | tail -n 1)
    { grep -o 'href="[^"#][^"]*"' "$rq/paper.html" | sed 's/^href="//; s/"$//'
      grep -o '\\href{[^}]*}' "$rq/paper.tex" | sed 's/^\\href{//; s/}$//; s/\\#/#/g'; } | sort -u > "$tmp/links"
    while read -r href; do
        case "$href" in
            http://*|https://*) continue ;;
            *'#'*) echo "a local link with an anchor: $href"; bad=1 ;;
            ../../*) path=${href#../../}
                git ls-files --error-unmatch "$path" > /dev/null 2>&1 || { echo "not a tracked file: $href"; bad=1; } ;;
            *) [ -e "$rq/$href" ] || { echo "no such output beside the paper: $href"; bad=1; }
               grep -qw "${href%%/*}" <<< "$archived" || { echo "not archived by tools/dist.sh: $href"; bad=1; } ;;
        esac
    done < "$tmp/links"
    echo "distinct local link targets: $(grep -cv '^http' "$tmp/links")"
    local html pdf
    html=$(grep -o 'href="\.\./\.\./[^"]*"' "$rq/paper.html" | sed 's/^href="//; s/"$//' | sort -u)
    pdf=$(grep -o '\\href{\.\./\.\./[^}]*}' "$rq/paper.tex" | sed 's/^\\href{//; s/}$//' | sort -u)
    [ -n "$html" ] && [ "$html" = "$pdf" ] || { echo "the HTML and the PDF link different source files"; diff <(echo "$html") <(echo "$pdf"); bad=1; }
    return $bad
}
check "reader: every file link of the HTML and PDF resolves in the make dist layout (tracked ../../ files, archived outputs)" reader_archive_links
