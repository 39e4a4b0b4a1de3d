#!/usr/bin/env bash
# Fetch the public user-agent corpora that test_bots and bench/bots measure the bot classifier
# on, from the npm registry, into var/corpora (or $CORPORA_DIR). Cached: a package already
# unpacked is not fetched again, so running it twice costs nothing. The other corpora come
# with Python packages the project installs anyway (fake-useragent, device-detector's fixtures).
#
# The versions are pinned so that a new upstream release cannot turn the suite red overnight;
# bump them on purpose, then run bench/bots.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${CORPORA_DIR:-$PWD/var/corpora}"

packages=(
  "user-agents@2.1.198"         # real browsers, collected from the traffic of real sites
  "top-user-agents@2.1.138"     # the most common browser user agents of the month
)

if ! command -v npm >/dev/null; then
  echo "fetch-corpora: npm was not found; install Node.js (Debian: apt-get install npm)." >&2
  exit 1
fi
mkdir -p "$dir"
for spec in "${packages[@]}"; do
  name="${spec%@*}"
  target="$dir/$name-${spec##*@}"
  [ -f "$target/package/package.json" ] && continue
  work="$(mktemp -d "$dir/.fetch-XXXXXX")"
  (cd "$work" && npm pack --silent "$spec" >/dev/null)
  mkdir -p "$work/unpacked"
  tar -xzf "$work"/*.tgz -C "$work/unpacked"
  rm -rf "$target"
  mv "$work/unpacked" "$target"  # appears whole or not at all
  rm -rf "$work"
  echo "fetch-corpora: $spec"
done
