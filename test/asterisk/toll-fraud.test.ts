// Toll fraud with a trunk that exists: the owner's site options name `trunk: 'provider'`, the
// owner's pjsip_trunks.conf points that endpoint at a SIPp UAS on loopback (the PSTN provider,
// which logs every message), and the generated configuration runs in the real Asterisk with the
// real edge in front. The provider's message log is the assertion:
//  - a home phone (SIPp UAC, digest auth) dialling an allowed outside number reaches it (the
//    positive control: the log would show a visitor's INVITE too);
//  - a phone dialling a barred prefix is refused and nothing reaches the provider;
//  - a visitor, by every path the edge lets through (direct targets over the edge's WebSocket,
//    the operator menu at 100 with DTMF typed into every step), never causes a single INVITE.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { freeUdpPort } from '../helpers/udp-port.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAsterisk, type RunningAsterisk } from './support/run-asterisk.ts';
import { startProvider, phoneDials, type SippProvider } from './support/sipp.ts';
import { startEdge, connectedVisitor, type TestEdge } from '../helpers/edge.ts';
import { RawUa, rid } from '../helpers/raw-ua.ts';
import { visitorInvite, hangUp } from './support/visitor-invite.ts';
import { MenuCall } from './support/menu-call.ts';
import { PHONE_SECRETS_FILE } from '../../server/asterisk/generate.ts';
import { freePort } from '../e2e/support/edge.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const BARRED_SITE = ['09', '118', '+4490'];
const ALLOWED = '01632960123';


let root: string;
let asterisk: RunningAsterisk | undefined;
let edge: TestEdge | undefined;
let provider: SippProvider | undefined;
let phonePassword: string;
let trunkPort: number;
let phonePort: number;

