#!/bin/bash
# graph.sh BUILD_DIR SCALE OUT.svg [OUT.dot [PARAMS]] - the DAG of `make paper` at SCALE as an SVG.
# make -Bnd (every target considered out of date, nothing run) into a scratch build
# directory, makefile2graph turns make's debug trace into a graph, and this script
# makes it readable: objects are contracted (src/*/*.c -> program), makefiles and the
# set-up stamp dropped, sources, paper chapters, figure formats and Fig. 5.1 shards
# merged into one node each, and each node shaped by its kind:
#   component      program (build/bin)        parallelogram  parameter file
#   box3d          experiment output (numbers file, shard)
#   cylinder       data file (build/<scale>/data)
#   tab            figure (PDF, SVG, provenance)
#   doubleoctagon  the paper (PDF, HTML)      note           committed source
#   ellipse        everything else (merged numbers, verification, tests)
set -euo pipefail
build=$1 scale=$2 out=$3 dotout=${4:-} params=${5:-data/params/$2}
here=$(cd "$(dirname "$0")/.." && pwd)
command -v make2graph > /dev/null || { echo "graph.sh: make2graph not found (Debian package makefile2graph)" >&2; exit 1; }
command -v dot > /dev/null || { echo "graph.sh: dot not found (Debian package graphviz)" >&2; exit 1; }
scratch=$(mktemp -d "${TMPDIR:-/tmp}/stl-graph.XXXXXX")
trap '[ -n "${GRAPH_KEEP:-}" ] || rm -rf "$scratch"' EXIT
# A scratch BUILD: nothing built there, so the trace is the whole DAG and no
# header dependency files (.d) clutter it. -j1: a sequential, complete trace.
( cd "$here" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD -u PARAMS -u B -u LAUNCH -u TIME_WRAP -u MNIST_DIR -u FIG -u PROV make -Bnd -j1 --no-print-directory \
    SCALE="$scale" PARAMS="$params" BUILD="$scratch/b" paper ) > "$scratch/trace" 2> "$scratch/err" \
    || { tail -n 5 "$scratch/err" >&2; echo "graph.sh: make -Bnd failed" >&2; exit 1; }
make2graph < "$scratch/trace" > "$scratch/raw.dot"
# Grouped targets (a &: rule writes data and numbers files at once) are one node in
# make's trace; make's database lists the members ("Also makes:"), so each data file
# gets its edge from the experiment that writes it.
( cd "$here" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD -u PARAMS -u B -u LAUNCH -u TIME_WRAP -u MNIST_DIR -u FIG -u PROV make -pnB -j1 --no-print-directory \
    SCALE="$scale" PARAMS="$params" BUILD="$scratch/b" paper ) 2> /dev/null | sed -n 's/^#  Also makes: //p' | sort -u > "$scratch/groups"
awk -v B="$scratch/b/" '
function kind(l) {
    if (l ~ /^build\/bin\//) return "component"
    if (l ~ /\.conf$/) return "parallelogram"
    if (l ~ /\/numbers\/[^\/]*\.tsv$/ || l ~ /shards\)$/) return "box3d"
    if (l ~ /\/data\/[^\/]*\.tsv$/) return "cylinder"
    if (l ~ /\/figures\//) return "tab"
    if (l ~ /paper\.(pdf|html)$/ || l == "paper") return "doubleoctagon"
    if (l ~ /^(src|tests|figures|paper|data)\//) return "note"   # committed (build outputs start with build/)
    return "ellipse"
}
function name(l) {          # merged node name, "" to drop, "@" to contract
    if (index(l, B) == 1) l = "build/" substr(l, length(B) + 1)
    if (l ~ /(^|\/)(Makefile|[^\/]*\.mk)$/ || l ~ /^env\// || l ~ /setup\.stamp$/) return ""
    if (l ~ /^build\/obj\//) return "@"
    if (l ~ /^src\/(lib|prog|tools)\/[^\/]*\.[ch]$/) return "src/*/*.c (C sources)"
    if (l ~ /^tests\/test_[^\/]*\.c$/) return "tests/test_*.c"
    if (l ~ /^paper\/[^\/]*\.md$/) return "paper/*.md"
    if (l ~ /^paper\/filters\//) return "paper/filters/*.lua"
    if (l ~ /\/fig51\/b[0-9]+_s[0-9]+\.tsv$/) { shards++; sub(/b[0-9]+_s[0-9]+\.tsv$/, "b*_s*.tsv (SHARDS shards)", l); return l }
    if (l ~ /\/figures\/[^\/]*\.(pdf|svg|prov)$/) { sub(/\.(pdf|svg|prov)$/, ".{pdf,svg,prov}", l); return l }
    if (l ~ /mnist\/verified\.stamp$/) return "MNIST (verified IDX files)"
    return l
}
FILENAME ~ /groups$/ { rep = $1; for (i = 1; i <= NF; i++) if ($i ~ /\/numbers\//) rep = $i
    for (i = 1; i <= NF; i++) if ($i != rep) { ng++; gf[ng] = rep; gt[ng] = $i }
    next }
/label=/ { id = $1; sub(/\[.*/, "", id); l = $0; sub(/.*label="/, "", l); sub(/".*/, "", l); nm[id] = name(l); next }
/->/ { n++; from[n] = $1; to[n] = $3 }
END {
    # contract "@" nodes: connect each predecessor to each successor (objects only
    # sit between sources and programs, so one level is enough)
    for (i = 1; i <= n; i++) if (nm[to[i]] == "@") for (j = 1; j <= n; j++)
        if (from[j] == to[i] && nm[from[i]] != "@") { n2++; f2[n2] = nm[from[i]]; t2[n2] = nm[to[j]] }
    for (i = 1; i <= n; i++) if (nm[from[i]] != "@" && nm[to[i]] != "@") { n2++; f2[n2] = nm[from[i]]; t2[n2] = nm[to[i]] }
    for (i = 1; i <= ng; i++) { n2++; f2[n2] = name(gf[i]); t2[n2] = name(gt[i]) }
    print "digraph pipeline {"
    print "  rankdir=LR; nodesep=0.12; ranksep=0.5;"
    print "  node [fontname=\"Helvetica\", fontsize=10, style=filled, fillcolor=\"#f4f4f4\"];"
    for (i = 1; i <= n2; i++) {
        a = f2[i]; b = t2[i]
        if (a == "" || b == "" || a == b || seen[a SUBSEP b]++) continue
        node[a] = 1; node[b] = 1; edges[++ne] = "  \"" a "\" -> \"" b "\";"
    }
    # nodes sorted (the order of "for in" is unspecified), so the SVG is reproducible
    for (v in node) { lab = v; sub(/SHARDS/, shards, lab); printf "  \"%s\" [label=\"%s\", shape=%s];\n", v, lab, kind(lab) | "sort" }
    close("sort")
    for (i = 1; i <= ne; i++) { e = edges[i]; print e }
    print "}"
}' "$scratch/groups" "$scratch/raw.dot" > "$scratch/g.dot"
dot -Tsvg "$scratch/g.dot" > "$scratch/g.svg"
[ -z "$dotout" ] || cp "$scratch/g.dot" "$dotout"
mv "$scratch/g.svg" "$out"
