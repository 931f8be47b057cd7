#!/bin/sh
# Install the Debian packages listed in env/debian-packages.txt that are missing.
# Idempotent: with everything present it only runs dpkg-query and exits 0.
# As root it runs `apt-get update` once and `apt-get install --no-install-recommends`;
# otherwise it prints the exact command to run and exits non-zero.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
list="$here/debian-packages.txt"
# --slurm: the optional packages of `make test-slurm` instead (debian-packages-slurm.txt)
if [ "${1:-}" = --slurm ]; then list="$here/debian-packages-slurm.txt"; fi
missing=""
for pkg in $(sed -e 's/#.*//' "$list"); do
    # npm may come with the machine's own Node.js rather than Debian's package.
    if [ "$pkg" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing="$missing $pkg"
done
# installed versions against env/versions.lock: differences said, locked ones installed where apt can
check_versions() { "$here/../tools/versions.sh" "$here/versions.lock"; }
if [ -z "$missing" ]; then
    check_versions
    exit 0
fi
cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "env/setup.sh: missing Debian packages:$missing" >&2
    echo "env/setup.sh: run as root:  $cmd" >&2
    exit 1
fi
echo "env/setup.sh: installing$missing" >&2
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
check_versions
