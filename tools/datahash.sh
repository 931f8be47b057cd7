#!/bin/sh
# datahash.sh FILE [DIGITS]   the SHA-256 of a data file's rows, its '#' provenance
# header left out: the header names the commit (`git describe --dirty`), so identical
# data written at another commit keep their hash. Figure captions (figures/figures.mk)
# and `make audit` (tools/audit.sh) both use it.
set -eu
[ -r "$1" ] || { echo "datahash.sh: cannot read $1" >&2; exit 1; }
grep -v '^#' "$1" | sha256sum | cut -c1-"${2:-64}"
