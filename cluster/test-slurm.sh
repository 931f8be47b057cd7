#!/bin/bash
# test-slurm.sh MNIST_DIR [--scaling] - the body of `make test-slurm`.
#
# Runs the quick-scale experiments twice from the same binaries: here (with
# LAUNCH='$(MEASURE)', recording each job's time and peak memory), then through
# a throwaway single-node Slurm (cluster/slurm-local.sh, in a temporary
# directory) with LAUNCH='$(SRUN)' and -j over the shards; then checks
#   - every data, shard and numbers file is bit-identical (cost records aside);
#   - Slurm's job records (jobcomp/filetxt) hold one completed job per heavy
#     target with the cores, memory and time limit `make resources` declares,
#     and those cover what the local run measured;
#   - a job cancelled while running leaves no finished-looking output, make
#     fails, and a re-run submits only the missing shards;
#   - a tiny sweep (SCALE=sweep) runs through Slurm with its cost plan printed
#     before the first job;
#   - `slurm-local.sh stop` leaves no process behind, though a job ignores SIGTERM,
#     also when slurmctld is gone and nothing can cancel the job.
# With --scaling it also times the Fig. 5.1 shards through Slurm at 1 and 2 job
# slots. Needs root, slurm-wlm and munge (env/setup.sh --slurm).
# Ends with "test-slurm: N passed, N failed".
set -uo pipefail
unset MAKEFLAGS MFLAGS MAKELEVEL   # the makes below are independent of the one that called us
[ $# -ge 1 ] || { echo "usage: test-slurm.sh MNIST_DIR [--scaling]" >&2; exit 1; }
mnist=$(cd "$1" && pwd)
scaling=${2:-}
pass=0 fail=0
for t in slurmctld slurmd srun munged; do
    command -v $t > /dev/null || { echo "test-slurm: '$t' is missing: run env/setup.sh --slurm (as root)" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "test-slurm: needs root (slurmd starts jobs as their user)" >&2; exit 1; }

check() { # check NAME COMMAND...
    local name=$1; shift
    local log; log=$(mktemp)
    if "$@" > "$log" 2>&1; then
        pass=$((pass + 1)); echo "ok   $name"; sed 's/^/     /' "$log"
    else
        fail=$((fail + 1)); echo "FAIL $name"; tail -n 25 "$log" | sed 's/^/     /'
    fi
    rm -f "$log"
}

tmp=$(mktemp -d /tmp/stl-slurm-test.XXXXXX)
chmod 0755 "$tmp"   # munged wants every directory above its socket searchable by all
cleanup() { for c in "$tmp"/cluster "$tmp"/stop-*; do [ -d "$c" ] && cluster/slurm-local.sh stop "$c" 2> /dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
mk() { make --no-print-directory SCALE=quick MNIST_DIR="$mnist" "$@"; }
settle() { # until the queue is empty and the job records stop growing (up to 10 s)
    local i n=-1 m
    for i in $(seq 40); do
        m=$(wc -l < "$jobcomp" 2> /dev/null || echo 0)
        [ -z "$(squeue -h -o %i)" ] && [ "$m" = "$n" ] && return 0
        n=$m; sleep 0.25
    done
}

# 1. local run, measured
mk -j2 BUILD="$tmp/local" LAUNCH='$(MEASURE)' "$tmp/local/quick/numbers.tsv" > "$tmp/local.log" 2>&1 \
    || { tail -n 30 "$tmp/local.log"; echo "test-slurm: the local run failed"; exit 1; }

# 2. the same through Slurm, same binaries (copied with their times: nothing is rebuilt)
mkdir -p "$tmp/slurm" "$tmp/cluster"
cp -a "$tmp/local/bin" "$tmp/local/obj" "$tmp/local/mnist" "$tmp/local/.setup.stamp" "$tmp/slurm/"
start=$(cluster/slurm-local.sh start "$tmp/cluster") || { echo "test-slurm: Slurm did not start"; exit 1; }
eval "$start"
echo "test-slurm: single-node Slurm up ($SLURM_CONF)"
jobcomp=$tmp/cluster/jobcomp.txt
slurm_run() {
    mk -j4 BUILD="$tmp/slurm" LAUNCH='$(SRUN)' "$tmp/slurm/quick/numbers.tsv" > "$tmp/slurm.log" 2>&1
    local s=$?; settle
    grep -c 'srun .* --job-name=' "$tmp/slurm.log" | sed 's/$/ srun commands, e.g./'; grep -m1 -o 'srun .* --job-name=[^ ]*' "$tmp/slurm.log"
    [ $s -eq 0 ] || tail -n 20 "$tmp/slurm.log"
    return $s
}
check "slurm: the quick experiments run through srun (make -j4 LAUNCH='\$(SRUN)')" slurm_run

same_files() { # every output of the local run has a bit-identical twin (cost records aside)
    local n=0 f rel
    for f in "$tmp"/local/quick/{data,fig51,numbers}/*.tsv; do
        rel=${f#"$tmp/local/"}
        # shard 'time' records and the numbers they feed (unit s or MB) are costs, not results
        cmp -s <(grep -v -e '^#' -e '^time'$'\t' "$f" | awk -F'\t' '$3 != "s" && $3 != "MB"') \
               <(grep -v -e '^#' -e '^time'$'\t' "$tmp/slurm/$rel" | awk -F'\t' '$3 != "s" && $3 != "MB"') \
            || { echo "differs: $rel"; return 1; }
        n=$((n + 1))
    done
    echo "$n files identical (data, shards, numbers)"
    [ "$n" -gt 10 ]
}
check "slurm: every data, shard and numbers file is bit-identical to the local run" same_files

declared() { mk BUILD="$tmp/slurm" -s resources | awk -F'\t' 'NF == 4 && $1 != "job"'; }
jobs_match() { # jobcomp: one COMPLETED job per declared row, with its cpus, memory and limit
    declared > "$tmp/declared.tsv"
    awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = substr($i, length(kv[1]) + 2) }
           tres = f["Tres"]; cpu = tres; sub(/.*cpu=/, "", cpu); sub(/,.*/, "", cpu)
           mem = tres; sub(/.*mem=/, "", mem); sub(/,.*/, "", mem)
           if (mem ~ /G$/) mem = (mem + 0) * 1024 "M"
           print f["Name"] "\t" f["JobState"] "\t" cpu "\t" mem "\t" f["TimeLimit"] }' "$jobcomp" > "$tmp/jobs.tsv"
    awk -F'\t' 'FNR == NR { want[$1] = $2 "\t" $3 "\t" $4; n++; next }
        { seen[$1]++; got = $3 "\t" $4 "\t" $5
          if (!($1 in want)) { print "job " $1 " was not declared"; bad = 1; next }
          if ($2 != "COMPLETED") { print "job " $1 ": " $2; bad = 1 }
          if (got != want[$1]) { print "job " $1 ": Slurm has " got ", declared " want[$1]; bad = 1 } }
        END { for (j in want) if (seen[j] != 1) { print "job " j " ran " seen[j] + 0 " times"; bad = 1 }
              if (!bad) printf "%d jobs, each once with its declared cpus, memory and time limit\n", n; exit bad }' \
        "$tmp/declared.tsv" "$tmp/jobs.tsv"
}
check "slurm: jobcomp has one completed job per heavy target with the declared resources" jobs_match

