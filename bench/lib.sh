# Shared by the benchmark scripts (source it; not run on its own): process bookkeeping and
# cleanup, free loopback ports, waiting for a server, wrk runs and their parsing.
#
# The sourcing script sets `bench_name` (for messages) first, and may set `keep=1` to keep the
# temporary directory ($tmp, made by bench_tmpdir). Every background process leads its own
# process group (setsid), and the exit trap stops them all and removes $tmp.
# shellcheck shell=bash

started=()
tmp=""
keep=${keep:-0}

die() {
  printf '%s: %s\n' "${bench_name:-bench}" "$*" >&2
  exit 1
}

# shellcheck disable=SC2317 # reached through the traps below
stop_started() {
  local pid deadline
  for pid in "${started[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  done
  deadline=$((SECONDS + 5))
  for pid in "${started[@]}"; do
    while kill -0 -- "-$pid" 2>/dev/null || kill -0 "$pid" 2>/dev/null; do
      if ((SECONDS >= deadline)); then
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.1
    done
    wait "$pid" 2>/dev/null || true
  done
  started=()
}

# shellcheck disable=SC2317
cleanup() {
  local status=$?
  trap - EXIT INT TERM HUP
  stop_started
  if [[ -n $tmp && -d $tmp ]]; then
    if ((keep)); then
      echo "kept $tmp"
    else
      rm -rf -- "$tmp"
    fi
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# start_bg LOGFILE CMD... : runs CMD in its own session, sets $last_pid. So it leads its own
# process group (nginx's workers included) and a Ctrl-C at the terminal reaches only the
# script, whose trap then stops everything it started. (A script has no job control, so the
# forked child is never a process group leader and setsid runs setsid(2) in place: $! is the
# group's id.)
start_bg() {
  local log=$1
  shift
  setsid "$@" >"$log" 2>&1 </dev/null &
  last_pid=$!
  started+=("$last_pid")
}

# stop_one PID: stops one process started by start_bg (a server to be restarted) and forgets it.
stop_one() {
  local pid=$1 kept=() each
  for each in "${started[@]}"; do
    [[ $each == "$pid" ]] || kept+=("$each")
  done
  started=("$pid")
  stop_started
  started=("${kept[@]}")
}

# bench_tmpdir: makes $tmp, the run's scratch directory.
bench_tmpdir() {
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/liaison-bench-${bench_name:-bench}.XXXXXX")
}

now_us() { printf '%s\n' "${EPOCHREALTIME//[^0-9]/}"; }

# True when nothing can be in the way of binding 127.0.0.1:$1.
port_is_free() {
  if command -v python3 >/dev/null 2>&1; then
    python3 - "$1" <<'PYTHON'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
PYTHON
  else
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
      return 1 # something is listening
    fi
  fi
}

# free_port: a free loopback port, starting at a random one below Linux's ephemeral range
# (32768+), so the client ends of wrk's connections never collide with the servers. It runs in
# a subshell ($(free_port)): add what it printed to taken_ports before asking again.
taken_ports=()
free_port() {
  local port=$((20000 + RANDOM % 12000)) tries taken clash
  for ((tries = 0; tries < 500; tries++, port++)); do
    ((port < 32000)) || port=20000
    clash=0
    for taken in "${taken_ports[@]}"; do
      [[ $taken == "$port" ]] && clash=1
    done
    if ((clash == 0)) && port_is_free "$port"; then
      printf '%s\n' "$port"
      return 0
    fi
  done
  die "no free loopback port found"
}

# wait_ready NAME URL PID TIMEOUT_S LOG: until URL answers 2xx; dies with the log otherwise.
wait_ready() {
  local name=$1 url=$2 pid=$3 timeout=$4 log=$5
  local deadline=$(($(now_us) + timeout * 1000000))
  until curl -fsS --max-time 1 -o /dev/null "$url" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      printf '%s exited before it was ready; its log:\n' "$name" >&2
      sed 's/^/  | /' "$log" >&2 || true
      die "$name did not start"
    fi
    if (($(now_us) >= deadline)); then
      printf '%s not ready at %s after %ss; its log:\n' "$name" "$url" "$timeout" >&2
      sed 's/^/  | /' "$log" >&2 || true
      die "$name did not become ready"
    fi
    sleep 0.1
  done
}

# --- wrk: the caller sets threads, connections, warmup and duration ---------------------------

# run_wrk OUTFILE DURATION WRK-ARGS...: wrk in the background, so that a signal interrupts
# `wait` at once and the trap can stop it.
run_wrk() {
  local out=$1 dur=$2 status=0
  shift 2
  start_bg "$out" wrk "-t$threads" "-c$connections" "-d$dur" --timeout 10s --latency "$@"
  wait "$last_pid" || status=$?
  started=("${started[@]:0:${#started[@]}-1}")
  if ((status != 0)); then
    sed 's/^/  | /' "$out" >&2
    die "wrk $* failed (exit $status)"
  fi
}

# to_ms VALUE_WITH_UNIT (wrk prints us, ms, s, m or h)
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : (u == "h") ? 3600000 : -1
    if (f < 0 || v == "") { print "nan"; exit }
    printf "%.3f", n * f }'
}

