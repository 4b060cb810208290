// The owner's opening hours on the real Asterisk (the relay and IVR tests prove them on the
// embedded upstream, an unreachable Asterisk and the ARI simulator). One Asterisk on the generated
// configuration, the real edge in front with ARI, the owner's tab registered through the edge, and
// a watcher app subscribed to every Asterisk event: its ChannelCreated list is what "nothing rang"
// means, in event order, so no case waits for something not to happen.
//  1. closed (set with PUT /api/owner/hours): the visitor's direct call gets 480 HL_OWNER_HOURS,
//     Asterisk has no channel, and the call log has a refused row with reason hours;
//  2. closed: the operator menu's "ring the owner" leaves word; the visitor's own channel is the
//     only one Asterisk ever created (no Dial to the owner's endpoints);
//  3. open again: the same visitor's same socket rings the owner's tab through Asterisk.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { validateConfig } from '../../server/config/load.ts';
import { loadOrCreateSecrets } from '../../server/config/secrets.ts';
import { validateSite } from '../../server/asterisk/site.ts';
import { generate, renderPhoneSecrets, PHONE_SECRETS_FILE } from '../../server/asterisk/generate.ts';
import { header } from '../../server/sip/message.ts';
import { runAsterisk, type RunningAsterisk } from './support/run-asterisk.ts';
import { MenuCall } from './support/menu-call.ts';
import { visitorInvite } from './support/visitor-invite.ts';
import { freePort } from '../e2e/support/edge.ts';
import { startEdge, connectedVisitor, registeredOwner, ownerLogin, type TestEdge } from '../helpers/edge.ts';
import type { RawUa } from '../helpers/raw-ua.ts';

const CLOSED = { timeZone: 'Europe/London', weekly: [] };
const ALL_WEEK = { timeZone: 'Europe/London', weekly: [{ days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], from: '00:00', to: '24:00' }] };

interface ChannelEvent { type: 'ChannelCreated' | 'ChannelDestroyed'; id: string; name: string }

/** Every channel Asterisk creates or destroys, in order, from an ARI app subscribed to everything. */
class ChannelWatch {
  readonly events: ChannelEvent[] = [];
  private wake?: () => void;
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const e = JSON.parse(String(data));
      if (e.type !== 'ChannelCreated' && e.type !== 'ChannelDestroyed') return;
      this.events.push({ type: e.type, id: e.channel.id, name: e.channel.name });
      this.wake?.();
    });
  }
  static async open(ariUrl: string, user: string, password: string): Promise<ChannelWatch> {
    const url = `${ariUrl.replace(/^http/, 'ws')}/events?app=hl-hours-watch&subscribeAll=true&api_key=${encodeURIComponent(`${user}:${password}`)}`;
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return new ChannelWatch(ws);
  }
  created(): string[] {
    return this.events.filter((e) => e.type === 'ChannelCreated').map((e) => e.name);
  }
  async until(test: (e: ChannelEvent) => boolean, what: string): Promise<void> {
    const gaveUp = Date.now() + 20_000;
    while (!this.events.some(test) && Date.now() < gaveUp) {
      await new Promise<void>((r) => { this.wake = r; setTimeout(r, 1000); });
    }
    assert.ok(this.events.some(test), `Asterisk never reported ${what}; saw ${JSON.stringify(this.events)}`);
  }
  close(): void {
    this.ws.close();
  }
}

let root: string;
let asterisk: RunningAsterisk | undefined;
let edge: TestEdge | undefined;
let watch: ChannelWatch | undefined;
let owner: RawUa | undefined;
let cookie: string;
let ari: (path: string) => Promise<Response>;

