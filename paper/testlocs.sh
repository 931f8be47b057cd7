#!/bin/bash
# testlocs.sh TEST_SOURCES... > testlocs.tsv
# Where each Criterion test is defined: suite::name <TAB> file <TAB> line of its
# Test(suite, name ...) macro, for the links of the paper's verdict lines
# (paper/filters/ledger.lua). Generated at build time, never typed.
set -euo pipefail
printf 'test\tfile\tline\n'
grep -n -E '^[[:space:]]*Test\([[:space:]]*[A-Za-z0-9_]+[[:space:]]*,[[:space:]]*[A-Za-z0-9_]+' "$@" |
  sed -E 's/^([^:]+):([0-9]+):[[:space:]]*Test\([[:space:]]*([A-Za-z0-9_]+)[[:space:]]*,[[:space:]]*([A-Za-z0-9_]+).*/\3::\4\t\1\t\2/' |
  sort
