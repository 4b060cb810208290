// Sliding-window counter per key (e.g. client address): pure, the caller passes the time.
export class RateWindow {
  private readonly hits = new Map<string, number[]>();
  constructor(private readonly opts: { max: number; windowMs: number }) {}

  /** Ms until a hit would be allowed (0: now), recording nothing. */
  wait(key: string, now: number): number {
    const recent = (this.hits.get(key) ?? []).filter((t) => now - t < this.opts.windowMs);
    this.hits.set(key, recent);
    return recent.length >= this.opts.max ? recent[recent.length - this.opts.max]! + this.opts.windowMs - now : 0;
  }

  /** Records a hit and returns 0, or returns ms until the next hit is allowed (nothing recorded). */
  take(key: string, now: number): number {
    const wait = this.wait(key, now);
    if (wait > 0) return wait;
    const recent = this.hits.get(key)!;
    recent.push(now);
    this.hits.set(key, recent);
    if (this.hits.size > 10_000) for (const [k, v] of this.hits) if (v.length === 0 || now - v.at(-1)! >= this.opts.windowMs) this.hits.delete(k);
    return 0;
  }
}
