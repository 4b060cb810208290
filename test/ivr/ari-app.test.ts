// The Stasis application driven through whole calls over real HTTP and WebSockets: against a real
// Asterisk when HOMELINE_TEST_ARI_URL (+ _USER, _PASSWORD) is set (test/asterisk/run-ari-suite.ts,
// part of npm test), and against the ARI simulator as the fast unit run. Every case runs on both;
// on Asterisk the calls are `Local/100@from-web/n` channels whose ;1 half the test drives from a
// second ARI app (DTMF, a tone to record, hang-ups) while the generated dialplan does the rest.
// The app's client always goes through a TCP proxy, so a test can cut its events socket.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AriClient, backoffDelay } from '../../server/ivr/ari/client.ts';
import { IvrAriApp, type NodeChange } from '../../server/ivr/ari/app.ts';
import type { AriEvent, Clock } from '../../server/ivr/ari/types.ts';
import { AriAuthError, AriError } from '../../server/ivr/errors.ts';
import { IvrStore } from '../../server/ivr/store.ts';
import { promptText, type Menu } from '../../server/ivr/menu-schema.ts';
import { parseSip, serializeSip, type SipRequest } from '../../server/sip/message.ts';
import { buildResponse, newTag } from '../../server/sip/responses.ts';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { AriSimulator } from './ari-simulator.ts';
import { menuOf, reach } from './walk-helpers.ts';

const REAL = process.env.HOMELINE_TEST_ARI_URL;
if (!REAL) console.log('# ARI tests run against the simulator here; test/asterisk/run-ari-suite.ts runs them against a real Asterisk');

const menuDoc = {
  version: 1, role: 'owner', title: 'T', start: 'main',
  defaults: { invalid: 'Invalid.', tooManyFailures: 'Too many.', timeoutSeconds: 5 },
  nodes: {
    main: {
      title: 'Main', prompt: 'Main menu.',
      options: {
        '0': { label: 'Contact', goto: 'contact' },
        '6': { label: 'Ext', collect: { digits: 4, pattern: '6XXX', prompt: 'Extension?', timeoutSeconds: 15 } },
        '9': { label: 'Gas', dialOut: { number: '08001119999' } },
      },
    },
    contact: {
      title: 'Contact', prompt: 'Contact menu.',
      options: {
        // 3 s at most: the test's tone never falls silent, so the recording runs to its maximum.
        '1': { label: 'Ring', ring: { group: 'owner', timeoutSeconds: 20, noAnswer: { record: { kind: 'message', prompt: 'Leave a message.', thanks: 'Saved.', maxSeconds: 3 } } } },
        '2': { label: 'Name', record: { kind: 'name', prompt: 'Say your name.' } },
        '3': { label: 'Callback', callback: { number: 'caller', thanks: 'Will call.' } },
      },
    },
  },
};
const menu = menuOf(menuDoc);

// ---------------------------------------------------------------- helpers

