#!/bin/sh
# measure.sh LOG NAME COMMAND... - run COMMAND here and append
# "NAME wall_s user_s sys_s maxrss_kb" to LOG (LAUNCH='$(MEASURE)', cluster/cluster.mk).
set -eu
log=$1 name=$2
shift 2
mkdir -p "$(dirname "$log")"
exec /usr/bin/time -a -o "$log" -f "$name	%e	%U	%S	%M" "$@"
