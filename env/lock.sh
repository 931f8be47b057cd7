#!/bin/bash
# lock.sh LOCKFILE MAKE_PID - one make at a time per build directory.
# Takes LOCKFILE with flock(1) (util-linux) and keeps it, through a small
# watcher that inherits the lock, for as long as process MAKE_PID lives. A
# second make on the same build directory says so and waits for the first.
# Called by env/env.mk while make reads its makefiles; when make re-executes
# itself (after remaking an included makefile) it already holds the lock.
set -eu
lock=$1 owner=$2
mkdir -p "$(dirname "$lock")"
if [ "$(cat "$lock.pid" 2> /dev/null)" = "$owner" ] && ! flock -n "$lock" true; then
    exit 0
fi
exec 9>> "$lock"
if ! flock -n 9; then
    holder=$(cat "$lock.pid" 2> /dev/null || true)
    if [ -n "$holder" ] && kill -0 "$holder" 2> /dev/null; then
        echo "make: another make is running in $(dirname "$lock") (pid $holder); waiting for it to finish" >&2
        flock 9
        echo "make: the other make finished; going on" >&2
    else
        flock 9 # the watcher of a make that just ended lets go within 0.1 s
    fi
fi
echo "$owner" > "$lock.pid"
# the watcher holds fd 9 (the lock) until make exits
(while kill -0 "$owner" 2> /dev/null; do sleep 0.1; done) < /dev/null > /dev/null 2>&1 &
