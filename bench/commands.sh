#!/usr/bin/env bash
# Times care's commands on a generated repo: check, and each write command on a fresh copy.
# usage: bench/commands.sh CARE_BINARY REPO [RUNS] [IDLE]
# Prints one line per command: the median wall time and peak memory of RUNS runs. With IDLE
# (seconds), each run comes after that long with nothing running, as a user's first command
# does: on a virtual machine, memory the kernel has not handed out lately costs more to fault in.
set -euo pipefail
care=$1 repo=$2 runs=${3:-5} idle=${4:-0}
today=2026-12-05
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# time_cmd NAME FRESH_COPY COMMAND...: runs it RUNS times, on a fresh copy of the repo when asked.
time_cmd() {
  local name=$1 fresh=$2; shift 2
  local times=() mems=()
  for _ in $(seq "$runs"); do
    if [ "$fresh" = yes ]; then rm -rf "$work/r"; cp -r "$repo" "$work/r"; sync; fi
    local dir=$repo; [ "$fresh" = yes ] && dir=$work/r
    sleep "$idle"
    /usr/bin/time -f "%e %M" -o "$work/t" "$care" -C "$dir" --today $today "$@" > /dev/null 2> "$work/err" || {
      echo "$name failed:"; cat "$work/err"; cat "$work/t"; exit 1; }
    read -r t m < <(tail -1 "$work/t")
    times+=("$t"); mems+=("$m")
  done
  printf '%-22s %6s s  %6s MB\n' "$name" "$(printf '%s\n' "${times[@]}" | median)" \
    "$(( $(printf '%s\n' "${mems[@]}" | median) / 1024 ))"
}

time_cmd "check" no check
time_cmd "ledger add" yes ledger add fee --date 2026-12-01 --amount 280 --pupil P00004 --period 2026-12 --collected-by 周强
time_cmd "enroll" yes enroll --name 王小明 --grade 3 --class 2 --guardian 王建军 --applied-on 2026-12-01 --signed-by 王建军
time_cmd "ledger close" yes ledger close --month 2026-11 --on 2026-12-05
time_cmd "settle --dry-run" no settle --term 2026-autumn --dry-run
