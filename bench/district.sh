#!/usr/bin/env bash
# care district on a benchmark district: examples/synth writes N schools (a few large, most
# small; 7.5 million ledger rows in all by default), then, taking turns so that each sees the
# same host, it times
#   - `care check` in each school one after another (the way a bureau would without district),
#   - `care district DIR`,
#   - `care district DIR --export OUT` (Parquet),
# and prints the medians, the ratios, and peak memory; then peak memory over the first N/3
# schools, to show that it does not grow with the number of schools.
#
# usage: bench/district.sh [--schools N] [--rows N] [--runs N] [--dir DIR]
#   defaults: 300 schools, 7,500,000 rows, 3 runs; DIR (default: a scratch folder in /tmp) is
#   generated when it does not exist, and kept.
# Uses its own target directory (CARGO_TARGET_DIR, default target/).
set -euo pipefail
cd "$(dirname "$0")/.."

schools=300 rows=7500000 runs=3 dir=
while [ $# -gt 0 ]; do
  case $1 in
    --schools) schools=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    *) echo "usage: $0 [--schools N] [--rows N] [--runs N] [--dir DIR]" >&2; exit 2 ;;
  esac
done
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time > /dev/null; }

cargo build --release --quiet --bin care --example synth
target=${CARGO_TARGET_DIR:-target}
care=$(realpath "$target/release/care")
work=$(mktemp -d "${TMPDIR:-/tmp}/care-district.XXXXXX")
trap 'rm -rf "$work"' EXIT
dir=${dir:-/tmp/care-district-$schools-$rows}
[ -d "$dir" ] || "$target/release/examples/synth" --schools "$schools" --rows "$rows" "$dir"
export CARE_TODAY=2026-12-05
sync

# run KEY COMMAND...: once, adding wall time (s), CPU time (s) and peak memory (KB) to KEY's lists
run() {
  local key=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" > /dev/null 2> "$work/err" || {
    echo "$key failed:" >&2; cat "$work/err" >&2; exit 1; }
  read -r wall user sys mem < "$work/time"
  echo "$wall" >> "$work/$key.t"
  echo "$user + $sys" | bc >> "$work/$key.c"
  echo "$mem" >> "$work/$key.m"
}
median() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
each_check() { for d in "$dir"/*/; do "$care" -C "$d" check > /dev/null; done; }
export -f each_check
export care dir

"$care" district "$dir" > /dev/null  # read the files once
for i in $(seq "$runs"); do
  run seq bash -c each_check
  run district "$care" district "$dir"
  rm -rf "$work/out"
  run export "$care" district "$dir" --export "$work/out"
done
du -sh "$dir" "$work/out" | awk '{print $2 ": " $1}'
all=("$dir"/*/)
third=("${all[@]:0:$((schools / 3))}")
for i in $(seq "$runs"); do
  run third "$care" district "${third[@]}"
done

echo
echo "$schools schools, $rows ledger rows; $(nproc) cores; $(date -u +%Y-%m-%d); medians of $runs runs"
printf '%-42s %8s %8s %10s\n' "command" "wall" "CPU" "peak mem"
for k in seq district export third; do
  case $k in
    seq) name="care check in each school, one by one" ;;
    district) name="care district" ;;
    export) name="care district --export (Parquet)" ;;
    third) name="care district, the first third of the schools" ;;
  esac
  printf '%-42s %7.2fs %7.2fs %7d MB\n' "$name" "$(median "$work/$k.t")" "$(median "$work/$k.c")" "$(( $(median "$work/$k.m") / 1024 ))"
done
ratio() { awk -v a="$(median "$work/$1.t")" -v b="$(median "$work/$2.t")" 'BEGIN {printf "%.2f", a / b}'; }
echo
echo "district is $(ratio seq district)x faster than checking the schools one by one; the export takes $(ratio export district)x the report's time"
