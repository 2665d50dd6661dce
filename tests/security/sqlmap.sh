#!/usr/bin/env bash
# SQL injection scan of the real server with sqlmap (Debian package `sqlmap`).
#
#   tests/security/sqlmap.sh path/to/liaison      (or LIAISON_BINARY=path/to/liaison)
#
# Migrates a fresh SQLite database in a temporary directory, invites an operator, starts
# `liaison serve` on a free loopback port, signs the operator in through the pages
# (operator_session.py) and runs sqlmap in batch mode against the inputs that reach SQL:
#   - POST /sign-in: the field email (which reaches SQL as text) at SQLMAP_LEVEL, password and
#     code (hashed or checked in code before any query) at level 1. The form's double-submit CSRF
#     cookie is sent equal to the csrf field (and cookies the server sets are dropped), or every
#     request would stop at 403 before the database. Failed sign-ins are throttled per client
#     address (19 free) and per e-mail address (4 free), and a 429 among the 401s looks like a
#     boolean answer to sqlmap. So the server trusts loopback as a proxy here and sqlmap's
#     xforwardedfor tamper gives each request a random X-Forwarded-For, and --eval gives each
#     request that carries the original e-mail address a random one; 429 is ignored all the same.
#   - GET /api/v1/organisations/{id}/members?lang=: the path segment and lang, signed in.
#   - GET /api/v1/states/{code}: the path segment, signed in.
# Prints one line per target and exits 1 when sqlmap identifies an injection point, when a run
# did not finish its tests (crash, abort, timeout, server gone), or when a target's requests
# never got past the CSRF, throttle or sign-in check; 0 otherwise. SQLMAP_LEVEL / SQLMAP_RISK
# change the depth (defaults 2 and 1 keep the whole script near one minute on two cores; each
# sign-in attempt costs a password hash). LIAISON_SQLMAP_KEEP=1 keeps the temporary directory.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
binary=${1:-${LIAISON_BINARY:-}}
level=${SQLMAP_LEVEL:-2}
risk=${SQLMAP_RISK:-1}
per_target_timeout=${SQLMAP_TARGET_TIMEOUT:-150}

die() {
  echo "FAIL: $*" >&2
  exit 1
}

[[ -n $binary ]] || die "usage: $0 path/to/liaison (or set LIAISON_BINARY)"
[[ -x $binary ]] || die "the liaison binary $binary does not exist or is not executable"
command -v sqlmap >/dev/null ||
  die "sqlmap is not installed (Debian: apt-get install sqlmap; scripts/install-deps.sh installs it)"
command -v curl >/dev/null || die "curl is not installed"
command -v python3 >/dev/null || die "python3 is not installed"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/liaison-sqlmap.XXXXXX")
server_pid=
failed=1
cleanup() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ $failed == 1 || ${LIAISON_SQLMAP_KEEP:-0} == 1 ]]; then
    echo "kept for inspection: $tmp (server.log, access.log, sqlmap-*.log)" >&2
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT

started=$SECONDS
export LIAISON_DATABASE="sqlite:///$tmp/liaison.db"
"$binary" migrate >"$tmp/migrate.log" 2>&1 || { cat "$tmp/migrate.log" >&2; die "liaison migrate failed"; }
email=scanner@example.org
"$binary" admin create-operator --email "$email" --name "Sam Scanner" \
  >"$tmp/invitation.txt" 2>"$tmp/invitation.err" ||
  { cat "$tmp/invitation.txt" "$tmp/invitation.err" >&2; die "liaison admin create-operator failed"; }
invitation=$(grep -m1 '^http' "$tmp/invitation.txt" || true)
[[ -n $invitation ]] || { cat "$tmp/invitation.txt" >&2; die "create-operator printed no link"; }

# Port 0: the kernel picks a free port, which the server names in its "serving … on" log line.
LIAISON_LISTEN=127.0.0.1:0 LIAISON_THREADS=4 LIAISON_TRUSTED_PROXIES=127.0.0.1 \
  "$binary" serve >"$tmp/access.log" 2>"$tmp/server.log" &
server_pid=$!
origin=
for _ in $(seq 150); do
  origin=$(grep -o 'serving .* on http://127\.0\.0\.1:[0-9]*/' "$tmp/server.log" 2>/dev/null |
           grep -o 'http://127\.0\.0\.1:[0-9]*' | head -1 || true)
  [[ -n $origin ]] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.log" >&2; die "liaison serve exited early"; }
  sleep 0.1
