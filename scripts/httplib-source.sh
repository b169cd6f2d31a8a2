#!/usr/bin/env bash
# Puts the source of the installed cpp-httplib (Debian's source package of the exact version of
# libcpp-httplib-dev, Debian's patches applied) in DIR and prints DIR.
#   scripts/httplib-source.sh DIR
# The ThreadSanitizer build compiles the local endpoint's HTTP server from this header-only form so
# that TSan instruments the library: Debian's compiled libcpp-httplib.so is not instrumented, and
# TSan cannot see the synchronisation inside it (docs/reliability.md). Uses apt's configured
# mirrors with deb-src added in a private apt state; changes nothing on the machine.
set -euo pipefail
dir=${1:?usage: scripts/httplib-source.sh DIR}
version=$(dpkg-query -W -f='${source:Version}' libcpp-httplib-dev)
package=$(dpkg-query -W -f='${source:Package}' libcpp-httplib-dev)
if [[ -f "$dir/httplib.h" && "$(cat "$dir/.lcd-version" 2>/dev/null)" == "$version" ]]; then
  echo "$dir"
  exit 0
fi
apt_dir=$(mktemp -d)
trap 'rm -rf "$apt_dir"' EXIT
mkdir -p "$apt_dir/parts" "$apt_dir/lists/partial" "$apt_dir/download"
for f in /etc/apt/sources.list.d/*.sources; do
  [[ -f "$f" ]] && sed -E 's/^Types:.*/Types: deb-src/' "$f" >"$apt_dir/parts/$(basename "$f")"
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [[ -f "$f" ]] && sed -nE 's/^deb[[:space:]]+/deb-src /p' "$f" >"$apt_dir/parts/$(basename "$f").list"
done
apt_opts=(-o "Dir::Etc::sourcelist=/dev/null" -o "Dir::Etc::sourceparts=$apt_dir/parts"
          -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache::archives=$apt_dir/download"
          -o "APT::Sandbox::User=root" -o "Debug::NoLocking=1" -qq)
apt-get "${apt_opts[@]}" update >&2
(cd "$apt_dir/download" && apt-get "${apt_opts[@]}" source --download-only "$package=$version" >&2)
rm -rf "$dir"
mkdir -p "$dir"
tar -xf "$apt_dir"/download/*.orig.tar.* -C "$dir" --strip-components=1
tar -xf "$apt_dir"/download/*.debian.tar.* -C "$dir"
if [[ -f "$dir/debian/patches/series" ]]; then
  while read -r p; do
    [[ -z "$p" || "$p" == \#* ]] && continue
    patch -s -p1 -d "$dir" <"$dir/debian/patches/$p" >&2
  done <"$dir/debian/patches/series"
fi
[[ -f "$dir/httplib.h" ]] || { echo "httplib-source.sh: no httplib.h in $package $version" >&2; exit 1; }
echo "$version" >"$dir/.lcd-version"
echo "$dir"
