#!/usr/bin/env bash
# Everything care prints and writes over a fixed set of records, as files: run it with two builds
# and compare the two directories byte for byte (`diff -r`) to show that a change of structure
# changed no finding, no report and no written byte.
#
# usage: bench/golden.sh CARE SYNTH OUT
#   CARE   the care binary to run
#   SYNTH  the examples/synth binary that makes the large repo (the same one for both runs)
#   OUT    an empty or missing directory for the results
#
# The records: the bundled example, the two test fixtures, a generated district repo (2,000
# pupils, 60,000 ledger rows), and damaged copies of the example and the district repo (rows
# edited, removed and duplicated, bad dates and amounts, an unknown column, a GB18030 CRLF
# roster). Each command's standard output, standard error and exit code are kept, and after each
# write the whole records directory.
set -uo pipefail
care=$(realpath "$1") synth=$(realpath "$2") out=$3
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(realpath "$out")
work=$(mktemp -d /tmp/care-golden.XXXXXX)
trap 'rm -rf "$work"' EXIT
export CARE_LOCK_WAIT=1 NO_COLOR=1
unset CARE_LANG CARE_TODAY

# run NAME DIR TODAY ARGS...: one command's output in $out/NAME.{out,err,rc}
run() {
  local name=$1 dir=$2 today=$3
  shift 3
  (cd "$work" && "$care" -C "$dir" --today "$today" "$@" > "$out/$name.out" 2> "$out/$name.err"; echo $? > "$out/$name.rc")
}

# snap NAME DIR: every file of a records directory, with its bytes, into $out/NAME.files
snap() {
  (cd "$2" && find . -type f ! -name '.care.lock' | LC_ALL=C sort | while read -r f; do
    printf '=== %s\n' "$f"
    cat "$f"
  done) > "$out/$1.files"
}

# damage DIR: rows edited, removed, duplicated; bad values; an unknown column; GB18030 CRLF
damage() {
  local d=$1
  # a closed month's amount edited, a row removed, a row duplicated, a bad date and amount
  awk -F, 'NR==5 { $3 = $3 "1" } { print }' OFS=, "$d/ledger.csv" > "$d/l" && mv "$d/l" "$d/ledger.csv"
  sed -i '9d' "$d/ledger.csv"
  sed -n '12p' "$d/ledger.csv" >> "$d/ledger.csv"
  sed -i '20s/^\([0-9-]*\)-\([0-9]*\),/\1-31,/' "$d/ledger.csv"
  sed -i '25s/,\([0-9][0-9]*\)\(\.[0-9]*\)\{0,1\},/,12.345,/' "$d/ledger.csv"
  sed -i '30s/,fee,/,fe,/' "$d/ledger.csv"
  # a roster row duplicated, a bad grade, an unknown column in contracts
  sed -n '3p' "$d/roster.csv" >> "$d/roster.csv"
  sed -i '4s/,[1-6],/,9,/' "$d/roster.csv"
  sed -i '1s/$/,extra/' "$d/contracts.csv"
  # surveys: a bad score
  sed -i '2s/,[1-5],/,7,/' "$d/surveys.csv"
  # the roster as Excel on Chinese Windows saves it
  iconv -f UTF-8 -t GB18030 "$d/roster.csv" | sed 's/$/\r/' > "$d/r" && mv "$d/r" "$d/roster.csv"
}

mkdir -p "$work/repos"
cp -r "$root/examples/demo-school" "$work/repos/demo"
cp -r "$root/tests/fixtures/clean" "$work/repos/clean"
cp -r "$root/tests/fixtures/findings" "$work/repos/findings"
"$synth" --pupils 2000 --contracts 40 --rows 60000 "$work/repos/synth" > /dev/null
cp -r "$work/repos/demo" "$work/repos/demo-dmg"
cp -r "$work/repos/synth" "$work/repos/synth-dmg"
damage "$work/repos/demo-dmg"
damage "$work/repos/synth-dmg"

