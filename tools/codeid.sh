#!/bin/sh
# codeid.sh BINARY ID   the code identity of a program: the SHA-256 of BINARY
# without its debug information and build id, written to ID only when it
# changes (tools/stamp.sh). Experiments depend on ID, not on the binary's time,
# so a comment edit that relinks a program re-runs nothing, while any change of
# the code it runs does.
set -eu
stripped=$(mktemp)
trap 'rm -f "$stripped"' EXIT
objcopy --strip-debug --remove-section=.note.gnu.build-id "$1" "$stripped"
sum=$(sha256sum < "$stripped" | cut -c1-64)
"$(dirname "$0")/stamp.sh" "$2" "$sum $(basename "$1")"
