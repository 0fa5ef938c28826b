#!/usr/bin/env bash
# Side by side: `virtreplay tlb` and Dinero IV on the same lackey trace and the same TLBs, run
# interleaved, several times, each under /usr/bin/time; prints wall, user+sys and the ratios
# (issue 18: `tlb` at <= 0.5x Dinero IV's wall time). docs/performance.md, section "TLB", has the
# reasoning and the figures.
#
#   bench/scripts/tlb-vs-dinero.sh [-n RUNS] [--l1 ENTRIES] [--l2 ENTRIESxWAYS] TRACE.lackey
#
# The TLBs: L1 I and L1 D of ENTRIES entries, fully associative (default 32), a unified L2 of
# ENTRIESxWAYS (default 1024x4), 4 KB pages, LRU everywhere, on virtreplay's Neoverse-N1 preset
# (whose walk caches change no TLB count). Dinero IV sees them as caches with 4 KB blocks: L1 I/D
# of ENTRIES blocks with associativity ENTRIES, an L2 of ENTRIES x 4 KB with associativity WAYS.
# Dinero wants power-of-two sizes, so the N1's own 48-entry L1s and 1280x5 L2 cannot be given to it.
#
# Dinero reads din, not lackey: the trace is converted once by lackey2xdin.c (beside this script)
# to extended din. Three variants per round:
#   vr        bin/virtreplay tlb ... TRACE (lackey text in, everything timed)
#   d4        dineroIV < TRACE.xdin          (the converted file; the conversion not timed)
#   d4+conv   lackey2xdin < TRACE | dineroIV (the conversion timed too, in a pipe)
# Before timing, one run of each checks that the lookups and misses of L1I, L1D and L2 agree.
#
# Environment: DINERO (the dineroIV binary; default: dineroIV on the PATH), VIRTREPLAY (default:
# this repository's bin/virtreplay), WORK (a directory for the converted trace, about 0.93x the
# lackey file; default a new one under ${TMPDIR:-/tmp}, removed at the end).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs=5 l1=32 l2=1024x4
while [ $# -gt 1 ]; do
  case "$1" in
    -n) runs="$2"; shift 2 ;;
    --l1) l1="$2"; shift 2 ;;
    --l2) l2="$2"; shift 2 ;;
    *) break ;;
  esac
