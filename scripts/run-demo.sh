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

"$liaison" demo
cat <<MESSAGE

  Liaison is starting on http://$LIAISON_LISTEN/
    organisations:  http://$LIAISON_LISTEN/api/v1/organisations
    a state:        http://$LIAISON_LISTEN/api/v1/states/FR
    health:         http://$LIAISON_LISTEN/healthz
  Sign-in does not exist yet in this version: the API above is open on loopback only.
  Database: $LIAISON_DATABASE. Stop with Ctrl-C.

MESSAGE
exec "$liaison" serve
