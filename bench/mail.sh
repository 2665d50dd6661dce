#!/usr/bin/env bash
# Mail benchmark: (1) the outbox sender of `liaison serve` delivering N queued messages to the
# SMTP sink tests/support/smtp_sink.py, against Postfix's smtp-source sending the same count
# of messages of about the same size to the same sink; (2) N replies through the LMTP listener
# into inbound_mail (smtp-source -L), against the same smtp-source -> sink figure. Loopback
# only; see bench/README.md.
#
# Usage: bench/mail.sh [path/to/liaison]      (default build/release/src/app/liaison)
#   N              messages per phase (default 10000)
#   BODY_BYTES     text body of each queued message (default 1000)
#   PARALLEL       also run smtp-source with this many sessions (default 4; 0: skip)
#   PHASE_TIMEOUT  seconds any one phase may take before the script gives up (default 600)
#   SMTP_SOURCE    smtp-source binary (default /usr/sbin/smtp-source, Debian postfix)
#   TMPDIR         where the temporary directory goes (keep it short: GnuPG's socket paths)
#
# It is a measurement, not a test: it exits 0 whatever the numbers, and fails only when
# something could not be measured (a server did not start, messages went missing, a phase timed
# out).
set -euo pipefail

repo_root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)

bench_name=mail
# shellcheck source=bench/lib.sh
source "$repo_root/bench/lib.sh"

case ${1:-} in
-h | --help)
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
  exit 0
  ;;
esac

liaison=${1:-$repo_root/build/release/src/app/liaison}
count=${N:-10000}
body_bytes=${BODY_BYTES:-1000}
parallel=${PARALLEL:-4}
phase_timeout=${PHASE_TIMEOUT:-600}
smtp_source=${SMTP_SOURCE:-/usr/sbin/smtp-source}
python=/usr/bin/python3 # Debian's, for python3-aiosmtpd (the sink)
sink_script=$repo_root/tests/support/smtp_sink.py