before(async () => {
  // mkdtemp adds no dot: Asterisk's media cache must not see one (prompts would be silent).
  root = mkdtempSync(join(tmpdir(), 'hl-hours-'));
  const dataDir = join(root, 'data');
  const confDir = join(root, 'conf');
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(confDir, { recursive: true });
  const port = await freePort();
  const shared = { dataDir, upstream: { asteriskWsUrl: `ws://127.0.0.1:${port}/ws` }, ari: { url: `http://127.0.0.1:${port}/ari` } };
  const config = validateConfig(shared);
  const { secrets } = await loadOrCreateSecrets(dataDir);
  const { plan, files } = generate(config, secrets, validateSite({}));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(confDir, name), text);
  writeFileSync(join(confDir, PHONE_SECRETS_FILE), renderPhoneSecrets(plan));
  asterisk = await runAsterisk(join(root, 'asterisk'), confDir);
  // A known port: Asterisk fetches the menu's prompts from the edge at http://127.0.0.1:<port>.
  edge = await startEdge({ ...shared, port: await freePort(), visitor: { idleSeconds: 600 } });
  for (let i = 0; !asterisk.cli('ari show apps').includes('homeline'); i++) {
    if (i > 100) throw new Error('the edge never registered its Stasis app');
    await new Promise((r) => setTimeout(r, 200));
  }
  // The edge's self-check plays a prompt through an announcer channel on each ARI connect: done
  // before the watcher listens, so every channel the watcher sees is one a call made.
  for (let i = 0; edge.app.ivr.selfCheck!.result.status === 'pending'; i++) {
    if (i > 150) throw new Error('the edge\'s Asterisk self-check never finished');
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(edge.app.ivr.selfCheck!.result.status, 'ok', edge.app.ivr.selfCheck!.result.reason);
  const auth = `Basic ${Buffer.from(`${config.ari.user}:${secrets.ariPassword}`).toString('base64')}`;
  ari = (path) => fetch(`${config.ari.url}${path}`, { headers: { authorization: auth } });
  watch = await ChannelWatch.open(config.ari.url, config.ari.user, secrets.ariPassword);
  owner = await registeredOwner(edge);
  for (let i = 0; !/Contact:\s+6000\//.test(asterisk.cli('pjsip show contacts')); i++) {
    if (i > 100) throw new Error('the owner tab never registered in Asterisk');
    await new Promise((r) => setTimeout(r, 100));
  }
  cookie = await ownerLogin(edge);
});

after(async () => {
  watch?.close();
  owner?.ws.terminate();
  await edge?.close().catch(() => {});
  await asterisk?.stop();
  if (!process.env.HOMELINE_TEST_KEEP) rmSync(root, { recursive: true, force: true });
});

async function putHours(hours: object): Promise<void> {
  const r = await edge!.app.inject({ method: 'PUT', url: '/api/owner/hours', payload: { hours }, headers: { cookie } });
  assert.equal(r.statusCode, 200, r.body);
}

let visitor: RawUa;

test('closed hours: the direct call is refused with 480 HL_OWNER_HOURS, Asterisk has no channel, the call log says hours', async () => {
  await putHours(CLOSED);
  visitor = await connectedVisitor(edge!);
  const { status, response } = await visitorInvite(visitor, 'sip:owner@home.arpa');
  assert.equal(status, 480);
  assert.match(header(response, 'Warning')!, /^399 homeline "HL_OWNER_HOURS/);

  const channels = await ari('/channels');
  assert.equal(channels.status, 200);
  assert.deepEqual(await channels.json(), [], 'nothing is ringing at Asterisk');
  assert.doesNotMatch(asterisk!.cli('core show channels concise'), /\S/, 'the CLI shows no channel either');

  const calls = (await edge!.app.inject({ url: '/api/owner/calls', headers: { cookie } })).json().calls;
  const row = calls.find((c: { visitor: string }) => c.visitor === visitor.user);
  assert.ok(row, `a call row for ${visitor.user}: ${JSON.stringify(calls)}`);
  assert.deepEqual([row.outcome, row.reason], ['refused', 'hours']);
});

test('closed hours: the operator menu\'s "ring the owner" leaves word and Asterisk dials nobody', async () => {
  let menuChannel = '';
  await MenuCall.walk(edge!, async (call) => {
    await call.press('0');
    await call.until((s) => s.node === 'contact' && s.mode === 'menu');
    await call.press('1');
    const next = await call.until((s) => s.node === 'contact' && (s.mode === 'ringing' || s.mode === 'recording'));
    assert.equal(next.mode, 'recording', 'outside the hours the ring step goes straight to leave-word');
    menuChannel = call.channelId;
  });
  // The visitor hung up: once Asterisk reports its channel gone, every channel the call made
  // (a Dial's outbound legs come before the caller's end) is in the list.
  await watch!.until((e) => e.type === 'ChannelDestroyed' && e.id === menuChannel, 'the menu call\'s end');
  const created = watch!.created();
  assert.equal(created.length, 1, `only the visitor's channel, ever (also none from the refused direct call): ${created.join(', ')}`);
  assert.match(created[0], /^PJSIP\/visitor-/);
});

test('open hours again: the same visitor\'s call rings the owner\'s tab through Asterisk', async () => {
  await putHours(ALL_WEEK);
  const invite = visitor.invite('owner');
  const ring = await owner!.request('INVITE', 20_000);
  assert.match(header(ring.msg, 'From')!, /visitor/i, 'Asterisk presents the call as the website visitor');
  await watch!.until((e) => e.type === 'ChannelCreated' && /^PJSIP\/6000-/.test(e.name), 'a channel to the owner\'s tab');
  assert.equal(watch!.created().filter((n) => /^PJSIP\/visitor-/.test(n)).length, 2, 'the visitor\'s second call is a channel at Asterisk');
  owner!.reply(ring.msg, 486, 'Busy Here');
  visitor.cancel(invite);
  await visitor.close();
});
