#!/usr/bin/env bash
# Makes sure the C libraries EdgeSplit links are installed, before any build.
# As root on Debian/Ubuntu it installs what is missing with apt-get; otherwise it prints the exact
# command to run (apt-get with sudo, or Homebrew on macOS) and fails.
set -euo pipefail

# header (or bin/NAME for a program)  Debian package  Homebrew formula
libraries=(
  "glpk.h libglpk-dev glpk"
  "coin/Cbc_C_Interface.h coinor-libcbc-dev cbc"
  "bin/rsvg-convert librsvg2-bin librsvg"   # the tests render every report plot to PNG
)

missing_debian=()
missing_brew=()
for entry in "${libraries[@]}"; do
  read -r header debian brew <<<"$entry"
  found=no
  if [ "${header#bin/}" != "$header" ]; then
    if command -v "${header#bin/}" >/dev/null; then found=yes; fi
  else
    for dir in /usr/include /usr/local/include /opt/homebrew/include; do
      if [ -f "$dir/$header" ]; then found=yes; fi
    done
  fi
  if [ "$found" = no ]; then
    missing_debian+=("$debian")
    missing_brew+=("$brew")
  fi
done

[ ${#missing_debian[@]} -eq 0 ] && exit 0

if [ "$(uname)" = Darwin ]; then
  echo "EdgeSplit needs: ${missing_brew[*]}. Install with:" >&2
  echo "  brew install ${missing_brew[*]}" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "== installing ${missing_debian[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_debian[@]}" >&2
  exit 0
fi
echo "EdgeSplit needs the system packages: ${missing_debian[*]}. Install with:" >&2
echo "  sudo apt-get update && sudo apt-get install -y ${missing_debian[*]}" >&2
exit 1
