#!/usr/bin/env bash
# Communication check benchmark: a campaign to every entry of a directory of N synthetic Points
# of Contact (default 100000). Measures, in one run on loopback:
#   1. enqueue: CheckService::launch copying the recipients and queuing one mail each (one
#      transaction), in process (bench/check_campaign.cpp);
#   2. deliver: `liaison serve`'s sender taking them to the SMTP sink tests/support/smtp_sink.py,
#      against Postfix's smtp-source sending as many messages of the same size to the same sink;
#   3. ingest: one reply per recipient, from its own address to reply+TOKEN@, by a Python LMTP
#      client on one connection into Liaison's LMTP listener, until every answer is recorded,
#      against the same client sending the same messages to the sink over SMTP;
#   4. results: CheckService::results and results_csv in process, then GET
#      /api/v1/checks/{id}/results (JSON) and ?format=csv with curl, against nginx serving the
#      same JSON bytes.
#
# Usage: bench/checks.sh [options]
#   --entries N        directory entries to load (default 100000)
#   --build-dir DIR    CMake build directory of the release preset (default build/release)
#   --no-build         use the binaries already in DIR
#   --keep             keep the temporary directory and print its path
#   PHASE_TIMEOUT      seconds any one phase may take (default 1800)
#   SMTP_SOURCE        smtp-source binary (default /usr/sbin/smtp-source, Debian postfix)
#   NGINX              nginx binary (default /usr/sbin/nginx, Debian nginx-light)
#   TMPDIR             where the temporary directory goes (keep it short: GnuPG's socket paths)
#
# It is a measurement, not a test: it exits 0 whatever the numbers, and fails only when
# something could not be measured (a build or a server failed, mail or answers went missing).
set -euo pipefail

repo_root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)

entries=100000
build_dir=$repo_root/build/release
build=1
keep=0
phase_timeout=${PHASE_TIMEOUT:-1800}
smtp_source=${SMTP_SOURCE:-/usr/sbin/smtp-source}
nginx_bin=${NGINX:-/usr/sbin/nginx}
python=/usr/bin/python3 # Debian's, for python3-aiosmtpd (the sink)
sink_script=$repo_root/tests/support/smtp_sink.py
organisation=UN
secretariat=bench-secretariat@example.org

bench_name=checks
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
  --keep) keep=1; shift ;;
  -h | --help) usage 0 ;;
  *) printf 'checks: unknown option %s\n' "$1" >&2; usage 2 ;;
  esac
done

