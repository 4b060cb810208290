// The Stasis application driven through whole calls over real HTTP and WebSockets: against the
// ARI simulator by default, and against a real Asterisk when HOMELINE_TEST_ARI_URL (+ _USER,
// _PASSWORD) is set. Cases that need the simulator's hands (ring outcomes, dropping the events
// socket) skip with a message on a real Asterisk; the shared ones run on both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { AriClient } from '../../server/ivr/ari/client.ts';
import { IvrAriApp, type NodeChange } from '../../server/ivr/ari/app.ts';
import { IvrStore } from '../../server/ivr/store.ts';
import { promptText } from '../../server/ivr/menu-schema.ts';
import { AriSimulator } from './ari-simulator.ts';
import { menuOf, reach } from './walk-helpers.ts';

const REAL = process.env.HOMELINE_TEST_ARI_URL;
const SIM_ONLY = REAL ? 'needs the ARI simulator (HOMELINE_TEST_ARI_URL points at a real Asterisk)' : false;
if (!REAL) console.log('# ARI tests run against the simulator; set HOMELINE_TEST_ARI_URL, HOMELINE_TEST_ARI_USER, HOMELINE_TEST_ARI_PASSWORD to run them against a real Asterisk');

const menu = menuOf({
  version: 1, role: 'visitor', title: 'T', start: 'main',
  defaults: { invalid: 'Invalid.', tooManyFailures: 'Too many.', timeoutSeconds: 3 },
  nodes: {
    main: { title: 'Main', prompt: 'Main menu.', options: { '0': { label: 'Contact', goto: 'contact' }, '6': { label: 'Ext', collect: { digits: 4, pattern: '6XXX', prompt: 'Extension?' } } } },
    contact: {
      title: 'Contact', prompt: 'Contact menu.',
      options: {
        '1': { label: 'Ring', ring: { group: 'owner', timeoutSeconds: 20, noAnswer: { record: { kind: 'message', prompt: 'Leave a message.', thanks: 'Saved.' } } } },
        '2': { label: 'Name', record: { kind: 'name', prompt: 'Say your name.' } },
        '3': { label: 'Callback', callback: { number: 'caller', thanks: 'Will call.' } },
      },
    },
  },
});

/** How a test places calls: the simulator's hands, or Local channels originated on a real Asterisk. */
interface Driver {
  app: string;
  url: string;
  user: string;
  password: string;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  /** Place a call into the app under test; resolves with a handle for dtmf/hangup. */
  call(app: IvrAriApp, caller: string): Promise<{ channelId: string; handle: string }>;
  dtmf(handle: string, digits: string): Promise<void>;
  hangup(handle: string): Promise<void>;
}

class SimDriver implements Driver {
  sim = new AriSimulator({ playbackMs: 3, recordMs: 3, ringMs: 3 });
  app = 'homeline-test';
  url = '';
  user = this.sim.user;
  password = this.sim.password;
  async setup() {
    this.url = await this.sim.listen();
  }
  async teardown() {
    await this.sim.close();
  }
  async call(_app: IvrAriApp, caller: string) {
    const id = this.sim.startCall(this.app, { name: 'Visitor', number: caller });
    assert.ok(id, 'Stasis app registered');
    return { channelId: id, handle: id };
  }
  async dtmf(handle: string, digits: string) {
    for (const d of digits) this.sim.dtmf(handle, d);
  }
  async hangup(handle: string) {
    this.sim.hangup(handle);
  }
}