before(async () => {
  // mkdtemp adds no dot: Asterisk's media cache must not see one (prompts would be silent).
  root = mkdtempSync(join(tmpdir(), 'hl-tollfraud-'));
  const dataDir = join(root, 'data');
  const confDir = join(root, 'conf');
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(confDir, { recursive: true });
  const httpPort = await freePort();
  const providerPort = await freeUdpPort();
  trunkPort = await freeUdpPort();
  phonePort = await freeUdpPort();
  writeFileSync(join(dataDir, 'asterisk.json'), JSON.stringify({ trunk: 'provider', barred: BARRED_SITE }));
  // The owner's own file, as asterisk/README.md tells them to write it: a loopback UDP transport
  // (the test's stand-in for the provider's link) and the trunk at a fixed address.
  writeFileSync(join(confDir, 'pjsip_trunks.conf'), `
[transport-trunk]
type=transport
protocol=udp
bind=127.0.0.1:${trunkPort}

[provider](trunk-tpl)
transport=transport-trunk
aors=provider

[provider]
type=aor
contact=sip:127.0.0.1:${providerPort}
qualify_frequency=0

[provider-identify]
type=identify
endpoint=provider
match=127.0.0.1/32
`);
  const env = {
    ...process.env,
    HOMELINE_DATA_DIR: dataDir,
    HOMELINE_ASTERISK_WS_URL: `ws://127.0.0.1:${httpPort}/ws`,
    HOMELINE_ARI_URL: `http://127.0.0.1:${httpPort}/ari`,
  };
  // The owner's command; it also runs the invariant checks over the trunk file and exits 1 on a violation.
  execFileSync(join(repo, 'node_modules/.bin/tsx'), ['server/cli/asterisk-config.ts', '--out', confDir], { cwd: repo, env, stdio: 'pipe' });
  phonePassword = /\[6001-auth\][^[]*?password=(\S+)/.exec(readFileSync(join(confDir, PHONE_SECRETS_FILE), 'utf8'))![1];
  provider = await startProvider(root, providerPort);
  asterisk = await runAsterisk(join(root, 'asterisk'), confDir);
  // Many INVITEs from one visitor socket in a row: lift the per-connection message rate.
  // A known port: Asterisk fetches the menu's prompts from the edge at http://127.0.0.1:<port>.
  edge = await startEdge({ dataDir, port: await freePort(), limits: { messagesPerSecond: 1000, messageBurst: 1000 }, upstream: { asteriskWsUrl: env.HOMELINE_ASTERISK_WS_URL }, ari: { url: env.HOMELINE_ARI_URL } });
  for (let i = 0; !asterisk.cli('ari show apps').includes('homeline'); i++) {
    if (i > 100) throw new Error('the edge never registered its Stasis app');
    await new Promise((r) => setTimeout(r, 200));
  }
});

after(async () => {
  await edge?.close().catch(() => {});
  await asterisk?.stop();
  await provider?.stop();
  if (!process.env.HOMELINE_TEST_KEEP) rmSync(root, { recursive: true, force: true });
});

const phone = (number: string) =>
  phoneDials(root, { asterisk: `127.0.0.1:${trunkPort}`, user: '6001', password: phonePassword, number, localPort: phonePort });

test('positive control: a home phone dials an allowed outside number and the provider gets the INVITE', async () => {
  const call = await phone(ALLOWED);
  assert.equal(call.status, 486, 'the provider\'s busy comes back to the phone');
  assert.equal(provider!.invites().filter((u) => u.includes(ALLOWED)).length, 1, `provider log: ${provider!.invites().join(', ')}`);
});

test('a phone dialling a barred prefix is refused and nothing reaches the provider', async () => {
  const before = provider!.invites().length;
  // The site bars '+4490': also dialled with 00, and with a separator the provider would strip.
  for (const number of ['0909876543', '118118', '+449012345678', '00449012345678', '+44-9012345678']) {
    const call = await phone(number);
    // 403: [refused]'s Hangup(21), the dialplan's answer (the provider would have said 486).
    assert.equal(call.status, 403, `${number}: the phone is refused`);
  }
  assert.deepEqual(provider!.invites().slice(before), [], 'no barred number reaches the provider');
});

test('a visitor naming outside numbers, the trunk or barred numbers through the edge never reaches the provider', async () => {
  const before = provider!.invites().length;
  const p = provider!.port;
  const targets = [
    'sip:01632960123@home.arpa', 'sip:901632960123@home.arpa', 'sip:+441632960123@home.arpa', 'sip:00441632960123@home.arpa',
    'sip:0909876543@home.arpa', 'sip:118118@home.arpa', 'sip:provider@home.arpa', 'sip:trunk-tpl@home.arpa',
    'sip:6001@home.arpa', 'sip:6000@home.arpa', 'sip:dialout@home.arpa', 'sip:ring@home.arpa', 'sip:s@home.arpa', 'sip:did@home.arpa',
    'tel:+441632960123', 'sip:01632960123@home.arpa;user=phone', 'sip:100@home.arpa;user=phone', 'sips:01632960123@home.arpa',
    `sip:01632960123@127.0.0.1:${p}`, `sip:01632960123@127.0.0.1:${p};transport=udp`, 'sip:owner@home.arpa;maddr=127.0.0.1',
    'sip:01632960123%40provider@home.arpa', 'sip:100@home.arpa?Route=%3Csip:127.0.0.1%3E',
    // What the edge lets through: the visitor's targets (the ring group and the operator menu).
    'sip:owner@home.arpa', 'sip:100@home.arpa',
  ];
  const seen: string[] = [];
  const ua = await connectedVisitor(edge!);
  try {
    for (const uri of targets) {
      if (process.env.HL_DEBUG) console.log(`# → ${uri}`);
      const { status, dialog } = await visitorInvite(ua, uri);
      seen.push(`${uri} → ${status}`);
      if (process.env.HL_DEBUG) console.log(`# ${seen.at(-1)}`);
      if (dialog) await hangUp(ua, dialog);
    }
    // Allowed targets with headers that name the provider: Asterisk dials by the Request-URI only.
    for (const [uri, extra, to] of [
      ['sip:owner@home.arpa', [['Route', `<sip:127.0.0.1:${p};lr>`]], undefined],
      ['sip:100@home.arpa', [['Diversion', '<sip:01632960123@home.arpa>;reason=unconditional']], '<sip:01632960123@home.arpa>'],
      ['sip:100@home.arpa', [['Refer-To', '<sip:01632960123@home.arpa>'], ['P-Asserted-Identity', '<sip:6001@home.arpa>']], undefined],
    ] as Array<[string, Array<[string, string]>, string | undefined]>) {
      const { status, dialog } = await visitorInvite(ua, uri, extra, to);
      seen.push(`${uri} + ${extra.map(([n]) => n).join(',')} → ${status}`);
      if (dialog) await hangUp(ua, dialog);
    }
  } catch (err) {
    if (process.env.HL_DEBUG) console.log(edge!.logs.slice(-8).join(''));
    throw err;
  } finally {
    await ua.close();
  }
  console.log(`# visitor INVITEs: ${seen.join('; ')}`);
  assert.deepEqual(provider!.invites().slice(before), [], 'no visitor INVITE reached the provider');
  assert.ok(seen.some((s) => / → 200$/.test(s)), 'some visitor calls were answered by Asterisk, so they did get past the edge');
});

test('the visitor endpoint as the edge stamps it, straight at Asterisk: its dialplan reaches no trunk either', async () => {
  // The edge refuses every number above by itself; this is the second fence on its own, so a
  // dialplan that let [from-web] dial out would show here even with the edge's policy intact.
  const before = provider!.invites().length;
  const stamp: [string, string] = ['X-Homeline-Edge', `visitor-${edge!.app.secrets.edgeSecret}`];
  const ua = await RawUa.connect(edge!.config.upstream.asteriskWsUrl, `v-${rid(4)}`);
  const seen: string[] = [];
  try {
    for (const user of ['01632960123', '901632960123', '+441632960123', '00441632960123', '0909876543', '118118', '9', '0', '00',
      'provider', 'trunk-tpl', '6001', '6000', 'dialout', 'ring', 's', 'did', 'h', 'i', 't', 'refused', '*97', '_0X.', '01632960123%40provider']) {
      if (process.env.HL_DEBUG) console.log(`# → ${user}`);
      const { status, dialog } = await visitorInvite(ua, `sip:${user}@home.arpa`, [stamp]);
      seen.push(`${user} → ${status}`);
      if (dialog) await hangUp(ua, dialog);
    }
    for (const uri of ['tel:+441632960123', 'sip:01632960123@home.arpa;user=phone', 'sip:100@home.arpa;user=phone']) {
      const { status, dialog } = await visitorInvite(ua, uri, [stamp]);
      seen.push(`${uri} → ${status}`);
      if (dialog) await hangUp(ua, dialog);
    }
  } finally {
    ua.ws.close();
  }
  console.log(`# straight at Asterisk as the visitor: ${seen.join('; ')}`);
  assert.deepEqual(provider!.invites().slice(before), [], 'no INVITE reached the provider');
});

test('a visitor typing outside numbers, 9, 0, * and # into every step of the operator menu never reaches the provider', async () => {
  const before = provider!.invites().length;
  // "Internal extension": outside-looking numbers are refused, then a real home extension rings
  // (the [ivr-ring] path) and comes back unanswered: the digits before it were all handled.
  await MenuCall.walk(edge!, async (call) => {
    await call.press('6');
    await call.until((s) => s.mode === 'collect');
    // Refused entries say so and leave no state change behind: wait for the last digit, go on.
    await call.press('0163');
    await call.until((s) => s.entered === '0163');
    await call.press('9#');
    await call.until((s) => s.entered === '9');
    await call.until((s) => s.mode === 'collect' && !s.entered);
    await call.press('0044');
    await call.until((s) => s.entered === '0044');
    await call.press('6001');
    await call.until((s) => s.mode === 'ringing');
    await call.until((s) => s.mode === 'recording');
  });
  // "Call me back on another number": outside and barred numbers are stored for the owner, never dialled.
  for (const number of ['00441632960123', '0909876543', '901632960123']) {
    await MenuCall.walk(edge!, async (call) => {
      await call.press('*#0');
      await call.until((s) => s.node === 'contact');
      await call.press('4');
      await call.until((s) => s.mode === 'callback');
      await call.press(`${number}#`);
      await call.until((s) => s.mode === 'finishing');
    });
  }
  // Emergency and its say-only options, back with *, an unknown key, then a callback to the caller.
  await MenuCall.walk(edge!, async (call) => {
    await call.press('1');
    await call.until((s) => s.node === 'emergency');
    await call.press('12*9');
    await call.until((s) => s.node === 'main');
    await call.press('03');
    await call.until((s) => s.mode === 'finishing');
  });
  // The typed numbers arrived (as data for the owner), so the digits did reach the menu.
  const stored = edge!.app.ivr.store.listCallbacks().map((c) => c.number);
  for (const number of ['00441632960123', '0909876543', '901632960123']) assert.ok(stored.includes(number), `callback ${number} stored (${stored.join(', ')})`);
  assert.deepEqual(provider!.invites().slice(before), [], 'no INVITE reached the provider from the operator menu');
});
