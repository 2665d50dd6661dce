#!/usr/bin/env bash
# Installs every Debian 12 package Liaison needs to build, run and test.
# Shared by `scripts/run-demo.sh` and `scripts/test.sh`; safe to run again.
set -euo pipefail

if [[ ${LIAISON_SKIP_APT:-0} == 1 ]]; then
  exit 0
fi

packages=(
  # toolchain
  build-essential g++-12 cmake ninja-build pkg-config git ca-certificates
  clang-format clang-tidy
  # fuzzing (scripts/fuzz.sh): libFuzzer and the sanitizer runtimes
  clang-14 libclang-rt-14-dev
  # libraries
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libpq-dev libssl-dev
  libcli11-dev libtomlplusplus-dev libfmt-dev libspdlog-dev
  libgtest-dev libgmock-dev libsodium-dev liboath-dev libqrencode-dev libkainjow-mustache-dev
  # reference data (state names in the six UN languages)
  iso-codes
  # test and benchmark peers
  postgresql-15 postgresql-client-15 curl nginx-light wrk openssl
  # browser tests (tests/e2e: Node.js runs Playwright, which drives Chromium) and SQL injection
  # scans (tests/security)
  nodejs chromium sqlmap
)
# npm from Debian, unless the installed Node.js already brings its own (NodeSource's package
# does, and conflicts with Debian's npm).
if ! command -v npm >/dev/null 2>&1; then
  packages+=(npm)
fi

as_root=()
if [[ $(id -u) != 0 ]]; then
  as_root=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" apt-get install -y -q --no-install-recommends "${packages[@]}"
