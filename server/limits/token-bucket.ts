// The one rate-limit primitive for what is not an HTTP route (HTTP routes use @fastify/rate-limit):
// a token bucket. `burst` tokens at most, refilled at `ratePerSecond`; each event takes one. A
// phone's short bursts (INVITE, ACK, INFO…) pass while a flood is cut off quickly, and a budget
// like "3 calls a minute" (burst 3, rate 3/60) allows 3 at once, then one every 20 s.

interface Level { tokens: number; at: number }

function refill(level: Level, ratePerSecond: number, burst: number, now: number): void {
  level.tokens = Math.min(burst, level.tokens + (Math.max(0, now - level.at) / 1000) * ratePerSecond);
  level.at = now;
}

/** One bucket (a connection's message rate). */
export class TokenBucket {
  private readonly level: Level;

  constructor(private readonly ratePerSecond: number, private readonly burst: number, private readonly now: () => number = Date.now) {
    this.level = { tokens: burst, at: now() };
  }

  take(): boolean {
    refill(this.level, this.ratePerSecond, this.burst, this.now());
    if (this.level.tokens < 1) return false;
    this.level.tokens -= 1;
    return true;
  }
}

/** A bucket per key (an address, a connection, the whole edge). Pure: the caller passes the time. */
export class TokenBuckets {
  private readonly levels = new Map<string, Level>();

  constructor(private readonly ratePerSecond: number, private readonly burst: number) {}

  /** Ms until `key` has a token (0: now); takes nothing. */
  wait(key: string, now: number): number {
    const level = this.levelOf(key, now);
    if (level.tokens >= 1) return 0;
    // The epsilon keeps 10.999999… ms of floating point from becoming a whole extra second.
    return Math.max(1, Math.ceil(((1 - level.tokens) / this.ratePerSecond) * 1000 - 1e-6));
  }

  /** Takes a token from `key`; false (nothing taken) when it has none. */
  take(key: string, now: number): boolean {
    const level = this.levelOf(key, now);
    if (level.tokens < 1) return false;
    level.tokens -= 1;
    return true;
  }

  private levelOf(key: string, now: number): Level {
    let level = this.levels.get(key);
    if (!level) {
      // A full bucket is what a new key has anyway: forget those so many addresses cannot grow the map.
      if (this.levels.size >= 10_000) this.sweep(now);
      level = { tokens: this.burst, at: now };
      this.levels.set(key, level);
    }
    refill(level, this.ratePerSecond, this.burst, now);
    return level;
  }

  private sweep(now: number): void {
    for (const [key, level] of this.levels) {
      refill(level, this.ratePerSecond, this.burst, now);
      if (level.tokens >= this.burst) this.levels.delete(key);
    }
  }
}
