// A thin ARI client: REST over fetch (basic auth) and the events WebSocket
// `/ari/events?app=NAME&api_key=user:pass`. Asterisk registers the Stasis application only
// while that socket is open, so a drop means `Stasis(NAME)` fails in the dialplan until we are
// back: reconnect at once, then with capped exponential backoff and jitter.
import { Agent, request as httpRequest } from 'node:http';
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { AriAuthError, AriError } from '../errors.ts';
import { systemClock, type AriEvent, type Clock } from './types.ts';

export interface AriClientOptions {
  /** `http://127.0.0.1:8088/ari` (a URL without `/ari` gets it appended). */
  url: string;
  user: string;
  password: string;
  app: string;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Timers for the reconnect backoff (tests drive them by hand). */
  clock?: Clock;
  /** Jitter source in [0, 1). */
  random?: () => number;
}

export interface AriClientEvents {
  event: [AriEvent];
  connected: [];
  disconnected: [reason: string];
  /** Asterisk refused our credentials on the events socket; we keep retrying with backoff. */
  authFailed: [AriAuthError];
  /** A reconnect is scheduled `delayMs` from now (attempt counts from 0 after each success). */
  reconnecting: [{ attempt: number; delayMs: number }];
}

/** Reconnect delay: at once after a drop, then capped exponential backoff with ±25 % jitter. */
export function backoffDelay(attempt: number, minMs: number, maxMs: number, random: number): number {
  if (attempt === 0) return 0;
  return Math.round(Math.min(maxMs, minMs * 2 ** (attempt - 1)) * (0.75 + random * 0.5));
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
  private retry: unknown = null;
  private readonly clock: Clock;
  private readonly auth: string;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 });
  connected = false;

  constructor(readonly opts: AriClientOptions) {
    super();
    this.base = ariBase(opts.url);
    this.clock = opts.clock ?? systemClock;
    this.auth = 'Basic ' + Buffer.from(`${opts.user}:${opts.password}`).toString('base64');
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) this.clock.clearTimeout(this.retry);
    this.retry = null;
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
    let refused: number | null = null;
    ws.on('unexpected-response', (_req, res) => {
      // Asterisk answers the upgrade with 401 for a wrong api_key: say so instead of retrying mutely.
      refused = res.statusCode ?? 0;
      res.resume();
      ws.terminate();
    });
    let failure = '';
    // 'close' always follows 'error' and drives the retry; the error is kept for its reason.
    ws.on('error', (err) => (failure = (err as NodeJS.ErrnoException).code ?? err.message));
    ws.on('close', (code) => {
      const was = this.connected;
      this.connected = false;
      if (this.ws === ws) this.ws = null;
      if (was) this.emit('disconnected', `closed ${code}`);
      if (refused === 401) this.emit('authFailed', new AriAuthError('GET', '/events', 401, 'events socket refused the ARI credentials'));
      else if (!was && !this.stopped) this.emit('disconnected', refused ? `upgrade refused ${refused}` : `connect failed ${failure}`);
      if (!this.stopped) this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    const delayMs = backoffDelay(this.attempt, this.opts.minBackoffMs ?? 200, this.opts.maxBackoffMs ?? 10_000, (this.opts.random ?? Math.random)());
    this.emit('reconnecting', { attempt: this.attempt, delayMs });
    this.attempt++;
    this.retry = this.clock.setTimeout(() => {
      this.retry = null;
      if (!this.stopped) this.connect();
    }, delayMs);
  }

  /** One REST call; `body` is sent as JSON (e.g. originate's `variables`). Non-2xx throws AriError. */
  async request<T = unknown>(method: 'GET' | 'POST' | 'DELETE' | 'PUT', path: string, query: Record<string, string | number | boolean | undefined> = {}, body?: unknown): Promise<T> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
    const qs = q.size ? `?${q}` : '';
    const url = new URL(`${this.base}${path}${qs}`);
    // node:http with a keep-alive agent: every DTMF turns into REST calls, and undici's fetch
    // costs several times more per request on a busy event loop (bench:ivr).
    const res = await new Promise<{ status: number; type: string; body: Buffer }>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string> = { Authorization: this.auth };
      if (payload !== undefined) headers['Content-Type'] = 'application/json';
      const req = httpRequest(url, { method, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
    const text = () => res.body.toString('utf8');
    if (res.status === 401) throw new AriAuthError(method, path, 401, text().slice(0, 200));
    if (res.status < 200 || res.status >= 300) throw new AriError(method, path, res.status, text().slice(0, 200));
    if (res.status === 204 || res.body.length === 0) return undefined as T;
    return (res.type.includes('json') ? JSON.parse(text()) : res.body) as T;
  }
}
