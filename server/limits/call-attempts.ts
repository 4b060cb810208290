// Call-attempt budgets: how many calls visitors may *start* a minute, per connection, per address
// and across the edge (token buckets: the minute's budget at once, then refilled evenly). The message rate alone let INVITE→CANCEL cycles ring the
// owner 80 times in 20 s and fill the call log (issue 10 (5)); the visitor-call cap counts only
// calls in progress. Pure: the caller passes the time.
import { TokenBuckets } from './token-bucket.ts';

export interface CallAttemptLimits {
  perConnectionPerMinute: number;
  perAddressPerMinute: number;
  edgePerMinute: number;
}

export type AttemptVerdict = { ok: true } | { ok: false; scope: 'connection' | 'address' | 'edge'; retryAfterSeconds: number };

const EDGE = '*';

export class CallAttemptBudget {
  private readonly windows: Record<'connection' | 'address' | 'edge', TokenBuckets>;

  constructor(limits: CallAttemptLimits) {
    const perMinute = (n: number) => new TokenBuckets(n / 60, n);
    this.windows = {
      connection: perMinute(limits.perConnectionPerMinute),
      address: perMinute(limits.perAddressPerMinute),
      edge: perMinute(limits.edgePerMinute),
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