/** Originates `Local/<HOMELINE_TEST_ARI_EXTEN>@<context>/n` with its ;1 half in a driver app. */
class AsteriskDriver implements Driver {
  app = process.env.HOMELINE_TEST_ARI_APP ?? 'homeline';
  url = REAL!;
  user = process.env.HOMELINE_TEST_ARI_USER ?? 'homeline';
  password = process.env.HOMELINE_TEST_ARI_PASSWORD ?? '';
  private driver = new AriClient({ url: this.url, user: this.user, password: this.password, app: 'homeline-test-driver' });
  async setup() {
    this.driver.on('event', () => {});
    this.driver.start();
    await once(this.driver, 'connected');
  }
  async teardown() {
    await this.driver.stop();
  }
  async call(app: IvrAriApp, caller: string) {
    const started = waitFor<{ channelId: string; caller: string }>(app, 'callStarted', (e) => e.caller === caller, 10_000);
    const endpoint = `Local/${process.env.HOMELINE_TEST_ARI_EXTEN ?? '100'}@${process.env.HOMELINE_TEST_ARI_CONTEXT ?? 'from-web'}/n`;
    const ch = await this.driver.request<{ id: string }>('POST', '/channels', { endpoint, app: 'homeline-test-driver', callerId: `"Test" <${caller}>` });
    const { channelId } = await started;
    return { channelId, handle: ch.id };
  }
  async dtmf(handle: string, digits: string) {
    await this.driver.request('POST', `/channels/${handle}/dtmf`, { dtmf: digits, between: 150 });
  }
  async hangup(handle: string) {
    await this.driver.request('DELETE', `/channels/${handle}`).catch(() => {});
  }
}

function waitFor<T>(em: EventEmitter<any>, event: string, pred: (v: T) => boolean, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (em.off(event, on), reject(new Error(`timed out waiting for ${event}`))), ms);
    const on = (v: T) => {
      if (!pred(v)) return;
      clearTimeout(timer);
      em.off(event, on);
      resolve(v);
    };
    em.on(event, on);
  });
}

const driver: Driver = REAL ? new AsteriskDriver() : new SimDriver();
const sim = (driver as SimDriver).sim as AriSimulator | undefined;
let store: IvrStore;
let client: AriClient;
let app: IvrAriApp;
/** The owner's do-not-disturb switch as the app sees it (the edge passes presence.isAvailable). */
let ownerAvailable = true;

before(async () => {
  await driver.setup();
  store = new IvrStore(':memory:');
  client = new AriClient({ url: driver.url, user: driver.user, password: driver.password, app: driver.app, minBackoffMs: 20, maxBackoffMs: 200 });
  app = new IvrAriApp({
    client, menu, store, allowedExtensions: reach.visitorExtensions, ownerGroup: reach.ownerGroup, ownerAvailable: () => ownerAvailable,
    mediaUri: (p) => `sound:hl-test/${encodeURIComponent(promptText(p))}`,
    answerDelayMs: REAL ? 1000 : 5,
  });
  const up = once(client, 'connected');
  app.start();
  await up;
});

after(async () => {
  await app.stop();
  store.close();
  await driver.teardown();
});

const nodeIs = (channelId: string, node: string, mode = 'menu') => (e: NodeChange) => e.channelId === channelId && e.node === node && e.mode === mode;
const plays = (channelId: string) => sim!.channelRequests(channelId).filter((r) => r.path.endsWith('/play')).map((r) => decodeURIComponent(r.query.media!.replace('sound:hl-test/', '')));

test('a whole call: answer, wait, menu, submenu, callback stored, hang-up, state cleaned', async () => {
  const caller = `60${String(Date.now()).slice(-2)}`;
  const mainSeen = new Promise<{ channelId: string }>((resolve) => app.once('callStarted', (c) => resolve(c)));
  const { channelId, handle } = await driver.call(app, caller);
  assert.equal((await mainSeen).channelId, channelId);
  await waitFor(app, 'nodeChanged', nodeIs(channelId, 'main'));
  await driver.dtmf(handle, '0');
  await waitFor(app, 'nodeChanged', nodeIs(channelId, 'contact'));
  const ended = waitFor(app, 'callEnded', (e: { channelId: string }) => e.channelId === channelId, 15_000);
  await driver.dtmf(handle, '3');
  await ended;
  const cb = store.listCallbacks().find((c) => c.channel === channelId);
  assert.equal(cb?.number, caller);
  assert.equal(cb?.source, 'caller');
  assert.equal(app.activeCalls, 0);
  if (sim) {
    const reqs = sim.channelRequests(channelId).map((r) => `${r.method} ${r.path.replace(channelId, 'ID')}`);
    assert.equal(reqs[0], 'POST /channels/ID/answer', 'answers first');
    assert.deepEqual(plays(channelId), ['Main menu.', 'Contact menu.', 'Will call.']);
    assert.equal(reqs.at(-1), 'DELETE /channels/ID', 'hangs up after the goodbye');
    const answerAt = sim.channelRequests(channelId)[0]!.at;
    const firstPlay = sim.channelRequests(channelId).find((r) => r.path.endsWith('/play'))!;
    assert.ok(firstPlay.at >= answerAt, 'no prompt before the answer');
    assert.match(firstPlay.query.playbackId!, /^[0-9a-f-]{36}$/);
  }
});

