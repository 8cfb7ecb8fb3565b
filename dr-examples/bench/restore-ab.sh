#!/usr/bin/env bash
# restore-ab.sh: old vs new `dr restore-to-file`, whole processes, interleaved run by run (issue 16).
#
# Builds the baseline commit's dr.jar in a temporary git worktree (removed afterwards; nothing is installed), writes a
# directory store with one volume of issue 16's mix (2 MiB blocks, 50 % text-like, 40 % random, 5 % zero blocks,
# 5 % holes) per codec (RestoreStore in dr-examples.jar), checks that both jars restore it byte for byte, then runs
# old and new in turn (old first on odd runs, new first on even runs) to each destination directory. Prints, per
# codec, destination and jar: median whole-process wall time, image MiB/s over that wall time, MiB/s of the restore
# itself (the time dr prints, JVM start excluded), CPU seconds (user+sys: on a shared machine the steadiest figure),
# cores busy ((user+sys)/wall) and peak RSS; and the new/old ratios, the median of the run-by-run ratios.
#
# Usage (from the repository root, after ./mvnw -B -q package -DskipTests):
#   dr-examples/bench/restore-ab.sh [--runs 5] [--size-mib 1024] [--codecs lz4,gzip] [--dests /dev/shm,/var/tmp]
#                                   [--base 9c820d5] [--old-jar FILE] [--new-jar dr-examples/target/dr.jar]
#                                   [--examples-jar dr-examples/target/dr-examples.jar] [--store-dir /var/tmp]
#                                   [--java-opts "-Xmx256m"] [--keep]
# --old-jar skips building the baseline; --keep keeps the work directory (store and jars) and prints its path.
# Needs git, java 17, GNU time (/usr/bin/time), sha256sum, awk.
set -euo pipefail

runs=5
size_mib=1024
codecs=lz4,gzip
dests=/dev/shm,/var/tmp
base=9c820d5
old_jar=
new_jar=dr-examples/target/dr.jar
examples_jar=dr-examples/target/dr-examples.jar
store_dir=/var/tmp
java_opts=-Xmx256m
keep=false
while [ $# -gt 0 ]; do
    case $1 in
        --runs) runs=$2; shift 2 ;;
        --size-mib) size_mib=$2; shift 2 ;;
        --codecs) codecs=$2; shift 2 ;;
        --dests) dests=$2; shift 2 ;;
        --base) base=$2; shift 2 ;;
        --old-jar) old_jar=$2; shift 2 ;;
        --new-jar) new_jar=$2; shift 2 ;;
        --examples-jar) examples_jar=$2; shift 2 ;;
        --store-dir) store_dir=$2; shift 2 ;;
        --java-opts) java_opts=$2; shift 2 ;;
        --keep) keep=true; shift ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "restore-ab.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
[ -x /usr/bin/time ] || { echo "restore-ab.sh: needs GNU time at /usr/bin/time" >&2; exit 2; }
for f in "$new_jar" "$examples_jar"; do
    [ -f "$f" ] || { echo "restore-ab.sh: $f is missing: ./mvnw -B -q package -DskipTests first" >&2; exit 2; }
done
new_jar=$(readlink -f "$new_jar")
examples_jar=$(readlink -f "$examples_jar")

work=$(mktemp -d "$store_dir/drkit-restore-ab.XXXXXX")
tree=
cleanup() {
    if [ -n "$tree" ] && [ -d "$tree" ]; then
        git worktree remove --force "$tree" || true
    fi
    if [ "$keep" = true ]; then
        echo "kept $work" >&2
    else
        rm -rf "$work"
    fi
    IFS=, read -ra ds <<< "$dests"
    for d in "${ds[@]}"; do rm -f "$d/drkit-ab-$$.img"; done
}
trap cleanup EXIT

if [ -z "$old_jar" ]; then
    tree=$work/baseline-tree
    echo "building dr.jar of $base in a temporary worktree ($tree)" >&2
    git worktree add --detach "$tree" "$base" >/dev/null
    (cd "$tree" && ./mvnw -B -q -pl dr-examples -am package -DskipTests -Ddr.cds.skip=true)
    cp "$tree/dr-examples/target/dr.jar" "$work/dr-old.jar"
    git worktree remove --force "$tree"
    tree=
    old_jar=$work/dr-old.jar
fi
old_jar=$(readlink -f "$old_jar")

