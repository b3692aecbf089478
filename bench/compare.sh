#!/usr/bin/env bash
# care against ledger-cli and hledger on the same money: generates the records repo and the
# same rows as a journal, then prints wall time and peak memory of each, side by side. Then
# `care check` on the same rows with each month's days in scrambled order (synth --shuffle-days,
# as a clerk entering late receipts writes them), and the writing commands (ledger add, enroll,
# leave add, ledger close, settle --dry-run), each on a fresh copy of the records, against a
# check taken in turn.
#
# usage: bench/compare.sh [--pupils N] [--contracts N] [--rows N] [--runs N] [--skip-hledger]
#                         [--against CARE]
#   defaults: 50,000 pupils, 500 contracts, 1,000,000 rows, 5 runs of care and 3 of ledger bal
#   (the medians), hledger and ledger with an account per pupil once (at a million rows they
#   take minutes and gigabytes). --skip-hledger also skips ledger with an account per pupil.
#   Care and ledger bal take turns, so that both see the same load on a shared machine.
#   --against CARE: another build of care (an earlier commit's) checks both repos and runs the
#   writes in turn with this one, and the ratios say how much faster this one is.
# Installs Debian's ledger, hledger and time (for /usr/bin/time -v) with apt-get when missing.
# Uses its own target directory (CARGO_TARGET_DIR, default target/) and a scratch dir in /tmp.
set -euo pipefail
export LC_NUMERIC=C
cd "$(dirname "$0")/.."

pupils=50000 contracts=500 rows=1000000 runs=5 hledger=yes against=
while [ $# -gt 0 ]; do
  case $1 in
    --pupils) pupils=$2; shift 2 ;;
    --contracts) contracts=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --skip-hledger) hledger=no; shift ;;
    --against) against=$(realpath "$2"); shift 2 ;;
    *) echo "usage: $0 [--pupils N] [--contracts N] [--rows N] [--runs N] [--skip-hledger] [--against CARE]" >&2; exit 2 ;;
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
build=$(realpath "$care")

