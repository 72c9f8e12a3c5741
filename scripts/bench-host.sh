#!/usr/bin/env bash
# Host benchmark: builds a Release build in build-release/ and runs picowasm-bench, which times
# every benchmark program (bench/programs/) natively and as wasm under picowasm, side by side, and
# checks that both give the same result. The table at the end shows CPU time per call (fastest of
# 3 repetitions); the last line is `geomean_slowdown_vs_native=X.XX`.
# Arguments go to picowasm-bench, e.g. --benchmark_filter=fib or --params=cortex-m.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/deps.sh

# Only the library and the benchmark are needed: no tests, no host tools.
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DPICOWASM_BUILD_TESTS=OFF \
  -DPICOWASM_BUILD_TOOLS=OFF
cmake --build build-release -j"$(nproc)" --target picowasm-bench

bench=build-release/bench/picowasm-bench
if [[ ! -x "$bench" ]]; then
  echo "bench-host.sh: $bench was not built (needs Google Benchmark: libbenchmark-dev)" >&2
  exit 1
fi
exec "$bench" "$@"