# repo today month term year
read_only() {
  local r=$1 today=$2 month=$3 term=$4 year=$5 d=$work/repos/$1
  for fmt in human json github; do
    run "$r.check.$fmt" "$d" "$today" check --format "$fmt"
  done
  run "$r.check.human.en" "$d" "$today" --lang en check
  run "$r.check.deny" "$d" "$today" check --deny-warnings
  run "$r.status.zh" "$d" "$today" --lang zh status
  run "$r.status.en" "$d" "$today" --lang en status
  run "$r.show" "$d" "$today" ledger show
  run "$r.show.month" "$d" "$today" ledger show --month "$month"
  run "$r.show.term" "$d" "$today" --lang en ledger show --term "$term"
  run "$r.fmt.check" "$d" "$today" fmt --check
  for fmt in md html csv json; do
    run "$r.report.disclosure.$fmt" "$d" "$today" report disclosure --month "$month" --format "$fmt"
    run "$r.report.settlement.$fmt" "$d" "$today" report settlement --term "$term" --format "$fmt"
    run "$r.report.notices.$fmt" "$d" "$today" report notices --term "$term" --format "$fmt"
    run "$r.report.roster.$fmt" "$d" "$today" report roster --format "$fmt"
    run "$r.report.staff.$fmt" "$d" "$today" report staff --format "$fmt"
    run "$r.report.surveys.$fmt" "$d" "$today" report surveys --format "$fmt"
    run "$r.report.annual.$fmt" "$d" "$today" report annual --year "$year" --format "$fmt"
  done
  run "$r.report.disclosure.en" "$d" "$today" --lang en report disclosure --month "$month"
  run "$r.report.notices.nomask" "$d" "$today" report notices --term "$term" --no-mask
  run "$r.report.annual.en.html" "$d" "$today" --lang en report annual --year "$year" --format html
}

read_only demo 2026-11-29 2025-10 2025-autumn 2025
read_only demo-dmg 2026-11-29 2025-10 2025-autumn 2025
read_only clean 2026-09-25 2026-09 2026-autumn 2026
read_only findings 2026-09-25 2026-09 2026-autumn 2026
read_only synth 2026-12-05 2026-10 2026-autumn 2026
read_only synth-dmg 2026-12-05 2026-10 2026-autumn 2026
run explain.list "$work" 2026-01-01 explain
run explain.rule "$work" 2026-01-01 --lang en explain fees/over-standard

# Writes, each on its own copy, then the whole directory.
# write NAME REPO TODAY ARGS...
write() {
  local name=$1 repo=$2 today=$3
  shift 3
  rm -rf "$work/w" && cp -r "$work/repos/$repo" "$work/w"
  run "$name" "$work/w" "$today" "$@"
  snap "$name" "$work/w"
}

for repo in clean synth synth-dmg; do
  today=2026-09-25 month=2026-08 term=2026-autumn
  [ "$repo" = clean ] || { today=2026-12-05; month=2026-11; }
  write "$repo.w.enroll" $repo $today enroll --name 李四 --grade 2 --class 3 --guardian 李华 --phone 13800000000 --applied-on 2026-09-10 --signed-by 李华
  write "$repo.w.hire" $repo $today hire --name 钱老师 --kind school --role 体育 --signed-on 2026-08-25 --starts 2026-09-01 --ends 2027-01-22 --qualified-on 2026-08-24 --rate 50.00 --unit hour
  write "$repo.w.expense" $repo $today ledger add expense --date 2026-09-24 --amount 12.50 --category materials --memo 'a|b'
  write "$repo.w.fee" $repo $today ledger add fee --date 2026-09-24 --amount 100 --pupil P0001 --period 2026-09 --collected-by 周强
  write "$repo.w.survey" $repo $today survey add --contract C001 --date 2026-09-20 --respondent parent --score 4 --comment 好
  write "$repo.w.close" $repo $today ledger close --month 2026-09 --on 2026-09-25
  write "$repo.w.settle.dry" $repo $today settle --term 2026-autumn --on 2026-09-25 --dry-run
  write "$repo.w.fmt" $repo $today fmt
  write "$repo.w.review" $repo $today review P0002 --on 2026-09-20
  write "$repo.w.withdraw" $repo $today withdraw P0001 --on 2026-09-24
done
write synth.w.close11 synth 2026-12-05 ledger close --month 2026-11 --on 2026-12-05
write synth.w.settle synth 2026-12-05 settle --term 2026-autumn --on 2026-12-05 --record
write synth.w.reopen synth 2026-12-05 ledger reopen --month 2026-10 --reason 更正
write demo.w.reopen demo 2026-11-29 ledger reopen --month 2026-01 --reason 更正
write demo.w.fee demo 2026-11-29 ledger add fee --date 2026-01-05 --amount 100 --pupil P0001 --period 2026-01 --collected-by 周强
write demo-dmg.w.fmt demo-dmg 2026-11-29 fmt
write demo-dmg.w.expense demo-dmg 2026-11-29 ledger add expense --date 2026-11-24 --amount 1 --category materials
rm -rf "$work/w"
"$care" init "$work/blank" > "$out/init.out" 2>&1; snap init "$work/blank"
"$care" init --example "$work/ex" > "$out/init.example.out" 2>&1; snap init.example "$work/ex"
# The directory names of the copies differ from run to run: keep them out of the outputs.
grep -rl "$work" "$out" | xargs -r sed -i "s#$work#WORK#g"
echo "$(ls "$out" | wc -l) outputs in $out"
