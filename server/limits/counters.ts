// Counts shared across connections: open WebSockets per address, and visitor calls in progress
// (the home has few lines; DESIGN: a small global cap answered with a clean "busy").
export class ConnectionCounter {
  private readonly byKey = new Map<string, number>();
  private total = 0;

  count(key: string): number {
    return this.byKey.get(key) ?? 0;
  }

  get size(): number {
    return this.total;
  }

  add(key: string): void {
    this.byKey.set(key, this.count(key) + 1);
    this.total++;
  }

  remove(key: string): void {
    const n = this.count(key) - 1;
    if (n <= 0) this.byKey.delete(key);
    else this.byKey.set(key, n);
    this.total = Math.max(0, this.total - 1);
  }
}

export class VisitorCallCounter {
  private active = 0;

  get total(): number {
    return this.active;
  }

  started(): void {
    this.active++;
  }

  ended(): void {
    this.active = Math.max(0, this.active - 1);
  }
}