covers() { # the declared memory and time limits cover what the local run measured
    awk -F'\t' 'FNR == NR { mem[$1] = $3 + 0; lim[$1] = $4 * 60; next }
        !($1 in mem) { print "measured job " $1 " was not declared"; bad = 1; next }
        { n++; rss = $5 / 1024; cpu = $3 + $4
          if (rss > mem[$1]) { printf "%s: peak %.0f MB > --mem=%dM\n", $1, rss, mem[$1]; bad = 1 }
          if ($2 > lim[$1]) { printf "%s: %.1f s > -t %d min\n", $1, $2, lim[$1] / 60; bad = 1 }
          if (rss / mem[$1] > r) r = rss / mem[$1] }
        END { printf "%d jobs measured; largest peak memory / request: %.2f\n", n, r; exit bad }' \
        "$tmp/declared.tsv" "$tmp/local/quick/cluster/measured.tsv"
}
check "slurm: declared memory and time limits cover the locally measured peak memory and time" covers

# 3. a job cancelled while it runs leaves nothing finished; a re-run submits only what is missing
cancelled() {
    local q=$tmp/slurm/quick victim=b100_s0 other=b1_s1
    rm "$q/fig51/$victim.tsv" "$q/fig51/$other.tsv"
    local before; before=$(wc -l < "$jobcomp")
    mk -j1 BUILD="$tmp/slurm" LAUNCH='$(SRUN)' "$q/numbers.tsv" > "$tmp/cancel.log" 2>&1 &
    local pid=$! id="" i
    for i in $(seq 400); do  # up to 20 s for the victim to run
        id=$(squeue -h -n "fig51-${victim//_/-}" -t RUNNING -o %i)
        [ -n "$id" ] && break
        sleep 0.05
    done
    [ -n "$id" ] || { echo "the job fig51-$victim never ran"; wait $pid; return 1; }
    sleep 0.3
    scancel "$id"
    wait $pid && { echo "make succeeded although its job was cancelled"; return 1; }
    settle
    [ ! -e "$q/fig51/$victim.tsv" ] || { echo "the cancelled shard left $victim.tsv"; return 1; }
    echo "cancelled job $id: make failed, no $victim.tsv ($(ls "$q/fig51" | grep -c '\.tmp$') .tmp left)"
    local mid; mid=$(wc -l < "$jobcomp")
    mk -j4 BUILD="$tmp/slurm" LAUNCH='$(SRUN)' "$q/numbers.tsv" > "$tmp/rerun.log" 2>&1 || { tail "$tmp/rerun.log"; return 1; }
    settle
    local rerun; rerun=$(tail -n +$((mid + 1)) "$jobcomp" | sed -n 's/.* Name=\([^ ]*\) JobState=COMPLETED .*/\1/p' | sort | tr '\n' ' ')
    echo "re-run submitted: $rerun"
    [ "$rerun" = "fig51-b1-s1 fig51-b100-s0 " ] && [ $((mid - before)) -eq 1 ] && same_files
}
check "slurm: a cancelled job leaves no output, make fails, the re-run submits only the 2 missing shards" cancelled

