#!/usr/bin/env bash
# install-deps.sh: installs what trailwatch needs to build and test, from
# Debian 12's packages. Idempotent: installs nothing when all are present.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config    # toolchain
  libsimdjson-dev libcli11-dev libfmt-dev libspdlog-dev catch2 libisal-dev zlib1g-dev
  libssl-dev openssl                              # verify: libcrypto; tests sign digests
  libyaml-cpp-dev libre2-dev                      # Sigma rules: YAML, linear-time |re
  clang libclang-rt-14-dev                        # the ASan+UBSan test build
  clang-tidy cppcheck                             # static checks (scripts/static-checks.sh)
  python3 gzip time                               # test scripts (/usr/bin/time for peak memory)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