[[ $entries =~ ^[1-9][0-9]*$ ]] || die "--entries must be a positive integer, got '$entries'"
[[ $phase_timeout =~ ^[1-9][0-9]*$ ]] || die "PHASE_TIMEOUT must be a positive integer"
[[ $build_dir == /* ]] || build_dir=$PWD/$build_dir
missing=()
for tool in curl setsid timeout; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[[ -x $smtp_source ]] || missing+=("$smtp_source")
[[ -x $nginx_bin ]] || missing+=("$nginx_bin")
((${#missing[@]} == 0)) ||
  die "missing: ${missing[*]} (Debian: apt-get install -y postfix nginx-light curl)"
"$python" -c 'import aiosmtpd, sqlite3' 2>/dev/null || die "$python lacks aiosmtpd (python3-aiosmtpd)"

# --- build --------------------------------------------------------------------------------------

liaison=$build_dir/src/app/liaison
loader=$build_dir/bench/liaison_bench_directory_load
campaign=$build_dir/bench/liaison_bench_check_campaign
if ((build)); then
  echo "== build: $build_dir (release preset)"
  if [[ ! -f $build_dir/CMakeCache.txt ]]; then
    cmake --preset release -S "$repo_root" -B "$build_dir" >/dev/null ||
      die "cmake --preset release -B $build_dir failed"
  fi
  cmake --build "$build_dir" -j2 --target liaison liaison_bench_directory_load \
    liaison_bench_check_campaign | grep -v '^\[' || true
  ((PIPESTATUS[0] == 0)) || die "the build failed"
fi
for binary in "$liaison" "$loader" "$campaign"; do
  [[ -x $binary ]] || die "no executable at $binary (build it, or drop --no-build)"
done
grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$build_dir/CMakeCache.txt" 2>/dev/null ||
  echo "warning: $build_dir is not a Release build; the numbers will mean little"

bench_tmpdir
mkdir -p "$tmp/sink" "$tmp/g" "$tmp/www"
chmod 700 "$tmp/g"
db=$tmp/liaison.db

secs() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1e6 }'; }
rate() { awk -v n="$1" -v us="$2" 'BEGIN { if (us > 0) printf "%.1f", n * 1e6 / us; else print "nan" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "nan" }'; }
sink_files() { find "$tmp/sink" -maxdepth 1 -name '*.eml' | wc -l; }
sql() { "$python" - "$db" "$@"; }

# --- ports, sink ----------------------------------------------------------------------------------

lmtp_port=$(free_port)
taken_ports+=("$lmtp_port")
http_port=$(free_port)
taken_ports+=("$http_port")
nginx_port=$(free_port)

start_smtp_sink "$python" "$sink_script"

liaison_env=(
  "LIAISON_DATABASE=sqlite:///$db"
  "LIAISON_LISTEN=127.0.0.1:$http_port"
  "LIAISON_ACCESS_LOG=false"
  "LIAISON_LOG_LEVEL=warn"
  "LIAISON_SMTP_URL=smtp://127.0.0.1:$sink_port"
  "LIAISON_MAIL_FROM=liaison@example.org"
  "LIAISON_GNUPG_HOME=$tmp/g"
  "LIAISON_LMTP_LISTEN=127.0.0.1:$lmtp_port"
  "LIAISON_MAIL_SENDER_ID=bench"
)

# --- directory ----------------------------------------------------------------------------------

echo "== migrate, load $entries entries into $organisation"
env "${liaison_env[@]}" "$liaison" migrate >"$tmp/migrate.log" 2>&1 ||
  { sed 's/^/  | /' "$tmp/migrate.log" >&2; die "liaison migrate failed"; }
env "${liaison_env[@]}" "$loader" --entries "$entries" --organisation "$organisation" \
  --second-organisation "" --reader "$secretariat" --reader-role secretariat >"$tmp/load.txt" ||
  die "loading failed"
sed 's/^/   /' "$tmp/load.txt"
token=$(env "${liaison_env[@]}" "$liaison" admin issue-token --email "$secretariat" \
  --scope run_checks --days 1 --name "bench/checks.sh" 2>"$tmp/token.log") ||
  { sed 's/^/  | /' "$tmp/token.log" >&2; die "liaison admin issue-token failed"; }

# --- 1. enqueue ---------------------------------------------------------------------------------

echo "== launch: a check to every published entry (one transaction)"
read -r check_id recipients enqueue_s < <(env "${liaison_env[@]}" "$campaign" launch \
  --organisation "$organisation") || die "the launch failed"
queued=$(sql <<'EOF'
import sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
print(c.execute("SELECT count(*) FROM outbox WHERE kind = 'check_invitation'").fetchone()[0])
EOF
)
((queued == recipients)) || die "$queued invitations queued for $recipients recipients"
# Besides the invitations, the outbox holds the secretariat account's own invitation.
total=$(sql <<'EOF'
import sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
print(c.execute("SELECT count(*) FROM outbox").fetchone()[0])
EOF
)
echo "   check $check_id: $recipients recipients, $queued invitations queued in $enqueue_s s"

# --- 2. deliver -----------------------------------------------------------------------------------

echo "== liaison serve: sender -> sink, timed from the start of the server"
t0=$(now_us)
start_bg "$tmp/liaison.log" env "${liaison_env[@]}" "$liaison" serve
liaison_pid=$last_pid
wait_ready liaison "http://127.0.0.1:$http_port/readyz" "$liaison_pid" 120 "$tmp/liaison.log"
deadline=$((SECONDS + phase_timeout))
while :; do
  sent=$(sql <<'EOF'
import sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=10)
print(c.execute("SELECT count(*) FROM outbox WHERE status <> 'pending'").fetchone()[0])
EOF
  )
  ((sent >= total)) && break
  kill -0 "$liaison_pid" 2>/dev/null || { tail -20 "$tmp/liaison.log" >&2; die "liaison serve exited"; }
  ((SECONDS < deadline)) || die "only $sent of $queued sent after ${phase_timeout}s"
  sleep 0.5
done
read -r last_us failed < <(sql <<'EOF'
import sqlite3, sys, datetime
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
hi, = c.execute("SELECT max(sent_at) FROM outbox WHERE status = 'sent'").fetchone()
failed, = c.execute("SELECT count(*) FROM outbox WHERE status IN ('failed', 'bounced')").fetchone()
t = datetime.datetime.fromisoformat(hi.replace("Z", "+00:00"))
print(int(t.timestamp() * 1_000_000), failed)
EOF
)
((failed == 0)) || die "$failed messages failed"
deliver_us=$((last_us - t0))
received=$(sink_files)
((received == total)) || die "the sink holds $received messages, expected $total"
avg_bytes=$(find "$tmp/sink" -maxdepth 1 -name '*.eml' -printf '%s\n' | awk '{ s += $1 } END { printf "%d", s / NR - 60 }')
echo "   $total delivered ($queued invitations) in $(secs "$deliver_us") s: $(rate "$total" "$deliver_us") msg/s (about $avg_bytes bytes each)"

echo "== baseline: smtp-source -s 4 -m $queued to the same sink"
before=$(sink_files)
t=$(now_us)
timeout "$phase_timeout" "$smtp_source" -d -s 4 -m "$queued" -l $((avg_bytes > 220 ? avg_bytes - 120 : 100)) \
  -f bench@example.org -t sink@example.org "127.0.0.1:$sink_port" >"$tmp/smtp-source.log" 2>&1 ||
  { sed 's/^/  | /' "$tmp/smtp-source.log" >&2; die "smtp-source failed"; }
source_us=$(($(now_us) - t))
(($(sink_files) - before == queued)) || die "smtp-source: the sink did not get every message"
echo "   $(secs "$source_us") s: $(rate "$queued" "$source_us") msg/s"

# --- 3. ingest --------------------------------------------------------------------------------------

sql "$tmp/replies.txt" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
with open(sys.argv[2], "w") as out:
    for token, address in c.execute("SELECT o.token, r.address FROM check_recipients r "
                                     "JOIN outbox o ON o.id = r.outbox_id ORDER BY r.id"):
        out.write(f"{token} {address}\n")
EOF
cat >"$tmp/replier.py" <<'EOF'
# One reply per line of "TOKEN ADDRESS", on one connection: LMTP or SMTP.
import smtplib, sys
mode, host, port, path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
client = smtplib.LMTP(host, port) if mode == "lmtp" else smtplib.SMTP(host, port)
with open(path) as lines:
    for n, line in enumerate(lines):
        token, address = line.split()
        to = f"reply+{token}@example.org"
        message = (f"From: {address}\r\nTo: {to}\r\nSubject: Re: Benchmark check\r\n"
                   f"Message-ID: <bench-{n}-{mode}@example.net>\r\n"
                   "Content-Type: text/plain; charset=utf-8\r\n\r\nReceived, we are here.\r\n")
        client.sendmail(address, [to], message)
client.quit()
EOF
echo "== ingest: $queued replies by LMTP (one connection) until every answer is recorded"
t=$(now_us)
timeout "$phase_timeout" "$python" "$tmp/replier.py" lmtp 127.0.0.1 "$lmtp_port" "$tmp/replies.txt" \
  >"$tmp/replier.log" 2>&1 || { sed 's/^/  | /' "$tmp/replier.log" >&2; die "the LMTP client failed"; }
answered=$(sql <<'EOF'
import sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=10)
print(c.execute("SELECT count(*) FROM check_recipients WHERE answered_at IS NOT NULL").fetchone()[0])
EOF
)
ingest_us=$(($(now_us) - t))
((answered == queued)) || die "$answered of $queued answers recorded"
echo "   $(secs "$ingest_us") s: $(rate "$queued" "$ingest_us") answers/s"

echo "== baseline: the same client, the same messages, to the SMTP sink"
t=$(now_us)
timeout "$phase_timeout" "$python" "$tmp/replier.py" smtp 127.0.0.1 "$sink_port" "$tmp/replies.txt" \
  >"$tmp/replier-sink.log" 2>&1 || { sed 's/^/  | /' "$tmp/replier-sink.log" >&2; die "the SMTP client failed"; }
client_us=$(($(now_us) - t))
echo "   $(secs "$client_us") s: $(rate "$queued" "$client_us") msg/s"

# --- 4. results ----------------------------------------------------------------------------------

echo "== results in process (CheckService::results, results_csv)"
read -r results_s csv_s _ responded pending csv_bytes < <(env "${liaison_env[@]}" "$campaign" \
  results --check "$check_id") || die "reading the results failed"
echo "   results $results_s s, csv $csv_s s ($responded responded, $pending pending, CSV $csv_bytes bytes)"

api=http://127.0.0.1:$http_port/api/v1/checks/$check_id/results
auth=(-H "Authorization: Bearer $token")
curl -fsS --max-time 300 "${auth[@]}" -o "$tmp/www/results.json" "$api" || die "GET $api failed"
json_bytes=$(wc -c <"$tmp/www/results.json" | tr -d ' ')
# median of 5 one at a time: CURL_URL → seconds
median5() {
  for _ in 1 2 3 4 5; do
    curl -fsS --max-time 300 "$@" -o /dev/null -w '%{time_total}\n' || die "GET $* failed"
  done | sort -n | awk 'NR == 3 { printf "%.3f", $1 }'
}
json_s=$(median5 "${auth[@]}" "$api")
csv_http_s=$(median5 "${auth[@]}" "$api?format=csv")
start_static_nginx "$nginx_port" "$tmp/www" results.json application/json
wait_ready nginx "http://127.0.0.1:$nginx_port/results.json" "$nginx_pid" 10 "$tmp/nginx/error.log"
nginx_s=$(median5 "http://127.0.0.1:$nginx_port/results.json")
echo "   GET results JSON ($json_bytes bytes): $json_s s; CSV: $csv_http_s s; nginx, same bytes: $nginx_s s"

echo
echo "== summary ($recipients recipients)"
printf '%-58s %10s %12s\n' "phase" "seconds" "per second"
printf '%-58s %10s %12s\n' "enqueue (launch, one transaction)" "$enqueue_s" "$(awk -v n="$recipients" -v s="$enqueue_s" 'BEGIN { printf "%.1f", n / s }')"
printf '%-58s %10s %12s\n' "deliver: liaison serve -> SMTP sink" "$(secs "$deliver_us")" "$(rate "$total" "$deliver_us")"
printf '%-58s %10s %12s\n' "  baseline: smtp-source -s 4 -> the same sink" "$(secs "$source_us")" "$(rate "$queued" "$source_us")"
printf '%-58s %10s %12s\n' "ingest: LMTP replies -> answers recorded" "$(secs "$ingest_us")" "$(rate "$queued" "$ingest_us")"
printf '%-58s %10s %12s\n' "  baseline: the same client -> SMTP sink" "$(secs "$client_us")" "$(rate "$queued" "$client_us")"
printf '%-58s %10s\n' "results in process / CSV in process" "$results_s / $csv_s"
printf '%-58s %10s\n' "GET results JSON / CSV (median of 5)" "$json_s / $csv_http_s"
printf '%-58s %10s\n' "  baseline: nginx, the same JSON bytes" "$nginx_s"
echo "ratios: deliver $(ratio "$(rate "$total" "$deliver_us")" "$(rate "$queued" "$source_us")") of smtp-source;" \
  "ingest $(ratio "$(rate "$queued" "$ingest_us")" "$(rate "$queued" "$client_us")") of the client's own rate to the sink"
