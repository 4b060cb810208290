// Keeps the owner's tab registered through the edge.
//
//   connecting ──REGISTER 200──▶ registered ──socket drop / refresh due──▶ reconnecting
//       ▲   │                        │                                        │ backoff
//       │   └─token 401──▶ logged-out └─(make-before-break refresh) ───────────┘
//       └──────────────────────────────────────────────────────────────────────┘
//
// A token opens one WebSocket once, and that WebSocket lives at most sessionSeconds, so both a
// drop and the approaching cap are handled the same way: a new UA from a fresh token.
import { edgeFetch, EdgeError, type ConnectInfo } from '../shared/api.ts';
import { createUa, type RTCSession } from '../softphone/ua.ts';
import { backoffMs, refreshDelayMs } from './backoff.ts';

export type RegState = 'connecting' | 'registered' | 'reconnecting' | 'offline' | 'logged-out';
type Ua = ReturnType<typeof createUa>;

export interface RegistrationEvents {
  state(s: RegState, retryInMs?: number): void;
  incoming(session: RTCSession, info: ConnectInfo): void;
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
      return this.retry(e instanceof EdgeError ? e.retryAfterSeconds : undefined);
    }
    if (this.stopped) return;
    const previous = this.ua;
    const ua = createUa(info, true);
    let registered = false;
    ua.on('registered', () => {
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
    const lost = () => {
      if (this.ua !== ua && registered) return;
      this.drop(ua);
      if (this.ua === ua) this.ua = undefined;
      if (this.busy) this.refreshPending = true;
      else this.retry();
    };
    ua.on('registrationFailed', lost);
    ua.on('disconnected', lost);
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

  private retry(afterSeconds?: number) {
    if (this.stopped) return;
    const ms = afterSeconds ? afterSeconds * 1000 : backoffMs(this.attempt++);
    this.on.state('reconnecting', ms);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), ms);
  }
}
