#!/bin/bash
# dist.sh SCALE BUILD_SCALE_DIR OUTDIR   (make dist)
# A byte-reproducible archive OUTDIR/stl-repro-<commit>-<scale>.tar.gz holding `git
# archive` of HEAD plus build/<scale>/{data,numbers,numbers.tsv (the paper links its lines),figures,paper.pdf,paper.html,
# timings.tsv,timings,graph.svg,graph.dot,rulegraph.{svg,pdf} (the paper links graph.svg),ebm/replicas}, a MANIFEST.sha256 of every file and a CITATION.cff.
# Every entry gets the commit's time, owner 0:0 and normalised modes; names sorted;
# gzip without name or time: the same commit and build give the same bytes.
# Refuses a working tree with uncommitted changes to tracked files.
set -euo pipefail
scale=$1 built=$2 out=$3
here=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "dist: $*" >&2; exit 1; }
dirty=$(git -C "$here" status --porcelain --untracked-files=no)
[ -z "$dirty" ] || die "the working tree has uncommitted changes (commit them first; an archive names one commit):"$'\n'"$dirty"
commit=$(git -C "$here" rev-parse HEAD)
when=$(git -C "$here" log -1 --format=%ct HEAD)
name=stl-repro-${commit:0:12}-$scale
for f in data numbers numbers.tsv figures paper.pdf paper.html; do
    [ -e "$built/$f" ] || die "$built/$f is missing: run make paper SCALE=$scale first"
done
# data written from uncommitted sources are archived, but said
dirtydata=$(grep -l '^# git: .*-dirty' "$built"/data/*.tsv 2> /dev/null || true)
[ -z "$dirtydata" ] || echo "dist: warning: data written by a working tree with uncommitted changes:" $dirtydata >&2

tmp=$(mktemp -d "${TMPDIR:-/tmp}/stl-dist.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root="$tmp/$name"
mkdir -p "$root/build/$scale"
git -C "$here" archive --format=tar "$commit" | tar -x -C "$root"
for f in data numbers numbers.tsv figures paper.pdf paper.html timings.tsv timings graph.svg graph.dot rulegraph.svg rulegraph.pdf; do
    [ -e "$built/$f" ] && cp -R "$built/$f" "$root/build/$scale/"
done
# the EBM replicas' numbers, the inputs of the archived seed-to-seed spreads (distcheck
# treats them as made: make -o)
if [ -d "$built/ebm/replicas" ]; then
    mkdir -p "$root/build/$scale/ebm"
    cp -R "$built/ebm/replicas" "$root/build/$scale/ebm/"
fi
# Leftovers of an interrupted run are no outputs, wherever they lie: the programs write
# <path>.tmp.<pid> (src/lib/util.h), recipes <path>.tmp and the Fig. 5.1 merge <name>.tsv.keys,
# tools/timed <key>.tmp and .time.*; each is renamed or removed only when it succeeds.
left=$(cd "$root/build/$scale" && find . -type f \( -name '*.tmp' -o -name '*.tmp.*' -o -name '*.tsv.keys' -o -name '.time.*' \) -print -delete)
[ -z "$left" ] || echo "dist: left out, from an interrupted run:" $left >&2
date=$(date -u -d "@$when" +%Y-%m-%d)
cat > "$root/CITATION.cff" <<CFF
cff-version: 1.2.0
message: "If you use this reproduction, please cite it as below, and the original paper."
type: software
title: "Stochastic thermodynamics of learning generative models: a tested reproduction"
authors:
  - name: "$(git -C "$here" log -1 --format=%an "$commit")"
version: "$(git -C "$here" describe --always --abbrev=12 "$commit")"
commit: "$commit"
date-released: "$date"
license: MIT
references:
  - type: article
    title: "Stochastic thermodynamics of learning generative models"
    authors:
      - name: "S. S. Parsi"
CFF
(cd "$root" && find . -type f ! -name MANIFEST.sha256 | LC_ALL=C sort | sed 's|^\./||' | xargs -d '\n' sha256sum) > "$tmp/MANIFEST.sha256"
mv "$tmp/MANIFEST.sha256" "$root/MANIFEST.sha256"
mkdir -p "$out"
LC_ALL=C tar --sort=name --format=gnu --mtime="@$when" --owner=0 --group=0 --numeric-owner \
    --mode='u+rw,go+r,go-w' -C "$tmp" -cf - "$name" | gzip -n -9 > "$out/$name.tar.gz.tmp"
mv "$out/$name.tar.gz.tmp" "$out/$name.tar.gz"
echo "dist: $out/$name.tar.gz ($(du -h "$out/$name.tar.gz" | cut -f1), sha256 $(sha256sum "$out/$name.tar.gz" | cut -c1-16), $(wc -l < "$root/MANIFEST.sha256") files)"
