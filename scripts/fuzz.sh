#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang-14 (ASan + UBSan) into build/fuzz, replays the
# saved crash inputs of fuzz/regressions/, then fuzzes each target for a bounded time on a copy
# of its seed corpus in a temporary directory: nothing new is written into the repository.
#
#   scripts/fuzz.sh [seconds-per-target]      (default 20)
#   LIAISON_FUZZ_TARGETS="state_code_fuzzer config_fuzzer" scripts/fuzz.sh 60
#
# Exits non-zero when a regression input still crashes or a fuzzer finds a crash, leak, timeout
# or out-of-memory; the reproducer's path and the libFuzzer output are printed, and the
# temporary directory holding them is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

seconds=${1:-20}
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/fuzz.sh [seconds-per-target]" >&2
  exit 2
fi

cxx=${LIAISON_FUZZ_CXX:-clang++-14}
if ! command -v "$cxx" >/dev/null; then
  echo "fuzz.sh: $cxx not found; install clang-14 and libclang-rt-14-dev (scripts/install-deps.sh)" >&2
  exit 2
fi

build=$root/build/fuzz

echo "== configure and build $build ($cxx)"
build_started=$SECONDS
cmake -S fuzz -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" >/dev/null
if [[ -n ${LIAISON_FUZZ_TARGETS:-} ]]; then
  read -r -a targets <<<"$LIAISON_FUZZ_TARGETS"
  cmake --build "$build" --target "${targets[@]}"
else
  # Every fuzz/*_fuzzer.cpp that fuzz/CMakeLists.txt builds (the `fuzzers` target).
  cmake --build "$build" --target fuzzers
  targets=()
  for source in fuzz/*_fuzzer.cpp; do
    name=$(basename "$source" .cpp)
    if [[ -x $build/$name ]]; then targets+=("$name"); fi
  done
fi
echo "build took $((SECONDS - build_started)) s"

work=$(mktemp -d "${TMPDIR:-/tmp}/liaison-fuzz.XXXXXX")
# Scratch files a target writes itself (config_fuzzer's TOML file), on tmpfs when there is one.
scratch_parent=/dev/shm
if [[ ! -d $scratch_parent || ! -w $scratch_parent ]]; then scratch_parent=$work; fi
scratch=$(mktemp -d "$scratch_parent/liaison-fuzz-scratch.XXXXXX")
export LIAISON_FUZZ_TMPDIR=$scratch
keep_work=0
cleanup() {
  rm -rf "$scratch"
  if [[ $keep_work == 0 ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT

symbolizer=$(command -v llvm-symbolizer-14 || command -v llvm-symbolizer || true)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
if [[ -n $symbolizer ]]; then
  export ASAN_SYMBOLIZER_PATH=$symbolizer
  export UBSAN_SYMBOLIZER_PATH=$symbolizer
fi

failed=()
summary=()

for target in "${targets[@]}"; do
  binary=$build/$target
  dir=$work/$target
  mkdir -p "$dir/corpus" "$dir/artifacts"

  # 1. Saved crash inputs must not crash any more.
  regressions=$root/fuzz/regressions/$target
  if [[ -d $regressions ]] && compgen -G "$regressions/*" >/dev/null; then
    echo "== $target: replaying $regressions"
    if ! "$binary" -rss_limit_mb=2048 -timeout=10 "$regressions"/* >"$dir/regressions.log" 2>&1; then
      cat "$dir/regressions.log"
      echo "!! $target: a saved input in $regressions still fails (log: $dir/regressions.log)"
      failed+=("$target (regression)")
      summary+=("$target: regression inputs still fail")
      continue
    fi
  fi

  # 2. Fuzz for a bounded time on a copy of the seed corpus.
  if [[ -d $root/fuzz/corpus/$target ]]; then
    cp -R "$root/fuzz/corpus/$target/." "$dir/corpus/"
  fi
  options=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
    -artifact_prefix="$dir/artifacts/")
  if [[ -f $root/fuzz/$target.dict ]]; then
    options+=(-dict="$root/fuzz/$target.dict")
  fi
  echo "== $target: fuzzing for $seconds s"
  status=0
  "$binary" "${options[@]}" "$dir/corpus" >"$dir/fuzz.log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/fuzz.log" | tail -1)
  coverage=$(grep -o 'cov: [0-9]*' "$dir/fuzz.log" | tail -1 | sed 's/cov: //')
  artifacts=("$dir"/artifacts/*)
  if [[ $status != 0 || -e ${artifacts[0]} ]]; then
    cat "$dir/fuzz.log"
    for artifact in "${artifacts[@]}"; do
      [[ -e $artifact ]] || continue
      echo "!! $target: reproducer $artifact"
      echo "   reproduce: $binary $artifact"
    done
    echo "!! $target: failed (exit $status); log: $dir/fuzz.log"
    failed+=("$target")
    summary+=("$target: FAILED after ${runs:-?} runs")
  else
    tail -n 3 "$dir/fuzz.log" | grep -v '^stat::' || true
    summary+=("$target: ok, ${runs:-?} runs, coverage ${coverage:-?} edges, corpus $(find "$dir/corpus" -type f | wc -l) inputs")
  fi
done

echo "== summary"
printf '  %s\n' "${summary[@]}"
if ((${#failed[@]})); then
  keep_work=1
  echo "fuzzing failed: ${failed[*]}; inputs and logs kept in $work"
  exit 1
fi
