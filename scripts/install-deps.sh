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
  # the directory: ICU (folding, collation, time zones, language tags), GPGME and GnuPG (OpenPGP
  # keys), libphonenumber's library and the protobuf and Abseil headers its header needs (see below)
  libicu-dev libgpgme-dev gnupg libphonenumber8 libprotobuf-dev libabsl-dev
  # mail: MIME (GMime), SMTP submission (libcurl)
  libgmime-3.0-dev libcurl4-openssl-dev
  # reference data (state names in the six UN languages)
  iso-codes
  # test and benchmark peers
  postgresql-15 postgresql-client-15 curl nginx-light wrk openssl
  # browser tests (tests/e2e: Node.js runs Playwright, which drives Chromium) and SQL injection
  # scans (tests/security)
  nodejs chromium sqlmap
  # mail peers for the tests and benchmarks: an SMTP sink (aiosmtpd), an SMTP/LMTP client (swaks),
  # Postfix (a real MTA delivering to the LMTP listener; smtp-source for the baseline)
  python3-aiosmtpd swaks postfix
  # vCard output is read back by an independent parser (tests/integration/formats)
  python3 python3-vobject
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

# libphonenumber-dev depends on Boost 1.74's -dev packages, which conflict with the Boost 1.81
# ones Liaison builds with (Boost.URL). Its headers do not need Boost, so the package is unpacked
# into the git-ignored .deps/ (cmake/phonenumber.cmake looks there) instead of being installed;
# the shared library comes from libphonenumber8 above.
deps_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.deps"
if [[ ! -f $deps_dir/libphonenumber-dev/usr/include/phonenumbers/phonenumberutil.h ]]; then
  download_dir="$(mktemp -d)"
  chmod 755 "$download_dir"
  (cd "$download_dir" && apt-get download -q libphonenumber-dev)
  rm -rf "$deps_dir/libphonenumber-dev"
  mkdir -p "$deps_dir"
  dpkg-deb -x "$download_dir"/libphonenumber-dev_*.deb "$deps_dir/libphonenumber-dev"
  rm -rf "$download_dir"
fi