fmt_ms() { awk -v v="$1" 'BEGIN { printf "%.2fms", v }'; }

# Results, keyed "<key>.<field>": rps, p50 and p99 (ms), non2xx, errors (socket errors, summed).
declare -A res=()

# parse_wrk OUTFILE KEY
parse_wrk() {
  local out=$1 p=$2 rps p50 p99 non2xx errors
  rps=$(awk '$1 == "Requests/sec:" { print $2 }' "$out")
  p50=$(awk '$1 == "50%" { print $2; exit }' "$out")
  p99=$(awk '$1 == "99%" { print $2; exit }' "$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
  errors=$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' "$out")
  [[ -n $rps && -n $p50 && -n $p99 ]] || {
    sed 's/^/  | /' "$out" >&2
    die "could not parse wrk output $out"
  }
  res[$p.rps]=$rps
  res[$p.p50]=$(to_ms "$p50")
  res[$p.p99]=$(to_ms "$p99")
  res[$p.non2xx]=${non2xx:-0}
  res[$p.errors]=${errors:-0}
}

# bench NAME KEY WRK-ARGS...: a discarded warm-up run, then the measured one, parsed into res.
bench() {
  local name=$1 p=$2
  shift 2
  mkdir -p "$tmp/wrk"
  echo
  echo "== $name: warm-up $warmup (discarded), then $duration; -t$threads -c$connections"
  run_wrk "$tmp/wrk/$p-warmup.txt" "$warmup" "$@"
  run_wrk "$tmp/wrk/$p.txt" "$duration" "$@"
  sed 's/^/   /' "$tmp/wrk/$p.txt"
  parse_wrk "$tmp/wrk/$p.txt" "$p"
}

# --- nginx: the baseline, serving one file -------------------------------------------------------

# start_static_nginx PORT WWW_DIR FILE CONTENT_TYPE: nginx (unprivileged unless root, 2 workers,
# keep-alive, sendfile, no access log) serving WWW_DIR/FILE as /FILE and 404 for anything else,
# in the background; sets nginx_pid and nginx_cmd. Needs $tmp and $nginx_bin.
start_static_nginx() {
  local nginx_port=$1 www=$2 file=$3 type=$4 user_line=""
  mkdir -p "$tmp/nginx"
  if [[ $(id -u) == 0 ]]; then
    user_line="user root;"
  fi
  cat >"$tmp/nginx/nginx.conf" <<EOF
# generated by bench/$bench_name
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
        root $www;
        location = /$file {
            types { }
            default_type $type;
        }
        location / {
            return 404;
        }
    }
}
EOF
  nginx_cmd=("$nginx_bin" -p "$tmp/nginx/" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf")
  "${nginx_cmd[@]}" -t >"$tmp/nginx/test.log" 2>&1 || {
    sed 's/^/  | /' "$tmp/nginx/test.log" >&2
    die "generated nginx config is invalid"
  }
  start_bg "$tmp/nginx/stdout.log" "${nginx_cmd[@]}"
  nginx_pid=$last_pid
}

# --- the SMTP sink -------------------------------------------------------------------------------

# start_smtp_sink PYTHON SCRIPT: tests/support/smtp_sink.py on a free loopback port, writing each
# message to $tmp/sink; waits (at most 10 s) for its port and sets sink_pid and sink_port.
start_smtp_sink() {
  local python=$1 script=$2 i
  mkdir -p "$tmp/sink"
  start_bg "$tmp/sink.log" "$python" "$script" --port 0 --dir "$tmp/sink" --ready-file "$tmp/sink.port"
  sink_pid=$last_pid
  for ((i = 0; i < 100; i++)); do
    [[ -s $tmp/sink.port ]] && break
    kill -0 "$sink_pid" 2>/dev/null || { cat "$tmp/sink.log" >&2; die "the SMTP sink did not start"; }
    sleep 0.1
  done
  [[ -s $tmp/sink.port ]] || die "the SMTP sink did not write its port in 10 s"
  sink_port=$(<"$tmp/sink.port")
}
