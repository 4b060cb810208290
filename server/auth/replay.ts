// Single-use token ids. A connect token lives seconds, so remembering each jti until its exp
// is cheap and makes a stolen token worthless after its first use.
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Records the jti; false when it was already used. `expSeconds` is the token's exp. */
  use(jti: string, expSeconds: number): boolean {
    this.sweep();
    if (this.seen.has(jti)) return false;
    this.seen.set(jti, expSeconds * 1000 + 5000);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private sweep(): void {
    const t = this.now();
    for (const [jti, until] of this.seen) if (until < t) this.seen.delete(jti);
  }
}
