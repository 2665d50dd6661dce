#!/usr/bin/env bash
# Installs what Liaison needs, builds it, and serves a demo instance on http://127.0.0.1:8080
# from an embedded SQLite database under var/ (created with the reference data and the demo
# organisation on first run). Stop it with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh release

mkdir -p var
export LIAISON_DATABASE=${LIAISON_DATABASE:-sqlite://$PWD/var/liaison.db}
export LIAISON_LISTEN=${LIAISON_LISTEN:-127.0.0.1:8080}
liaison=build/release/src/app/liaison

export LIAISON_PUBLIC_URL=${LIAISON_PUBLIC_URL:-http://$LIAISON_LISTEN}
# No MTA needed: mail goes to var/mail-spool as .eml files, shown at /demo/mailbox (demo mode),
# where a button answers a mail as its recipient would. The instance's OpenPGP key lives in
# var/gnupg. Replies from a real MTA can be handed over by LMTP on 127.0.0.1:2424.
export LIAISON_DEMO_MODE=${LIAISON_DEMO_MODE:-true}
export LIAISON_MAIL_SPOOL=${LIAISON_MAIL_SPOOL:-$PWD/var/mail-spool}
export LIAISON_GNUPG_HOME=${LIAISON_GNUPG_HOME:-$PWD/var/gnupg}
export LIAISON_LMTP_LISTEN=${LIAISON_LMTP_LISTEN:-127.0.0.1:2424}
export LIAISON_MAIL_FROM=${LIAISON_MAIL_FROM:-liaison@demo.liaison.invalid}

"$liaison" demo
# A fresh invitation for the demo operator each run: the link works once and for 72 hours.
invitation=$("$liaison" admin create-operator --email operator@demo.liaison.invalid \
  --name "Demo Operator" 2>/dev/null || true)
cat <<MESSAGE

  Liaison is starting on $LIAISON_PUBLIC_URL/
    set up the demo operator (password and authenticator app):
      ${invitation:-already set up: sign in at $LIAISON_PUBLIC_URL/sign-in}
    sign in:        $LIAISON_PUBLIC_URL/sign-in
    demo mailbox:   $LIAISON_PUBLIC_URL/demo/mailbox (every mail the demo sends)
    health:         $LIAISON_PUBLIC_URL/healthz
  Database: $LIAISON_DATABASE. Stop with Ctrl-C.

MESSAGE
exec "$liaison" serve
