// A thin ARI client: REST over fetch (basic auth) and the events WebSocket
// `/ari/events?app=NAME&api_key=user:pass`. Asterisk registers the Stasis application only
// while that socket is open, so a drop means `Stasis(NAME)` fails in the dialplan until we are
// back: reconnect at once, then with capped exponential backoff and jitter.
import { Agent, request as httpRequest } from 'node:http';
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { AriError } from '../errors.ts';
import type { AriEvent } from './types.ts';

export interface AriClientOptions {
  /** `http://127.0.0.1:8088/ari` (a URL without `/ari` gets it appended). */
  url: string;
  user: string;
  password: string;
  app: string;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface AriClientEvents {
  event: [AriEvent];
  connected: [];
  disconnected: [reason: string];
}

export function ariBase(url: string): string {
  const u = url.replace(/\/+$/, '');
  return u.endsWith('/ari') ? u : `${u}/ari`;
}

export class AriClient extends EventEmitter<AriClientEvents> {
  readonly base: string;
  private ws: WebSocket | null = null;
  private stopped = true;
  private attempt = 0;
  private retry: NodeJS.Timeout | null = null;
  private readonly auth: string;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 });
  connected = false;

  constructor(readonly opts: AriClientOptions) {
    super();
    this.base = ariBase(opts.url);
    this.auth = 'Basic ' + Buffer.from(`${opts.user}:${opts.password}`).toString('base64');
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.agent.destroy();
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close();
        setTimeout(() => (ws.terminate(), resolve()), 1000).unref();
      });
    }
  }

  private connect(): void {
    const q = new URLSearchParams({ app: this.opts.app, api_key: `${this.opts.user}:${this.opts.password}`, subscribeAll: 'false' });
    const ws = new WebSocket(`${this.base.replace(/^http/, 'ws')}/events?${q}`);
    this.ws = ws;
    ws.on('open', () => {
      this.attempt = 0;
      this.connected = true;
      this.emit('connected');
    });
    ws.on('message', (data) => {
      let ev: AriEvent;
      try {
        ev = JSON.parse(String(data));
      } catch {
        return;
      }
      this.emit('event', ev);
    });
    ws.on('error', () => {}); // 'close' follows and drives the retry
    ws.on('close', (code) => {
      const was = this.connected;
      this.connected = false;
      if (this.ws === ws) this.ws = null;
      if (was) this.emit('disconnected', `closed ${code}`);
      if (!this.stopped) this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    const min = this.opts.minBackoffMs ?? 200;
    const max = this.opts.maxBackoffMs ?? 10_000;
    const delay = this.attempt === 0 ? 0 : Math.min(max, min * 2 ** (this.attempt - 1)) * (0.75 + Math.random() * 0.5);
    this.attempt++;
    this.retry = setTimeout(() => {
      this.retry = null;
      if (!this.stopped) this.connect();
    }, delay);
  }

  async request<T = unknown>(method: 'GET' | 'POST' | 'DELETE' | 'PUT', path: string, query: Record<string, string | number | boolean | undefined> = {}): Promise<T> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
    const qs = q.size ? `?${q}` : '';
    const url = new URL(`${this.base}${path}${qs}`);
    // node:http with a keep-alive agent: every DTMF turns into REST calls, and undici's fetch
    // costs several times more per request on a busy event loop (bench:ivr).
    const { status, type, body } = await new Promise<{ status: number; type: string; body: Buffer }>((resolve, reject) => {
      const req = httpRequest(url, { method, agent: this.agent, headers: { Authorization: this.auth } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
    if (status < 200 || status >= 300) throw new AriError(method, path, status, body.toString('utf8').slice(0, 200));
    if (status === 204 || body.length === 0) return undefined as T;
    return (type.includes('json') ? JSON.parse(body.toString('utf8')) : body) as T;
  }
}
