#!/bin/bash
# rulegraph.sh GRAPH.dot OUT.svg OUT.pdf - the build's DAG at the level of its rules: one
# node per kind of target, drawn from the file-level graph tools/graph.sh wrote (GRAPH.dot,
# make -Bnd of `make paper`), which stays the linked, complete picture. Each file-level
# node is classed by its path; an edge between two classes carries the number of
# file-level edges it stands for. Committed sources, stamps, identities and system
# headers are inputs of every kind and are left out; a file-level node no class takes
# stops the script naming it, so a new kind of target is not dropped unseen.
#   parameters   data/params/<scale>/*.conf
#   MNIST        the verified IDX files
#   programs     build/bin/* but the unit tests
#   experiments  numbers files an experiment program writes, Fig. 5.1 shards, EBM
#                replicas, classifier and whitening
#   merges       numbers files made from shards or replicas (an edge in from one)
#   data         build/<scale>/data/** (what the figures plot)
#   figures      build/<scale>/figures/*
#   numbers      build/<scale>/numbers.tsv, every numbers file merged
#   checks       unit tests and their report, verification, claims
#   reports      the experiments' timings and the two graphs (the appendix shows them)
#   paper        appendix, PDF, HTML, summary
set -euo pipefail
in=$1 svg=$2 pdf=$3
command -v dot > /dev/null || { echo "rulegraph.sh: dot not found (Debian package graphviz)" >&2; exit 1; }
[ -s "$in" ] || { echo "rulegraph.sh: $in is missing or empty (tools/graph.sh writes it)" >&2; exit 1; }
# scratch beside the outputs, so that each is renamed into place whole
tmp=$(mktemp -d "$(dirname "$svg")/.rulegraph.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
awk '
function cls(n) {
    if (n ~ /^(src|tests|figures|paper|tools)\// || (n ~ /^data\// && n !~ /\.conf$/) || n ~ /^\// || n ~ /^build\/stamps\// || n ~ /\/params-id\//) return "-"
    if (n ~ /\.conf$/) return "parameters"
    if (n ~ /^MNIST/) return "MNIST"
    if (n ~ /^build\/bin\/unit_tests$/ || n ~ /^build\/tests\// || n ~ /\/testlocs\.tsv$/ || n ~ /\/(verify\.md|claims\.tsv)$/) return "checks"
    if (n ~ /^build\/bin\//) return "programs"
    if (n ~ /\/numbers\/[^\/]*\.tsv$/) return "experiments"   # merges are told apart below
    if (n ~ /^build\/[^\/]+\/(fig51[a-z]*|ebm)\//) return "experiments"
    if (n ~ /\/data\//) return "data"
    if (n ~ /\/figures\//) return "figures"
    if (n ~ /\/numbers\.tsv$/) return "numbers"
    if (n ~ /\/(timings\.tsv|graph\.svg|rulegraph\.(svg|pdf))$/) return "reports"
    if (n ~ /\/(appendix\.md|paper\.pdf|paper\.html|summary\.txt)$/ || n == "paper") return "paper"
    return ""
}
function unq(s) { gsub(/^[ \t]*"|"[ \t;]*$/, "", s); return s }
/ -> / { split($0, e, / -> /); a = unq(e[1]); b = unq(e[2]); n++; from[n] = a; to[n] = b; nodes[a]; nodes[b]; next }
/\[label=/ { s = $0; sub(/ \[label=.*/, "", s); nodes[unq(s)] }
END {
    for (v in nodes) { c[v] = cls(v); if (c[v] == "") { print "rulegraph.sh: no class for the node " v > "/dev/stderr"; bad = 1 } }
    if (bad) exit 1
    # a numbers file with an edge in from a shard or a replica is a merge
    for (i = 1; i <= n; i++) if (to[i] ~ /\/numbers\/[^\/]*\.tsv$/ && (from[i] ~ /\/fig51[a-z]*\/b/ || from[i] ~ /\/ebm\/replicas\//)) c[to[i]] = "merges"
    for (i = 1; i <= n; i++) {
        a = c[from[i]]; b = c[to[i]]
        if (a == "-" || b == "-" || a == b) continue
        w[a SUBSEP b]++; used[a]; used[b]
    }
    for (v in nodes) if (c[v] != "-") count[c[v]]++
    print "digraph rules {"
    print "  rankdir=TB; nodesep=0.3; ranksep=0.25;"
    print "  node [fontname=\"Helvetica\", fontsize=14, style=filled, fillcolor=\"#f4f4f4\", shape=box];"
    print "  edge [fontname=\"Helvetica\", fontsize=12, color=\"#555555\"];"
    no = split("parameters MNIST programs experiments merges data figures numbers checks reports paper", order, " ")
    shape["parameters"] = "parallelogram"; shape["programs"] = "component"; shape["experiments"] = "box3d"
    shape["merges"] = "box3d"; shape["data"] = "cylinder"; shape["figures"] = "tab"; shape["paper"] = "doubleoctagon"
    shape["MNIST"] = "cylinder"; shape["numbers"] = "box"; shape["checks"] = "box"; shape["reports"] = "note"
    for (i = 1; i <= no; i++) { k = order[i]; if (k in used)
        printf "  \"%s\" [label=\"%s\\n(%d file%s)\", shape=%s];\n", k, k, count[k], count[k] == 1 ? "" : "s", shape[k] }
    for (i = 1; i <= no; i++) for (j = 1; j <= no; j++) { k = order[i] SUBSEP order[j]
        if (k in w) printf "  \"%s\" -> \"%s\" [label=\"%d\"];\n", order[i], order[j], w[k] }
    print "}"
}' "$in" > "$tmp/rules.dot"
dot -Tsvg "$tmp/rules.dot" > "$tmp/rules.svg"
dot -Tpdf "$tmp/rules.dot" > "$tmp/rules.pdf"
mv "$tmp/rules.dot" "${svg%.svg}.dot"   # the graph's source, beside it
mv "$tmp/rules.svg" "$svg"
mv "$tmp/rules.pdf" "$pdf"
