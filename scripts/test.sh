#!/usr/bin/env bash
# The whole test suite: types, node tests (unit + integration against the real edge on loopback),
# then the browser suite (Debian Chromium via Playwright) inside a private network namespace that
# has only `lo`, so WebRTC media can never pick a real network card.
set -euo pipefail
cd "$(dirname "$0")/.."

# A fresh Debian machine lacks the browser and the SIP server the tests drive; as root, fetch them.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v kamailio >/dev/null 2>&1 || missing+=(kamailio kamailio-websocket-modules)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing Debian packages the tests need: ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "the tests need Debian packages: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
[ -d node_modules ] || npm ci --no-audit --no-fund

# A real Asterisk, when this machine has one (built by hand: see asterisk/README.md), joins the
# run: the tests that need it skip, saying why, when HOMELINE_TEST_ASTERISK is empty.
if [ -z "${HOMELINE_TEST_ASTERISK:-}" ] && [ -x /opt/asterisk/sbin/asterisk ]; then
  export HOMELINE_TEST_ASTERISK=/opt/asterisk/sbin/asterisk
fi

echo "== typecheck"
npx tsc --noEmit

echo "== web build"
npx vite build --logLevel warn

echo "== node tests (unit + integration)"
mapfile -t files < <(find test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
node --import tsx --test --test-concurrency=1 --test-reporter=spec "${files[@]}"

if [ -n "${HOMELINE_TEST_ASTERISK:-}" ]; then
  echo "== the IVR's ARI tests against a real Asterisk ($HOMELINE_TEST_ASTERISK)"
  npx tsx test/asterisk/run-ari-suite.ts
fi

if ls test/e2e/*.spec.ts >/dev/null 2>&1; then
  echo "== browser tests (loopback-only network namespace)"
  unshare -rn sh -c 'ip link set lo up && npx playwright test'
fi
