#!/usr/bin/env bash
# The whole test suite: types, node tests (unit + integration against the real edge on loopback),
# then the browser suite (Debian Chromium via Playwright) inside a private network namespace that
# has only `lo`, so WebRTC media can never pick a real network card.
set -euo pipefail
cd "$(dirname "$0")/.."

# A fresh Debian machine lacks the browsers, the SIP peers (Kamailio, a baresip phone, SIPp as a
# PSTN trunk) and the network tools the tests drive; as root, fetch them.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
# A second browser: visitors call from Firefox too (test/e2e/firefox.spec.ts, over WebDriver BiDi).
[ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
command -v kamailio >/dev/null 2>&1 || missing+=(kamailio kamailio-websocket-modules)
command -v baresip >/dev/null 2>&1 || missing+=(baresip)
command -v sipp >/dev/null 2>&1 || missing+=(sip-tester)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v turnserver >/dev/null 2>&1 || missing+=(coturn)
command -v nft >/dev/null 2>&1 || missing+=(nftables)
# The reverse proxies docs/deploy-https.md offers, run in front of the edge; systemd-analyze
# checks deploy/homeline.service.
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v caddy >/dev/null 2>&1 || missing+=(caddy)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
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

# A real Asterisk in every run: the prebuilt 22.10.1 from ../shared/asterisk, unpacked once (or the
# one HOMELINE_TEST_ASTERISK names). Without it the run stops here and says why.
HOMELINE_TEST_ASTERISK=$(bash scripts/asterisk-for-tests.sh)
export HOMELINE_TEST_ASTERISK
echo "== real Asterisk: $HOMELINE_TEST_ASTERISK"

# Every edge the tests start synthesises the same operator-menu prompts; cached by content, one
# shared folder saves each of them the work (seconds per edge, tens of seconds on a busy machine).
export HOMELINE__ivr__promptDir="${HOMELINE__ivr__promptDir:-${TMPDIR:-/tmp}/homeline-test-prompts}"

echo "== typecheck"
npx tsc --noEmit

echo "== web build"
npx vite build --logLevel warn

echo "== node tests (unit + integration)"
mapfile -t files < <(find test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
node --import tsx --test --test-concurrency=1 --test-reporter=spec "${files[@]}"

echo "== the IVR's ARI tests against the real Asterisk"
npx tsx test/asterisk/run-ari-suite.ts

if ls test/e2e/*.spec.ts >/dev/null 2>&1; then
  echo "== browser tests (loopback-only network namespace)"
  unshare -rn sh -c 'ip link set lo up && npx playwright test'
fi

# Calls across hosts: across a NAT that drops direct UDP, relayed by a real coturn, and from a
# visitor on another host through the real Asterisk. Named network namespaces, which only root
# can make, so this runs outside the namespace above.
if [ "$(id -u)" = 0 ]; then
  echo "== browser tests across hosts: NAT with TURN, visitor to Asterisk (named network namespaces)"
  npx playwright test -c playwright.netns.config.ts
else
  echo "== skipped: the cross-host browser tests (TURN/NAT, Asterisk) need root (named network namespaces)"
fi
