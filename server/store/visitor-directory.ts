// What a visitor told us when asking for a token (name, why they call), kept until the call is
// placed so the owner's tab can show it while ringing. Bounded: it is fed by strangers.
export interface VisitorNote {
  name?: string;
  message?: string;
  /** Path of the page the visitor called from (server/calls/page.ts). */
  page?: string;
  at: number;
}

const MAX = 5000;
const TTL_MS = 60 * 60 * 1000;

export class VisitorDirectory {
  private readonly notes = new Map<string, VisitorNote>();

  set(visitor: string, note: Omit<VisitorNote, 'at'>): void {
    if (!note.name && !note.message && !note.page) return;
    if (this.notes.size >= MAX) {
      const oldest = this.notes.keys().next().value;
      if (oldest !== undefined) this.notes.delete(oldest);
    }
    this.notes.set(visitor, { ...note, at: Date.now() });
  }

  get(visitor: string): VisitorNote | undefined {
    const n = this.notes.get(visitor);
    if (n && n.at + TTL_MS < Date.now()) {
      this.notes.delete(visitor);
      return undefined;
    }
    return n;
  }
}
