#!/usr/bin/env bash
# The .deb on a clean Debian 12: debootstrap a minimal bookworm root, `apt install ./lambda-cd_*.deb`
# in it (dependencies, and the recommended npm, from the Debian mirror), then run `lambda-cd
# --version` and the demo (init, stack deploy, pipeline --build 1, promote PROD, invoke PROD) inside
# the chroot. Needs root and network; takes minutes, so it is not part of ctest (the suite's
# tests/integration/install_test.py installs the package into a fresh dpkg root instead).
# Usage: packaging/deb-clean-root.sh [BUILD_DIR]     (results: docs/install.md)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
work=$(mktemp -d -t lcd-clean-root-XXXXXX)
root=$work/root
cleanup() {
  for m in proc sys dev; do umount "$root/$m" 2>/dev/null || umount -l "$root/$m" 2>/dev/null || true; done
  # Never delete through a mount that is still there (/dev is bound from the host).
  if grep -q " $work/" /proc/mounts; then
    echo "deb-clean-root: $work still has mounts; left in place" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }
t0=$(date +%s)
cpack -G DEB -B "$work/out" --config "$build/CPackConfig.cmake" >/dev/null
deb=$(ls "$work"/out/lambda-cd_*.deb)
debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 ||
  { tail -20 "$work/debootstrap.log"; exit 1; }
t1=$(date +%s)
mount -t proc proc "$root/proc"; mount -t sysfs sys "$root/sys"; mount --bind /dev "$root/dev"
cp "$deb" "$root/tmp/"
cp /etc/resolv.conf "$root/etc/resolv.conf"
chroot "$root" apt-get update -qq
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "/tmp/$(basename "$deb")" >"$work/apt.log" 2>&1 ||
  { tail -30 "$work/apt.log"; exit 1; }
t2=$(date +%s)
echo "installed packages: $(chroot "$root" dpkg-query -W -f='${Package} ${Version}, ' lambda-cd nodejs npm)"
chroot "$root" lambda-cd --version
chroot "$root" sh -ec 'cd /tmp && HOME=/tmp lambda-cd init demo >/dev/null && cd demo &&
  HOME=/tmp lambda-cd -q stack deploy && HOME=/tmp lambda-cd -q pipeline --build 1 &&
  HOME=/tmp lambda-cd -q promote PROD --build 1 &&
  HOME=/tmp lambda-cd -q invoke --qualifier PROD --payload "{\"name\":\"Debian\"}"'
t3=$(date +%s)
echo "debootstrap $((t1 - t0)) s, apt install $((t2 - t1)) s, demo $((t3 - t2)) s"