test('the caller hanging up mid-menu ends the session and its timers', async () => {
  const { channelId, handle } = await driver.call(app, '6001');
  await waitFor(app, 'nodeChanged', nodeIs(channelId, 'main'));
  const ended = waitFor(app, 'callEnded', (e: { channelId: string }) => e.channelId === channelId, 10_000);
  await driver.hangup(handle);
  await ended;
  assert.equal(app.activeCalls, 0);
});

test('ring group with no answer falls back to voicemail; the message is stored with its recording', { skip: SIM_ONLY }, async () => {
  sim!.ringOutcome = () => 'NOANSWER';
  const { channelId } = await driver.call(app, '6002');
  await waitFor(app, 'nodeChanged', nodeIs(channelId, 'main'));
  const ringing = waitFor(app, 'nodeChanged', nodeIs(channelId, 'contact', 'ringing'));
  const ended = waitFor(app, 'callEnded', (e: { channelId: string }) => e.channelId === channelId);
  sim!.dtmf(channelId, '0');
  await waitFor(app, 'nodeChanged', nodeIs(channelId, 'contact'));
  sim!.dtmf(channelId, '1');
  await ringing;
  await ended;
  const reqs = sim!.channelRequests(channelId);
  const vars = Object.fromEntries(reqs.filter((r) => r.path.endsWith('/variable')).map((r) => [r.query.variable, r.query.value]));
  assert.deepEqual(vars, { HL_RING_DIAL: 'PJSIP/6000&PJSIP/6001&PJSIP/6002', HL_RING_TIMEOUT: '20' });
  assert.deepEqual(reqs.find((r) => r.path.endsWith('/continue'))?.query, { context: 'ivr-ring', extension: 'ring', priority: '1' });
  const rec = reqs.find((r) => r.path.endsWith('/record'))!;
  assert.equal(rec.query.format, 'wav');
  assert.equal(rec.query.terminateOn, '#');
  assert.deepEqual(plays(channelId), ['Main menu.', 'Contact menu.', 'Leave a message.', 'Saved.']);
  const msg = store.listMessages().find((m) => m.channel === channelId);
  assert.equal(msg?.kind, 'message');
  assert.equal(msg?.recording, rec.query.name);
  assert.equal(msg?.caller, '6002');
});

test('do-not-disturb: "ring the owner" never dials the ring group and leaves word instead (issue 10 (6))', { skip: SIM_ONLY }, async () => {
  sim!.ringOutcome = () => 'ANSWER';
  ownerAvailable = false;
  try {
    const { channelId } = await driver.call(app, '6004');
    await waitFor(app, 'nodeChanged', nodeIs(channelId, 'main'));
    const ended = waitFor(app, 'callEnded', (e: { channelId: string }) => e.channelId === channelId);
    sim!.dtmf(channelId, '0');
    await waitFor(app, 'nodeChanged', nodeIs(channelId, 'contact'));
    sim!.dtmf(channelId, '1');
    await waitFor(app, 'nodeChanged', nodeIs(channelId, 'contact', 'recording'));
    await ended;
    const reqs = sim!.channelRequests(channelId);
    assert.equal(reqs.some((r) => r.path.endsWith('/continue') || r.path.endsWith('/variable')), false, 'nothing handed to [ivr-ring]');
    assert.deepEqual(plays(channelId), ['Main menu.', 'Contact menu.', 'Leave a message.', 'Saved.']);
  } finally {
    ownerAvailable = true;
  }
});

