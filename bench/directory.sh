#!/usr/bin/env bash
# Directory benchmark: loads N synthetic Points of Contact into the UN's directory on SQLite,
# measures search latency in process (p50/p90/p99/max) and, under wrk, a state page
# (GET /api/v1/organisations/UN/states/FR/entries) against nginx serving the same bytes, and the
# search API. Loopback only; see bench/README.md.
#
# Usage: bench/directory.sh [options]
#   --entries N        entries to load (default 1000000; 100000 for a quick run)
#   --build-dir DIR    CMake build directory of the release preset (default build/release);
#                      configured with `cmake --preset release -B DIR` when it has no cache yet
#   --no-build         use the binaries already in DIR
#   --repeat K         measured rounds over the search queries (default 50)
#   --duration D       measured wrk run per endpoint, wrk syntax (default 10s)
#   --warmup D         discarded wrk warm-up per endpoint (default 2s)
#   --connections C    wrk connections (default 16)
#   --threads T        wrk threads (default 2)
#   --state XX         state of the state page (default FR)
#   --keep             keep the temporary directory (database included) and print its path
#   NGINX              nginx binary (default /usr/sbin/nginx, Debian nginx-light)
#   TMPDIR             where the database goes (about 2 GB for 1,000,000 entries)
#
# It is a measurement, not a test: it exits 0 whatever the numbers, and only fails when
# something could not be measured (a build, the load, a server or wrk failed, or the search
# returned wrong results).
set -euo pipefail

repo_root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)

entries=1000000
build_dir=$repo_root/build/release
build=1
repeat=50
duration=10s
warmup=2s
connections=16
threads=2
state=FR
keep=0
nginx_bin=${NGINX:-/usr/sbin/nginx}
organisation=UN
reader=bench-reader@example.org
search_target_ms=20

bench_name=directory
# shellcheck source=bench/lib.sh
source "$repo_root/bench/lib.sh"

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
  exit "${1:-0}"
}

while (($# > 0)); do
  case $1 in
  --entries) entries=${2:?}; shift 2 ;;
  --build-dir) build_dir=${2:?}; shift 2 ;;
  --no-build) build=0; shift ;;
  --repeat) repeat=${2:?}; shift 2 ;;
  --duration) duration=${2:?}; shift 2 ;;
  --warmup) warmup=${2:?}; shift 2 ;;
  --connections) connections=${2:?}; shift 2 ;;
  --threads) threads=${2:?}; shift 2 ;;
  --state) state=${2:?}; shift 2 ;;
  --keep) keep=1; shift ;;
  -h | --help) usage 0 ;;
  *) printf 'directory: unknown option %s\n' "$1" >&2; usage 2 ;;
  esac
done