done
[ $# -eq 1 ] || { echo "usage: $0 [-n RUNS] [--l1 ENTRIES] [--l2 ENTRIESxWAYS] TRACE.lackey" >&2; exit 2; }
trace="$1"
[ -f "$trace" ] || { echo "$0: $trace: no such file" >&2; exit 2; }
dinero="${DINERO:-$(command -v dineroIV || true)}"
[ -x "$dinero" ] || { echo "$0: no dineroIV (set DINERO=/path/to/dineroIV)" >&2; exit 2; }
vr="${VIRTREPLAY:-$root/bin/virtreplay}"
l2e="${l2%x*}" l2a="${l2#*x}"
pow2() { [ "$1" -gt 0 ] && [ $(($1 & ($1 - 1))) -eq 0 ]; }
for n in "$l1" "$l2e"; do
  pow2 "$n" || { echo "$0: Dinero IV needs power-of-two sizes: $n entries is not one" >&2; exit 2; }
done
pow2 $((l2e / l2a)) && [ $((l2e % l2a)) -eq 0 ] || { echo "$0: --l2 $l2: need a power-of-two number of sets" >&2; exit 2; }

if [ -n "${WORK:-}" ]; then
  work="$WORK"; mkdir -p "$work"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/tlb-vs-dinero.XXXXXX")"; trap 'rm -rf "$work"' EXIT
fi
cc -O2 -o "$work/lackey2xdin" "$root/bench/scripts/lackey2xdin.c"
echo "converting $trace to extended din ($work/trace.xdin)..."
"$work/lackey2xdin" < "$trace" > "$work/trace.xdin"

vr_cmd=("$vr" tlb -q --core neoverse-n1 --tlb-l1i-entries "$l1" --tlb-l1d-entries "$l1"
        --tlb-l2-entries "$l2e" --tlb-l2-assoc "$l2a")
d4_cmd=("$dinero" -informat D
        -l1-isize $((l1 * 4096)) -l1-ibsize 4096 -l1-iassoc "$l1" -l1-irepl l
        -l1-dsize $((l1 * 4096)) -l1-dbsize 4096 -l1-dassoc "$l1" -l1-drepl l
        -l2-usize $((l2e * 4096)) -l2-ubsize 4096 -l2-uassoc "$l2a" -l2-urepl l)
echo "virtreplay: ${vr_cmd[*]} TRACE"
echo "dinero:     ${d4_cmd[*]} < TRACE.xdin"

# --- counts: lookups and misses per level must be the same ---
"${vr_cmd[@]}" --stats-csv "$work/vr.csv" "$trace" > /dev/null
"${d4_cmd[@]}" < "$work/trace.xdin" > "$work/d4.txt"
# Dinero's "Demand Fetches" and "Demand Misses" (Total column) of l1-icache, l1-dcache, l2-ucache.
awk '/^l1-icache/{c="l1i"} /^l1-dcache/{c="l1d"} /^l2-ucache/{c="l2"}
     /^ Demand Fetches/{f[c]=$3} /^ Demand Misses/{m[c]=$3}
     END{for (k in f) print k, f[k], m[k]}' "$work/d4.txt" | sort > "$work/d4.counts"
awk -F, '$1=="l1i"||$1=="l1d"||$1=="l2"{print $1, $2, $4}' "$work/vr.csv" | sort > "$work/vr.counts"
printf '%-5s %14s %12s %14s %12s\n' level "vr lookups" "vr misses" "d4 fetches" "d4 misses"
join "$work/vr.counts" "$work/d4.counts" | awk '{printf "%-5s %14s %12s %14s %12s\n", $1, $2, $3, $4, $5}'
if cmp -s "$work/vr.counts" "$work/d4.counts"; then
  echo "counts: identical"
else
  echo "counts: DIFFERENT (see above)"
fi

# --- timed runs, interleaved ---
timed() { # name, then the command (a shell string)
  local name="$1" load
  load="$(cut -d' ' -f1 /proc/loadavg)"
  /usr/bin/time -f '%e %U %S' -o "$work/time" bash -c "$2" > /dev/null
  read -r wall user sys < "$work/time"
  printf '%-3s %-8s %6s %8s %8s %8s %8s\n' "$i" "$name" "$load" "$wall" "$user" "$sys" \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u + s}')" | tee -a "$work/runs"
}
q() { printf '%q ' "$@"; }
: > "$work/runs"
echo
echo "$(nproc) CPUs; $(uptime)"
printf '%-3s %-8s %6s %8s %8s %8s %8s\n' run variant load1 wall user sys user+sys
for i in $(seq "$runs"); do
  timed vr "$(q "${vr_cmd[@]}" "$trace")"
  timed d4 "$(q "${d4_cmd[@]}") < $(q "$work/trace.xdin")"
  timed d4+conv "$(q "$work/lackey2xdin") < $(q "$trace") | $(q "${d4_cmd[@]}")"
done
echo "$(uptime)"
echo
# Per round, the ratio of virtreplay to each Dinero variant (runs of one round are neighbours in
# time, so they saw similar load); then the medians.
awk '
  function median(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { w[$1, $2] = $4; c[$1, $2] = $7; if ($1 > rounds) rounds = $1 }
  END {
    for (r = 1; r <= rounds; r++) {
      vw[r] = w[r, "vr"]; vc[r] = c[r, "vr"]; dw[r] = w[r, "d4"]; dc[r] = c[r, "d4"]
      pw[r] = w[r, "d4+conv"]; pc[r] = c[r, "d4+conv"]
      rw[r] = w[r, "vr"] / w[r, "d4"]; rc[r] = c[r, "vr"] / c[r, "d4"]
      rpw[r] = w[r, "vr"] / w[r, "d4+conv"]; rpc[r] = c[r, "vr"] / c[r, "d4+conv"]
      printf "round %d: wall vr/d4 %.2f, vr/(d4+conv) %.2f; user+sys vr/d4 %.2f, vr/(d4+conv) %.2f\n", r, rw[r], rpw[r], rc[r], rpc[r]
    }
    printf "median wall:     vr %.2f s, d4 %.2f s, d4+conv %.2f s\n", median(vw, rounds), median(dw, rounds), median(pw, rounds)
    printf "median user+sys: vr %.2f s, d4 %.2f s, d4+conv %.2f s\n", median(vc, rounds), median(dc, rounds), median(pc, rounds)
    printf "median of the per-round ratios: wall vr/d4 %.2f, vr/(d4+conv) %.2f; user+sys vr/d4 %.2f, vr/(d4+conv) %.2f\n",
      median(rw, rounds), median(rpw, rounds), median(rc, rounds), median(rpc, rounds)
  }' "$work/runs"
