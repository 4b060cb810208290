// An Asterisk ARI stand-in that follows the ARI documentation (ari/api-docs: channels,
// playbacks, recordings, events): REST under /ari with basic auth or `api_key`, the events
// WebSocket at /ari/events?app=NAME&api_key=user:pass, and Stasis applications that exist only
// while their socket is connected. Calls, DTMF and hang-ups are driven by the test; plays finish
// after `playbackMs`, recordings after `recordMs`, and `continue` into `[ivr-ring]` comes back
// with `Stasis(app,ring-result,<DIALSTATUS>)` like the dialplan the IVR README asks for.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, WebSocket } from 'ws';
import type { AriChannel, AriEvent } from '../../server/ivr/ari/types.ts';

export interface SimRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  at: number;
}

interface SimChannel extends AriChannel {
  app: string | null;
  vars: Record<string, string>;
}

export interface AriSimulatorOptions {
  user?: string;
  password?: string;
  playbackMs?: number;
  recordMs?: number;
  ringMs?: number;
  /** DIALSTATUS the fake `[ivr-ring]` dialplan returns. */
  ringOutcome?: (channel: SimChannel) => 'ANSWER' | 'NOANSWER' | 'BUSY' | 'CHANUNAVAIL';
}

export class AriSimulator extends EventEmitter<{ request: [SimRequest]; event: [AriEvent]; appConnected: [string] }> {
  readonly user: string;
  readonly password: string;
  playbackMs: number;
  recordMs: number;
  ringMs: number;
  ringOutcome: NonNullable<AriSimulatorOptions['ringOutcome']>;
  readonly requests: SimRequest[] = [];
  readonly channels = new Map<string, SimChannel>();
  private readonly apps = new Map<string, Set<WebSocket>>();
  private readonly playbacks = new Map<string, { channel: string; timer: NodeJS.Timeout; media: string }>();
  private readonly stored = new Map<string, Buffer>();
  /** app → channel ids it subscribed to (POST /applications/{app}/subscription). */
  private readonly subscriptions = new Map<string, Set<string>>();
  private server: Server | null = null;
  private wss = new WebSocketServer({ noServer: true });
  private seq = 0;
  url = '';

  constructor(opts: AriSimulatorOptions = {}) {
    super();
    this.user = opts.user ?? 'homeline';
    this.password = opts.password ?? 'sim-secret';
    this.playbackMs = opts.playbackMs ?? 5;
    this.recordMs = opts.recordMs ?? 5;
    this.ringMs = opts.ringMs ?? 5;
    this.ringOutcome = opts.ringOutcome ?? (() => 'NOANSWER');
  }

