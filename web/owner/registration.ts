// Keeps the owner's tab registered through the edge.
//
//   connecting ──REGISTER 200──▶ registered ──socket drop / refresh due──▶ reconnecting
//       ▲   │                        │                                        │ backoff
//       │   └─token 401──▶ logged-out └─(make-before-break refresh) ───────────┘
//       └──────────────────────────────────────────────────────────────────────┘
//
// A token opens one WebSocket once, and that WebSocket lives at most sessionSeconds, so both a
// drop and the approaching cap are handled the same way: a new UA from a fresh token. Whatever
// went away (Asterisk, the edge, the network), the tab keeps trying on its own (backoff.ts) and
// says which it is waiting for.
import { edgeFetch, EdgeError, type ConnectInfo } from '../shared/api.ts';
import { createUa, type RTCSession } from '../softphone/ua.ts';
import { backoffMs, refreshDelayMs } from './backoff.ts';

export type RegState = 'connecting' | 'registered' | 'reconnecting' | 'offline' | 'logged-out';
/** What the tab lost or is waiting for (docs/edge-api.md close codes). */
export type LostWhy = 'phone-system' | 'edge' | 'network';
type Ua = ReturnType<typeof createUa>;

/** Longer than any REGISTER round trip through the edge takes; far shorter than Timer F. */
const REGISTER_TIMEOUT_MS = 4000;

export interface RegistrationEvents {
  state(s: RegState, retryInMs?: number, why?: LostWhy): void;
  incoming(session: RTCSession, info: ConnectInfo): void;
  /** A registered connection went away (before the UA and any call on it are dropped). */
  lost?(why: LostWhy): void;
}

/**
 * Why a connection closed. 1011: the edge lost Asterisk under it. 1001: the edge is going away
 * (restart). A fresh token whose upgrade is refused (1006 before `connected`) is the edge saying
 * 503: it cannot reach Asterisk (a bad token would be the edge's own bug).
 */
export function lostWhy(code: number | undefined, wasConnected: boolean): LostWhy {
  if (code === 1011) return 'phone-system';
  if (code === 1001) return 'edge';
  return wasConnected ? 'network' : 'phone-system';
}

export class Registration {
  private ua?: Ua;
  private info?: ConnectInfo;
  private attempt = 0;
  private timer?: ReturnType<typeof setTimeout>;
  private refreshTimer?: ReturnType<typeof setTimeout>;
  private stopped = false;
  /** While a call is up its UA must stay: the dialog lives on that socket. */
  busy = false;
  private refreshPending = false;

  constructor(private base: string, private on: RegistrationEvents) {}

  start() { this.stopped = false; void this.connect(); }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.refreshTimer);
    this.drop(this.ua);
    this.ua = undefined;
    this.on.state('offline');
  }

  /** Called when a call ends: a refresh that came due meanwhile happens now. */
  idle() {
    this.busy = false;
    if (this.refreshPending) { this.refreshPending = false; void this.connect(); }
  }

  private drop(ua?: Ua) {
    if (!ua) return;
    ua.removeAllListeners();
    try { ua.stop(); } catch { /* already closed */ }
  }

  private async connect() {
    clearTimeout(this.timer);
    if (this.stopped) return;
    if (!this.ua) this.on.state('connecting');
    let info: ConnectInfo;
    try {
      info = await edgeFetch<ConnectInfo>(this.base, 'api/owner/token', { method: 'POST' });
    } catch (e) {
      if (e instanceof EdgeError && e.status === 401) { this.stop(); this.on.state('logged-out'); return; }
      const ee = e instanceof EdgeError ? e : undefined;
      return this.retry(ee?.retryAfterSeconds, ee?.status === 0 || (ee?.status ?? 0) >= 500 ? 'edge' : 'network');
    }
    if (this.stopped) return;
    const previous = this.ua;
    const ua = createUa(info, true);
    let registered = false;
    ua.on('registered', () => {
      clearTimeout(unanswered);
      registered = true;
      this.attempt = 0;
      // Make before break: the old connection goes only once the new one is registered.
      if (previous && previous !== ua) this.drop(previous);
      this.ua = ua;
      this.info = info;
      this.on.state('registered');
      clearTimeout(this.refreshTimer);
      this.refreshTimer = setTimeout(() => this.refresh(), refreshDelayMs(info.sessionSeconds || 3600));
    });
    let connected = false;
    ua.on('connected', () => { connected = true; });
    // A REGISTER that reached Asterisk while it was still starting can go unanswered, and JsSIP
    // would wait 32 s (Timer F) to say so: give up sooner and try again at once.
    const unanswered = setTimeout(() => lost('phone-system', true), REGISTER_TIMEOUT_MS);
    const lost = (why: LostWhy, timedOut = false) => {
      clearTimeout(unanswered);
      if (this.ua !== ua && registered) return;
      if (timedOut) this.attempt = 0;
      if (registered) this.on.lost?.(why);
      this.drop(ua);
      if (this.ua === ua) this.ua = undefined;
      if (this.busy) this.refreshPending = true;
      else this.retry(undefined, why);
    };
    ua.on('registrationFailed', () => lost('phone-system'));
    ua.on('disconnected', (e: { code?: number }) => lost(lostWhy(e.code, connected)));
    ua.on('newRTCSession', (e: { originator: string; session: RTCSession }) => {
      if (e.originator === 'remote') this.on.incoming(e.session, this.info ?? info);
    });
    if (!previous) this.ua = ua;
    ua.start();
  }

  private refresh() {
    if (this.busy) { this.refreshPending = true; return; }
    void this.connect();
  }

  private retry(afterSeconds?: number, why: LostWhy = 'network') {
    if (this.stopped) return;
    const ms = afterSeconds ? afterSeconds * 1000 : backoffMs(this.attempt++);
    this.on.state('reconnecting', ms, why);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), ms);
  }
}
