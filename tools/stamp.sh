#!/bin/sh
# stamp.sh FILE TEXT   write TEXT to FILE only when it differs from FILE's content,
# so FILE's time changes exactly when TEXT does (a compiler flag, a tool version,
# the BLAS kernel) and make rebuilds what depends on it, and nothing otherwise.
set -eu
mkdir -p "$(dirname "$1")"
printf '%s\n' "$2" > "$1.tmp"
if cmp -s "$1.tmp" "$1"; then rm -f "$1.tmp"; else mv "$1.tmp" "$1"; echo "stamp: $1 changed: $2" >&2; fi
