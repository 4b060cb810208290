// `npm run bench:firefox-media` (root): how long after the owner answers does a visitor's audio
// start through the real Asterisk, Firefox vs Chromium, with the visitor on another host. Two
// named network namespaces joined by a veth (no NAT, no loopback between them):
//
//   visitor 10.88.0.2 ──veth── 10.88.0.1 home
//   (Firefox or Chromium)                (Asterisk, the edge, the owner's Chromium)
//
// In the loopback suite Firefox's media through Asterisk started ~1 s late (docs/browsers.md);
// this shows whether that is the test topology or what a visitor gets. Per call it prints, from
// the owner's click on Answer: the visitor's ICE connected, its DTLS/peer connection connected,
// its first RTP packet received. CALLS (default 5) calls per browser.
import { launchParty } from '../test/e2e/support/party.ts';
import { THROUGH_ASTERISK } from '../test/e2e/support/asterisk-home.ts';
import { ownerSignIn } from '../test/e2e/support/flows.ts';
import { launchFirefoxParty, pressCall, pressButton, expectWidgetState } from '../test/e2e/support/firefox.ts';
import { buildTwoHosts, TWO_HOSTS } from '../test/netns/topology.ts';
import { startAsteriskHome } from '../test/netns/asterisk-home.ts';

const CALLS = Number(process.env.CALLS ?? 5);
const HOME_IP = TWO_HOSTS.homeIp;
const VISITOR_IP = TWO_HOSTS.visitorIp;

if (process.getuid?.() !== 0) throw new Error('named network namespaces need root');
// The hosts and the home are the ones test/netns/asterisk-cross-host.spec.ts calls through.
const hosts = buildTwoHosts();
const home = await startAsteriskHome(hosts, hosts.home, HOME_IP).catch(async (e) => { await hosts.destroy(); throw e; });
const { url } = home;

/** Timestamps (ms, wall clock) the visitor's page records for the current call. */
interface Marks { ice?: number; connected?: number; rtp?: number; sdp?: string }

/** Installed in the visitor's page before the click: watches the call's peer connection. */
function watchCall() {
  const w = window as unknown as { __m: Marks; __hlPcs: RTCPeerConnection[] };
  const now = () => performance.timeOrigin + performance.now();
  const seen = w.__hlPcs.length;
  w.__m = {};
  const poll = async () => {
    const pc = w.__hlPcs[seen];
    if (pc) {
      if (!w.__m.ice && ['connected', 'completed'].includes(pc.iceConnectionState)) w.__m.ice = now();
      if (!w.__m.connected && pc.connectionState === 'connected') w.__m.connected = now();
      if (pc.signalingState === 'closed') return;
      if (pc.remoteDescription && !w.__m.sdp) {
        const pick = (d: RTCSessionDescription | null) => d?.sdp.split('\r\n').filter((l) => /^a=(candidate|setup)|^c=/.test(l));
        w.__m.sdp = JSON.stringify({ local: pick(pc.localDescription), remote: pick(pc.remoteDescription) });
      }
      const stats = await pc.getStats();
      let got = 0;
      stats.forEach((s: { type: string; packetsReceived?: number }) => { if (s.type === 'inbound-rtp') got += s.packetsReceived ?? 0; });
      if (got > 0) w.__m.rtp ??= now();
      if (w.__m.rtp && w.__m.connected && w.__m.ice) return;
    }
    setTimeout(poll, 5);
  };
  void poll();
}

