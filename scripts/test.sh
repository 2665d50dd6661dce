#!/usr/bin/env bash
# Installs what Liaison needs, then builds and runs the whole test suite twice: the dev build
# (warnings as errors) and the ASan/UBSan build. The PostgreSQL tests start their own
# throw-away cluster on loopback; the dev build also runs the browser tests (tests/e2e, after
# `npm ci` there) and the sqlmap scan (tests/security). Also checks formatting, runs clang-tidy
# and a short fuzzing round (scripts/fuzz.sh). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

echo "== formatting (clang-format $(clang-format --version | grep -o '[0-9][0-9.]*' | head -1))"
scripts/format.sh --check

for preset in dev asan; do
  echo "== build: $preset"
  scripts/build.sh "$preset"
  if [[ $preset == dev ]]; then
    echo "== clang-tidy"
    scripts/lint.sh build/dev
  fi
  echo "== tests: $preset"
  if [[ $preset == dev ]]; then
    # Everything, including the browser tests (label e2e: Playwright + Chromium) and the
    # sqlmap scan (label security).
    ctest --preset "$preset"
  else
    # The sanitizer build skips the browser tests and the scan: they drive the same binary
    # through the same code the dev build's run already covered, at many times the cost.
    ctest --preset "$preset" --label-exclude '^(e2e|security)$'
  fi
done

echo "== fuzzing (saved crash inputs, then 10 s per target)"
scripts/fuzz.sh 10
