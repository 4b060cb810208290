#!/usr/bin/env bash
# The whole test suite: types, node tests (unit + integration against the real edge on loopback),
# then the browser suite (Debian Chromium via Playwright) inside a private network namespace that
# has only `lo`, so WebRTC media can never pick a real network card.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== typecheck"
npx tsc --noEmit

echo "== web build"
npx vite build --logLevel warn

echo "== node tests (unit + integration)"
mapfile -t files < <(find test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
node --import tsx --test --test-concurrency=1 --test-reporter=spec "${files[@]}"

if ls test/e2e/*.spec.ts >/dev/null 2>&1; then
  echo "== browser tests (loopback-only network namespace)"
  if [ ! -x /usr/bin/chromium ]; then
    echo "browser tests need Debian's chromium: apt-get install -y chromium" >&2
    exit 1
  fi
  unshare -rn sh -c 'ip link set lo up && npx playwright test'
fi
