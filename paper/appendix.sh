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
measured number, injected from the experiments' numbers files.

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