[[ $count =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer, got '$count'"
((count <= 1000000)) || die "N above 1,000,000 is not what this benchmark is for"
[[ $body_bytes =~ ^[1-9][0-9]*$ ]] || die "BODY_BYTES must be a positive integer"
[[ $parallel =~ ^[0-9]+$ ]] || die "PARALLEL must be a number"
[[ $phase_timeout =~ ^[1-9][0-9]*$ ]] || die "PHASE_TIMEOUT must be a positive integer"
[[ -x $liaison ]] || die "no executable at $liaison (build it: ninja -C build/release liaison)"
[[ -x $smtp_source ]] || die "no $smtp_source (Debian: apt-get install -y postfix)"
[[ -x $python ]] || die "no $python"
"$python" -c 'import aiosmtpd, sqlite3' 2>/dev/null || die "$python lacks aiosmtpd (python3-aiosmtpd)"
for tool in curl setsid timeout; do
  command -v "$tool" >/dev/null 2>&1 || die "missing: $tool"
done
grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$(dirname "$liaison")/../../CMakeCache.txt" 2>/dev/null ||
  echo "warning: $liaison does not look like a Release build; the numbers will mean little"

# Keep TMPDIR short: the GnuPG agent's socket lives in gnupg_home, and sockets have a 107-byte
# limit.
bench_tmpdir
mkdir -p "$tmp/sink" "$tmp/g"
chmod 700 "$tmp/g"
db=$tmp/liaison.db

# rate COUNT MICROSECONDS -> messages/s with one decimal
rate() { awk -v n="$1" -v us="$2" 'BEGIN { if (us > 0) printf "%.1f", n * 1e6 / us; else print "nan" }'; }
secs() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "nan" }'; }
sink_files() { find "$tmp/sink" -maxdepth 1 -name '*.eml' | wc -l; }
sql() { "$python" - "$db" "$@"; }

# --- free loopback ports ------------------------------------------------------------------------

lmtp_port=$(free_port)
taken_ports+=("$lmtp_port")
http_port=$(free_port)

# --- the sink -----------------------------------------------------------------------------------

start_smtp_sink "$python" "$sink_script"

# --- Liaison --------------------------------------------------------------------------------------

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

env "${liaison_env[@]}" "$liaison" migrate >"$tmp/migrate.log" 2>&1 ||
  { sed 's/^/  | /' "$tmp/migrate.log" >&2; die "liaison migrate failed"; }

# start_liaison: starts `liaison serve` and waits (at most 60 s) for /readyz.
start_liaison() {
  start_bg "$tmp/liaison.log" env "${liaison_env[@]}" "$liaison" serve
  liaison_pid=$last_pid
  wait_ready liaison "http://127.0.0.1:$http_port/readyz" "$liaison_pid" 60 "$tmp/liaison.log"
}

# A first start on the empty outbox creates the instance's OpenPGP key (gnupg_home), which is
# a one-off cost of a new instance, not of sending: it stays out of the measured run.
echo "== first start (creates the instance OpenPGP key), then stop"
t=$(now_us)
start_liaison
echo "   ready after $(secs $(($(now_us) - t))) s"
stop_one "$liaison_pid"

# --- 1. outbox -> SMTP ------------------------------------------------------------------------------

echo "== filling the outbox with $count pending messages ($body_bytes-byte text bodies)"
sql "$count" "$body_bytes" <<'EOF'
import sqlite3, sys, uuid
db, count, body_bytes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
line = "This is a benchmark message of the Liaison outbox; it says nothing at all. "
body = (line * (body_bytes // len(line) + 1))[:body_bytes]
created, past, expires = "2026-01-01T00:00:00Z", "2000-01-01T00:00:00Z", "2099-01-01T00:00:00Z"
rows = [(str(uuid.uuid4()), created, "invitation", f"poc{i}@example.net", f"Point of Contact {i}",
         "en", f"Benchmark message {i}", body, "clear", f"bench{i:07d}", 1, expires, "pending", 0,
         past) for i in range(count)]
c = sqlite3.connect(db)
c.executemany("INSERT INTO outbox (id, created_at, kind, recipient, recipient_name, language, "
              "subject, body, tlp, token, expects_answer, token_expires_at, status, attempts, "
              "next_attempt_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
c.commit()
EOF

echo "== liaison serve: sender -> sink (127.0.0.1:$sink_port), timed from the start of the server"
sink_before=$(sink_files)
t0=$(now_us)
start_liaison
ready_us=$(($(now_us) - t0))
deadline=$((SECONDS + phase_timeout))
while :; do
  read -r sent failed < <(sql <<'EOF'
import sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=10)
row = c.execute("SELECT count(*) FILTER (WHERE status = 'sent'), "
                "count(*) FILTER (WHERE status IN ('failed', 'bounced')) FROM outbox").fetchone()
print(*row)
EOF
  )
  ((sent + failed >= count)) && break
  kill -0 "$liaison_pid" 2>/dev/null || { sed 's/^/  | /' "$tmp/liaison.log" >&2; die "liaison serve exited"; }
  ((SECONDS < deadline)) || die "only $sent of $count sent after ${phase_timeout}s"
  sleep 0.2
done
((failed == 0)) || { sed 's/^/  | /' "$tmp/liaison.log" | tail -20 >&2; die "$failed messages failed"; }
# The end is the last sent_at the server wrote (microseconds, UTC), not the poll that saw it.
read -r first_us last_us < <(sql <<'EOF'
import sqlite3, sys, datetime
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
def us(text):
    t = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return int(t.timestamp() * 1_000_000)
lo, hi = c.execute("SELECT min(sent_at), max(sent_at) FROM outbox WHERE status = 'sent'").fetchone()
print(us(lo), us(hi))
EOF
)
liaison_us=$((last_us - t0))
steady_us=$((last_us - first_us))
received=$(($(sink_files) - sink_before))
((received == count)) || die "the sink holds $received messages, expected $count"
# Message size as the sink stored it, without its two X-Envelope lines.
avg_bytes=$(find "$tmp/sink" -maxdepth 1 -name '*.eml' -printf '%s\n' | awk '{ s += $1 } END { printf "%d", s / NR }')
avg_bytes=$((avg_bytes - 60))
# smtp-source adds From, To, Date and Message-Id (about 120 bytes) to -l bytes of payload.
payload=$((avg_bytes > 220 ? avg_bytes - 120 : 100))
liaison_rate=$(rate "$count" "$liaison_us")
steady_rate=$(rate $((count - 1)) "$steady_us")
echo "   $count sent in $(secs "$liaison_us") s from the start ($(secs "$ready_us") s to /readyz):" \
  "$liaison_rate msg/s; first to last sent_at $(secs "$steady_us") s: $steady_rate msg/s;" \
  "about $avg_bytes bytes per message"

# --- baseline: smtp-source to the same sink ---------------------------------------------------------

# smtp_source_run NAME ARGS... : times smtp-source, checks the sink got every message, sets $run_us.
smtp_source_run() {
  local name=$1 before after t
  shift
  before=$(sink_files)
  t=$(now_us)
  timeout "$phase_timeout" "$smtp_source" "$@" >"$tmp/$name.log" 2>&1 ||
    { sed 's/^/  | /' "$tmp/$name.log" >&2; die "smtp-source ($name) failed"; }
  run_us=$(($(now_us) - t))
  after=$(sink_files)
  [[ $name == lmtp* ]] || (((after - before) == count)) ||
    die "smtp-source ($name): the sink got $((after - before)) messages, expected $count"
}

# -d: one connection per session for all its messages, as Liaison's sender keeps its own.
echo "== smtp-source -d -s 1 -m $count -l $payload -> sink"
smtp_source_run source1 -d -s 1 -m "$count" -l "$payload" -f from@example.org -t to@example.net "127.0.0.1:$sink_port"
source1_us=$run_us
source1_rate=$(rate "$count" "$source1_us")
echo "   $(secs "$source1_us") s: $source1_rate msg/s"
sourcep_rate=""
if ((parallel > 1)); then
  echo "== smtp-source -d -s $parallel -m $count -l $payload -> sink"
  smtp_source_run sourcep -d -s "$parallel" -m "$count" -l "$payload" -f from@example.org -t to@example.net "127.0.0.1:$sink_port"
  sourcep_us=$run_us
  sourcep_rate=$(rate "$count" "$sourcep_us")
  echo "   $(secs "$sourcep_us") s: $sourcep_rate msg/s"
fi

# --- 2. LMTP ingest -----------------------------------------------------------------------------------

# Every reply names the token of one queued message (reply+bench0000000@example.org, which
# exists, so each is recorded as 'matched'), comes from that message's recipient, and carries
# smtp-source's own Message-Id: <pid.count.number@host>, unique within a run, which is what
# inbound_mail dedupes on. The count of rows afterwards checks that none was folded.
echo "== smtp-source -L -d -s 1 -m $count -l $payload -> LMTP 127.0.0.1:$lmtp_port"
smtp_source_run lmtp -L -d -s 1 -m "$count" -l "$payload" -f poc0@example.net \
  -t reply+bench0000000@example.org "127.0.0.1:$lmtp_port"
lmtp_us=$run_us
read -r inbound matched distinct < <(sql <<'EOF'
import sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=10)
print(*c.execute("SELECT count(*), count(*) FILTER (WHERE token_status = 'matched'), "
                 "count(DISTINCT message_id) FROM inbound_mail").fetchone())
EOF
)
((inbound == count)) ||
  echo "   WARNING: inbound_mail holds $inbound rows ($distinct distinct Message-IDs), expected $count"
lmtp_rate=$(rate "$inbound" "$lmtp_us")
echo "   $(secs "$lmtp_us") s: $inbound rows in inbound_mail ($matched matched): $lmtp_rate msg/s"

stop_one "$liaison_pid"

# --- summary --------------------------------------------------------------------------------------------

echo
echo "== summary ($count messages of about $avg_bytes bytes, $(nproc) CPUs shared by client, server and sink)"
printf '%-52s %10s %10s\n' "path" "seconds" "msg/s"
printf '%-52s %10s %10s\n' "liaison outbox -> SMTP sink (from server start)" "$(secs "$liaison_us")" "$liaison_rate"
printf '%-52s %10s %10s\n' "liaison outbox -> SMTP sink (first to last sent)" "$(secs "$steady_us")" "$steady_rate"
printf '%-52s %10s %10s\n' "smtp-source -s 1 -> SMTP sink" "$(secs "$source1_us")" "$source1_rate"
[[ -z $sourcep_rate ]] ||
  printf '%-52s %10s %10s\n' "smtp-source -s $parallel -> SMTP sink" "$(secs "$sourcep_us")" "$sourcep_rate"
printf '%-52s %10s %10s\n' "smtp-source -L -s 1 -> liaison LMTP -> inbound_mail" "$(secs "$lmtp_us")" "$lmtp_rate"
printf '%-52s %21s\n' "ratio liaison sender / smtp-source -s 1" "$(ratio "$liaison_rate" "$source1_rate")"
printf '%-52s %21s\n' "ratio LMTP ingest / smtp-source -s 1 to the sink" "$(ratio "$lmtp_rate" "$source1_rate")"
