#!/usr/bin/env bash
# Installs everything lambda-cd needs to build, test and benchmark on a fresh Debian 12 machine.
# Idempotent: packages already present are skipped and nothing is printed for them.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libcurl4-openssl-dev libssl-dev zlib1g-dev libzip-dev libsqlite3-dev
  libexpat1-dev nlohmann-json3-dev libcli11-dev libtomlplusplus-dev libexpected-dev libfmt-dev
  libcpp-httplib-dev libhttp-parser-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  nodejs python3 python3-boto3 python3-yaml awscli jq zip unzip curl
  zsh fish
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=""
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ships with NodeSource's nodejs; Debian's separate npm package only where it does not.
if ! command -v npm >/dev/null 2>&1; then
  echo "installing: npm"
  ${sudo_cmd:-} apt-get install -y -qq --no-install-recommends npm >/dev/null
fi
