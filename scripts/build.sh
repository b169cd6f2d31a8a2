#!/usr/bin/env bash
# Configures and builds lambda-cd into ${BUILD_DIR:-build}. CI=true adds -Werror;
# LCD_SANITIZE=1 builds with ASan+UBSan into build-asan, LCD_SANITIZE=thread with ThreadSanitizer
# into build-tsan (cpp-httplib compiled from Debian's source, scripts/httplib-source.sh). Uses
# ccache when installed.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
args=(-G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-Release})
# Release here is -O2 without debug info: less to compile than RelWithDebInfo, same optimisation.
[[ "${BUILD_TYPE:-Release}" == "Release" ]] && args+=("-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG")
if [[ "${CI:-}" == "true" ]]; then args+=(-DLCD_WERROR=ON); fi
if [[ "${LCD_SANITIZE:-0}" == "1" ]]; then
  build_dir=${BUILD_DIR:-build-asan}
  args+=(-DLCD_SANITIZE=ON)
elif [[ "${LCD_SANITIZE:-0}" == "thread" ]]; then
  build_dir=${BUILD_DIR:-build-tsan}
  args+=(-DLCD_SANITIZE=thread -DLCD_BENCH=OFF)
  # TSan must see cpp-httplib's synchronisation: compile it from the installed version's source.
  httplib_dir=$build_dir/_deps/cpp-httplib
  [[ "$httplib_dir" == /* ]] || httplib_dir=$PWD/$httplib_dir
  args+=("-DLCD_HTTPLIB_SOURCE=$(bash scripts/httplib-source.sh "$httplib_dir")")
fi
# ccache: share hits across clones (CI builds a fresh clone in another folder).
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
cmake -S . -B "$build_dir" "${args[@]}" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