function waitFor<T>(em: EventEmitter<any>, event: string, pred: (v: T) => boolean = () => true, ms = 15_000): Promise<T> {
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

/**
 * Timers the test fires by hand: delays are read, never waited for. Timers `hold` picks wait for
 * `fire`; the others run on the system clock (so a whole call can run while one timer is held).
 */
class ManualClock extends EventEmitter<{ set: [Timer] }> implements Clock {
  readonly pending = new Set<Timer>();
  constructor(public hold: (ms: number) => boolean = () => true) {
    super();
  }
  setTimeout(fn: () => void, ms: number): unknown {
    if (!this.hold(ms)) return setTimeout(fn, ms);
    const t = { fn, ms };
    this.pending.add(t);
    this.emit('set', t);
    return t;
  }
  clearTimeout(handle: unknown): void {
    if (!this.pending.delete(handle as Timer)) clearTimeout(handle as NodeJS.Timeout);
  }
  /** The next pending timer matching `pred` (one already set, or the next one set). */
  next(pred: (t: Timer) => boolean = () => true): Promise<Timer> {
    for (const t of this.pending) if (pred(t)) return Promise.resolve(t);
    return waitFor<Timer>(this, 'set', pred);
  }
  fire(t: Timer): void {
    assert.ok(this.pending.delete(t), 'timer still pending');
    t.fn();
  }
}
interface Timer { fn: () => void; ms: number }

/** A TCP proxy in front of ARI: cuts an app's events WebSocket and refuses new ones, like a network fault. */
class AriProxy extends EventEmitter<{ refused: [app: string] }> {
  /** Apps whose events socket is refused (REST still passes). */
  readonly blocked = new Set<string>();
  private server: Server | null = null;
  private readonly events = new Map<Socket, string>();
  private readonly all = new Set<Socket>();
  constructor(private readonly target: URL) {
    super();
  }
  async listen(): Promise<string> {
    this.server = createServer((client) => {
      this.all.add(client);
      client.on('close', () => this.all.delete(client));
      client.once('data', (first: Buffer) => {
        const line = first.toString('latin1', 0, Math.max(0, first.indexOf('\r\n')));
        const events = /^GET \S*\/ari\/events\?(\S*)/.exec(line);
        const app = events ? (new URLSearchParams(events[1]).get('app') ?? '') : null;
        if (app !== null && this.blocked.has(app)) {
          client.destroy();
          this.emit('refused', app);
          return;
        }
        const upstream = connect(Number(this.target.port), this.target.hostname);
        this.all.add(upstream);
        if (app !== null) this.events.set(client, app);
        upstream.write(first);
        client.pipe(upstream).on('error', () => client.destroy());
        upstream.pipe(client);
        const end = () => (client.destroy(), upstream.destroy(), this.events.delete(client), this.all.delete(upstream));
        client.on('close', end);
        upstream.on('close', end);
        upstream.on('error', end);
      });
      client.on('error', () => client.destroy());
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server!.address() as { port: number }).port}/ari`;
  }
  /** Cut the open events sockets of `app`; Asterisk itself keeps running. */
  cutEvents(app: string): number {
    let n = 0;
    for (const [s, a] of this.events) if (a === app) (s.destroy(), n++);
    return n;
  }
  async close(): Promise<void> {
    for (const s of this.all) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** Minimal RIFF/WAVE reader: format, length and loudness of 16-bit PCM. */
function readWav(buf: Buffer): { rate: number; channels: number; bits: number; seconds: number; rms: number; peak: number } {
  assert.equal(buf.toString('latin1', 0, 4), 'RIFF');
  assert.equal(buf.toString('latin1', 8, 12), 'WAVE');
  let off = 12;
  let fmt: { rate: number; channels: number; bits: number } | null = null;
  while (off + 8 <= buf.length) {
    const id = buf.toString('latin1', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === 'fmt ') {
      assert.equal(buf.readUInt16LE(off + 8), 1, 'PCM');
      fmt = { channels: buf.readUInt16LE(off + 10), rate: buf.readUInt32LE(off + 12), bits: buf.readUInt16LE(off + 22) };
    }
    if (id === 'data') {
      assert.ok(fmt, 'fmt before data');
      assert.equal(fmt.bits, 16);
      const n = Math.floor(Math.min(size, buf.length - off - 8) / 2);
      let sum = 0;
      let peak = 0;
      for (let i = 0; i < n; i++) {
        const v = buf.readInt16LE(off + 8 + i * 2);
        sum += v * v;
        peak = Math.max(peak, Math.abs(v));
      }
      return { ...fmt, seconds: n / fmt.channels / fmt.rate, rms: n ? Math.sqrt(sum / n) : 0, peak };
    }
    off += 8 + size + (size % 2);
  }
  throw new Error('no data chunk');
}

/**
 * The owner's browser tab as Asterisk sees it: a SIP-over-WebSocket client that registers AOR
 * 6000 with the edge's secret header (what the edge stamps) and answers the next INVITE. No media
 * flows (its DTLS fingerprint is made up), but Dial() counts the 200 OK as ANSWER, which is what
 * the IVR must survive.
 */
class OwnerTab {
  private readonly ws: WebSocket;
  private readonly host = `${randomBytes(4).toString('hex')}.invalid`;
  readonly answered: Promise<void>;
  private seq = 1;
  private constructor(url: string, private readonly secret: string) {
    this.ws = new WebSocket(url, 'sip');
    let answered!: () => void;
    this.answered = new Promise((r) => (answered = r));
    this.ws.on('message', (data) => {
      const msg = parseSip(String(data));
      if (msg.kind !== 'request') return;
      if (msg.method === 'INVITE') {
        this.send(serializeSip({ ...buildResponse(msg, 200, 'OK', [{ name: 'Contact', value: `<sip:6000@${this.host};transport=ws>` }, { name: 'Content-Type', value: 'application/sdp' }], newTag()), body: answerSdp(msg) }));
      } else if (msg.method === 'ACK') {
        answered();
      } else if (msg.method !== 'CANCEL') {
        this.send(serializeSip(buildResponse(msg, 200, 'OK')));
      }
    });
  }
  static async register(url: string, secret: string): Promise<OwnerTab> {
    const tab = new OwnerTab(url, secret);
    await once(tab.ws, 'open');
    const reply = new Promise<string>((resolve) => tab.ws.once('message', (d) => resolve(String(d))));
    tab.send([
      `REGISTER sip:127.0.0.1 SIP/2.0`,
      `Via: SIP/2.0/WS ${tab.host};branch=z9hG4bK${randomBytes(6).toString('hex')}`,
      `Max-Forwards: 70`,
      `From: <sip:6000@127.0.0.1>;tag=${newTag()}`,
      `To: <sip:6000@127.0.0.1>`,
      `Call-ID: ${randomBytes(8).toString('hex')}`,
      `CSeq: ${tab.seq++} REGISTER`,
      `Contact: <sip:6000@${tab.host};transport=ws>`,
      `Expires: 300`,
      `X-Homeline-Edge: owner-${tab.secret}`,
      `Content-Length: 0`,
      '', '',
    ].join('\r\n'));
    const text = await reply;
    const res = parseSip(text);
    assert.equal(res.kind === 'response' && res.status, 200, `REGISTER answered: ${text.split('\r\n')[0]}`);
    return tab;
  }
  private send(text: string) {
    this.ws.send(text);
  }
  async close() {
    const closed = once(this.ws, 'close');
    this.ws.close();
    // Asterisk does not always answer the close frame of a socket whose call it is still ending;
    // ws would wait 30 s for it.
    const cut = setTimeout(() => this.ws.terminate(), 1_000);
    await closed;
    clearTimeout(cut);
  }
}

/** A WebRTC answer to Asterisk's offer: same codec and mid, ICE and DTLS attributes present. */
function answerSdp(invite: SipRequest): string {
  const offer = invite.body.split(/\r?\n/);
  const pts = (offer.find((l) => l.startsWith('m=audio')) ?? '').split(' ').slice(3);
  const pt = pts.includes('0') ? '0' : pts[0]!;
  const rtpmap = offer.find((l) => l.startsWith(`a=rtpmap:${pt} `)) ?? `a=rtpmap:0 PCMU/8000`;
  const mid = offer.find((l) => l.startsWith('a=mid:'));
  const fp = Array.from(randomBytes(32), (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
  return [
    'v=0', `o=- ${Date.now()} 1 IN IP4 127.0.0.1`, 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
    `m=audio 9 UDP/TLS/RTP/SAVPF ${pt}`, rtpmap, ...(mid ? [mid] : []), 'a=sendrecv', 'a=rtcp-mux',
    `a=ice-ufrag:${randomBytes(4).toString('hex')}`, `a=ice-pwd:${randomBytes(12).toString('hex')}`,
    `a=fingerprint:sha-256 ${fp}`, 'a=setup:passive', '',
  ].join('\r\n');
}

// ---------------------------------------------------------------- drivers

/** How a test places and handles calls: the simulator's hands, or a second ARI app on Asterisk. */
interface Driver {
  /** The Stasis application the dialplan sends calls to. */
  app: string;
  /** ARI's own address (the app under test goes through the proxy instead). */
  url: string;
  user: string;
  password: string;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  /** Places a call into the operator menu; `handle` is the caller's side. */
  call(app: IvrAriApp, caller: string): Promise<{ channelId: string; handle: string }>;
  dtmf(handle: string, digits: string): Promise<void>;
  /** The caller's side plays a tone (what the IVR records). */
  playTone(handle: string): Promise<void>;
  hangup(handle: string): Promise<void>;
  /** Resolves once the caller's side is gone: nothing is left hanging. */
  gone(handle: string): Promise<void>;
  /** A prompt on the app's channel finished (seen by the test, whether or not the app heard it). */
  promptFinished(channelId: string): Promise<unknown>;
  /** Starts following the app's channel: where it goes in the dialplan ("context,exten"), its prompts. */
  follow(channelId: string): Promise<void>;
  visited(channelId: string): string[];
  /** A channel arrives at `Stasis(app,ring-result,…)` that the app never walked; returns its handle. */
  strayRingResult(): Promise<string>;
  liveChannels(): Promise<string[]>;
  applications(): Promise<string[]>;
  /** Someone in the owner's ring group will answer the next ring. */
  ownerAnswers(): Promise<{ answered: Promise<void>; close(): Promise<void> }>;
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
  async call(app: IvrAriApp, caller: string) {
    const started = waitFor<{ channelId: string; caller: string }>(app, 'callStarted', (e) => e.caller === caller);
    const id = this.sim.startCall(this.app, { name: 'Visitor', number: caller });
    assert.ok(id, 'Stasis app registered');
    assert.equal((await started).channelId, id);
    return { channelId: id, handle: id };
  }
  async dtmf(handle: string, digits: string) {
    for (const d of digits) this.sim.dtmf(handle, d);
  }
  async playTone() {
    // The simulator's recordings are a tone of their own.
  }
  async hangup(handle: string) {
    this.sim.hangup(handle);
  }
  async gone(handle: string) {
    if (!this.sim.channels.has(handle)) return;
    await waitFor(this.sim, 'event', (e: AriEvent) => e.type === 'ChannelDestroyed' && e.channel.id === handle);
  }
  async follow() {}
  async promptFinished(channelId: string) {
    await waitFor(this.sim, 'event', (e: AriEvent) => e.type === 'PlaybackFinished' && e.playback.target_uri === `channel:${channelId}`);
  }
  visited(channelId: string) {
    return this.sim.channelRequests(channelId).filter((r) => r.path.endsWith('/continue')).map((r) => `${r.query.context},${r.query.extension}`);
  }
  async strayRingResult() {
    const id = this.sim.startCall(this.app, { name: '', number: '' }, 'Up', ['ring-result', 'NOANSWER']);
    assert.ok(id);
    return id;
  }
  async liveChannels() {
    return [...this.sim.channels.keys()];
  }
  async ownerAnswers() {
    let answered!: () => void;
    const done = new Promise<void>((r) => (answered = r));
    this.sim.ringOutcome = () => (answered(), 'ANSWER');
    return { answered: done, close: async () => void (this.sim.ringOutcome = () => 'NOANSWER') };
  }
  async applications() {
    return this.sim.connectedApps();
  }
}

/** Originates `Local/100@from-web/n`: its ;2 half runs the dialplan into the app, its ;1 half is ours. */
class AsteriskDriver implements Driver {
  app = process.env.HOMELINE_TEST_ARI_APP ?? 'homeline';
  url = REAL!;
  user = process.env.HOMELINE_TEST_ARI_USER ?? 'homeline';
  password = process.env.HOMELINE_TEST_ARI_PASSWORD ?? '';
  private readonly name = 'homeline-test-driver';
  private readonly client = new AriClient({ url: this.url, user: this.user, password: this.password, app: this.name });
  /** "<type>:<channel id>" of every event seen, so a wait can start after the event. */
  private readonly seen = new Set<string>();
  private readonly trail = new Map<string, string[]>();
  private readonly events = new EventEmitter<{ seen: [string] }>();
  async setup() {
    this.client.on('event', (ev) => {
      if (ev.type === 'PlaybackFinished') {
        const key = `${ev.type}:${ev.playback.target_uri.replace(/^channel:/, '')}`;
        this.seen.add(key);
        this.events.emit('seen', key);
      }
      if (!('channel' in ev)) return;
      const key = `${ev.type}:${ev.channel.id}`;
      if (ev.type === 'ChannelDialplan') {
        const dp = ev.channel.dialplan;
        const list = this.trail.get(ev.channel.id) ?? [];
        list.push(`${dp.context},${dp.exten}`);
        this.trail.set(ev.channel.id, list);
      }
      this.seen.add(key);
      this.events.emit('seen', key);
    });
    const up = once(this.client, 'connected');
    this.client.start();
    await up;
  }
  async teardown() {
    await this.client.stop();
  }
  private until(type: string, id: string): Promise<unknown> {
    const key = `${type}:${id}`;
    return this.seen.has(key) ? Promise.resolve() : waitFor(this.events, 'seen', (k: string) => k === key);
  }
  async call(app: IvrAriApp, caller: string) {
    const started = waitFor<{ channelId: string; caller: string }>(app, 'callStarted', (e) => e.caller === caller);
    const endpoint = `Local/${process.env.HOMELINE_TEST_ARI_EXTEN ?? '100'}@${process.env.HOMELINE_TEST_ARI_CONTEXT ?? 'from-web'}/n`;
    const ch = await this.client.request<{ id: string }>('POST', '/channels', { endpoint, app: this.name, callerId: `"Test" <${caller}>` });
    const { channelId } = await started;
    return { channelId, handle: ch.id };
  }
  async dtmf(handle: string, digits: string) {
    await this.until('StasisStart', handle); // ;1 joins our app once the IVR answered ;2
    await this.client.request('POST', `/channels/${handle}/dtmf`, { dtmf: digits, between: 150 });
  }
  async playTone(handle: string) {
    await this.until('StasisStart', handle);
    await this.client.request('POST', `/channels/${handle}/play`, { media: 'tone:440' });
  }
  async hangup(handle: string) {
    await this.client.request('DELETE', `/channels/${handle}`).catch((err) => {
      if (!(err instanceof AriError && err.status === 404)) throw err; // already gone is what we wanted
    });
  }
  async gone(handle: string) {
    await this.until('ChannelDestroyed', handle);
  }
  async promptFinished(channelId: string) {
    await this.until('PlaybackFinished', channelId);
  }
  async follow(channelId: string) {
    await this.client.request('POST', `/applications/${this.name}/subscription`, { eventSource: `channel:${channelId}` });
  }
  visited(channelId: string) {
    return this.trail.get(channelId) ?? [];
  }
  async strayRingResult() {
    // Straight into [ivr-ring] with nobody registered: Dial fails at once and hands the channel
    // to Stasis(homeline,ring-result,CHANUNAVAIL) although the app never sent it there.
    const ch = await this.client.request<{ id: string }>('POST', '/channels', { endpoint: 'Local/ring@ivr-ring/n', app: this.name }, { variables: { HL_RING_DIAL: 'PJSIP/6001', HL_RING_TIMEOUT: '2' } });
    return ch.id;
  }
  async ownerAnswers() {
    const ws = process.env.HOMELINE_TEST_ASTERISK_WS_URL;
    const secret = process.env.HOMELINE_TEST_EDGE_SECRET;
    assert.ok(ws && secret, 'run-ari-suite.ts passes HOMELINE_TEST_ASTERISK_WS_URL and HOMELINE_TEST_EDGE_SECRET');
    return OwnerTab.register(ws, secret);
  }
  async liveChannels() {
    return (await this.client.request<{ id: string }[]>('GET', '/channels')).map((c) => c.id);
  }
  async applications() {
    return (await this.client.request<{ name: string }[]>('GET', '/applications')).map((a) => a.name);
  }
}

// ---------------------------------------------------------------- the app under test

const driver: Driver = REAL ? new AsteriskDriver() : new SimDriver();
const sim = driver instanceof SimDriver ? driver.sim : undefined;
const recordingsDir = mkdtempSync(join(tmpdir(), 'hl-ari-rec-'));
const ANSWER_DELAY_MS = REAL ? 300 : 5;
let proxy: AriProxy;
let proxyUrl: string;
/** The app's timers: all on the system clock unless a test holds some. */
const appClock = new ManualClock(() => false);
let store: IvrStore;
let client: AriClient;
let app: IvrAriApp;

/** The owner's availability switch as the app sees it (do-not-disturb holds on the IVR's ring steps too). */
let ownerAvailable = true;

function newApp(opts: { appName: string; url: string; clock?: Clock; menu?: Menu }): { client: AriClient; app: IvrAriApp } {
  const c = new AriClient({ url: opts.url, user: driver.user, password: driver.password, app: opts.appName, minBackoffMs: 20, maxBackoffMs: 200, clock: opts.clock });
  const a = new IvrAriApp({
    client: c, menu: opts.menu ?? menu, store, allowedExtensions: reach.visitorExtensions, ownerGroup: reach.ownerGroup,
    ownerAvailable: () => ownerAvailable,
    mediaUri: (p) => `sound:hl-test/${encodeURIComponent(promptText(p))}`,
    answerDelayMs: ANSWER_DELAY_MS,
    recordingsDir,
    clock: opts.clock,
    // The app's warnings (failed ARI requests, copies) go to the test output: a failure says why.
    log: { info: () => {}, warn: (o, m) => console.log('# app warn:', m, JSON.stringify(o)) },
  });
  return { client: c, app: a };
}

/** Everything the app reported, so a wait may start after the fact without a race. */
const nodeLog: NodeChange[] = [];
const endedLog = new Set<string>();

function reached(pred: (e: NodeChange) => boolean, ms?: number): Promise<NodeChange> {
  const hit = nodeLog.find(pred);
  return hit ? Promise.resolve(hit) : waitFor(app, 'nodeChanged', pred, ms);
}

function endOf(channelId: string, ms?: number): Promise<unknown> {
  return endedLog.has(channelId) ? Promise.resolve() : waitFor(app, 'callEnded', endedIs(channelId), ms);
}

before(async () => {
  await driver.setup();
  proxy = new AriProxy(new URL(driver.url));
  proxyUrl = await proxy.listen();
  store = new IvrStore(':memory:');
  ({ client, app } = newApp({ appName: driver.app, url: proxyUrl, clock: appClock }));
  app.setMaxListeners(50); // 12 concurrent calls each wait on the app
  app.on('nodeChanged', (e) => nodeLog.push(e));
  app.on('callEnded', (e) => endedLog.add(e.channelId));
  const up = once(client, 'connected');
  app.start();
  await up;
});

after(async () => {
  await app.stop();
  store.close();
  await proxy.close();
  await driver.teardown();
  rmSync(recordingsDir, { recursive: true, force: true });
});

const nodeIs = (channelId: string, node: string, mode = 'menu') => (e: NodeChange) => e.channelId === channelId && e.node === node && e.mode === mode;
const endedIs = (channelId: string) => (e: { channelId: string }) => e.channelId === channelId;
const plays = (channelId: string) => sim!.channelRequests(channelId).filter((r) => r.path.endsWith('/play')).map((r) => decodeURIComponent(r.query.media!.replace('sound:hl-test/', '')));

/**
 * Nothing the test started may outlive it on Asterisk. A Local channel's other half and a bridged
 * peer are torn down by Asterisk's own threads after the half the test hung up is destroyed, so a
 * channel still ending is given a moment; one still there after it is hung.
 */
async function assertNoChannelsOf(...ids: string[]) {
  assert.deepEqual(await channelsLeft(ids), [], 'no hung channels');
}

/** Which of `ids` Asterisk still has once they had up to 5 s to end. */
async function channelsLeft(ids: string[]): Promise<string[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const live = new Set(await driver.liveChannels());
    const left = ids.filter((id) => live.has(id));
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---------------------------------------------------------------- calls

test('a whole call: answer, wait, menu, submenu, callback stored, hang-up, state cleaned', async () => {
  const caller = `60${String(Date.now()).slice(-2)}`;
  const { channelId, handle } = await driver.call(app, caller);
  await reached(nodeIs(channelId, 'main'));
  await driver.dtmf(handle, '0');
  await reached(nodeIs(channelId, 'contact'));
  const ended = endOf(channelId);
  await driver.dtmf(handle, '3');
  await ended;
  const cb = store.listCallbacks().find((c) => c.channel === channelId);
  assert.equal(cb?.number, caller);
  assert.equal(cb?.source, 'caller');
  assert.equal(app.activeCalls, 0);
  await driver.gone(handle);
  await assertNoChannelsOf(channelId, handle);
  if (sim) {
    const reqs = sim.channelRequests(channelId).map((r) => `${r.method} ${r.path.replace(channelId, 'ID')}`);
    assert.equal(reqs[0], 'POST /channels/ID/answer', 'answers first');
    assert.deepEqual(plays(channelId), ['Main menu.', 'Contact menu.', 'Will call.']);
    assert.equal(reqs.at(-1), 'DELETE /channels/ID', 'hangs up after the goodbye');
    const firstPlay = sim.channelRequests(channelId).find((r) => r.path.endsWith('/play'))!;
    assert.ok(firstPlay.at >= sim.channelRequests(channelId)[0]!.at, 'no prompt before the answer');
    assert.match(firstPlay.query.playbackId!, /^[0-9a-f-]{36}$/);
  }
});

test('the caller hanging up mid-menu ends the session and its timers', async () => {
  const { channelId, handle } = await driver.call(app, '6001');
  await reached(nodeIs(channelId, 'main'));
  const ended = endOf(channelId);
  await driver.hangup(handle);
  await ended;
  assert.equal(app.activeCalls, 0);
  await driver.gone(handle);
  await assertNoChannelsOf(channelId, handle);
});

test('ring group with no answer falls back to voicemail; the message is stored with its recorded audio', async () => {
  const { channelId, handle } = await driver.call(app, '6002');
  await driver.follow(channelId);
  await reached(nodeIs(channelId, 'main'));
  await driver.dtmf(handle, '0');
  await reached(nodeIs(channelId, 'contact'));
  const ringing = reached(nodeIs(channelId, 'contact', 'ringing'));
  const recording = reached(nodeIs(channelId, 'contact', 'recording'));
  const stored = waitFor<{ channelId: string; id: number; recording: string; audioPath: string | null }>(app, 'messageStored', endedIs(channelId), 30_000);
  const ended = endOf(channelId, 30_000);
  await driver.dtmf(handle, '1');
  await ringing;
  await recording;
  await driver.playTone(handle);
  const msg = await stored;
  await ended;
  // Asterisk really rang: nobody is registered, so Dial came back at once with CHANUNAVAIL.
  assert.ok(driver.visited(channelId).includes('ivr-ring,ring'), `went through [ivr-ring]: ${driver.visited(channelId)}`);
  const row = store.listMessages().find((m) => m.id === msg.id)!;
  assert.equal(row.kind, 'message');
  assert.equal(row.caller, '6002');
  assert.equal(row.recording, msg.recording);
  assert.equal(row.audioPath, msg.audioPath, 'the row points at the copy');
  assert.ok(row.audioPath && existsSync(row.audioPath), 'the recording was copied from Asterisk');
  const wav = readWav(readFileSync(row.audioPath));
  assert.deepEqual([wav.rate, wav.channels, wav.bits], [8000, 1, 16]);
  assert.ok(wav.seconds >= 1 && wav.seconds <= 4, `plausible length (${wav.seconds} s for a 3 s maximum)`);
  assert.ok(wav.peak > 3000 && wav.rms > 1000, `not silence: peak ${wav.peak}, rms ${wav.rms.toFixed(0)}`);
  const spool = process.env.HOMELINE_TEST_ASTERISK_SPOOL;
  // Asterisk's spool is never pruned: once copied, its own file is deleted (retention bounds ours).
  if (spool) assert.equal(existsSync(join(spool, 'recording', `${row.recording}.wav`)), false, "Asterisk's copy is deleted");
  if (sim) assert.ok(sim.requests.some((r) => r.method === 'DELETE' && r.path === `/recordings/stored/${row.recording}`), 'deleted from the stored recordings');
  await driver.gone(handle);
  await assertNoChannelsOf(channelId, handle);
  if (sim) {
    const reqs = sim.channelRequests(channelId);
    const vars = Object.fromEntries(reqs.filter((r) => r.path.endsWith('/variable')).map((r) => [r.query.variable, r.query.value]));
    assert.deepEqual(vars, { HL_RING_DIAL: 'PJSIP/6000&PJSIP/6001&PJSIP/6002', HL_RING_TIMEOUT: '20' });
    const rec = reqs.find((r) => r.path.endsWith('/record'))!;
    assert.equal(rec.query.format, 'wav');
    assert.equal(rec.query.terminateOn, '#');
    assert.equal(rec.query.name, row.recording);
    assert.deepEqual(plays(channelId), ['Main menu.', 'Contact menu.', 'Leave a message.', 'Saved.']);
  }
});

test('do-not-disturb: "ring the owner" never dials the ring group and leaves word instead (issue 10 (6))', async () => {
  ownerAvailable = false;
  try {
    const { channelId, handle } = await driver.call(app, '6005');
    await reached(nodeIs(channelId, 'main'));
    await driver.dtmf(handle, '0');
    await reached(nodeIs(channelId, 'contact'));
    const recording = reached(nodeIs(channelId, 'contact', 'recording'));
    await driver.dtmf(handle, '1');
    await recording;
    assert.equal(nodeLog.some(nodeIs(channelId, 'contact', 'ringing')), false, 'never rang');
    if (sim) {
      const reqs = sim.channelRequests(channelId);
      assert.equal(reqs.some((r) => r.path.endsWith('/continue') || r.path.endsWith('/variable')), false, 'nothing handed to [ivr-ring]');
    } else {
      assert.equal(driver.visited(channelId).includes('ivr-ring,ring'), false, `never in [ivr-ring]: ${driver.visited(channelId)}`);
    }
    await driver.hangup(handle);
    await endOf(channelId, 30_000);
  } finally {
    ownerAvailable = true;
  }
});

test("the owner tree's outside number goes to [ivr-ring] dialout, never to ring", async () => {
  const { channelId, handle } = await driver.call(app, '6004');
  await driver.follow(channelId);
  await reached(nodeIs(channelId, 'main'));
  const ended = endOf(channelId);
  await driver.dtmf(handle, '9');
  await reached(nodeIs(channelId, 'main', 'ringing'));
  // The generated dialplan's dialout hangs up (no trunk rules here); the app follows the hang-up.
  await ended;
  await driver.gone(handle);
  const trail = driver.visited(channelId);
  assert.ok(trail.includes('ivr-ring,dialout') && !trail.includes('ivr-ring,ring'), `dialplan trail: ${trail}`);
  await assertNoChannelsOf(channelId, handle);
  if (sim) {
    const vars = sim.channelRequests(channelId).filter((r) => r.path.endsWith('/variable')).map((r) => r.query.variable);
    assert.deepEqual(vars, ['HL_DIALOUT_NUMBER', 'HL_RING_TIMEOUT']);
    assert.equal(sim.channelRequests(channelId).find((r) => r.query.variable === 'HL_DIALOUT_NUMBER')?.query.value, '08001119999');
  }
});

test('a ring result for a channel the app never walked is hung up, not walked', async () => {
  let started = 0;
  const count = () => started++;
  app.on('callStarted', count);
  try {
    const handle = await driver.strayRingResult();
    await driver.gone(handle);
  } finally {
    app.off('callStarted', count);
  }
  assert.equal(started, 0, 'no walk started for it');
  assert.equal(app.activeCalls, 0);
});

test('12 concurrent menu calls keep their own state', async () => {
  const calls = await Promise.all(Array.from({ length: 12 }, async (_, i) => {
    const caller = `61${String(i).padStart(2, '0')}`;
    const c = await driver.call(app, caller);
    await reached(nodeIs(c.channelId, 'main'));
    return { caller, ...c };
  }));
  assert.equal(new Set(calls.map((c) => c.channelId)).size, 12);
  assert.equal(app.activeCalls, 12);
  // Odd calls ask for a callback from "contact"; even ones go down "6" and enter an extension.
  await Promise.all(calls.map(async (c, i) => {
    if (i % 2) {
      const contact = reached(nodeIs(c.channelId, 'contact'));
      await driver.dtmf(c.handle, '0');
      await contact;
      const ended = endOf(c.channelId);
      await driver.dtmf(c.handle, '3');
      await ended;
    } else {
      // A half-typed extension, different for each call: the walk holds it until the hang-up.
      const digits = String(i).padStart(3, '0');
      await driver.dtmf(c.handle, `6${digits}`);
      await reached((e) => e.channelId === c.channelId && e.mode === 'collect' && e.entered === digits);
      const ended = endOf(c.channelId);
      await driver.hangup(c.handle);
      await ended;
    }
  }));
  for (const [i, c] of calls.entries()) {
    const cb = store.listCallbacks(500).filter((x) => x.channel === c.channelId);
    assert.equal(cb.length, i % 2 ? 1 : 0, `call ${i}`);
    if (i % 2) assert.equal(cb[0]!.number, c.caller, 'each callback carries its own caller');
  }
  assert.equal(app.activeCalls, 0);
  await Promise.all(calls.map((c) => driver.gone(c.handle)));
  await assertNoChannelsOf(...calls.flatMap((c) => [c.channelId, c.handle]));
});

// ---------------------------------------------------------------- the events socket and the client

test('ARI events socket cut (Asterisk keeps running): the app reconnects, re-registers, calls in progress go on, a call hung up meanwhile is cleaned up', async () => {
  const a = await driver.call(app, '6010');
  const b = await driver.call(app, '6011');
  await reached(nodeIs(a.channelId, 'main'));
  await reached(nodeIs(b.channelId, 'main'));
  const dropped = once(client, 'disconnected');
  const refused = once(proxy, 'refused');
  proxy.blocked.add(driver.app);
  assert.equal(proxy.cutEvents(driver.app), 1, 'the app had one events socket');
  await dropped;
  await refused; // the client is already trying again, and is kept out for now
  // While the app is away, B's caller hangs up: its events go nowhere.
  await driver.hangup(b.handle);
  await driver.gone(b.handle);
  assert.equal(endedLog.has(b.channelId), false, 'the app could not have heard of it');
  const back = once(client, 'connected');
  proxy.blocked.delete(driver.app);
  await back;
  assert.ok((await driver.applications()).includes(driver.app), 'the Stasis app is registered again');
  // B: asked about after the reconnect, Asterisk says 404, so the session ends.
  await endOf(b.channelId);
  // A: still walking, still hears DTMF.
  await driver.dtmf(a.handle, '0');
  await reached(nodeIs(a.channelId, 'contact'));
  await driver.hangup(a.handle);
  await endOf(a.channelId);
  // New calls reach the app again.
  const c = await driver.call(app, '6012');
  await reached(nodeIs(c.channelId, 'main'));
  await driver.hangup(c.handle);
  await endOf(c.channelId);
  await Promise.all([a, c].map((x) => driver.gone(x.handle)));
  assert.equal(app.activeCalls, 0);
  await assertNoChannelsOf(a.channelId, a.handle, b.channelId, b.handle, c.channelId, c.handle);
});

test('bad ARI credentials: REST and the events socket report a coded auth error', async () => {
  const clock = new ManualClock();
  const bad = new AriClient({ url: driver.url, user: driver.user, password: 'wrong', app: 'hl-bad-creds', clock });
  await assert.rejects(bad.request('GET', '/applications'), (err: unknown) => err instanceof AriAuthError && err.code === 'HL_ARI_AUTH' && err.status === 401);
  const failed = once(bad, 'authFailed');
  bad.start();
  const [err] = (await failed) as [AriAuthError];
  assert.equal(err.code, 'HL_ARI_AUTH');
  assert.equal(err.status, 401);
  assert.equal(bad.connected, false);
  assert.ok((await clock.next()).ms >= 0, 'it keeps retrying, on the backoff clock');
  assert.equal((await driver.applications()).includes('hl-bad-creds'), false, 'no Stasis app was registered');
  await bad.stop();
  assert.equal(clock.pending.size, 0, 'stop cancels the retry');
});

test('the client reconnects at once, then backs off exponentially up to the cap, and starts over after a success', async () => {
  const clock = new ManualClock();
  const c = new AriClient({ url: proxyUrl, user: driver.user, password: driver.password, app: 'hl-backoff', minBackoffMs: 100, maxBackoffMs: 1000, clock, random: () => 0.5 });
  const delays: number[] = [];
  c.on('reconnecting', ({ delayMs }) => delays.push(delayMs));
  proxy.blocked.add('hl-backoff');
  try {
    c.start();
    for (let i = 0; i < 6; i++) clock.fire(await clock.next());
    await clock.next();
    assert.deepEqual(delays, [0, 100, 200, 400, 800, 1000, 1000]);
    const up = once(c, 'connected');
    proxy.blocked.delete('hl-backoff');
    clock.fire(await clock.next());
    await up;
    assert.ok((await driver.applications()).includes('hl-backoff'), 'registered once the socket is up');
    const down = once(c, 'disconnected');
    proxy.cutEvents('hl-backoff');
    await down;
    assert.equal((await clock.next()).ms, 0, 'after a good connection, the first retry is immediate again');
  } finally {
    proxy.blocked.delete('hl-backoff');
    await c.stop();
  }
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, 100, 1000, 0)), [0, 75, 150, 300, 600, 750, 750], 'jitter: -25 %');
  assert.deepEqual([1, 5].map((n) => backoffDelay(n, 100, 1000, 1)), [125, 1250], 'jitter: +25 %');
});

test('an answered ring leaves the walk: no ring result, no prompt, and its hang-up ends the session', async () => {
  const owner = await driver.ownerAnswers();
  try {
    const { channelId, handle } = await driver.call(app, '6003');
    await driver.follow(channelId);
    await reached(nodeIs(channelId, 'main'));
    await driver.dtmf(handle, '66000'); // 6 = extension, 6000 = the owner's tab
    await reached(nodeIs(channelId, 'main', 'ringing'));
    await owner.answered;
    assert.equal(app.activeCalls, 0, 'a call handed to the dialplan is not walking the menu');
    const ringingAt = nodeLog.length;
    const ended = endOf(channelId); // the park timer is 80 s away: only the followed hang-up can end it in time
    await driver.hangup(handle);
    await ended;
    assert.deepEqual(nodeLog.slice(ringingAt).filter((e) => e.channelId === channelId), [], 'nothing walked after the answer');
    assert.ok(driver.visited(channelId).includes('ivr-ring,ring'));
    await driver.gone(handle);
    await assertNoChannelsOf(channelId, handle);
    if (sim) {
      const reqs = sim.channelRequests(channelId).map((r) => `${r.method} ${r.path.replace(channelId, 'ID')}`);
      const cont = reqs.indexOf('POST /channels/ID/continue');
      assert.ok(cont > 0);
      assert.deepEqual(reqs.slice(cont + 1), [], 'no prompt or hang-up from the app after handing the call to the dialplan');
      assert.equal(sim.channelRequests(channelId).find((r) => r.query.variable === 'HL_RING_DIAL')?.query.value, 'PJSIP/6000');
    }
  } finally {
    await owner.close();
  }
});

test('the park timer forgets a call still bridged long after its ring time (a backstop); the call itself goes on', async () => {
  // (15 s ring + 60 s grace): held, so the test fires it instead of waiting.
  appClock.hold = (ms) => ms === 75_000;
  const owner = await driver.ownerAnswers();
  try {
    const { channelId, handle } = await driver.call(app, '6005');
    await reached(nodeIs(channelId, 'main'));
    const parked = appClock.next((t) => t.ms === 75_000);
    await driver.dtmf(handle, '66000');
    await owner.answered;
    const timer = await parked;
    assert.equal(endedLog.has(channelId), false, 'still remembered while it may come back');
    appClock.fire(timer);
    await endOf(channelId);
    assert.equal(app.activeCalls, 0);
    assert.ok((await driver.liveChannels()).includes(channelId), 'forgetting the walk does not hang up the call');
    await driver.hangup(handle);
    await driver.gone(handle);
    await assertNoChannelsOf(channelId, handle);
  } finally {
    appClock.hold = () => false;
    await owner.close();
  }
});

test('a REST 404 (the caller left while the events socket was down) disposes the session', async () => {
  appClock.hold = (ms) => ms === 5_000; // the menu's first-digit timeout
  try {
    const { channelId, handle } = await driver.call(app, '6006');
    const collect = await appClock.next((t) => t.ms === 5_000);
    // No events reach the app from here on; the caller hangs up unheard.
    proxy.blocked.add(driver.app);
    const down = once(client, 'disconnected');
    proxy.cutEvents(driver.app);
    await down;
    await driver.hangup(handle);
    await driver.gone(handle);
    // The app's half goes a moment after ours; while it lingers a re-prompt would still play.
    assert.deepEqual(await channelsLeft([channelId]), [], "the app's channel is gone on Asterisk");
    assert.equal(endedLog.has(channelId), false);
    // The menu times out and re-prompts: Asterisk answers 404 for the channel, the session ends.
    appClock.fire(collect);
    await endOf(channelId);
    assert.equal(app.activeCalls, 0);
    await assertNoChannelsOf(channelId, handle);
  } finally {
    appClock.hold = () => false;
    const back = client.connected ? null : once(client, 'connected');
    proxy.blocked.delete(driver.app);
    await back;
  }
});

test('a prompt that finished while the events socket was down is caught up on reconnect: the menu goes on listening', async () => {
  // Held: the start of the walk (so the cut lands before the first prompt) and the first-digit
  // timeout, which is armed only once the app knows "Main menu." is over.
  appClock.hold = (ms) => ms === ANSWER_DELAY_MS || ms === 5_000;
  try {
    const { channelId, handle } = await driver.call(app, '6007');
    await driver.follow(channelId);
    const start = await appClock.next((t) => t.ms === ANSWER_DELAY_MS);
    proxy.blocked.add(driver.app);
    const down = once(client, 'disconnected');
    proxy.cutEvents(driver.app);
    await down;
    const finished = driver.promptFinished(channelId);
    appClock.fire(start); // "Main menu." is requested over REST, which still passes
    await finished; // …and its PlaybackFinished goes nowhere
    assert.equal([...appClock.pending].some((t) => t.ms === 5_000), false, 'the app cannot know yet');
    const back = once(client, 'connected');
    proxy.blocked.delete(driver.app);
    await back;
    // The walk listens for the first digit: the app learnt from Asterisk that the prompt is over.
    appClock.clearTimeout(await appClock.next((t) => t.ms === 5_000));
    await driver.hangup(handle);
    await endOf(channelId);
    await driver.gone(handle);
    await assertNoChannelsOf(channelId, handle);
  } finally {
    appClock.hold = () => false;
    if (proxy.blocked.delete(driver.app) && !client.connected) await once(client, 'connected');
  }
});
