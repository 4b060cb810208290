// The owner login's edge-wide defences, beside the per-address limit on the route: a budget of
// attempts per minute over every address, a back-off that grows with consecutive wrong passwords
// (from anywhere), and a small semaphore around the password hash. scrypt runs on libuv's thread
// pool, which token signing and file I/O share: a burst of logins hashing at once starved visitor
// token issuance for seconds. Pure apart from the clock it is given.
export interface LoginGuardOptions {
  perMinute: number;
  /** Hashes computed at once. */
  concurrent: number;
  /** Logins that may wait for a hash slot; more are refused at once. */
  queue: number;
  now?: () => number;
}

/** Consecutive failures allowed before the back-off starts, its first step and its ceiling. */
const FREE_FAILURES = 3;
const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 60_000;

export class LoginBusy extends Error {}

export class LoginGuard {
  private attempts: number[] = [];
  private failures = 0;
  private blockedUntil = 0;
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly now: () => number;

  constructor(private readonly o: LoginGuardOptions) {
    this.now = o.now ?? Date.now;
  }

  /** 0 when an attempt may go ahead now (and counts it), else the ms to wait. */
  admit(): number {
    const t = this.now();
    if (t < this.blockedUntil) return this.blockedUntil - t;
    this.attempts = this.attempts.filter((a) => t - a < 60_000);
    if (this.attempts.length >= this.o.perMinute) return this.attempts[0]! + 60_000 - t;
    this.attempts.push(t);
    return 0;
  }

  failed(): void {
    this.failures++;
    if (this.failures > FREE_FAILURES) {
      this.blockedUntil = this.now() + Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (this.failures - FREE_FAILURES - 1));
    }
  }

  succeeded(): void {
    this.failures = 0;
    this.blockedUntil = 0;
  }

  /** Runs `fn` (the hash) when a slot is free; throws LoginBusy when too many already wait. */
  async hashing<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.o.concurrent) {
      if (this.waiting.length >= this.o.queue) throw new LoginBusy('too many logins at once');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await fn();
    } finally {
      // Hand the slot straight to the next waiter, or give it back.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
