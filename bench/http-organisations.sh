#!/usr/bin/env bash
# HTTP benchmark: Liaison's GET /api/v1/organisations against nginx serving
# the very same bytes as a static file. Loopback only; see bench/README.md.
#
# Usage: bench/http-organisations.sh [path/to/liaison [path/to/liaison_bench_directory_load]]
#   The API answers only authenticated requests: the second program (default: the one in the
#   same build tree, bench/liaison_bench_directory_load) creates a reader account, and
#   `liaison admin issue-token` gives it a read_directory token that wrk sends as a Bearer token.
#   BENCH_DURATION     measured run per endpoint, wrk syntax (default 10s)
#   BENCH_WARMUP       discarded warm-up run per endpoint (default 2s)
#   BENCH_CONNECTIONS  open connections (default 64)
#   BENCH_THREADS      wrk threads (default 2)
#   BENCH_SAVE=1       also write bench/results/http-organisations-<UTC>.json
#   NGINX              nginx binary (default /usr/sbin/nginx, Debian nginx-light)
#
# It is a measurement, not a test: it exits 0 whatever the ratio, and only
# fails when something could not be measured at all.
set -euo pipefail

repo_root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)

liaison=${1:-$repo_root/build/release/src/app/liaison}
loader=${2:-}
duration=${BENCH_DURATION:-10s}
warmup=${BENCH_WARMUP:-2s}
connections=${BENCH_CONNECTIONS:-64}
threads=${BENCH_THREADS:-2}
save=${BENCH_SAVE:-0}
nginx_bin=${NGINX:-/usr/sbin/nginx}
target_ratio=0.50

bench_name=http-organisations
# shellcheck source=bench/lib.sh
source "$repo_root/bench/lib.sh"

# --- preconditions ----------------------------------------------------------

[[ $connections =~ ^[1-9][0-9]*$ ]] || die "BENCH_CONNECTIONS must be a positive integer, got '$connections'"
[[ $threads =~ ^[1-9][0-9]*$ ]] || die "BENCH_THREADS must be a positive integer, got '$threads'"
((connections >= threads)) || die "BENCH_CONNECTIONS ($connections) must be >= BENCH_THREADS ($threads) for wrk"