done
[[ -n $origin ]] || { cat "$tmp/server.log" >&2; die "liaison serve did not report its address in 15 s"; }
curl -fsS --max-time 5 "$origin/healthz" >/dev/null || die "$origin/healthz does not answer"
session=$(python3 "$here/operator_session.py" "$origin" "$invitation" "$email") ||
  die "could not sign the operator in through the pages (see above)"
echo "liaison serve at $origin, operator signed in;" \
  "sqlmap $(sqlmap --version 2>&1 | grep -m1 -oE '^[0-9][^ ]*' || echo '?'), level $level, risk $risk"

common=(--batch --disable-coloring --flush-session --output-dir="$tmp/sqlmap"
        --level="$level" --risk="$risk" --threads=4 --timeout=10 --retries=1
        --skip-waf --drop-set-cookie --ignore-code=401,429)
summary=()
verdict=0

# scan NAME GUARD_STATUSES [sqlmap arguments…]: runs sqlmap on one target and judges its output.
# GUARD_STATUSES (a regex) are the answers given before the database is reached (CSRF, sign-in);
# a scan that only ever got those tested nothing.
scan() {
  local name=$1 guard=$2
  shift 2
  local log="$tmp/sqlmap-$name.log"
  local first_line=$(($(wc -l <"$tmp/access.log") + 1))
  local begin=$SECONDS
  local rc=0
  TERM=dumb timeout --kill-after=10 "$per_target_timeout" \
    sqlmap "${common[@]}" "$@" </dev/null >"$log" 2>&1 || rc=$?
  local took=$((SECONDS - begin))
  local statuses requests tested result
  statuses=$(tail -n +"$first_line" "$tmp/access.log" | grep -o '"status":[0-9]*' | cut -d: -f2 || true)
  requests=$(grep -c . <<<"$statuses" || true)
  tested=$(grep -oE "parameter '[^']+' does not seem to be injectable" "$log" | cut -d"'" -f2 |
           paste -sd, - || true)
  if grep -qE "identified the following injection point|is vulnerable" "$log"; then
    result="INJECTABLE: $(grep -E "identified the following injection point|is vulnerable|^Parameter:|^ +(Type|Payload):" "$log" |
                           head -6 | tr -s ' \n' ' ')"
    verdict=1
  elif [[ $rc == 124 || $rc == 137 ]]; then
    result="DID NOT FINISH: stopped after ${per_target_timeout} s"
    verdict=1
  elif ! grep -q "all tested parameters do not appear to be injectable" "$log"; then
    result="DID NOT FINISH (exit $rc): $(grep -E '\[(CRITICAL|ERROR)\]' "$log" | head -2 | tr '\n' ' ')"
    verdict=1
  elif ! kill -0 "$server_pid" 2>/dev/null; then
    result="the server died during the scan"
    verdict=1
  elif ! grep -qvE "^($guard)\$" <<<"$statuses"; then
    result="TESTED NOTHING: every answer was $(sort -u <<<"$statuses" | paste -sd/ -)," \
      "the requests never got past the CSRF or sign-in check"
    verdict=1
  else
    result="not injectable (tested: ${tested:-?})"
    if grep -q "false positive or unexploitable injection point detected" "$log"; then
      result+=", after rejecting a false positive"
    fi
  fi
  local counts
  counts=$(sort <<<"$statuses" | uniq -c | awk '{printf "%s%s×%s", sep, $2, $1; sep=" "}')
  summary+=("sqlmap $name: $result; $requests requests [$counts] in ${took} s")
  echo "${summary[-1]}"
}

sign_in=(-u "$origin/sign-in" --method=POST
         --data='email=a@example.org&password=x&code=123456&csrf=t' --cookie='liaison_form=t'
         --tamper=xforwardedfor --headers='Accept: text/html'
         --eval="import random; email = 'scan-%d@example.org' % random.randrange(10**9) if email == 'a@example.org' else email")
scan sign-in-email '403|429' "${sign_in[@]}" -p email
scan sign-in-password-code '403|429' "${sign_in[@]}" -p password,code --level=1

scan organisation-members '401|403' --cookie="$session" \
  -u "$origin/api/v1/organisations/OSCE*/members?lang=en*"

scan state '401|403' --cookie="$session" -u "$origin/api/v1/states/FR*"

if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "FAIL: liaison serve is no longer running" >&2
  verdict=1
fi
echo "sqlmap: ${#summary[@]} targets in $((SECONDS - started)) s"
if [[ $verdict != 0 ]]; then
  echo "FAIL: see the lines above and the logs in $tmp" >&2
  exit 1
fi
failed=0
echo "sqlmap: no injectable parameter found"
