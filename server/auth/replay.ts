// Single-use token ids. A connect token lives seconds, so remembering each jti until its exp
// is cheap and makes a stolen token worthless after its first use.
export class ReplayGuard {
  private readonly seen = new Map<string, number>();
  private nextSweep = 0;

  constructor(private readonly now: () => number = () => Date.now()) {}

  /**
   * Records the jti; false when it was already used. `expSeconds` is the token's exp. A jti is
   * kept until exp + 5 s (+ up to 1 s until the next sweep): longer than verify's 2 s tolerance.
   */
  use(jti: string, expSeconds: number): boolean {
    this.sweep();
    if (this.seen.has(jti)) return false;
    this.seen.set(jti, expSeconds * 1000 + 5000);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  /** At most once a second: a walk over every live jti on each upgrade grows with the traffic. */
  private sweep(): void {
    const t = this.now();
    if (t < this.nextSweep) return;
    this.nextSweep = t + 1000;
    for (const [jti, until] of this.seen) if (until < t) this.seen.delete(jti);
  }
}