if [[ $liaison != /* ]]; then
  liaison=$PWD/$liaison
fi
[[ -x $liaison && ! -d $liaison ]] ||
  die "no executable liaison binary at '$liaison'; build it with
  cmake --preset release && cmake --build --preset release
or pass its path as the first argument"
# build/X/src/app/liaison -> build/X/bench/liaison_bench_directory_load
[[ -n $loader ]] || loader=$(dirname -- "$(dirname -- "$(dirname -- "$liaison")")")/bench/liaison_bench_directory_load
if [[ $loader != /* ]]; then
  loader=$PWD/$loader
fi
[[ -x $loader && ! -d $loader ]] ||
  die "no executable liaison_bench_directory_load at '$loader' (it creates the account the
token belongs to); build it in the same tree with
  cmake --build --preset release --target liaison_bench_directory_load
or pass its path as the second argument"

missing=()
for tool in wrk curl setsid; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[[ -x $nginx_bin ]] || missing+=("$nginx_bin")
((${#missing[@]} == 0)) ||
  die "missing: ${missing[*]} (Debian: apt-get install -y nginx-light wrk curl, or scripts/install-deps.sh)"

# --- process bookkeeping and cleanup ----------------------------------------

bench_tmpdir
mkdir -p "$tmp/www" "$tmp/nginx" "$tmp/wrk"

# --- free loopback ports ----------------------------------------------------

liaison_port=$(free_port)
taken_ports+=("$liaison_port") # free_port ran in a subshell
nginx_port=$(free_port)

liaison_base=http://127.0.0.1:$liaison_port
liaison_url=$liaison_base/api/v1/organisations
nginx_url=http://127.0.0.1:$nginx_port/organisations.json

# --- Liaison ----------------------------------------------------------------

liaison_env=(
  "LIAISON_DATABASE=sqlite:///$tmp/liaison.db"
  "LIAISON_LISTEN=127.0.0.1:$liaison_port"
  "LIAISON_ACCESS_LOG=false"
  "LIAISON_GNUPG_HOME=$tmp/gnupg"
  "LIAISON_MAIL_SPOOL=$tmp/mail-spool"
)

echo "== liaison: $liaison"
if ! env "${liaison_env[@]}" "$liaison" migrate >"$tmp/migrate.log" 2>&1; then
  sed 's/^/  | /' "$tmp/migrate.log" >&2
  die "liaison migrate failed"
fi

# The API needs authentication: an observer of the UN (made as people get accounts, invited and
# then accepted) and a read_directory token of it, sent by curl and wrk (to nginx too, so that
# both get the same requests).
reader=bench-reader@example.org
if ! env "${liaison_env[@]}" "$loader" --entries 0 --reader "$reader" >"$tmp/reader.log" 2>&1; then
  sed 's/^/  | /' "$tmp/reader.log" >&2
  die "could not create the reader account"
fi
token=$(env "${liaison_env[@]}" "$liaison" admin issue-token --email "$reader" \
  --scope read_directory --days 1 --name "bench/http-organisations.sh" 2>"$tmp/token.log") || {
  sed 's/^/  | /' "$tmp/token.log" >&2
  die "liaison admin issue-token failed"
}
[[ $token == lia_* ]] || die "liaison admin issue-token printed no token"
auth_header="Authorization: Bearer $token"

start_bg "$tmp/liaison.log" env "${liaison_env[@]}" "$liaison" serve
liaison_pid=$last_pid
wait_ready liaison "$liaison_base/readyz" "$liaison_pid" 20 "$tmp/liaison.log"
echo "   serving on $liaison_base (pid $liaison_pid, access log off; a read_directory token)"

body=$tmp/www/organisations.json
curl -fsS --max-time 10 -H "$auth_header" -D "$tmp/liaison.headers" -o "$body" "$liaison_url" ||
  die "GET $liaison_url failed"

header() { # header FILE NAME -> value of the last such header, CR stripped
  awk -v name="$2" 'BEGIN { name = tolower(name) ":" }
    { line = $0; sub(/\r$/, "", line)
      if (tolower(substr(line, 1, length(name))) == name) { v = substr(line, length(name) + 1); sub(/^[ \t]+/, "", v) } }
    END { print v }' "$1"
}

body_bytes=$(wc -c <"$body" | tr -d ' ')
liaison_type=$(header "$tmp/liaison.headers" Content-Type)
echo "   GET /api/v1/organisations: $body_bytes bytes, Content-Type: ${liaison_type:-<none>}"
((body_bytes > 2)) || echo "   warning: the body is nearly empty; is the database seeded?"

# --- nginx ------------------------------------------------------------------

user_line=""
if [[ $(id -u) == 0 ]]; then
  user_line="user root;" # workers would otherwise switch to www-data, who cannot read $tmp
fi

cat >"$tmp/nginx/nginx.conf" <<EOF
# generated by bench/http-organisations.sh
daemon off;
master_process on;
worker_processes 2;
$user_line
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;

events {
    worker_connections 4096;
}

http {
    access_log off;
    client_body_temp_path $tmp/nginx/client_body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;

    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65s;
    keepalive_requests 1000000;
    server_tokens off;

    server {
        listen 127.0.0.1:$nginx_port;
        server_name localhost;
        root $tmp/www;

        location = /organisations.json {
            types { }
            default_type application/json;
        }
        location / {
            return 404;
        }
    }
}
EOF

nginx_cmd=("$nginx_bin" -p "$tmp/nginx/" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf")
if ! "${nginx_cmd[@]}" -t >"$tmp/nginx/test.log" 2>&1; then
  sed 's/^/  | /' "$tmp/nginx/test.log" >&2
  die "generated nginx config is invalid"
fi

echo "== nginx: $("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //')"
start_bg "$tmp/nginx/stdout.log" "${nginx_cmd[@]}"
nginx_pid=$last_pid
wait_ready nginx "$nginx_url" "$nginx_pid" 10 "$tmp/nginx/error.log"

curl -fsS --max-time 10 -H "$auth_header" -D "$tmp/nginx.headers" -o "$tmp/nginx.body" "$nginx_url" ||
  die "GET $nginx_url failed"
cmp -s "$body" "$tmp/nginx.body" || die "nginx does not serve the same bytes as Liaison"
nginx_type=$(header "$tmp/nginx.headers" Content-Type)
echo "   serving on $nginx_url (pid $nginx_pid): $body_bytes bytes, Content-Type: ${nginx_type:-<none>}"

# --- wrk ----------------------------------------------------------------------

bench "nginx static file" nginx -H "$auth_header" "$nginx_url"
bench "liaison /api/v1/organisations" liaison -H "$auth_header" "$liaison_url"

# --- summary ------------------------------------------------------------------

res[nginx.type]=$nginx_type
res[liaison.type]=$liaison_type
ratio=$(awk -v a="${res[liaison.rps]}" -v b="${res[nginx.rps]}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "nan" }')
ratio_json=$(awk -v a="${res[liaison.rps]}" -v b="${res[nginx.rps]}" 'BEGIN { if (b > 0) printf "%.4f", a / b; else print "null" }')
below=$(awk -v r="$ratio" -v t="$target_ratio" 'BEGIN { print (r == "nan" || r + 0 < t + 0) ? 1 : 0 }')

echo
echo "== summary ($body_bytes-byte body, $duration, -t$threads -c$connections, $(nproc) CPUs shared by wrk and both servers)"
printf '%-32s %12s %10s %10s\n' endpoint req/s p50 p99
printf '%-32s %12s %10s %10s\n' "nginx static file" \
  "${res[nginx.rps]}" "$(fmt_ms "${res[nginx.p50]}")" "$(fmt_ms "${res[nginx.p99]}")"
printf '%-32s %12s %10s %10s\n' "liaison /api/v1/organisations" \
  "${res[liaison.rps]}" "$(fmt_ms "${res[liaison.p50]}")" "$(fmt_ms "${res[liaison.p99]}")"
printf '%-32s %12s   (target >= %s)\n' "ratio liaison/nginx" "$ratio" "$target_ratio"
for p in nginx liaison; do
  if ((res[$p.non2xx] > 0 || res[$p.errors] > 0)); then
    echo "WARNING: $p had ${res[$p.non2xx]} non-2xx/3xx responses and ${res[$p.errors]} socket errors; its numbers are suspect"
  fi
done
if ((below)); then
  echo
  echo "*** BELOW TARGET: liaison/nginx = $ratio < $target_ratio ***"
fi

# --- optional JSON record -------------------------------------------------------

json_num() { # a number, or null for anything else (e.g. "nan")
  if [[ $1 =~ ^-?[0-9]+(\.[0-9]+)?$ ]]; then printf '%s' "$1"; else printf null; fi
}

json_str() { # minimal JSON string escaping (backslash, quote, control chars dropped)
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$(printf '%s' "$s" | tr -d '\000-\037')"
}

if [[ $save == 1 ]]; then
  now=$(date -u +%s)
  stamp=$(date -u -d "@$now" +%Y%m%dT%H%M%SZ)
  results_dir=$repo_root/bench/results
  mkdir -p "$results_dir"
  result=$results_dir/http-organisations-$stamp.json
  commit=$(git -C "$repo_root" rev-parse --verify -q HEAD 2>/dev/null || true)
  cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
  {
    printf '{\n'
    printf '  "benchmark": "http-organisations",\n'
    printf '  "timestamp": %s,\n' "$(json_str "$(date -u -d "@$now" +%Y-%m-%dT%H:%M:%SZ)")"
    printf '  "git_commit": %s,\n' "$(if [[ -n $commit ]]; then json_str "$commit"; else printf null; fi)"
    printf '  "liaison_binary": %s,\n' "$(json_str "$liaison")"
    printf '  "host": {"cpus": %s, "cpu_model": %s, "kernel": %s},\n' \
      "$(nproc)" "$(json_str "$cpu")" "$(json_str "$(uname -r)")"
    printf '  "wrk": {"duration": %s, "warmup": %s, "connections": %s, "threads": %s},\n' \
      "$(json_str "$duration")" "$(json_str "$warmup")" "$connections" "$threads"
    printf '  "body_bytes": %s,\n' "$body_bytes"
    for p in nginx liaison; do
      printf '  "%s": {"requests_per_sec": %s, "latency_p50_ms": %s, "latency_p99_ms": %s, "non_2xx_3xx": %s, "socket_errors": %s, "content_type": %s},\n' \
        "$p" "$(json_num "${res[$p.rps]}")" "$(json_num "${res[$p.p50]}")" "$(json_num "${res[$p.p99]}")" \
        "$(json_num "${res[$p.non2xx]}")" "$(json_num "${res[$p.errors]}")" "$(json_str "${res[$p.type]}")"
    done
    printf '  "ratio_liaison_nginx": %s,\n' "$ratio_json"
    printf '  "target_ratio": %s,\n' "$target_ratio"
    printf '  "below_target": %s\n' "$( ((below)) && echo true || echo false)"
    printf '}\n'
  } >"$result"
  echo
  echo "saved $result"
fi

exit 0