# 4. the sweep path: a tiny sweep (2 rates x 3 batch sizes x 2 shards) through Slurm
tiny_sweep() {
    local p=$tmp/tiny
    mkdir -p "$p"
    sed -e 's/^trials = .*/trials = 3/; s/^trials_per_shard = .*/trials_per_shard = 2/; s/^steps = .*/steps = 100/' \
        -e 's/^train_subset = .*/train_subset = 2000/; s/^test_subset = .*/test_subset = 1000/' \
        -e 's/^eval_every = .*/eval_every = 50/; s/^noise_every = .*/noise_every = 50/; s/^noise_trials = .*/noise_trials = 2/' \
        data/params/sweep/fig51.conf > "$p/fig51.conf"
    sed 's/^learning_rates = .*/learning_rates = 0.005,0.02/' data/params/sweep/sweep.conf > "$p/sweep.conf"
    local before; before=$(wc -l < "$jobcomp")
    make --no-print-directory -j4 SCALE=sweep PARAMS="$p" BUILD="$tmp/slurm" MNIST_DIR="$mnist" LAUNCH='$(SRUN)' sweep > "$tmp/sweep.log" 2>&1 \
        || { tail -n 20 "$tmp/sweep.log"; return 1; }
    settle
    local plan first
    plan=$(grep -n -m1 '^cost model: .*core-hours' "$tmp/sweep.log" | cut -d: -f1)
    first=$(grep -n -m1 'srun .*fig51 run' "$tmp/sweep.log" | cut -d: -f1)
    grep '^cost model:' "$tmp/sweep.log"
    [ -n "$plan" ] && [ -n "$first" ] && [ "$plan" -lt "$first" ] || { echo "no cost plan before the first job"; return 1; }
    local jobs; jobs=$(tail -n +$((before + 1)) "$jobcomp" | grep -c ' Name=sweep-r0\.0[02]5*-b[0-9]*-s[01] JobState=COMPLETED ')
    local rows; rows=$(grep -v '^#' "$tmp/slurm/sweep/data/sweep.tsv" | tail -n +2 | wc -l)
    echo "$jobs sweep jobs completed; sweep.tsv has $rows rows; figure $(test -s "$tmp/slurm/sweep/figures/sweep.pdf" && echo written)"
    [ "$jobs" -eq 12 ] && [ "$rows" -eq 6 ] && test -s "$tmp/slurm/sweep/figures/sweep.pdf"
}
check "slurm: a tiny sweep runs through Slurm, its cost plan printed before the first job" tiny_sweep

