// How many upstream channels visitors may hold at once. Each visitor channel to Asterisk is one
// HTTP session of its `sessionlimit`; the rest (limits.ownerReserveChannels) stays free for the
// owner's tabs and ARI, so no number of visitors can lock the owner out.
export class ChannelBudget {
  private used = 0;

  constructor(readonly cap: number) {}

  get inUse(): number {
    return this.used;
  }

  /** Takes one channel if one is free; the caller must release() it exactly once. */
  tryTake(): boolean {
    if (this.used >= this.cap) return false;
    this.used++;
    return true;
  }

  release(): void {
    this.used = Math.max(0, this.used - 1);
  }
}
