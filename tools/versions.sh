#!/bin/bash
# versions.sh LOCKFILE   compare the installed Debian packages with the lock file
# (env/versions.lock, the versions that produced data/reference) and say what differs.
# As root, a package whose locked version apt can install is installed at that
# version; otherwise a warning names it. Exit 0 (differences are warnings: numbers
# are then checked against the references by their tolerances), 1 if the lock
# file cannot be read.
set -uo pipefail
lock=${1:-env/versions.lock}
here=$(cd "$(dirname "$0")/.." && pwd)
[ -r "$lock" ] || { echo "versions: cannot read $lock" >&2; exit 1; }
report=$("$here/env/report.sh" "$lock") || { echo "versions: env/report.sh failed" >&2; exit 1; }
diff=$(awk -F'\t' 'NR > 1 && $4 != "same"' <<< "$report")
[ -z "$diff" ] && { echo "versions: every package matches $lock" >&2; exit 0; }
while IFS=$'\t' read -r pkg locked installed _; do
    case $locked in unlocked|*"not from Debian"*)
        echo "versions: WARNING $pkg: installed $installed, locked '$locked' (not installable by apt)" >&2; continue ;;
    esac
    if [ "$(id -u)" -eq 0 ] && apt-cache madison "$pkg" 2> /dev/null | awk -F'|' -v v="$locked" '{ gsub(/ /, "", $2) } $2 == v { ok = 1 } END { exit !ok }'; then
        echo "versions: $pkg: installed $installed, locked $locked: installing the locked version" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends --allow-downgrades "$pkg=$locked" >&2 \
            || echo "versions: WARNING $pkg: apt-get could not install $locked" >&2
    else
        echo "versions: WARNING $pkg: installed $installed, locked $locked (apt does not offer it here);" \
             "float32 results may differ from the references within their tolerances" >&2
    fi
done <<< "$diff"
exit 0
