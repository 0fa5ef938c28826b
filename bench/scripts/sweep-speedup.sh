#!/usr/bin/env bash
# Parallel speed-up of a sweep: the same sweep with --workers 1 and --workers 2, several times,
# interleaved, beside a measure of what the machine itself gives two processes at once.
#
# Usage: bench/scripts/sweep-speedup.sh [--reps N] [--no-ceiling] TRACE GRID
#
# Rep i runs the ceiling probe, then the sweep with 1 and 2 workers (odd reps 1 then 2, even reps
# 2 then 1, so that a drift of the machine's speed falls on both). Each sweep's time is the one it
# prints ("swept ... in S s"). At the end: every run, the medians, the speed-up of the medians, of
# each rep and the median of the reps' speed-ups (the paired estimate: a rep's two runs are
# adjacent in time, so a slow drift of the machine falls on both, while the speed-up of the
# medians mixes runs from different moments), the CPU time of each run (user + system: if the two
# are alike, the second worker added no work and the 2-worker run's wall time is bounded by the
# cores, not the code), and whether sweep_results.parquet was byte-identical between the worker
# counts.
#
# The ceiling probe: sha256sum of a 200 MB file in the page cache, PASSES times alone, then two such
# loops at once; 2 x alone / together is what two independent one-core processes gain on this
# machine at that moment (2.0 on two dedicated cores). On a shared cloud VM it is often less: a
# lone core can run faster than two busy ones. A sweep cannot beat it.
set -euo pipefail

reps=4
ceiling=1
passes=5
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps="$2"; shift 2 ;;
    --no-ceiling) ceiling=0; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit 0 ;;
    -*) echo "sweep-speedup: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ $# -ne 2 ]; then
  echo "usage: bench/scripts/sweep-speedup.sh [--reps N] [--no-ceiling] TRACE GRID" >&2
  exit 2
fi
trace="$1"
grid="$2"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
vr="$root/bin/virtreplay"
work="$(mktemp -d "${TMPDIR:-/tmp}/sweep-speedup.XXXXXX")"
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
probe() {
  local s e one two i
  s=$(now); for ((i = 0; i < passes; i++)); do sha256sum "$work/probe.bin" >/dev/null; done; e=$(now)
  one=$(echo "$e - $s" | bc -l)
  s=$(now)
  (for ((i = 0; i < passes; i++)); do sha256sum "$work/probe.bin" >/dev/null; done) &
  for ((i = 0; i < passes; i++)); do sha256sum "$work/probe.bin" >/dev/null; done
  wait
  e=$(now)
  two=$(echo "$e - $s" | bc -l)
  printf '%.2f' "$(echo "2 * $one / $two" | bc -l)"
}
sweep() { # workers -> "seconds cpu-seconds" (the sweep's own time; user + system time of the process)
  local w="$1" line cpu
  line=$(/usr/bin/time -o "$work/cpu" -f '%U %S' "$vr" sweep "$trace" --grid "$grid" --out "$work/sw$w" --force -q \
    --workers "$w" 2>&1 | grep '^swept') || { echo "sweep-speedup: the sweep with $w worker(s) failed" >&2; exit 1; }
  cpu=$(awk '{printf "%.1f", $1 + $2}' "$work/cpu")
  echo "$(echo "$line" | sed -E 's/.* in ([0-9.]+) s .*/\1/') $cpu"
}
median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

if [ "$ceiling" = 1 ]; then
  head -c 200000000 /dev/urandom > "$work/probe.bin"
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "sweep: $trace, grid $grid, $reps reps"
printf '%-4s %-8s %-12s %-12s %-8s %-10s %-10s %s\n' rep ceiling "1 worker s" "2 workers s" speedup "cpu-s (1)" "cpu-s (2)" \
  identical
t1s=()
t2s=()
rs=()
cs=()
for ((r = 1; r <= reps; r++)); do
  c=-
  if [ "$ceiling" = 1 ]; then
    c=$(probe)
    cs+=("$c")
  fi
  if ((r % 2)); then
    ra=$(sweep 1); rb=$(sweep 2)
  else
    rb=$(sweep 2); ra=$(sweep 1)
  fi
  a=${ra% *}; ca=${ra#* }
  b=${rb% *}; cb=${rb#* }
  t1s+=("$a")
  t2s+=("$b")
  same=no
  cmp -s "$work/sw1/sweep_results.parquet" "$work/sw2/sweep_results.parquet" && same=yes
  rs+=("$(echo "$a / $b" | bc -l)")
  printf '%-4s %-8s %-12s %-12s %-8.2f %-10s %-10s %s\n' "$r" "$c" "$a" "$b" "${rs[-1]}" "$ca" "$cb" "$same"
done
m1=$(printf '%s\n' "${t1s[@]}" | median)
m2=$(printf '%s\n' "${t2s[@]}" | median)
printf 'median: 1 worker %s s, 2 workers %s s, speed-up of the medians %.2fx, median of the reps'"'"' speed-ups %.2fx' \
  "$m1" "$m2" "$(echo "$m1 / $m2" | bc -l)" "$(printf '%s\n' "${rs[@]}" | median)"
if [ "$ceiling" = 1 ]; then
  printf ', machine ceiling (median) %sx' "$(printf '%s\n' "${cs[@]}" | median)"
fi
echo