try {
  const owner = await launchParty({ toneHz: 1000, netns: hosts.home, secureOrigins: [url], ...THROUGH_ASTERISK });
  await ownerSignIn(owner.page, url, home.password);
  // The owner answers the moment it rings, from inside the page; the click time is the zero.
  await owner.page.evaluate(() => {
    const call = document.getElementById('call')!;
    new MutationObserver(() => {
      if (call.dataset.state === 'ringing') {
        (window as unknown as { __answerAt: number }).__answerAt = performance.timeOrigin + performance.now();
        document.getElementById('answer')?.click();
      }
    }).observe(call, { attributes: true, attributeFilter: ['data-state'] });
  });
  const results: Record<string, Array<Timing>> = {};
  for (const browser of (process.env.BROWSERS ?? 'firefox,chromium').split(',') as Array<'firefox' | 'chromium'>) {
    const rows: Array<Timing> = results[browser] = [];
    if (browser === 'firefox') {
      const v = await launchFirefoxParty({ toneHz: 620, netns: hosts.visitor, prefs: { 'dom.securecontext.allowlist': HOME_IP }, ...THROUGH_ASTERISK });
      try {
        for (let i = 0; i < CALLS; i++) {
          await v.page.goto(`${url}/demo/`);
          await expectWidgetState(v.page, 'ready');
          await v.page.evaluate(watchCall);
          await pressCall(v.page);
          await v.page.waitForFunction(() => (window as unknown as { __m: Marks }).__m.connected && (window as unknown as { __m: Marks }).__m.rtp, { timeout: 20_000 }).catch(async (e) => {
            console.log(await v.page.evaluate(debugState), await v.page.evaluate(() => (window as unknown as { __m: Marks }).__m.sdp));
            throw e;
          });
          rows.push(await v.page.evaluate(() => (window as unknown as { __m: Timing }).__m));
          await pressButton(v.page, 'Hang up');
          await expectWidgetState(v.page, 'ended');
          await owner.page.waitForSelector('#call[data-state=ended]');
          rows[i] = rebase(rows[i], await owner.page.evaluate(() => (window as unknown as { __answerAt: number }).__answerAt));
        }
      } finally { await v.close(); }
    } else {
      const v = await launchParty({ toneHz: 620, netns: hosts.visitor, secureOrigins: [url], ...THROUGH_ASTERISK });
      try {
        for (let i = 0; i < CALLS; i++) {
          await v.page.goto(`${url}/demo/`);
          await v.page.waitForSelector('homeline-call[data-state=ready]');
          await v.page.evaluate(watchCall);
          await v.page.locator('homeline-call button.primary').click();
          await v.page.waitForFunction(() => (window as unknown as { __m: Marks }).__m.connected && (window as unknown as { __m: Marks }).__m.rtp, null, { timeout: 20_000 }).catch(async (e) => {
            console.log(await v.page.evaluate(debugState), await v.page.evaluate(() => (window as unknown as { __m: Marks }).__m.sdp));
            throw e;
          });
          rows.push(await v.page.evaluate(() => (window as unknown as { __m: Timing }).__m));
          await v.page.locator('homeline-call').getByRole('button', { name: 'Hang up' }).click();
          await v.page.waitForSelector('homeline-call[data-state=ended]');
          await owner.page.waitForSelector('#call[data-state=ended]');
          rows[i] = rebase(rows[i], await owner.page.evaluate(() => (window as unknown as { __answerAt: number }).__answerAt));
        }
      } finally { await v.close(); }
    }
  }
  await owner.close();
  console.log(`visitor on another host than Asterisk (${VISITOR_IP} → ${HOME_IP}), ${CALLS} calls each; ms after the owner's Answer`);
  for (const [browser, rows] of Object.entries(results)) {
    for (const key of ['ice', 'connected', 'rtp'] as const) {
      const v = rows.map((r) => r[key]).sort((a, b) => a - b);
      console.log(`${browser.padEnd(9)} ${({ ice: 'ICE connected', connected: 'DTLS connected', rtp: 'first RTP in' })[key].padEnd(15)} ` +
        `median ${v[v.length >> 1].toFixed(0).padStart(5)}  min ${v[0].toFixed(0).padStart(5)}  max ${v[v.length - 1].toFixed(0).padStart(5)}  [${v.map((x) => x.toFixed(0)).join(' ')}]`);
    }
  }
} finally {
  await home.stop();
  await hosts.destroy();
}

/** What a stuck call looks like from a page: widget state, peer connection states, candidates. */
function debugState() {
  const w = window as unknown as { __hlPcs: RTCPeerConnection[] };
  const pc = w.__hlPcs[w.__hlPcs.length - 1];
  const el = document.querySelector('homeline-call') as HTMLElement | null;
  if (pc?.signalingState === 'closed') return JSON.stringify({ widget: el?.dataset.state, status: el?.shadowRoot?.querySelector('.status')?.textContent, pc: 'closed' });
  return JSON.stringify({
    widget: el?.dataset.state, status: el?.shadowRoot?.querySelector('.status')?.textContent, ice: pc?.iceConnectionState, conn: pc?.connectionState,
    local: pc?.localDescription?.sdp.split('\r\n').filter((l) => /^a=(candidate|setup)|^c=/.test(l)),
    remote: pc?.remoteDescription?.sdp.split('\r\n').filter((l) => /^a=(candidate|setup)|^c=/.test(l)),
  }, null, 1);
}

type Timing = Required<Omit<Marks, 'sdp'>>;

function rebase(m: Timing, zero: number): Timing {
  return { ice: m.ice - zero, connected: m.connected - zero, rtp: m.rtp - zero };
}