  async listen(): Promise<string> {
    this.server = createServer((req, res) => this.onRequest(req, res));
    this.server.on('upgrade', (req, socket, head) => {
      const u = new URL(req.url!, 'http://x');
      if (u.pathname !== '/ari/events' || u.searchParams.get('api_key') !== `${this.user}:${this.password}` || !u.searchParams.get('app')) {
        socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        for (const app of u.searchParams.get('app')!.split(',')) {
          if (!this.apps.has(app)) this.apps.set(app, new Set());
          this.apps.get(app)!.add(ws);
          ws.on('close', () => this.apps.get(app)?.delete(ws));
          this.emit('appConnected', app);
        }
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    const { port } = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${port}/ari`;
    return this.url;
  }

  async close(): Promise<void> {
    for (const p of this.playbacks.values()) clearTimeout(p.timer);
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** What `GET /applications` would list: apps with an events socket open. */
  connectedApps(): string[] {
    return [...this.apps.keys()].filter((a) => this.appConnected(a));
  }

  appConnected(app: string): boolean {
    return (this.apps.get(app)?.size ?? 0) > 0;
  }

  /** Drop every events socket abruptly, as an Asterisk restart or a network cut would. */
  dropEventSockets(): void {
    for (const set of this.apps.values()) set.clear();
    for (const ws of this.wss.clients) ws.terminate();
  }

  /** A call arriving at `Stasis(app)`; null when the app is not registered (Stasis fails). */
  startCall(app: string, caller = { name: 'Visitor', number: 'v-test' }, state = 'Ring', args: string[] = []): string | null {
    if (!this.appConnected(app)) return null;
    const id = `sim-${Date.now()}.${++this.seq}`;
    const ch: SimChannel = {
      id,
      name: `PJSIP/visitor-${String(this.seq).padStart(8, '0')}`,
      state,
      caller,
      connected: { name: '', number: '' },
      accountcode: '',
      dialplan: { context: 'from-web', exten: '100', priority: 2, app_name: 'Stasis', app_data: app },
      creationtime: new Date().toISOString(),
      language: 'en',
      app,
      vars: {},
    };
    this.channels.set(id, ch);
    this.send(app, { type: 'StasisStart', args, channel: this.view(ch) });
    return id;
  }

  dtmf(channelId: string, digit: string): void {
    const ch = this.channels.get(channelId);
    if (ch?.app) this.send(ch.app, { type: 'ChannelDtmfReceived', digit, duration_ms: 100, channel: this.view(ch) });
  }

  /** The caller hangs up. */
  hangup(channelId: string): void {
    const ch = this.channels.get(channelId);
    if (!ch) return;
    if (ch.app) {
      this.send(ch.app, { type: 'ChannelHangupRequest', cause: 16, channel: this.view(ch) });
      this.send(ch.app, { type: 'StasisEnd', channel: this.view(ch) });
    }
    for (const app of this.watchers(ch)) this.send(app, { type: 'ChannelDestroyed', cause: 16, cause_txt: 'Normal Clearing', channel: this.view(ch) });
    this.channels.delete(channelId);
  }

  /** Apps that get this channel's events: the one it is in, and those subscribed to it. */
  private watchers(ch: SimChannel): Set<string> {
    const apps = new Set<string>(ch.app ? [ch.app] : []);
    for (const [app, ids] of this.subscriptions) if (ids.has(ch.id)) apps.add(app);
    return apps;
  }

  /** The channel disappears without a single event reaching anyone (events lost in a gap). */
  vanish(channelId: string): void {
    this.channels.delete(channelId);
  }

  private view(ch: SimChannel): AriChannel {
    const { app: _a, vars: _v, ...rest } = ch;
    return structuredClone(rest);
  }

  private send(app: string, ev: Record<string, unknown>): void {
    const full = { ...ev, application: app, timestamp: new Date().toISOString(), asterisk_id: '00:00:00:00:00:01' } as AriEvent;
    this.emit('event', full);
    const text = JSON.stringify(full);
    for (const ws of this.apps.get(app) ?? []) if (ws.readyState === WebSocket.OPEN) ws.send(text);
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const u = new URL(req.url!, 'http://x');
    const basic = 'Basic ' + Buffer.from(`${this.user}:${this.password}`).toString('base64');
    const json = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (req.headers.authorization !== basic && u.searchParams.get('api_key') !== `${this.user}:${this.password}`) return json(401, { message: 'Authentication required' });
    const r: SimRequest = { method: req.method!, path: u.pathname.replace(/^\/ari/, ''), query: Object.fromEntries(u.searchParams), at: performance.now() };
    this.requests.push(r);
    this.emit('request', r);
    const sub = /^\/applications\/([^/]+)\/subscription$/.exec(r.path);
    if (sub && r.method === 'POST') {
      const app = decodeURIComponent(sub[1]!);
      if (!this.apps.has(app)) return json(404, { message: 'Application not found' });
      const id = /^channel:(.+)$/.exec(r.query.eventSource ?? '')?.[1];
      if (!id || !this.channels.has(id)) return json(422, { message: 'Event source does not exist' });
      if (!this.subscriptions.has(app)) this.subscriptions.set(app, new Set());
      this.subscriptions.get(app)!.add(id);
      return json(200, { name: app, channel_ids: [...this.subscriptions.get(app)!] });
    }
    const m = /^\/channels\/([^/]+)(?:\/([a-z]+))?$/.exec(r.path);
    if (m) {
      const ch = this.channels.get(decodeURIComponent(m[1]!));
      if (!ch) return json(404, { message: 'Channel not found' });
      return this.channelOp(ch, r.method, m[2] ?? '', r.query, json);
    }
    const pb = /^\/playbacks\/([^/]+)$/.exec(r.path);
    if (pb && r.method === 'GET') {
      const p = this.playbacks.get(decodeURIComponent(pb[1]!));
      return p ? json(200, { id: decodeURIComponent(pb[1]!), media_uri: p.media, target_uri: `channel:${p.channel}`, state: 'playing' }) : json(404, { message: 'Playback not found' });
    }
    if (pb && r.method === 'DELETE') {
      const p = this.playbacks.get(decodeURIComponent(pb[1]!));
      if (!p) return json(404, { message: 'Playback not found' });
      clearTimeout(p.timer);
      this.finishPlayback(decodeURIComponent(pb[1]!));
      return json(204);
    }
    const rec = /^\/recordings\/stored\/([^/]+)\/file$/.exec(r.path);
    if (rec && r.method === 'GET') {
      const file = this.stored.get(decodeURIComponent(rec[1]!));
      if (!file) return json(404, { message: 'Recording not found' });
      res.writeHead(200, { 'content-type': 'audio/wav' });
      res.end(file);
      return;
    }
    const stored = /^\/recordings\/stored\/([^/]+)$/.exec(r.path);
    if (stored && r.method === 'DELETE') return json(this.stored.delete(decodeURIComponent(stored[1]!)) ? 204 : 404, { message: 'Recording not found' });
    if (stored && r.method === 'GET') return this.stored.has(decodeURIComponent(stored[1]!)) ? json(200, { name: decodeURIComponent(stored[1]!), format: 'wav' }) : json(404, { message: 'Recording not found' });
    if (r.path === '/asterisk/info') return json(200, { system: { version: 'simulator', entity_id: '00:00:00:00:00:01' } });
    json(404, { message: 'Resource not found' });
  }

  private channelOp(ch: SimChannel, method: string, op: string, q: Record<string, string>, json: (s: number, b?: unknown) => void): void {
    if (method === 'GET' && op === '') return json(200, this.view(ch));
    if (!ch.app && op !== '') return json(409, { message: 'Channel not in Stasis application' });
    const app = ch.app!;
    switch (`${method} ${op}`) {
      case 'POST answer':
        json(204);
        if (ch.state !== 'Up') {
          ch.state = 'Up';
          this.send(app, { type: 'ChannelStateChange', channel: this.view(ch) });
        }
        return;
      case 'POST play': {
        if (!q.media) return json(400, { message: 'media: Missing value' });
        const id = q.playbackId ?? randomUUID();
        const playback = { id, media_uri: q.media, target_uri: `channel:${ch.id}`, language: 'en', state: 'queued' };
        json(201, playback);
        this.send(app, { type: 'PlaybackStarted', playback: { ...playback, state: 'playing' } });
        this.playbacks.set(id, { channel: ch.id, media: q.media, timer: setTimeout(() => this.finishPlayback(id), this.playbackMs) });
        return;
      }
      case 'POST variable':
        if (!q.variable) return json(400, { message: 'variable: Missing value' });
        ch.vars[q.variable] = q.value ?? '';
        return json(204);
      case 'POST continue': {
        json(204);
        this.send(app, { type: 'StasisEnd', channel: this.view(ch) });
        ch.app = null;
        ch.dialplan = { context: q.context ?? '', exten: q.extension ?? '', priority: Number(q.priority ?? 1) };
        if (q.context === 'ivr-ring' && q.extension === 'dialout') {
          // The generated dialplan's `dialout,1,Hangup()` (no trunk rules filled in).
          setTimeout(() => this.hangup(ch.id), this.ringMs);
        } else if (q.context === 'ivr-ring') {
          setTimeout(() => {
            if (!this.channels.has(ch.id)) return;
            const status = this.ringOutcome(ch);
            if (status === 'ANSWER' || !this.appConnected(app)) return; // bridged, or Stasis() fails: dialplan's business
            ch.app = app;
            this.send(app, { type: 'StasisStart', args: ['ring-result', status], channel: this.view(ch) });
          }, this.ringMs);
        }
        return;
      }
      case 'POST record': {
        if (!q.name || !q.format) return json(400, { message: 'name/format: Missing value' });
        const recording = { name: q.name, format: q.format, target_uri: `channel:${ch.id}`, state: 'queued' };
        json(201, recording);
        this.send(app, { type: 'RecordingStarted', recording: { ...recording, state: 'recording' } });
        setTimeout(() => {
          if (!this.channels.has(ch.id)) return;
          // What Asterisk's format_wav writes: 8 kHz mono 16-bit PCM; here 2 s of a 440 Hz tone.
          this.stored.set(q.name!, toneWav(2));
          this.send(app, { type: 'RecordingFinished', recording: { ...recording, state: 'done', duration: 2, talking_duration: 2, silence_duration: 0 } });
        }, this.recordMs);
        return;
      }
      case 'DELETE ': {
        json(204);
        this.send(app, { type: 'StasisEnd', channel: this.view(ch) });
        for (const w of this.watchers(ch)) this.send(w, { type: 'ChannelDestroyed', cause: 16, cause_txt: 'Normal Clearing', channel: this.view(ch) });
        this.channels.delete(ch.id);
        return;
      }
    }
    json(405, { message: 'Method not allowed' });
  }

  private finishPlayback(id: string): void {
    const p = this.playbacks.get(id);
    if (!p) return;
    this.playbacks.delete(id);
    const ch = this.channels.get(p.channel);
    if (!ch?.app) return;
    this.send(ch.app, { type: 'PlaybackFinished', playback: { id, media_uri: p.media, target_uri: `channel:${ch.id}`, language: 'en', state: 'done' } });
  }

  /** Requests of one channel (path starts with /channels/<id>). */
  channelRequests(channelId: string): SimRequest[] {
    return this.requests.filter((r) => r.path.startsWith(`/channels/${encodeURIComponent(channelId)}`));
  }
}

function toneWav(seconds: number): Buffer {
  const samples = 8000 * seconds;
  const buf = Buffer.alloc(44 + samples * 2);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + samples * 2, 4);
  buf.write('WAVEfmt ', 8);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(8000, 24);
  buf.writeUInt32LE(16000, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) buf.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)), 44 + i * 2);
  return buf;
}
