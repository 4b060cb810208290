// Owner login sessions: an opaque random id in an HttpOnly cookie, looked up here. Nothing about
// the owner lives in the cookie itself, so logging out or restarting the edge revokes it.
import { randomBytes } from 'node:crypto';

export class OwnerSessions {
  private readonly sessions = new Map<string, number>();

  constructor(private readonly ttlMs: number, private readonly now: () => number = Date.now) {}

  create(): { id: string; expiresAt: number } {
    const id = randomBytes(32).toString('base64url');
    const expiresAt = this.now() + this.ttlMs;
    this.sessions.set(id, expiresAt);
    return { id, expiresAt };
  }

  valid(id: string | undefined): boolean {
    if (!id) return false;
    const until = this.sessions.get(id);
    if (until === undefined) return false;
    if (until < this.now()) {
      this.sessions.delete(id);
      return false;
    }
    return true;
  }

  revoke(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }
}
