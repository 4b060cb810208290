#!/usr/bin/env bash
# Makes sure a real Asterisk is on this machine for the tests and prints its binary's path.
# HOMELINE_TEST_ASTERISK wins when it names a binary; otherwise the prebuilt Asterisk 22.10.1 in
# ../shared/asterisk is unpacked (once) into a dot-free cache folder: Asterisk's media cache
# misreads any dot in its paths (shared/ASTERISK-NOTES.md), so no `.cache`-style folder here.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${HOMELINE_TEST_ASTERISK:-}" ]; then
  [ -x "$HOMELINE_TEST_ASTERISK" ] || { echo "HOMELINE_TEST_ASTERISK=$HOMELINE_TEST_ASTERISK is not an executable Asterisk" >&2; exit 1; }
  echo "$HOMELINE_TEST_ASTERISK"; exit 0
fi
dest=${HOMELINE_ASTERISK_CACHE:-/var/tmp/homeline-asterisk}
bin="$dest/asterisk-22.10.1/sbin/asterisk"
if [ ! -x "$bin" ] || ldd "$bin" | grep -q 'not found'; then
  installer="$repo/../shared/asterisk/install.sh"
  [ -x "$installer" ] || [ -f "$installer" ] || { echo "no Asterisk for the tests: $installer is missing (the team's shared/ folder must sit beside the checkout), or set HOMELINE_TEST_ASTERISK" >&2; exit 1; }
  sh "$installer" "$dest" >&2
fi
"$bin" -V >/dev/null
echo "$bin"