test('an answered ring leaves the walk; no prompt or hang-up follows', { skip: SIM_ONLY }, async () => {
  sim!.ringOutcome = () => 'ANSWER';
  const { channelId } = await driver.call(app, '6003');
  await waitFor(app, 'nodeChanged', nodeIs(channelId, 'main'));
  const ringing = waitFor(app, 'nodeChanged', nodeIs(channelId, 'main', 'ringing'));
  for (const d of '66001') sim!.dtmf(channelId, d);
  await ringing;
  await waitFor(sim!, 'request', (r: { path: string }) => r.path === `/channels/${channelId}/continue`);
  await new Promise((r) => setTimeout(r, 50));
  const reqs = sim!.channelRequests(channelId);
  assert.deepEqual(reqs.find((r) => r.query.variable === 'HL_RING_DIAL')?.query.value, 'PJSIP/6001');
  assert.equal(reqs.at(-1)!.path.endsWith('/continue'), true);
  assert.equal(app.activeCalls, 0, 'a call handed to the dialplan is not walking the menu');
  sim!.hangup(channelId);
});

test('12 concurrent calls keep their own state', { skip: SIM_ONLY }, async () => {
  const calls = Array.from({ length: 12 }, (_, i) => ({ caller: `61${String(i).padStart(2, '0')}`, id: '' }));
  for (const c of calls) c.id = sim!.startCall(driver.app, { name: 'V', number: c.caller })!;
  await Promise.all(calls.map((c) => waitFor(app, 'nodeChanged', nodeIs(c.id, 'main'))));
  assert.equal(app.activeCalls, 12);
  // Odd calls go to contact and ask for a callback; even ones stay and hang up.
  const done = calls.map((c, i) => (i % 2 ? waitFor(app, 'callEnded', (e: { channelId: string }) => e.channelId === c.id) : waitFor(app, 'nodeChanged', nodeIs(c.id, 'contact'))));
  calls.forEach((c, i) => sim!.dtmf(c.id, '0'));
  await Promise.all(calls.map((c) => waitFor(app, 'nodeChanged', nodeIs(c.id, 'contact')).catch(() => {})));
  calls.forEach((c, i) => i % 2 && sim!.dtmf(c.id, '3'));
  await Promise.all(done);
  for (const [i, c] of calls.entries()) {
    const cb = store.listCallbacks(500).filter((x) => x.channel === c.id);
    assert.equal(cb.length, i % 2 ? 1 : 0, `call ${i}`);
    if (i % 2) assert.equal(cb[0]!.number, c.caller, 'each callback carries its own caller');
    else sim!.hangup(c.id);
  }
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(app.activeCalls, 0);
});

test('ARI events socket dropped: the app reconnects, re-registers its Stasis app, calls continue', { skip: SIM_ONLY }, async () => {
  const { channelId } = await driver.call(app, '6010');
  await waitFor(app, 'nodeChanged', nodeIs(channelId, 'main'));
  const back = once(client, 'connected');
  sim!.dropEventSockets();
  assert.equal(sim!.startCall(driver.app), null, 'while away, Stasis(app) fails');
  await back;
  assert.ok(sim!.appConnected(driver.app));
  // The call that was in progress still answers to DTMF.
  const contact = waitFor(app, 'nodeChanged', nodeIs(channelId, 'contact'));
  sim!.dtmf(channelId, '0');
  await contact;
  sim!.hangup(channelId);
  const fresh = sim!.startCall(driver.app, { name: 'V', number: '6011' });
  assert.ok(fresh);
  await waitFor(app, 'nodeChanged', nodeIs(fresh, 'main'));
  sim!.hangup(fresh);
});

test('the simulator refuses bad credentials on REST and on the events socket', { skip: SIM_ONLY }, async () => {
  const res = await fetch(`${driver.url}/channels/x/answer`, { method: 'POST' });
  assert.equal(res.status, 401);
  const bad = new AriClient({ url: driver.url, user: 'homeline', password: 'wrong', app: 'x', minBackoffMs: 1000 });
  bad.start();
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(bad.connected, false);
  assert.equal(sim!.appConnected('x'), false);
  await bad.stop();
});