[[ $entries =~ ^[0-9]+$ ]] || die "--entries must be a number, got '$entries'"
[[ $repeat =~ ^[1-9][0-9]*$ ]] || die "--repeat must be a positive integer, got '$repeat'"
[[ $connections =~ ^[1-9][0-9]*$ ]] || die "--connections must be a positive integer"
[[ $threads =~ ^[1-9][0-9]*$ ]] || die "--threads must be a positive integer"
((connections >= threads)) || die "--connections ($connections) must be >= --threads ($threads)"
[[ $state =~ ^[A-Za-z]{2}$ ]] || die "--state must be an alpha-2 code, got '$state'"
state=${state^^}
[[ $build_dir == /* ]] || build_dir=$PWD/$build_dir

missing=()
for tool in wrk curl setsid; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[[ -x $nginx_bin ]] || missing+=("$nginx_bin")
((build == 0)) || command -v cmake >/dev/null 2>&1 || missing+=(cmake)
((${#missing[@]} == 0)) ||
  die "missing: ${missing[*]} (Debian: apt-get install -y nginx-light wrk curl cmake)"

# --- build --------------------------------------------------------------------

liaison=$build_dir/src/app/liaison
loader=$build_dir/bench/liaison_bench_directory_load
searcher=$build_dir/bench/liaison_bench_directory_search

if ((build)); then
  echo "== build: $build_dir (release preset)"
  if [[ ! -f $build_dir/CMakeCache.txt ]]; then
    cmake --preset release -S "$repo_root" -B "$build_dir" >/dev/null ||
      die "cmake --preset release -B $build_dir failed"
  fi
  grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$build_dir/CMakeCache.txt" ||
    echo "   warning: $build_dir is not a Release build; the numbers will mean little"
  cmake --build "$build_dir" -j2 --target liaison liaison_bench_directory_load \
    liaison_bench_directory_search | grep -v '^\[' || true
  ((PIPESTATUS[0] == 0)) || die "the build failed"
fi
for binary in "$liaison" "$loader" "$searcher"; do
  [[ -x $binary ]] || die "no executable at $binary (build it, or drop --no-build)"
done

bench_tmpdir
mkdir -p "$tmp/www" "$tmp/nginx" "$tmp/wrk"

# About 2 KB per entry on disk (tables, indexes, FTS5, WAL); ask for 5 KB, with room to spare.
need_kb=$((entries * 5 + 100000))
free_kb=$(df -Pk "$tmp" | awk 'NR == 2 { print $4 }')
((free_kb > need_kb)) ||
  die "$tmp has $((free_kb / 1024)) MiB free; $((need_kb / 1024)) MiB needed (set TMPDIR)"

# --- free loopback ports ----------------------------------------------------

liaison_port=$(free_port)
taken_ports+=("$liaison_port")
nginx_port=$(free_port)

# --- database: migrate, load, search ------------------------------------------

database=$tmp/directory.db
liaison_env=(
  "LIAISON_DATABASE=sqlite:///$database"
  "LIAISON_LISTEN=127.0.0.1:$liaison_port"
  "LIAISON_ACCESS_LOG=false"
  "LIAISON_GNUPG_HOME=$tmp/gnupg"
  "LIAISON_MAIL_SPOOL=$tmp/mail-spool"
)

echo "== migrate: $database"
env "${liaison_env[@]}" "$liaison" migrate >"$tmp/migrate.log" 2>&1 || {
  sed 's/^/  | /' "$tmp/migrate.log" >&2
  die "liaison migrate failed"
}

echo "== load: $entries entries into $organisation"
env "${liaison_env[@]}" "$loader" --entries "$entries" --organisation "$organisation" \
  --reader "$reader" >"$tmp/load.txt" || die "loading failed"
sed 's/^/   /' "$tmp/load.txt"
load_line=$(grep '^loaded ' "$tmp/load.txt" || true)

echo
echo "== search through DirectoryService::search: $repeat rounds, limit 50"
search_status=0
env "${liaison_env[@]}" "$searcher" --organisation "$organisation" --repeat "$repeat" \
  >"$tmp/search.txt" || search_status=$?
sed 's/^/   /' "$tmp/search.txt"
((search_status == 0)) || die "the search benchmark failed (exit $search_status)"
result_value() { # result_value KEY: from the searcher's RESULT line
  awk -v key="$1" '$1 == "RESULT" { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == key) print kv[2] } }' "$tmp/search.txt"
}
search_p50=$(result_value search_p50_ms)
search_p99=$(result_value search_p99_ms)
[[ -n $search_p50 && -n $search_p99 ]] || die "no RESULT line from the search benchmark"

# --- a token, the server, nginx -----------------------------------------------------

token=$(env "${liaison_env[@]}" "$liaison" admin issue-token --email "$reader" \
  --scope read_directory --days 1 --name "bench/directory.sh" 2>"$tmp/token.log") || {
  sed 's/^/  | /' "$tmp/token.log" >&2
  die "liaison admin issue-token failed"
}
[[ $token == lia_* ]] || die "liaison admin issue-token printed no token"

start_bg "$tmp/liaison.log" env "${liaison_env[@]}" "$liaison" serve
liaison_pid=$last_pid
liaison_base=http://127.0.0.1:$liaison_port
wait_ready liaison "$liaison_base/readyz" "$liaison_pid" 60 "$tmp/liaison.log"
echo
echo "== liaison serving on $liaison_base (pid $liaison_pid, access log off)"

state_url=$liaison_base/api/v1/organisations/$organisation/states/$state/entries
body=$tmp/www/state.json
auth=(-H "Authorization: Bearer $token")
curl -fsS --max-time 60 "${auth[@]}" -o "$body" "$state_url" ||
  die "GET $state_url failed"
body_bytes=$(wc -c <"$body" | tr -d ' ')
state_entries=$(grep -o '"recorded_at"' "$body" | wc -l | tr -d ' ')
echo "   GET ${state_url#"$liaison_base"}: $body_bytes bytes, $state_entries entries"
# One request at a time: the latency a reader sees on an idle server (wrk's figures below add
# the queue of its connections).
for _ in 1 2 3 4 5 6 7 8 9 10 11; do
  curl -fsS --max-time 60 "${auth[@]}" -o /dev/null -w '%{time_total}\n' "$state_url" ||
    die "GET $state_url failed"
done | sort -n >"$tmp/state-alone.txt"
state_alone_p50=$(awk 'NR == 6 { printf "%.1f", $1 * 1000 }' "$tmp/state-alone.txt")
state_alone_max=$(awk 'END { printf "%.1f", $1 * 1000 }' "$tmp/state-alone.txt")
echo "   one request at a time (11 requests): median ${state_alone_p50} ms, max ${state_alone_max} ms"

# The queries of the in-process run, percent-encoded, cycled by every wrk thread.
search_lua=$tmp/wrk/search.lua
{
  echo "-- generated by bench/directory.sh: cycles through the search benchmark's queries"
  echo "local paths = {"
  "$searcher" --print-queries | while IFS= read -r query; do
    printf '  "/api/v1/organisations/%s/search?%s",\n' "$organisation" "$query"
  done
  echo "}"
  echo "local i = 0"
  echo "request = function()"
  echo "  i = i % #paths + 1"
  echo "  return wrk.format(\"GET\", paths[i])"
  echo "end"
} >"$search_lua"
search_queries=$(grep -c '/search?q=' "$search_lua")
curl -fsS --max-time 10 "${auth[@]}" -o /dev/null "$liaison_base/api/v1/organisations/$organisation/search?q=cert" ||
  die "GET .../search?q=cert failed"

start_static_nginx "$nginx_port" "$tmp/www" state.json application/json
nginx_url=http://127.0.0.1:$nginx_port/state.json
wait_ready nginx "$nginx_url" "$nginx_pid" 10 "$tmp/nginx/error.log"
curl -fsS --max-time 60 -o "$tmp/nginx.body" "$nginx_url" || die "GET $nginx_url failed"
cmp -s "$body" "$tmp/nginx.body" || die "nginx does not serve the same bytes as Liaison"
echo "== nginx serving the same $body_bytes bytes on $nginx_url (pid $nginx_pid)"

# --- wrk ----------------------------------------------------------------------

bench "nginx: the state page as a static file" nginx "$nginx_url"
bench "liaison: state page $state" state "${auth[@]}" "$state_url"
bench "liaison: search, $search_queries queries in turn" search "${auth[@]}" \
  -s "$search_lua" "$liaison_base/"

# --- summary --------------------------------------------------------------------

ratio=$(awk -v a="${res[state.rps]}" -v b="${res[nginx.rps]}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "nan" }')
row() { # row LABEL KEY
  printf '%-40s %10s %10s %10s\n' "$1" "${res[$2.rps]}" "$(fmt_ms "${res[$2.p50]}")" "$(fmt_ms "${res[$2.p99]}")"
}

echo
echo "== summary ($entries entries in $organisation; $(nproc) CPUs shared by wrk and the servers)"
[[ -n $load_line ]] && echo "${load_line}"
met=$(awk -v p="$search_p99" -v t="$search_target_ms" 'BEGIN { print (p + 0 < t + 0) ? "met" : "NOT MET" }')
printf 'search in process: p50 %.2f ms, p99 %.2f ms (target p99 < %s ms: %s)\n' \
  "$search_p50" "$search_p99" "$search_target_ms" "$met"
echo "state page $state: $state_entries entries, $body_bytes bytes; one request at a time: median ${state_alone_p50} ms, max ${state_alone_max} ms"
echo "wrk $duration -t$threads -c$connections:"
printf '%-40s %10s %10s %10s\n' endpoint req/s p50 p99
row "nginx static file (state page)" nginx
row "liaison state page $state" state
row "liaison search ($search_queries queries)" search
printf '%-40s %10s\n' "ratio liaison/nginx (state page)" "$ratio"
for p in nginx state search; do
  if ((${res[$p.non2xx]:-0} > 0 || ${res[$p.errors]:-0} > 0)); then
    echo "WARNING: $p had ${res[$p.non2xx]:-0} non-2xx/3xx responses and ${res[$p.errors]:-0} socket errors; its numbers are suspect"
  fi
done
exit 0
