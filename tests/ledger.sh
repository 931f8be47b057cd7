#!/bin/bash
# ledger.sh check|markdown LEDGER RESULTS
# LEDGER rows: id, kind, tests (comma separated suite::name, "pending", or "-" when
#              only an experiment measures it),
#              status (the paper's statement: holds / holds up to ... / does not hold),
#              residual (numbers key or "-"), note,
#              verdict (holds | conditional | does not hold: the status in one word,
#              which the paper prints under the equation and counts in the abstract),
#              defect (the finding that decides the verdict, one of the "#rule" lines
#              of LEDGER: "#rule<TAB>defect<TAB>verdict<TAB>meaning").
# RESULTS rows: suite::name <TAB> PASSED|FAILED|...  (from Criterion's JSON report).
# check: exit 1 naming every row whose test is missing or did not pass, whose kind
#        or verdict is not one of the allowed words, whose defect is not a rule, or
#        whose verdict is not its defect's (so rows sharing a defect share a verdict).
#        The status, the note and a rule's meaning are text with TeX maths between
#        dollars; check rejects an unpaired dollar, a | in maths and ASCII maths outside it.
# markdown: the appendix table, residuals as [key]{.num .unit} for the numbers filter
#        (value and unit);
#        each row's id is the anchor ledger-ID, linked to the displayed equation eq:ID.
set -euo pipefail
mode=$1 ledger=$2 results=$3
awk -F'\t' -v mode="$mode" '
  # ledger text is plain text with TeX maths between dollars: outside the maths,
  # Markdown specials (and the cell separator) are escaped; the maths is kept as written
  # (Pandoc typesets it in the PDF and the HTML)
  function md_escape(s,   parts, n, i, t, out) {
    n = split(s, parts, "$"); out = ""
    for (i = 1; i <= n; i++) {
      t = parts[i]
      if (i % 2) { gsub(/[][\\`*_<>|]/, "\\\\&", t); out = out t } else out = out "$" t "$"
    }
    return out
  }
  # maths in a ledger field: dollars in pairs, no space just inside a dollar (Pandoc would
  # print the dollars), no | (the table cell separator: write \mid, \Vert, \lvert); no
  # ASCII maths (>=, <=, ->, ||, !=, ^, _{) outside the dollars
  function math_ok(id, what, s,   parts, n, i) {
    n = split(s, parts, "$")
    if (n % 2 == 0) { printf "ledger: %s: %s has an odd number of $ (maths is $...$)\n", id, what > "/dev/stderr"; return 0 }
    for (i = 1; i <= n; i += 2) if (parts[i] ~ />=|<=|->|\|\||!=|\^|_\{/) {
      printf "ledger: %s: %s: ASCII maths \"%s\" outside $...$ (write it in TeX between dollars)\n", id, what, parts[i] > "/dev/stderr"; return 0
    }
    for (i = 2; i < n; i += 2) {
      if (parts[i] ~ /^ |^$| $/) { printf "ledger: %s: %s: maths $%s$ is empty or has a space inside a dollar\n", id, what, parts[i] > "/dev/stderr"; return 0 }
      if (index(parts[i], "|")) { printf "ledger: %s: %s: maths $%s$ holds a |, the table cell separator (write \\mid, \\Vert or \\lvert)\n", id, what, parts[i] > "/dev/stderr"; return 0 }
    }
    return 1
  }
  FNR == NR { status[$1] = $2; next }
  $1 == "#rule" {
    if ($3 !~ /^(holds|conditional|does not hold)$/ || ($2 in rule)) {
      printf "ledger: rule \"%s\": verdict \"%s\" unknown, or the defect is defined twice\n", $2, $3 > "/dev/stderr"; bad++
    }
    if (!math_ok("rule " $2, "meaning", $4)) bad++
    rule[$2] = $3; meaning[$2] = $4; rules[++nrules] = $2; next
  }
  /^#/ || $1 == "id" || NF == 0 { next }
  {
    id = $1; kind = $2; tests = $3; claim = $4; res = $5; note = $6; vd = $7; defect = $8
    if (kind !~ /^(definition|identity|claim)$/ || vd !~ /^(holds|conditional|does not hold)$/) {
      printf "ledger: %s: kind \"%s\" or verdict \"%s\" is not one of definition|identity|claim and holds|conditional|does not hold\n", id, kind, vd > "/dev/stderr"
      bad++
    }
    # The verdict rule: the defect alone sets the verdict, and one defect one verdict.
    if (!(defect in rule)) {
      printf "ledger: %s: defect \"%s\" is not one of the #rule lines\n", id, defect > "/dev/stderr"; bad++
    } else if (vd != rule[defect]) {
      printf "ledger: %s: verdict \"%s\" but its defect \"%s\" gives \"%s\"\n", id, vd, defect, rule[defect] > "/dev/stderr"; bad++
    }
    if ((defect in seen_vd) && seen_vd[defect] != vd) {
      printf "ledger: %s: defect \"%s\" has verdict \"%s\" here and \"%s\" in row %s\n", id, defect, vd, seen_vd[defect], seen_id[defect] > "/dev/stderr"; bad++
    }
    if (!(defect in seen_vd)) { seen_vd[defect] = vd; seen_id[defect] = id }
    # A status may end in {claim=ID}: it is then guarded by the predicate of that
    # claim in paper/claims.tsv (paper/filters/claims.lua), the same guard as the
    # text that makes the claim, so the ledger and the text cannot disagree.
    cref = ""
    if (match(claim, / *\{claim=[A-Za-z0-9_-]+\}$/)) {
      cref = substr(claim, RSTART, RLENGTH); sub(/^ *\{claim=/, "", cref); sub(/\}$/, "", cref)
      claim = substr(claim, 1, RSTART - 1)
    }
    if (!math_ok(id, "status", claim)) bad++
    if (!math_ok(id, "statement", note)) bad++
    claim = md_escape(claim); note = md_escape(note)
    if (cref != "") claim = "[" claim "]{.claim ref=" cref "}"
    n = split(tests, t, ",")
    verdict = "passed"; shown = ""
    if (tests == "pending") verdict = "pending"
    else if (tests == "-") verdict = "measured"
    else for (i = 1; i <= n; i++) {
      s = (t[i] in status) ? status[t[i]] : "MISSING"
      if (s != "PASSED") {
        verdict = (s == "MISSING") ? "missing" : "failed"
        if (mode == "check") { printf "ledger: %s: test %s is %s\n", id, t[i], s > "/dev/stderr"; bad++ }
      }
      shown = shown (i > 1 ? ", " : "") "`" t[i] "`"
    }
    rows++
    nv[vd]++
    if (defect in rowsof) rowsof[defect] = rowsof[defect] ", " id; else rowsof[defect] = id
    if (verdict == "passed") passed++
    if (verdict == "pending") pending++
    if (verdict == "measured") measured++
    if (mode == "markdown") {
      if (rows == 1) { print "| eq. | kind | verdict | tests | the paper says: what we measured | residual |"; print "|-|---|---|--|---------|-----|" }
      r = ""
      if (res != "-" && res != "") { nk = split(res, ks, ","); for (i = 1; i <= nk; i++) r = r (i > 1 ? ", " : "") "[" ks[i] "]{.num .unit}" }
      printf "| [[%s](#eq:%s)]{#ledger-%s} | %s | %s | %s | %s%s | %s |\n", id, id, id, kind, vd, verdict, (note == "" ? "" : "*" note "*: "), claim, r
      # test names go in a list below: long identifiers do not fit a table cell
      if (shown != "") tlist = tlist sprintf("* Eq. %s: %s\n", id, shown)
    }
  }
  END {
    if (mode == "markdown") {
      printf "\n: Equation ledger: %d rows (%d hold, %d hold under stated conditions, %d do not hold), %d checked by passing tests, %d measured by experiments only, %d pending.\n", rows, nv["holds"], nv["conditional"], nv["does not hold"], passed, measured, pending
      printf "\nThe tests behind each row (suite::name in `tests/test_*.c`):\n\n%s", tlist
      printf "\nThe verdict rule. Each row names the one finding that decides its verdict, and the finding alone sets it (`tests/ledger.sh check` enforces this, so rows sharing a defect share a verdict):\n\n"
      printf "| defect | verdict | rows | the finding |\n|---|---|---|------------|\n"
      for (i = 1; i <= nrules; i++) printf "| %s | %s | %s | %s |\n", rules[i], rule[rules[i]], (rules[i] in rowsof) ? rowsof[rules[i]] : "none", md_escape(meaning[rules[i]])
    }
    if (mode == "check") printf "ledger: %d rows, %d passed, %d measured only, %d pending, %d failing; verdicts: %d hold, %d conditional, %d do not hold\n", rows, passed, measured, pending, bad + 0, nv["holds"], nv["conditional"], nv["does not hold"]
    exit bad > 0
  }' "$results" "$ledger"