# one run: prints "wall user sys maxrss_kib restore_seconds"
run_one() { # jar store volume backup output
    local jar=$1 store=$2 volume=$3 backup=$4 out=$5 log=$work/run.log
    rm -f "$out"
    # shellcheck disable=SC2086 # java_opts holds several options
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" java $java_opts -jar "$jar" restore-to-file "$volume" \
        --backupstore "$store" --backup "$backup" --output "$out" -o json > "$log" 2>&1 \
        || { echo "restore-ab.sh: restore with $jar failed:" >&2; cat "$log" >&2; exit 1; }
    local secs
    secs=$(sed -n 's/.*"elapsedMillis" *: *\([0-9]*\).*/\1/p' "$log" | head -1 | awk '{print $1 / 1000}')
    echo "$(cat "$work/time") ${secs:-0}"
}

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

printf '# old %s (%s) vs new %s; %d MiB volume, %d runs each, JVM options: %s; %d cores; load average at start:%s\n' \
    "$old_jar" "$base" "$new_jar" "$size_mib" "$runs" "$java_opts" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg | sed 's/^/ /')"
echo
echo "| codec | destination | jar | median wall (s) | image MiB/s (wall) | restore MiB/s (dr's own time) | CPU s (user+sys) | cores busy ((user+sys)/wall) | peak RSS (MiB) |"
echo "|---|---|---|---|---|---|---|---|---|"
ratios=()
IFS=, read -ra cs <<< "$codecs"
IFS=, read -ra ds <<< "$dests"
for codec in "${cs[@]}"; do
    store=$work/store-$codec
    mkdir -p "$store"
    read -r volume backup sha < <(java -Xmx256m -cp "$examples_jar" io.drkit.examples.bench.RestoreStore --dir "$store" \
        --size-mib "$size_mib" --codec "$codec")
    for dest in "${ds[@]}"; do
        out=$dest/drkit-ab-$$.img
        for jar in "$old_jar" "$new_jar"; do # warm-up (page cache, JIT of nothing: fresh JVMs) and byte-exactness
            run_one "$jar" "$store" "$volume" "$backup" "$out" > /dev/null
            got=$(sha256sum "$out" | cut -d' ' -f1)
            [ "$got" = "$sha" ] || { echo "restore-ab.sh: $jar restored $codec to $dest with SHA-256 $got, not $sha" >&2; exit 1; }
        done
        : > "$work/old.txt"
        : > "$work/new.txt"
        for ((i = 1; i <= runs; i++)); do
            if ((i % 2)); then order="old new"; else order="new old"; fi
            for which in $order; do
                jar=$old_jar
                [ "$which" = new ] && jar=$new_jar
                run_one "$jar" "$store" "$volume" "$backup" "$out" >> "$work/$which.txt"
            done
        done
        rm -f "$out"
        for which in old new; do
            f=$work/$which.txt
            wall=$(awk '{print $1}' "$f" | median)
            mibs=$(awk -v s="$size_mib" '{print s / $1}' "$f" | median)
            own=$(awk -v s="$size_mib" '$5 > 0 {print s / $5}' "$f" | median)
            cpu=$(awk '{print $2 + $3}' "$f" | median)
            busy=$(awk '{print ($2 + $3) / $1}' "$f" | median)
            rss=$(awk '{print $4 / 1024}' "$f" | median)
            printf '| %s | %s | %s | %.2f | %.0f | %.0f | %.2f | %.2f | %.0f |\n' "$codec" "$dest" "$which" "$wall" "$mibs" \
                "${own:-0}" "$cpu" "$busy" "$rss"
        done
        walls=$(paste "$work/new.txt" "$work/old.txt" | awk '{print $1 / $6}' | sort -g)
        wr=$(echo "$walls" | median)
        wmin=$(echo "$walls" | head -1)
        wmax=$(echo "$walls" | tail -1)
        orr=$(paste "$work/new.txt" "$work/old.txt" | awk '$5 > 0 && $10 > 0 {print $10 / $5}' | median)
        cr=$(paste "$work/new.txt" "$work/old.txt" | awk '{print ($2 + $3) / ($7 + $8)}' | median)
        br=$(paste "$work/new.txt" "$work/old.txt" | awk '{print (($2 + $3) / $1) / (($7 + $8) / $6)}' | median)
        rr=$(paste "$work/new.txt" "$work/old.txt" | awk '{print $4 / $9}' | median)
        ratios+=("$(printf '| %s | %s | %.2f (%.2f-%.2f) | %.2f | %.2f | %.2f | %.2f |' "$codec" "$dest" "$wr" "$wmin" \
            "$wmax" "$(awk -v w="$wr" 'BEGIN {print 1 / w}')" "${orr:-0}" "$cr" "$br")")
        ratios[-1]+=" $(printf '%.2f |' "$rr")"
    done
    rm -rf "$store"
done
echo
echo "| codec | destination | wall new/old, median of run-by-run ratios (range) | MiB/s new/old (wall) | MiB/s new/old (dr's own time) | CPU s new/old | cores busy new/old | peak RSS new/old |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ratios[@]}"
printf '\nload average at the end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
