// What the owner console hears about without asking: a call row changed, a message arrived, the
// owner's status moved. Producers publish here (call log, message store, presence, hours…); the
// console's live channel (Server-Sent Events) subscribes. In-process only: one edge, one owner.
export type OwnerEvent =
  | { type: 'call'; id: string }
  | { type: 'message'; id?: number | string; summary?: string }
  | { type: 'status' }
  | { type: string; [key: string]: unknown };

export type OwnerListener = (e: OwnerEvent) => void;

export class OwnerEvents {
  private readonly listeners = new Set<OwnerListener>();

  /** Returns the unsubscribe function: call it when the subscriber's connection closes. */
  subscribe(fn: OwnerListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  publish(e: OwnerEvent): void {
    // A broken subscriber must not stop the others, nor the call path that published.
    for (const fn of this.listeners) {
      try { fn(e); } catch { /* the subscriber's own problem */ }
    }
  }

  get subscribers(): number {
    return this.listeners.size;
  }
}