work=$(mktemp -d /tmp/care-compare.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$target/release/examples/synth" --pupils "$pupils" --contracts "$contracts" --rows "$rows" \
  --journal "$work/journal.ledger" "$work/records"
"$target/release/examples/synth" --pupils "$pupils" --contracts "$contracts" --rows "$rows" \
  --shuffle-days "$work/shuffled"
# The files just written are still being flushed to disk: let that finish, and read them once.
sync
"$care" -C "$work/records" --today 2026-12-05 check > /dev/null

# run KEY COMMAND...: runs it once, adding its wall time (s) and peak memory (KB) to the lists
# of KEY in $work. The wall time is bash's clock around the run, to the microsecond: time's own
# is in hundredths, which made a ratio of two times near 0.2 s move in steps of 5%.
run() {
  local key=$1 start end; shift
  start=$EPOCHREALTIME
  /usr/bin/time -v -o "$work/time" "$@" > /dev/null 2> "$work/err" || {
    echo "$key failed:" >&2; cat "$work/err" >&2; exit 1; }
  end=$EPOCHREALTIME
  awk -v a="$start" -v b="$end" 'BEGIN {printf "%.6f\n", b - a}' >> "$work/$key.t"
  awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time" >> "$work/$key.m"
}
median() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# report KEY NAME: the median wall time and peak memory of KEY's runs.
report() {
  printf '%-34s %9.3f s %9d MB\n' "$2" "$(median "$work/$1.t")" "$(( $(median "$work/$1.m") / 1024 ))"
}

echo
echo "$rows rows, $pupils pupils, $contracts contracts; $(nproc) cores; $(date -u +%Y-%m-%d)"
printf '%-34s %11s %12s\n' "command" "wall" "peak memory"
# The same journal with one income account for all fees and one for all pay: ledger-cli's
# balance slows down a great deal with an account per pupil.
sed -E 's/income:fees:P[0-9]+/income:fees/; s/expenses:pay:C[0-9]+/expenses:pay/' "$work/journal.ledger" > "$work/shared.ledger"
version=$(ledger --version | head -1 | awk '{print $2}' | tr -d ,)
for i in $(seq "$runs"); do
  run care "$care" -C "$work/records" --today 2026-12-05 check
  [ "$i" -le 3 ] && run ledger ledger -f "$work/shared.ledger" bal
done
report care "care check"
report ledger "ledger bal ($version)"
if [ "$hledger" = yes ]; then
  run per-pupil ledger -f "$work/journal.ledger" bal
  report per-pupil "ledger bal, an account per pupil"
  run hledger-check hledger -f "$work/journal.ledger" check
  report hledger-check "hledger check ($(hledger --version | awk '{print $2}' | tr -d ,))"
  run hledger-bal hledger -f "$work/journal.ledger" bal
  report hledger-bal "hledger bal"
fi
care=$(median "$work/care.t")
ratio() { awk -v a="$(median "$work/$1.t")" -v c="$care" 'BEGIN {printf "%.1f", a / c}'; }
echo
echo "care check is $(ratio ledger)× faster than ledger bal$([ "$hledger" = yes ] && echo ", $(ratio per-pupil)× than ledger bal with an account per pupil, $(ratio hledger-check)× than hledger check")"


# The same rows with each month's days scrambled, and the writes, taking turns with a check.
# Each write runs on a fresh copy of the records (copied outside the timing).
last=$(printf 'P%05d' "$pupils")
writes=(
  "ledger-add|ledger add fee --date 2026-12-01 --amount 46.66 --pupil $last --period 2026-12 --collected-by 周强 --receipt R9999999"
  "enroll|enroll --name 林小雨 --grade 1 --class 1 --guardian 林海 --phone 13800000000 --applied-on 2026-12-01 --signed-by 林海"
  "leave-add|leave add --pupil $last --from 2026-12-07 --to 2026-12-08"
  "close|ledger close --month 2026-11"
  "settle|settle --term 2026-autumn --dry-run"
)
builds=("$build")
[ -n "$against" ] && builds+=("$against")
for i in $(seq "$runs"); do
  for b in "${builds[@]}"; do
    tag=$([ "$b" = "$build" ] && echo new || echo old)
    run "$tag-sorted" "$b" -C "$work/records" --today 2026-12-05 check
    run "$tag-shuffled" "$b" -C "$work/shuffled" --today 2026-12-05 check
    for w in "${writes[@]}"; do
      rm -rf "$work/copy"; cp -r "$work/records" "$work/copy"; sync
      # shellcheck disable=SC2086
      run "$tag-${w%%|*}" "$b" -C "$work/copy" --today 2026-12-05 ${w#*|}
    done
  done
done
echo
printf '%-34s %11s %12s %s\n' "this build" "wall" "peak memory" "  ratio to its check"
check=$(median "$work/new-sorted.t")
for k in sorted shuffled ledger-add enroll leave-add close settle; do
  case $k in
    sorted) name="care check" ;;
    shuffled) name="care check, days scrambled" ;;
    ledger-add) name="care ledger add" ;;
    enroll) name="care enroll" ;;
    leave-add) name="care leave add" ;;
    close) name="care ledger close --month" ;;
    settle) name="care settle --dry-run" ;;
  esac
  printf '%-34s %9.3f s %9d MB   %.2f\n' "$name" "$(median "$work/new-$k.t")" "$(( $(median "$work/new-$k.m") / 1024 ))" \
    "$(awk -v a="$(median "$work/new-$k.t")" -v c="$check" 'BEGIN {print a / c}')"
done
if [ -n "$against" ]; then
  echo
  printf '%-34s %11s %12s %s\n' "--against $(basename "$against")" "wall" "peak memory" "  times this build's"
  for k in sorted shuffled ledger-add enroll leave-add close settle; do
    printf '%-34s %9.3f s %9d MB   %.2f\n' "$k" "$(median "$work/old-$k.t")" "$(( $(median "$work/old-$k.m") / 1024 ))" \
      "$(awk -v a="$(median "$work/old-$k.t")" -v c="$(median "$work/new-$k.t")" 'BEGIN {print a / c}')"
  done
fi
