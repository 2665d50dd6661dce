#!/usr/bin/env bash
# Web pages benchmark: server time of every page on the demo data (what `liaison demo` seeds),
# in English and Arabic, against a static asset served through the same router, and the weight
# of the home and directory pages (HTML + CSS + JS). In process, no server; see bench/README.md.
#
# Usage: bench/pages.sh [path/to/liaison_bench_pages] [options of the program]
#   The program defaults to build/release/bench/liaison_bench_pages; this script builds nothing:
#     cmake --preset release && cmake --build build/release --target liaison_bench_pages
#   Options are passed on: --requests N (default 300), --warmup N (30), --query WORDS ("cert"),
#   --cache-milliseconds N (2000, the server's default), --keep.
#   PAGES_LOG   where the output goes besides the terminal
#               (default bench/results/pages-<UTC timestamp>.log, git-ignored)
#
# It is a measurement, not a test: it exits 0 whatever the numbers, and fails only when
# something could not be measured (no binary, a page that does not answer 200).
set -euo pipefail

repo_root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)

bench_name=pages
# shellcheck source=bench/lib.sh
source "$repo_root/bench/lib.sh"

program=$repo_root/build/release/bench/liaison_bench_pages
if (($# > 0)) && [[ $1 != -* ]]; then
  program=$1
  shift
fi
for arg in "$@"; do
  case $arg in
  -h | --help)
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
    exit 0
    ;;
  --keep) keep=1 ;; # lib.sh's trap keeps $tmp, where the program's directory is
  esac
done
[[ $program == /* ]] || program=$PWD/$program
[[ -x $program && ! -d $program ]] ||
  die "no executable at '$program'; build it with
  cmake --preset release && cmake --build build/release --target liaison_bench_pages
or pass its path as the first argument"

# build/X/bench/liaison_bench_pages -> build/X/CMakeCache.txt
cache=$(dirname -- "$(dirname -- "$program")")/CMakeCache.txt
grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$cache" 2>/dev/null ||
  echo "warning: $program is not from a Release build tree; the numbers will mean little"

log=${PAGES_LOG:-$repo_root/bench/results/pages-$(date -u +%Y%m%dT%H%M%SZ).log}
mkdir -p -- "$(dirname -- "$log")"

# The program's temporary directory goes inside ours, which the exit trap removes even when the
# run is interrupted.
bench_tmpdir

status=0
{
  echo "# bench/pages.sh $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -n), $(nproc) CPUs," \
    "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "# $program $*"
  TMPDIR=$tmp "$program" "$@"
} 2>&1 | tee -- "$log" || status=$?
echo "log: $log"
exit "$status"
