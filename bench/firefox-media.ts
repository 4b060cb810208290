// `npm run bench:firefox-media` (root): how long after the owner answers does a visitor's audio
// start through the real Asterisk, Firefox vs Chromium, with the visitor on another host. Two
// named network namespaces joined by a veth (no NAT, no loopback between them):
//
//   visitor 10.88.0.2 ──veth── 10.88.0.1 home
//   (Firefox or Chromium; this runner)   (Asterisk, the edge, the owner's Chromium)
//
// In the loopback suite Firefox's media through Asterisk started ~1 s late (docs/browsers.md);
// this shows whether that is the test topology or what a visitor gets. Per call it prints, from
// the owner's click on Answer: the visitor's ICE connected, its DTLS/peer connection connected,
// its first RTP packet received. CALLS (default 5) calls per browser.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const CALLS = Number(process.env.CALLS ?? 5);
const HOME_IP = '10.88.0.1';
const VISITOR_IP = '10.88.0.2';
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

if (process.argv[2] !== '--inside') {
  // Outside: build the two hosts, run the rest of this file in the visitor's, then remove them.
  if (process.getuid?.() !== 0) throw new Error('named network namespaces need root');
  const id = randomBytes(3).toString('hex');
  const home = `hlfm-${id}-h`, visitor = `hlfm-${id}-v`;
  const made: string[] = [];
  try {
    for (const ns of [home, visitor]) { ip('netns', 'add', ns); made.push(ns); }
    ip('link', 'add', `hlfm${id}v`, 'netns', visitor, 'type', 'veth', 'peer', 'name', `hlfm${id}h`, 'netns', home);
    for (const [ns, dev] of [[visitor, `hlfm${id}v`], [home, `hlfm${id}h`], [visitor, 'lo'], [home, 'lo']]) ip('-n', ns, 'link', 'set', dev, 'up');
    ip('-n', home, 'addr', 'add', `${HOME_IP}/24`, 'dev', `hlfm${id}h`);
    ip('-n', visitor, 'addr', 'add', `${VISITOR_IP}/24`, 'dev', `hlfm${id}v`);
    // Firefox gathers no candidate without a default route (docs/browsers.md).
    ip('-n', visitor, 'route', 'add', 'default', 'via', HOME_IP);
    execFileSync('ip', ['netns', 'exec', visitor, process.execPath, ...process.execArgv, process.argv[1], '--inside', home], { stdio: 'inherit' });
  } finally {
    for (const ns of made.reverse()) { try { ip('netns', 'del', ns); } catch { /* gone */ } }
  }
  process.exit(0);
}

const homeNs = process.argv[3];
// Asterisk runs in the home namespace through a wrapper; its console is a Unix socket, so the CLI
// works from here. Set before run-asterisk.ts reads it.
const realAsterisk = join(process.env.HOMELINE_ASTERISK_CACHE ?? '/var/tmp/homeline-asterisk', 'asterisk-22.10.1/sbin/asterisk');
const prefix = dirname(dirname(realAsterisk));
const root = mkdtempSync(join(tmpdir(), 'hl-ffmedia-'));
const wrapper = join(root, 'asterisk-in-home');
writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${homeNs} ${realAsterisk} "$@"\n`, { mode: 0o755 });
process.env.HOMELINE_TEST_ASTERISK = wrapper;
process.env.HOMELINE_TEST_ASTERISK_MODDIR ??= join(prefix, 'lib/asterisk/modules');
process.env.HOMELINE_TEST_ASTERISK_DATADIR ??= join(prefix, 'var/lib/asterisk');

const { runAsterisk } = await import('../test/asterisk/support/run-asterisk.ts');
const { freePort, repo } = await import('../test/e2e/support/edge.ts');
const { launchParty } = await import('../test/e2e/support/party.ts');
const { ownerSignIn } = await import('../test/e2e/support/flows.ts');
const { launchFirefoxParty, pressCall, pressButton, expectWidgetState } = await import('../test/e2e/support/firefox.ts');

const tsx = join(repo, 'node_modules/.bin/tsx');
const port = await freePort();
const url = `http://${HOME_IP}:${port}`;
const password = 'correct horse battery staple';
const env: NodeJS.ProcessEnv = {
  ...process.env,
  HOMELINE_DATA_DIR: join(root, 'data'),
  HOMELINE_ASTERISK_WS_URL: `ws://127.0.0.1:${await freePort()}/ws`,
  HOMELINE_LOG_LEVEL: 'warn',
  HOST: '0.0.0.0',
  PORT: String(port),
  HOMELINE_PUBLIC_URL: url,
  HOMELINE__limits__tokenPerIpPerMinute: '1000',
  HOMELINE__limits__callAttemptsPerAddressPerMinute: '1000',
  HOMELINE__limits__callAttemptsPerMinute: '1000',
};
env.HOMELINE_ARI_URL = env.HOMELINE_ASTERISK_WS_URL!.replace('ws://', 'http://').replace(/\/ws$/, '/ari');
mkdirSync(env.HOMELINE_DATA_DIR!, { recursive: true });
execFileSync(tsx, ['server/cli/asterisk-config.ts', '--out', join(root, 'conf')], { cwd: repo, env, stdio: 'pipe' });
execFileSync(tsx, ['server/cli/owner-password.ts', '--password', password], { cwd: repo, env, stdio: 'pipe' });
const asterisk = await runAsterisk(join(root, 'asterisk'), join(root, 'conf'));
let edge: ChildProcess | undefined;
let edgeOut = '';

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
  edge = spawn('ip', ['netns', 'exec', homeNs, tsx, 'server/main.ts'], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  edge.stdout!.on('data', (d) => { edgeOut += d; });
  edge.stderr!.on('data', (d) => { edgeOut += d; });
  for (const end = Date.now() + 90_000; ;) {
    const ready = await fetch(`${url}/readyz`).then((r) => r.json() as Promise<{ ready?: boolean }>).catch(() => ({ ready: false }));
    if (ready.ready) break;
    if (Date.now() > end || edge.exitCode !== null) throw new Error(`edge not ready:\n${edgeOut}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const owner = await launchParty({ toneHz: 1000, netns: homeNs, secureOrigins: [url] });
  await ownerSignIn(owner.page, url, password);
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
      const v = await launchFirefoxParty({ toneHz: 620, prefs: { 'dom.securecontext.allowlist': HOME_IP } });
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
      const v = await launchParty({ toneHz: 620, secureOrigins: [url], loopbackCandidates: false });
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
  if (edge?.pid) { try { process.kill(-edge.pid, 'SIGTERM'); } catch { /* gone */ } }
  await new Promise((r) => setTimeout(r, 1000));
  if (edge?.pid) { try { process.kill(-edge.pid, 'SIGKILL'); } catch { /* gone */ } }
  await asterisk.stop();
  if (!process.env.HOMELINE_TEST_KEEP) rmSync(root, { recursive: true, force: true });
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
