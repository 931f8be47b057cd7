# tests/tools.sh - checks of the reviewer tools (tools/tools.mk), sourced by tests/run.sh
# after its quick build in "$tmp/build"; uses run.sh's check, make_q, quick, tmp, mnist.
qb="$tmp/build/quick"
clean_tree() { [ -z "$(git status --porcelain --untracked-files=no)" ] && ! grep -q '^commit.*-dirty' "$qb/figures/fig5_1.prov"; }

# ---- timings ----------------------------------------------------------------------
timer_measures() { # the wrapper against known loads: a sleep, a busy loop, 100 MB, a failure
    local d="$tmp/timer" row
    tools/timed "$d" sleep -- sleep 1 || return 1
    row=$(awk -F'\t' '$1 == "sleep"' "$d"/*.tsv)
    awk -F'\t' '{ exit !($2 >= 0.95 && $2 < 3 && $3 < 0.5 && $5 == 0) }' <<< "$row" || { echo "sleep 1: $row"; return 1; }
    tools/timed "$d" mem -- bash -c 'x=$(head -c 100000000 /dev/zero | tr "\0" a); for ((i = 0; i < 200000; i++)); do :; done; [ ${#x} -eq 100000000 ]' || return 1
    row=$(awk -F'\t' '$1 == "mem"' "$d"/*.tsv)
    awk -F'\t' '{ exit !($4 >= 95 && $4 < 1000 && $3 > 0.3 * $2) }' <<< "$row" || { echo "100 MB busy: $row"; return 1; }
    tools/timed "$d" fails -- sh -c 'exit 3' 2> /dev/null; [ $? -eq 3 ] || { echo "exit status not passed on"; return 1; }
    awk -F'\t' '$1 == "fails" { found = 1; bad = $5 != 3 } END { exit !(found && !bad) }' "$d"/*.tsv
}
check "timings: tools/timed measures a 1 s sleep, a 100 MB busy loop and passes on an exit status" timer_measures
timer_no_row() { # timer_no_row DIR WANT-STATUS PREFIX... -- COMMAND: timed fails with WANT-STATUS, DIR left empty
    local d=$1 want=$2; shift 2
    local pre=(); while [ "$1" != -- ]; do pre+=("$1"); shift; done; shift
    # (timeout: a row renamed into place as a link to /dev/full makes timed read zeros for ever)
    local out status=0; out=$("${pre[@]}" timeout 20 tools/timed "$d" full -- "$@" 2>&1) || status=$?
    echo "timed $*: exit $status; left: $(ls -A "$d" | tr '\n' ' ')"
    [ "$status" -eq "$want" ] && [ -z "$(ls -A "$d")" ] && grep -q 'no timing row written' <<< "$out"
}
timer_write_fails() { # a failed write of the row leaves no row and fails, keeping a failed command's status
    local d="$tmp/timer-full" fsize=(bash -c 'ulimit -f 0; trap "" XFSZ; exec "$@"' -)
    rm -rf "$d"
    # the row's temporary file is /dev/full: its write fails (no space left on device)
    mkdir -p "$d/full"; ln -s /dev/full "$d/full/$(printf '%s\n' true | sha256sum | cut -c1-16).tmp"
    timer_no_row "$d/full" 1 -- true || return 1
    # no file may grow (ulimit -f 0; SIGXFSZ ignored, so writes fail with EFBIG): /usr/bin/time's
    # own record fails too, without saying so
    mkdir -p "$d/fsize" "$d/fsize3"
    timer_no_row "$d/fsize" 1 "${fsize[@]}" -- true && timer_no_row "$d/fsize3" 3 "${fsize[@]}" -- sh -c 'exit 3'
}
check "timings: a timing row that cannot be written is never renamed into place, and timed fails" timer_write_fails
timings_cover() { # one row per heavy recipe: counted from make -n with a marker in TIME_WRAP
    local heavy rows
    heavy=$(make_q -Bn "${quick[@]}" TIME_WRAP=TIMEDMARK paper 2> /dev/null | grep -c 'TIMEDMARK')
    rows=$(awk 'NR > 1' "$qb/timings.tsv" | wc -l)
    echo "heavy recipes: $heavy, timings rows: $rows"
    [ "$heavy" -gt 5 ] && [ "$rows" -eq "$heavy" ] || return 1
    awk -F'\t' 'NR > 1 && !($2 >= 0 && $3 >= 0 && $4 > 0) { print "bad row: " $0; bad = 1 } END { exit bad }' "$qb/timings.tsv" || return 1
    make_q "${quick[@]}" report | grep -q "^total: $rows targets" && grep -q '| \*\*total\*\* ('"$rows"' targets)' "$qb/appendix.md"
}
check "timings: timings.tsv has a row for every experiment target; make report and the appendix give the total" timings_cover

# ---- graph ------------------------------------------------------------------------
graph_shows() {
    make_q "${quick[@]}" graph > /dev/null || return 1
    local dot="$qb/graph.dot" f
    grep -q '<svg' "$qb/graph.svg" && grep -q 'Dependency graph of the build' "$qb/paper.html" || return 1
    for f in "$qb"/data/*.tsv; do # every data file is a cylinder with an edge from a numbers file (box3d)
        f=build/quick/data/$(basename "$f")
        grep -qF "\"$f\" [label=\"$f\", shape=cylinder]" "$dot" || { echo "no cylinder for $f"; return 1; }
        grep -qE "\"build/quick/numbers/[a-z0-9_]+\.tsv\" -> \"$f\"" "$dot" || { echo "no experiment edge into $f"; return 1; }
    done
    grep -q 'shape=doubleoctagon' "$dot" && grep -q 'shape=tab' "$dot" && grep -q 'shape=box3d' "$dot" && grep -q 'shape=parallelogram' "$dot"
}
check "graph: make graph writes the DAG as SVG, data/experiments/figures/paper shaped by kind, shown in the HTML" graph_shows
# the paper shows the DAG by kind of target (tools/rulegraph.sh) and links the file-level
# graph: one node per kind in the HTML's figure; the data -> figures edge carries the number
# of file-level edges from data files to figures (counted here in graph.dot); a node of no
# known kind stops rulegraph.sh naming it
rulegraph_shows() {
    make_q "${quick[@]}" graph > /dev/null || return 1
    local dag nodes want got
    dag=$(tr '\n' ' ' < "$qb/paper.html" | grep -o '<figure class="dag".*</figure>' | sed 's|</figure>.*|</figure>|')
    nodes=$(grep -o 'class="node"' <<< "$dag" | wc -l)
    echo "rule-level graph in the HTML: $nodes nodes"
    [ "$nodes" -ge 8 ] && [ "$nodes" -le 12 ] || return 1
    for k in experiments merges data figures numbers paper; do grep -q ">$k<" <<< "$dag" || { echo "no node $k"; return 1; }; done
    grep -q 'href="graph.svg"' <<< "$dag" && grep -q 'includegraphics.*{rulegraph.pdf}' "$qb/paper.tex" &&
        grep -q 'href{graph.svg}' "$qb/paper.tex" || { echo "the file-level graph is not linked from both outputs"; return 1; }
    want=$(grep -cE '^  "build/quick/data/[^"]*" -> "build/quick/figures/' "$qb/graph.dot")
    got=$(sed -n 's/^  "data" -> "figures" \[label="\([0-9]*\)"\];$/\1/p' "$qb/rulegraph.dot")
    echo "data -> figures: $got in the rule-level graph, $want file-level edges"
    [ -n "$got" ] && [ "$got" -eq "$want" ] || return 1
    sed 's/^}$/  "build\/quick\/odd.bin" -> "build\/quick\/paper.pdf";\n}/' "$qb/graph.dot" > "$tmp/odd.dot"
    local msg; msg=$(tools/rulegraph.sh "$tmp/odd.dot" "$tmp/odd.svg" "$tmp/odd.pdf" 2>&1) && return 1
    grep -qF 'no class for the node build/quick/odd.bin' <<< "$msg" && [ ! -e "$tmp/odd.svg" ]
}
check "graph: the paper shows the DAG by kind of target (edge weights = file-level edges) and links graph.svg" rulegraph_shows

# ---- audit ------------------------------------------------------------------------
audit_dirty() { # a caption from uncommitted sources is refused, saying so
    sed 's/^commit\t\(.*\)$/commit\t\1-dirty/; s/-dirty-dirty$/-dirty/' "$qb/figures/gauss_ep.prov" > "$tmp/dirty.prov"
    local out status=0; out=$(make_q "${quick[@]}" audit FIG=gauss_ep PROV="$tmp/dirty.prov" 2>&1) || status=$?
    [ "$status" -ne 0 ] && grep -q 'uncommitted changes' <<< "$out" && ! grep -q 'rebuilding' <<< "$out"
}
check "audit: a caption whose commit is -dirty is refused with a clear message" audit_dirty
if clean_tree; then
    audit_same() {
        local out; out=$(make_q "${quick[@]}" audit FIG=fig5_1 2>&1) || { echo "$out"; return 1; }
        echo "$out" | tail -n 3
        grep -q '^audit: same data' <<< "$out"
    }
    check "audit: make audit FIG=fig5_1 SCALE=quick rebuilds from the commit and prints same data" audit_same
    audit_html() { # the caption as printed in the paper's HTML (wrapped over lines)
        local out; out=$(make_q "${quick[@]}" audit FIG=gauss_ep PROV="$qb/paper.html" 2>&1) || { echo "$out"; return 1; }
        grep -q "^  data gauss_ep.tsv: $(tools/datahash.sh "$qb/data/gauss_ep.tsv" 12) same" <<< "$out" && grep -q '^audit: same data' <<< "$out"
    }
    check "audit: PROV=paper.html audits the caption printed in the HTML" audit_html
    audit_changed() { # a caption built with another sigma: the audit names the keys that differ
        mkdir -p "$tmp/p2"; cp data/params/quick/*.conf "$tmp/p2/"
        sed -i 's/^sigma = .*/sigma = 1.7/' "$tmp/p2/gauss.conf"
        local pq=("${quick[@]}" BUILD="$tmp/pbuild" PARAMS="$tmp/p2")
        make_q "${pq[@]}" "$tmp/pbuild/quick/figures/gauss_ep.prov" > /dev/null 2>&1 || return 1
        local key; key=$(awk -F'\t' 'FNR == NR { v[$1] = $2; next } /^#/ || $1 == "key" { next } ($1 in v) && v[$1] != $2 { print $1; exit }' \
            "$qb/numbers/gauss.tsv" "$tmp/pbuild/quick/numbers/gauss.tsv")
        [ -n "$key" ] || { echo "sigma changed no number"; return 1; }
        local out status=0; out=$(make_q "${pq[@]}" audit FIG=gauss_ep 2>&1) || status=$?
        echo "$out" | tail -n 2 | cut -c1-300
        [ "$status" -eq 2 ] && grep -q "^audit: different: .*\b$key\b" <<< "$out"
    }
    check "audit: a caption built with a changed parameter gives 'different' with the keys" audit_changed
else
    echo "skip audit: same data / changed parameter (uncommitted changes: the quick build's captions are -dirty)"
fi

# ---- dist, distcheck ---------------------------------------------------------------
dist_refuses_dirty() { # in a clone with a modified tracked file
    git clone -q "$PWD" "$tmp/clone" || return 1
    echo '# local edit' >> "$tmp/clone/README.md"
    local out; out=$("$tmp/clone/tools/dist.sh" quick "$qb" "$tmp/clone-dist" 2>&1) && return 1
    grep -q 'uncommitted changes' <<< "$out" && [ ! -e "$tmp/clone-dist" ]
}
check "dist: a working tree with uncommitted changes is refused" dist_refuses_dirty
dist_no_leftovers() { # leftovers of a killed run (outputs are written to <path>.tmp.<pid> or <path>.tmp, then
    # renamed) never go into the archive. In a clone with this tree's dist.sh committed: make dist refuses
    # uncommitted changes, and the check should run in any working tree
    local q="$tmp/leftq" c="$tmp/leftclone" f list
    rm -rf "$q" "$c" "$tmp/leftdist"
    git clone -q "$PWD" "$c" && cp tools/dist.sh "$c/tools/dist.sh" && cp -a "$qb" "$q" || return 1
    git -C "$c" -c user.name=test -c user.email=test@localhost commit -q -a -m 'dist.sh of the working tree' > /dev/null
    for f in data/gauss_ep.tsv.tmp.4242 numbers/gauss.tsv.tmp.4242 figures/fig5_1.pdf.tmp ebm/replicas/tau2_rep1.tsv.tmp.4242 \
        timings/0123456789abcdef.tmp timings/.time.AbC123 numbers/fig51.tsv.keys; do
        echo 'partial output of a killed run' > "$q/$f"
    done
    "$c/tools/dist.sh" quick "$q" "$tmp/leftdist" || return 1
    list=$(tar -tzf "$tmp"/leftdist/*.tar.gz) || return 1
    grep -E '\.tmp(\.[0-9]+)?$|/\.time\.|\.keys$' <<< "$list" && { echo "^ leftovers in the archive"; return 1; }
    grep -q '/build/quick/data/gauss_ep.tsv$' <<< "$list" && grep -q '/build/quick/numbers/gauss.tsv$' <<< "$list"
}
check "dist: leftovers of a killed run (*.tmp.<pid>, *.tmp) are not archived" dist_no_leftovers
if clean_tree; then
    dist_ok() {
        make_q "${quick[@]}" distcheck || return 1
        local a="$tmp/build/dist/stl-repro-$(git rev-parse HEAD | cut -c1-12)-quick.tar.gz"
        local t; t=$(git log -1 --format=%ct)
        local list; list=$(tar -tzf "$a") || return 1   # (grep -q on a pipe would SIGPIPE tar)
        grep -q '/CITATION.cff$' <<< "$list" && grep -q '/MANIFEST.sha256$' <<< "$list" \
            && grep -q '/build/quick/paper.pdf$' <<< "$list" && grep -q '/build/quick/data/fig51_acc.tsv$' <<< "$list" || return 1
        # every entry: owner 0/0 and the commit's time (GNU tar's verbose listing)
        tar --full-time --numeric-owner -tvzf "$a" | awk -v d="$(date -d "@$t" '+%Y-%m-%d %H:%M:%S')" '
            $2 != "0/0" || ($4 " " $5) != d { print "entry: " $0; bad = 1 } END { exit bad }'
    }
    check "dist: two archives are identical, distcheck passes offline; entries 0/0 at the commit time" dist_ok
else
    echo "skip dist/distcheck (uncommitted changes: make dist refuses them)"
fi

# ---- rebuild stamps, parameter directories, compare, versions ------------------------
stamps() { # a flag change recompiles, a kernel change re-runs experiments, nothing otherwise
    cp -a "$tmp/build" "$tmp/stampbuild"
    local sq=(SCALE=quick BUILD="$tmp/stampbuild" MNIST_DIR="$(cd "$mnist" && pwd)")
    make_q "${sq[@]}" paper > /dev/null 2>&1 || return 1   # earlier checks may have left it stale
    make_q -q "${sq[@]}" paper || { echo "a copied build should be up to date"; return 1; }
    local before; before=$(stat -c %Y "$tmp/stampbuild/stamps/cc")
    make_q -q "${sq[@]}" paper && [ "$(stat -c %Y "$tmp/stampbuild/stamps/cc")" = "$before" ] || { echo "stamp rewritten without a change"; return 1; }
    local plan
    echo 'another kernel' > "$tmp/stampbuild/stamps/kernel"
    plan=$(make_q -n "${sq[@]}" "$tmp/stampbuild/quick/numbers/gauss.tsv" 2> /dev/null)
    grep -q 'bin/ppm_gauss' <<< "$plan" && ! grep -q 'gcc ' <<< "$plan" || { echo "a kernel change did not re-run (only) the experiment: $plan"; return 1; }
    local flags; flags=$(make_q -s "${sq[@]}" --eval 'print-cflags: ; @echo $(CFLAGS)' print-cflags)
    plan=$(make_q -n "${sq[@]}" CFLAGS="$flags -DSTAMP_TEST" "$tmp/stampbuild/bin/numcheck" 2> /dev/null)
    grep -q 'gcc .*-DSTAMP_TEST .*-c src/tools/numcheck.c' <<< "$plan" && grep -q -- '-DSTAMP_TEST' "$tmp/stampbuild/stamps/cc" || { echo "a flag change did not recompile"; return 1; }
}
check "stamps: a compiler flag change recompiles, a BLAS kernel change re-runs the experiments, else nothing" stamps
kernel_reruns_every_shard() { # every heavy target hangs on the kernel stamp, every ensemble's shards
    local b="$tmp/kernelbuild" d n m
    cp -a "$tmp/build" "$b"
    touch "$b/stamps/kernel"
    local plan; plan=$(make_q -n SCALE=quick BUILD="$b" MNIST_DIR="$(cd "$mnist" && pwd)" paper 2> /dev/null)
    for d in fig51 fig51deep fig51epoch; do
        n=$(ls "$b/quick/$d"/b*_s*.tsv | wc -l)
        m=$(grep -c "bin/fig51 run data/params/quick/$d.conf" <<< "$plan")
        echo "$d: $n shards, $m re-run after a kernel change"
        [ "$n" -gt 0 ] && [ "$m" -eq "$n" ] || return 1
    done
    rm -rf "$b"
}
check "stamps: a BLAS kernel change re-runs every shard of every Fig. 5.1 ensemble (fig51deep, fig51epoch too)" kernel_reruns_every_shard

# A comment edit relinks the programs (their debug information changes) but must re-run
# no experiment; a change of the code a program runs must re-run its experiments and no
# other. In a copy of the sources (the checkout is never touched) against a copy of the
# quick build; PARAMS names the checkout's parameter files, whose identities (path and
# SHA-256) the build recorded.
code_identity() {
    local src="$tmp/code-src" b="$tmp/codebuild" mark="$tmp/code.mark"
    rm -rf "$src" "$b"; mkdir -p "$src"
    tar --exclude=./build --exclude=./.git -cf - . | tar -xf - -C "$src"
    cp -a "$tmp/build" "$b"
    local cq=(-C "$src" SCALE=quick BUILD="$b" PARAMS="$PWD/data/params/quick" MNIST_DIR="$(cd "$mnist" && pwd)")
    make_q "${cq[@]}" "$b/quick/numbers.tsv" > /dev/null 2>&1 || { echo "the copy is not buildable"; return 1; }
    touch "$mark"; sleep 1
    printf '/* a comment added by the code-identity test */\n' >> "$src/src/lib/base.c"
    printf '/* a comment added by the code-identity test */\n' >> "$src/src/lib/mlp.h"
    make_q "${cq[@]}" "$b/quick/numbers.tsv" > "$tmp/code.log" 2>&1 || { tail "$tmp/code.log"; return 1; }
    [ "$b/bin/fig51" -nt "$mark" ] || { echo "the comment edit did not relink fig51: the test proves nothing"; return 1; }
    local ran; ran=$(find "$b/quick" -newer "$mark" -type f \( -path '*/numbers/*' -o -path '*/data/*' -o -path '*/fig51*/*' -o -path '*/ebm/*' \))
    [ -z "$ran" ] || { echo "a comment edit re-ran experiments: $ran"; return 1; }
    make_q -q "${cq[@]}" "$b/quick/numbers.tsv" || { echo "make -q still sees work after the comment edit"; return 1; }
    echo "comment edit: programs relinked, no experiment output rewritten, make -q up to date"
    touch "$mark"; sleep 1
    sed -i 's/^int main(int argc, char \*\*argv) {$/&\n    if (getenv("STL_CODE_IDENTITY_TEST")) return 3;/' "$src/src/prog/identities.c"
    grep -q STL_CODE_IDENTITY_TEST "$src/src/prog/identities.c" || { echo "could not edit identities.c"; return 1; }
    make_q "${cq[@]}" "$b/quick/numbers.tsv" > "$tmp/code.log" 2>&1 || { tail "$tmp/code.log"; return 1; }
    ran=$(cd "$b/quick" && find numbers data -newer "$mark" -type f | sort | tr '\n' ' ')
    echo "code change in identities.c re-ran: $ran"
    [ "$ran" = "numbers/identities.tsv " ] || [ "$ran" = "numbers/identities.tsv numbers.tsv " ]
}
check "stamps: a comment edit relinks the programs and re-runs no experiment; a code change re-runs only its experiment" code_identity
params_dirs() {
    local plan; plan=$(BUILD="$tmp/kb" make --no-print-directory -n SCALE=quick PARAMS="$tmp/p2" paper 2> /dev/null)
    grep -q "$tmp/kb/quick-params-p2-[0-9a-f]\{8\}/numbers/gauss.tsv" <<< "$plan" || { echo "PARAMS did not key the directory"; return 1; }
}
[ -d "$tmp/p2" ] || { mkdir -p "$tmp/p2"; cp data/params/quick/*.conf "$tmp/p2/"; }
check "params: PARAMS=dir builds into its own directory (with BUILD given, data/data.mk's params-id rebuilds instead)" params_dirs
snapshot() { # snapshot DIR: every entry's name, type, size, mode and mtime, and every file's SHA-256
    (cd "$1" && find . -printf '%p %y %s %m %T@\n' | LC_ALL=C sort && find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum)
}
numbers_copy() { # numbers_copy DIR [1.01]: the quick build's numbers in DIR/numbers, gauss_var_final_sim times the factor
    rm -rf "$1"; mkdir -p "$1/numbers"; cp "$qb"/numbers/*.tsv "$1/numbers/"
    [ -z "${2:-}" ] || awk -F'\t' -v f="$2" 'BEGIN { OFS = "\t" } $1 == "gauss_var_final_sim" { $2 = $2 * f } { print }' \
        "$qb/numbers/gauss.tsv" > "$1/numbers/gauss.tsv"
}
compare_builds() {
    make_q "${quick[@]}" compare OLD="$qb" NEW="$qb/." > "$tmp/cmp-same.log" 2>&1 && return 1  # the same directory
    grep -q 'OLD and NEW are the same directory' "$tmp/cmp-same.log" || { cat "$tmp/cmp-same.log"; return 1; }
    numbers_copy "$tmp/cmpa"
    make_q "${quick[@]}" compare OLD="$qb" NEW="$tmp/cmpa" > "$tmp/cmp-same.log" || return 1
    grep -q ', 0 failing' "$tmp/cmp-same.log" && [ "$(grep -c 'DIFFERENT\|within tolerance$' "$tmp/cmp-same.log")" -eq 0 ] || return 1
    numbers_copy "$tmp/cmpb" 1.01
    local out status=0; out=$(make_q "${quick[@]}" compare OLD="$qb" NEW="$tmp/cmpb" 2>&1) || status=$?
    [ "$status" -ne 0 ] && grep -q '^gauss_var_final_sim .* DIFFERENT$' <<< "$out" && [ "$(grep -c ' DIFFERENT$' <<< "$out")" -eq 1 ]
}
check "compare: identical builds show no key; a 1% change of one key is the one DIFFERENT row" compare_builds
compare_reads_only() { # compare writes nothing into either directory, even when make's own build directory is one
    # of them and another parameter set would rewrite its params-id files; a missing argument is refused
    local before after args
    numbers_copy "$tmp/cmpc" 1.01
    before=$(snapshot "$qb"; snapshot "$tmp/cmpc") || return 1
    local out; out=$(make_q "${quick[@]}" PARAMS="$tmp/p2" compare OLD="$tmp/cmpc" NEW="$qb" 2>&1) && return 1
    grep -q '^gauss_var_final_sim .* DIFFERENT$' <<< "$out" || { echo "$out"; return 1; }
    for args in "" "OLD=$qb" "NEW=$qb" "A=$qb B=$tmp/cmpc"; do
        out=$(make_q "${quick[@]}" compare $args 2>&1) && { echo "make compare $args succeeded"; return 1; }
        grep -q 'make compare OLD=' <<< "$out" || { echo "make compare $args: no usage message: $out"; return 1; }
    done
    after=$(snapshot "$qb"; snapshot "$tmp/cmpc")
    diff <(echo "$before") <(echo "$after") | head -n 20
    [ "$before" = "$after" ]
}
check "compare: reads both directories and writes neither; no, one or an old-style argument is refused with the usage" compare_reads_only
versions_differ() {
    sed 's/^\(jq\t\).*/\10.0-not-a-version/' env/versions.lock > "$tmp/lock"
    local out; out=$(tools/versions.sh "$tmp/lock" 2>&1) || return 1
    grep -q 'WARNING jq: installed .*, locked 0.0-not-a-version' <<< "$out" && ! grep -q 'WARNING gcc' <<< "$out"
}
check "versions: a package whose installed version differs from the lock is named" versions_differ

# make help is generated from the "## target:" lines of the fragments: every phony
# target a user can run has one (dist-oldfiles is internal, for distcheck)
help_complete() {
    local phony documented missing
    phony=$(grep -h '^\.PHONY:' Makefile */*.mk | tr ' ' '\n' | grep -v '^\.PHONY:$' | grep -vx 'dist-oldfiles' | sort -u)
    documented=$(make_q help | sed -n 's/^  \([a-z-]*\):.*/\1/p' | sort -u)
    missing=$(comm -23 <(echo "$phony") <(echo "$documented"))
    echo "$(wc -w <<< "$phony") phony targets, $(wc -w <<< "$documented") in make help"
    [ -z "$missing" ] || { echo "not in make help: $missing"; return 1; }
}
check "help: make help lists every public target (from the fragments' ## lines)" help_complete

# Result-reading goals never start an experiment: on a tree with only a (finished)
# quick build and no SCALE, each picks the quick scale and plans no experiment;
# on a tree with no build each refuses, naming what to run.
reading_goals() {
    local g plan
    for g in verify claims report; do
        plan=$(make --no-print-directory -n BUILD="$tmp/build" MNIST_DIR="$(cd "$mnist" && pwd)" $g 2>&1) || { echo "$plan" | tail -3; return 1; }
        grep -q "make $g: SCALE=quick, the built scale" <<< "$plan" || { echo "$g did not pick the quick build"; return 1; }
        ! grep -E 'bin/(fig51 run|ebm_run|bm |ppm_gauss|identities|mnist_stats)' <<< "$plan" || { echo "make -n $g plans an experiment"; return 1; }
        plan=$(make --no-print-directory -n BUILD="$tmp/nobuild" $g 2>&1) && { echo "$g ran without a build"; return 1; }
        grep -q "reads a finished build, and $tmp/nobuild holds none" <<< "$plan" || { echo "$plan" | tail -2; return 1; }
    done
    ! test -e "$tmp/nobuild" || { echo "a refused goal wrote into $tmp/nobuild"; return 1; }
}
check "reviewers: verify, claims and report without SCALE use the built scale and plan no experiment; with no build they refuse" reading_goals
