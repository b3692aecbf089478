#!/usr/bin/env bash
# care against ledger-cli and hledger on the same money: generates the records repo and the
# same rows as a journal, then prints wall time and peak memory of each, side by side.
#
# usage: bench/compare.sh [--pupils N] [--contracts N] [--rows N] [--runs N] [--skip-hledger]
#   defaults: 50,000 pupils, 500 contracts, 1,000,000 rows, 3 runs of care (ledger and hledger
#   run once: at a million rows they take seconds to minutes and gigabytes). --skip-hledger
#   also skips ledger on the journal with an account per pupil, the slowest of all.
# Installs Debian's ledger, hledger and time (for /usr/bin/time -v) with apt-get when missing.
# Uses its own target directory (CARGO_TARGET_DIR, default target/) and a scratch dir in /tmp.
set -euo pipefail
cd "$(dirname "$0")/.."

pupils=50000 contracts=500 rows=1000000 runs=3 hledger=yes
while [ $# -gt 0 ]; do
  case $1 in
    --pupils) pupils=$2; shift 2 ;;
    --contracts) contracts=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --skip-hledger) hledger=no; shift ;;
    *) echo "usage: $0 [--pupils N] [--contracts N] [--rows N] [--runs N] [--skip-hledger]" >&2; exit 2 ;;
  esac
done

need=()
command -v ledger > /dev/null || need+=(ledger)
command -v hledger > /dev/null || need+=(hledger)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} ..." >&2
  apt-get update -qq && apt-get install -y -qq "${need[@]}" > /dev/null
fi

cargo build --release --quiet --bin care --example synth
target=${CARGO_TARGET_DIR:-target}
care=$target/release/care

work=$(mktemp -d /tmp/care-compare.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$target/release/examples/synth" --pupils "$pupils" --contracts "$contracts" --rows "$rows" \
  --journal "$work/journal.ledger" "$work/records"
# The files just written are still being flushed to disk: let that finish, and read them once.
sync
"$care" -C "$work/records" --today 2026-12-05 check > /dev/null

# measure NAME RUNS COMMAND...: the median wall time and peak memory of RUNS runs.
measure() {
  local name=$1 n=$2; shift 2
  local ts=() ms=()
  for _ in $(seq "$n"); do
    /usr/bin/time -v -o "$work/time" "$@" > /dev/null 2> "$work/err" || {
      echo "$name failed:" >&2; cat "$work/err" >&2; exit 1; }
    ts+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$work/time")")
    ms+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")")
  done
  local t m
  t=$(printf '%s\n' "${ts[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  m=$(printf '%s\n' "${ms[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-34s %9.2f s %9d MB\n' "$name" "$t" "$((m / 1024))"
}

echo
echo "$rows rows, $pupils pupils, $contracts contracts; $(nproc) cores; $(date -u +%Y-%m-%d)"
printf '%-34s %11s %12s\n' "command" "wall" "peak memory"
measure "care check" "$runs" "$care" -C "$work/records" --today 2026-12-05 check
# The same journal with one income account for all fees and one for all pay: ledger-cli's
# balance slows down a great deal with an account per pupil.
sed -E 's/income:fees:P[0-9]+/income:fees/; s/expenses:pay:C[0-9]+/expenses:pay/' "$work/journal.ledger" > "$work/shared.ledger"
version=$(ledger --version | head -1 | awk '{print $2}' | tr -d ,)
measure "ledger bal ($version)" 1 ledger -f "$work/shared.ledger" bal
if [ "$hledger" = yes ]; then
  measure "ledger bal, an account per pupil" 1 ledger -f "$work/journal.ledger" bal
  measure "hledger check ($(hledger --version | awk '{print $2}' | tr -d ,))" 1 hledger -f "$work/journal.ledger" check
  measure "hledger bal" 1 hledger -f "$work/journal.ledger" bal
fi