# 5. stop leaves nothing behind: a job whose task ignores SIGTERM, with its srun, in a
# cluster of its own; with slurmctld killed first (nothing can cancel the job) stop must
# kill the slurmstepd, the task and the srun itself, SIGKILL after the grace period
stop_stubborn() { # stop_stubborn cancel|kill-ctld
    local c=$tmp/stop-$1 mark=stl-stubborn-$1-$$ conf i p t0 task="" left=""
    mkdir -p "$c"
    conf=$(cluster/slurm-local.sh start "$c") || return 1
    (eval "$conf"; exec srun -J "$mark" sh -c 'trap "" TERM; while :; do sleep 1; done' "$mark") > "$c.log" 2>&1 &
    for i in $(seq 100); do  # up to 20 s for the task to run
        task=$(ps -e -o pid=,comm=,args= | awk -v m="$mark" '$2 == "sh" && index($0, m) { print $1 }')
        [ -n "$task" ] && break; sleep 0.2
    done
    [ -n "$task" ] || { echo "the job never ran"; cat "$c.log"; return 1; }
    local pids; pids="$(pgrep -f -- "$mark" | tr '\n' ' ')$(ps -o ppid= -p "$task") $(cat "$c"/slurm*.pid "$c"/munge/munged.pid | tr '\n' ' ')"
    echo "$1: srun, task, slurmstepd and daemons: $pids"
    [ "$1" = kill-ctld ] && kill -KILL "$(cat "$c/slurmctld.pid")"
    t0=$SECONDS
    timeout 60 cluster/slurm-local.sh stop "$c" 2>&1 || { echo "stop failed"; return 1; }
    for p in $pids; do  # gone, or a zombie not yet reaped
        ps -o stat= -p "$p" 2> /dev/null | grep -qv '^Z' && left+=" $(ps -o pid=,args= -p "$p")"
    done
    echo "$1: stop took $((SECONDS - t0)) s; left: ${left:-nothing}"
    [ -z "$left" ]
}
check "slurm: stop cancels a job that ignores SIGTERM and leaves no process (daemons, slurmstepd, task, srun)" stop_stubborn cancel
check "slurm: with slurmctld gone, stop kills the job's slurmstepd, task and srun, SIGKILL for what ignores SIGTERM" stop_stubborn kill-ctld

# 6. optional: strong scaling of the quick Fig. 5.1 shards over job slots
if [ "$scaling" = --scaling ]; then
    shards=$(cd "$tmp/local/quick/fig51" && ls ./*.tsv | sed "s|^\./|$tmp/slurm/quick/fig51/|")
    for j in 1 2; do
        rm -f $shards
        s=$(date +%s.%N)
        mk -j$j BUILD="$tmp/slurm" LAUNCH='$(SRUN)' $shards > /dev/null 2>&1
        e=$(date +%s.%N)
        awk -v j=$j -v s=$s -v e=$e 'BEGIN { printf "scaling: %d slot(s): %.1f s wall for the 6 quick Fig. 5.1 shards\n", j, e - s }'
    done
fi

echo "test-slurm: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
