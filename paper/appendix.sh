#!/bin/bash
# appendix.sh BUILD_SCALE_DIR LEDGER RESULTS VERIFY_MD > appendix.md
# Generates the paper's appendices: verification status, the equation ledger
# (ledger rows joined with the Criterion results), and build provenance.
set -euo pipefail
dir=$1 ledger=$2 results=$3 verify=$4
here=$(cd "$(dirname "$0")/.." && pwd)

echo "# Verification {-}"
echo
cat "$verify"
echo
echo "# Equation ledger {#sec:ledger -}"
echo
cat <<'TXT'
Every numbered equation of the original paper (1-52) and its Algorithm 1 has a row.
*Kind* says whether it defines a symbol, is an identity that must hold to round-off,
or is a claim that holds only under conditions. *Verdict* sums the row up in one word
(holds, conditional: holds under the conditions stated, or does not hold); it is the
verdict printed under the equation in the theory section, and the abstract counts it.
Each row's number links to the displayed equation. *Tests* is the outcome in this build of
the Criterion tests that check the row (listed by name after the table; "measured"
rows are checked by an experiment and `make verify` only). The next column gives what
the original states, in italics, and what we measured about it; *residual* is the
measured number with its unit, both injected from the experiments' numbers files.

TXT
"$here/tests/ledger.sh" markdown "$ledger" "$results"
echo
echo "# Provenance {-}"
echo
kernel=$(sed -n '1s/^# blas_kernel: //p' "$dir/numbers.tsv")
echo "Built from commit \`${PROV_GIT:-unknown}\` at scale \`${PROV_SCALE:-unknown}\`, with the OpenBLAS kernel \`${kernel:-unknown}\` (float32 results are bit-identical to the references only where their kernel, named in the verification note, runs)."
echo "Package versions installed for this build against \`env/versions.lock\`, the versions that produced the committed references:"
echo
echo "| package | locked | installed | |"
echo "|---|---|---|---|"
"$here/env/report.sh" "$here/env/versions.lock" | tail -n +2 | awk -F'\t' '{printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4}'

# Reviewer tools (tools/tools.mk): per-target timings and the DAG of the build.
if [ -s "$dir/timings.tsv" ]; then
    echo
    echo "Time and memory of each experiment target in this build (\`tools/timed\` around"
    echo "\`/usr/bin/time\`, through \`LAUNCH\`; \`make report\` prints the same table):"
    echo
    echo "| target | wall (s) | CPU (s) | peak memory (MB) |"
    echo "|---|--:|--:|--:|"
    awk -F'\t' 'NR > 1 { printf "| `%s` | %.1f | %.1f | %.0f |\n", $1, $2, $3, $4; n++; w += $2; c += $3; if ($4 > m) m = $4 }
        END { printf "| **total** (%d targets) | %.1f | %.1f | %.0f (max) |\n", n, w, c, m }' "$dir/timings.tsv"
fi
if [ -s "$dir/rulegraph.svg" ] && [ -s "$dir/rulegraph.pdf" ] && [ -s "$dir/graph.svg" ]; then
    echo
    echo "The build's dependency graph, one node per kind of target (\`tools/rulegraph.sh\` over"
    echo "\`make graph\`: \`make -Bnd\` of \`make paper\` drawn by makefile2graph and graphviz); each edge"
    echo "carries the number of file-level dependencies it stands for. Committed sources, stamps"
    echo "and identities feed every kind and are left out. The file-level graph, one node per file,"
    echo "is [graph.svg](graph.svg), beside the paper."
    echo
    echo '```{=latex}'
    echo '\begin{figure}[htbp]\centering'
    echo '\includegraphics[height=0.65\textheight,width=\linewidth,keepaspectratio]{rulegraph.pdf}'
    echo '\par\small Dependency graph of the build, by kind of target (the file-level graph: \href{graph.svg}{\nolinkurl{graph.svg}})'
    echo '\end{figure}'
    echo '```'
    echo
    echo '```{=html}'
    echo '<figure class="dag" style="overflow-x:auto">'
    sed -e '/^<?xml/d' -e '/^<!DOCTYPE/,/>$/d' \
        -e 's/^<svg width="[0-9.]*pt" height="[0-9.]*pt"/<svg style="width:100%;height:auto"/' "$dir/rulegraph.svg"
    echo '<figcaption>Dependency graph of the build, by kind of target (the file-level graph: <a href="graph.svg"><code>graph.svg</code></a>)</figcaption></figure>'
    echo '```'
fi
