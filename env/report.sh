#!/bin/bash
# report.sh LOCKFILE   print package, locked, installed, status (TSV); exit 0.
# report.sh --lock     print a new lock file from this machine.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pkgs=$(sed -e 's/#.*//' "$here/debian-packages.txt")
installed() {
    local v
    v=$(dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true)
    if [ -z "$v" ] && [ "$1" = npm ] && command -v npm >/dev/null; then v="npm $(npm --version) (not from Debian)"; fi
    echo "${v:-missing}"
}
if [ "${1:-}" = --lock ]; then
    echo "# Exact versions that produced data/reference (written by make env-lock)."
    printf 'package\tversion\n'
    for p in $pkgs; do printf '%s\t%s\n' "$p" "$(installed "$p")"; done
    exit 0
fi
lock=$1
printf 'package\tlocked\tinstalled\tstatus\n'
for p in $pkgs; do
    l=$(awk -F'\t' -v p="$p" '$1 == p {print $2}' "$lock")
    i=$(installed "$p")
    s=same
    [ "$l" = "$i" ] || s=DIFFERENT
    printf '%s\t%s\t%s\t%s\n' "$p" "${l:-unlocked}" "$i" "$s"
done
