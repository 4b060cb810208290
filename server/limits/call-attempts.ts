// Call-attempt budgets: how many calls visitors may *start*, per connection, per address and
// across the edge, in a sliding minute. The message rate alone let INVITE→CANCEL cycles ring the
// owner 80 times in 20 s and fill the call log (issue 10 (5)); the visitor-call cap counts only
// calls in progress. Pure: the caller passes the time.
import { RateWindow } from './rate-window.ts';

export interface CallAttemptLimits {
  perConnectionPerMinute: number;
  perAddressPerMinute: number;
  edgePerMinute: number;
}

export type AttemptVerdict = { ok: true } | { ok: false; scope: 'connection' | 'address' | 'edge'; retryAfterSeconds: number };

const MINUTE = 60_000;
const EDGE = '*';

export class CallAttemptBudget {
  private readonly windows: Record<'connection' | 'address' | 'edge', RateWindow>;

  constructor(limits: CallAttemptLimits) {
    this.windows = {
      connection: new RateWindow({ max: limits.perConnectionPerMinute, windowMs: MINUTE }),
      address: new RateWindow({ max: limits.perAddressPerMinute, windowMs: MINUTE }),
      edge: new RateWindow({ max: limits.edgePerMinute, windowMs: MINUTE }),
    };
  }

  /** Spends one attempt from every budget, or none when any is used up (the longest wait wins). */
  take(conn: string, address: string, now: number): AttemptVerdict {
    const keys = { connection: conn, address, edge: EDGE } as const;
    let worst: AttemptVerdict = { ok: true };
    for (const scope of ['connection', 'address', 'edge'] as const) {
      const wait = this.windows[scope].wait(keys[scope], now);
      if (wait > 0 && (worst.ok || Math.ceil(wait / 1000) > worst.retryAfterSeconds)) worst = { ok: false, scope, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
    }
    if (worst.ok) for (const scope of ['connection', 'address', 'edge'] as const) this.windows[scope].take(keys[scope], now);
    return worst;
  }
}
