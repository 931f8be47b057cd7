#!/bin/bash
# mutants.sh TABLE OUTDIR OBJECT... - the body of `make mutants` (tests/tests.mk).
#
# Each row of TABLE (tests/mutants.tsv) names a deliberate bug: a source file, a
# string that occurs exactly once in it, its replacement, the Criterion suites
# expected to notice, and what is expected (killed, or pending-<why> for a mutant
# whose killing test is owed by another issue). One mutant at a time, in a scratch
# directory OUTDIR/<id>, the mutated file is compiled (headers from src/lib/, so the
# tree itself is never touched), linked with the unchanged OBJECTs of the unit
# tests (the object of the mutated file replaced), and run: first only the named
# suites, then, if they all passed, the whole suite. A mutant is killed when a
# test fails, crashes or times out, and the report names the tests that did;
# otherwise it survived.
#
# Exit status 1 when a mutant expected killed survived, or a row is malformed
# (pattern absent or not unique, mutated file does not compile). A pending
# mutant that survives, or whose pattern is gone because its file was rewritten,
# is reported and does not fail the target.
#
# Environment (set by tests/tests.mk): MUT_CC, MUT_CFLAGS (compile flags with the
# BLAS include path), MUT_LIBS (link libraries). MUT_ONLY=REGEX runs only the
# mutants whose id matches. Patterns and replacements may hold \n and \t.
set -uo pipefail
table=$1 out=$2
shift 2
objects=("$@")
: "${MUT_CC:?}" "${MUT_CFLAGS:?}" "${MUT_LIBS:?}"
mkdir -p "$out"
report=$out/report.tsv
printf 'id\tfile\texpected\tresult\tkilled by\tseconds\n' > "$report.tmp"
bad=0 n=0 killed=0 survived=0 pending=0 start_all=$SECONDS

# substitute FILE PATTERN REPLACEMENT OUT: exactly one occurrence, or fail naming the count
substitute() {
    PAT=$2 REP=$3 awk 'BEGIN { RS = "\001"; ORS = "" }
        { pat = ENVIRON["PAT"]; rep = ENVIRON["REP"]
          gsub(/\\n/, "\n", pat); gsub(/\\t/, "\t", pat); gsub(/\\n/, "\n", rep); gsub(/\\t/, "\t", rep)
          s = $0; count = 0; rest = s
          while ((i = index(rest, pat)) > 0) { count++; rest = substr(rest, i + length(pat)) }
          if (count != 1) { print count > "/dev/stderr"; exit 3 }
          i = index(s, pat); print substr(s, 1, i - 1) rep substr(s, i + length(pat)) }' "$1" > "$4"
}

# failing TAP FILE: the names of the tests that did not pass (not ok, crash, timeout)
failing() { sed -n 's/^not ok \([0-9]* \)\{0,1\}- \([^ ]*\).*/\2/p' "$1" | sort -u | paste -sd, -; }

while IFS=$'\t' read -r id file pattern replacement suites expected; do
    case "$id" in ''|'#'*|id) continue ;; esac
    if [ -n "${MUT_ONLY:-}" ] && ! [[ $id =~ $MUT_ONLY ]]; then continue; fi
    n=$((n + 1))
    t0=$SECONDS dir=$out/$id base=$(basename "$file" .c) result="" by=""
    rm -rf "$dir"; mkdir -p "$dir"
    count=$(substitute "$file" "$pattern" "$replacement" "$dir/$base.c" 2>&1 >/dev/null)
    if [ -n "$count" ]; then
        if [[ $expected == pending-* ]]; then result="stale"; by="pattern found $count times: the file was rewritten"
        else result="BAD ROW"; by="pattern found $count times in $file (must be exactly once)"; bad=1; fi
    # a mutant may leave a parameter unused: warnings are expected, never errors (CI adds -Werror)
    elif ! "$MUT_CC" $MUT_CFLAGS -Wno-error -w -Isrc/lib -c "$dir/$base.c" -o "$dir/$base.o" 2> "$dir/compile.log"; then
        result="BAD ROW"; by="does not compile ($dir/compile.log)"; bad=1
    else
        objs=() swapped=0
        for o in "${objects[@]}"; do
            if [ "$(basename "$o")" = "$base.o" ] && [[ $o != */tests/* ]]; then objs+=("$dir/$base.o"); swapped=1
            else objs+=("$o"); fi
        done
        if [ $swapped = 0 ]; then result="BAD ROW"; by="no object $base.o among the unit tests' objects"; bad=1
        elif ! "$MUT_CC" $MUT_CFLAGS "${objs[@]}" $MUT_LIBS -o "$dir/unit_tests" 2> "$dir/link.log"; then
            result="BAD ROW"; by="does not link ($dir/link.log)"; bad=1
        else
            # the named suites first (a test that hangs is killed by the timeout), then everything
            for s in ${suites//,/ }; do
                (cd "$dir" && timeout 600 ./unit_tests --filter "$s/*" --jobs=2 --timeout 120 --tap="tap-$s.txt" > "run-$s.log" 2>&1)
                status=$?
                f=$(failing "$dir/tap-$s.txt")
                if [ -z "$f" ] && [ $status -ne 0 ]; then f="$s/* (exit status $status: a crash or a time-out)"; fi
                if [ -z "$f" ] && ! grep -q "^ok .* $s::" "$dir/tap-$s.txt"; then
                    f="$s (no test ran: suite name wrong?)"; bad=1
                fi
                [ -n "$f" ] && by=${by:+$by,}$f
            done
            if [ -z "$by" ]; then
                (cd "$dir" && timeout 1200 ./unit_tests --jobs=2 --timeout 120 --tap=tap-all.txt > run-all.log 2>&1)
                status=$?
                by=$(failing "$dir/tap-all.txt")
                if [ -z "$by" ] && [ $status -ne 0 ]; then by="(exit status $status: a crash or a time-out)"; fi
                [ -n "$by" ] && by="$by (not a named suite)"
            fi
            if [ -n "$by" ]; then result=killed; else result=survived; fi
        fi
    fi
    case "$result" in
        killed) killed=$((killed + 1)) ;;
        survived|stale)
            if [[ $expected == pending-* ]]; then pending=$((pending + 1)); result="$result ($expected)"
            else survived=$((survived + 1)); bad=1; fi ;;
    esac
    secs=$((SECONDS - t0))
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$file" "$expected" "$result" "$by" "$secs" >> "$report.tmp"
    printf 'mutant %-32s %-10s %s (%ds)\n' "$id" "$result" "$by" "$secs"
    # keep only what explains a survivor or a bad row
    [ "$result" = killed ] && rm -f "$dir/unit_tests" "$dir"/*.o
done < "$table"
mv "$report.tmp" "$report"
echo "mutants: $n run, $killed killed, $survived survived, $pending pending (allowed to survive), in $((SECONDS - start_all)) s; report: $report"
[ "$n" -gt 0 ] || { echo "mutants: no mutant ran (MUT_ONLY matches nothing?)"; exit 1; }
[ "$bad" -eq 0 ]
