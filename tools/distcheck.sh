#!/bin/bash
# distcheck.sh SCALE BUILD_SCALE_DIR DISTDIR BUILD   (make distcheck, after make dist)
#  1. a second archive made from the same commit and build has identical bytes;
#  2. the archive unpacks into a temporary directory whose MANIFEST.sha256 checks;
#  3. there, without network (a new network namespace: unshare -n), `make verify`
#     passes and `make paper` rebuilds the paper from the archived data and numbers:
#     no experiment runs (their programs, MNIST and shards are made old with make -o;
#     DISTCHECK_RERUN=1 re-runs every experiment instead, which needs MNIST_DIR).
set -euo pipefail
scale=$1 built=$2 dist=$3
here=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "distcheck: $*" >&2; exit 1; }
commit=$(git -C "$here" rev-parse HEAD)
name=stl-repro-${commit:0:12}-$scale
archive=$dist/$name.tar.gz
[ -f "$archive" ] || die "no archive $archive (make dist SCALE=$scale)"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stl-distcheck.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$here/tools/dist.sh" "$scale" "$built" "$tmp/again" > /dev/null
cmp "$archive" "$tmp/again/$name.tar.gz" || die "two make dist runs gave different bytes"
echo "distcheck: a second make dist gives identical bytes ($(sha256sum "$archive" | cut -c1-16))"

tar -xzf "$archive" -C "$tmp"
cd "$tmp/$name"
sha256sum --quiet -c MANIFEST.sha256 || die "MANIFEST.sha256 does not match the unpacked files"
echo "distcheck: unpacked $(wc -l < MANIFEST.sha256) files, MANIFEST.sha256 checks"

offline=(unshare -n)
"${offline[@]}" true 2> /dev/null || offline=(unshare -rn)
"${offline[@]}" true 2> /dev/null || { echo "distcheck: warning: cannot unshare the network; running with it" >&2; offline=(); }
mk() { "${offline[@]}" env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD -u PARAMS -u B -u LAUNCH -u TIME_WRAP -u MNIST_DIR -u FIG -u PROV nice -n 10 make -j2 --no-print-directory SCALE="$scale" "$@"; }
old=()
if [ -z "${DISTCHECK_RERUN:-}" ]; then
    for f in $(mk -s dist-oldfiles); do old+=(-o "$f"); done
fi
mk "${old[@]}" verify > "$tmp/verify.log" 2>&1 || { tail -n 20 "$tmp/verify.log" >&2; die "make verify failed in the unpacked archive"; }
grep '^numcheck: [0-9]* keys' "$tmp/verify.log" | sed 's/^/distcheck: /'
mk "${old[@]}" paper > "$tmp/paper.log" 2>&1 || { tail -n 20 "$tmp/paper.log" >&2; die "make paper failed in the unpacked archive"; }
test -s "build/$scale/paper.pdf" && test -s "build/$scale/paper.html" || die "make paper wrote no paper"
if [ -z "${DISTCHECK_RERUN:-}" ]; then
    ! grep -q '^timed: ' "$tmp/paper.log" "$tmp/verify.log" || die "an experiment ran, though the archive holds its data"
    grep "  build/$scale/\(data\|numbers\)/" MANIFEST.sha256 | sha256sum --quiet -c - || die "the archived data or numbers were rewritten"
fi
echo "distcheck: offline make verify and make paper passed in the unpacked archive ($(grep -c '^timed: ' "$tmp/paper.log" || true) experiments ran)"
