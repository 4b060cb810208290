// Owner login sessions: an opaque random id in an HttpOnly cookie, looked up here. Nothing about
// the owner lives in the cookie itself, so logging out revokes it.
//
// Sessions outlive an edge restart: the owner's tab must reconnect on its own after an upgrade or
// a crash, and it needs its session to get a new connect token. They are kept in
// <dataDir>/owner-sessions.json (mode 0600) as SHA-256 hashes of the ids with their expiry, so
// the file alone lets nobody in. The file also records a fingerprint of the owner's password
// hash: a new password (npm run owner:password, then a restart) signs every old session out.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writePrivateJson } from '../store/private-files.ts';

export interface OwnerSessionsOptions {
  /** Where sessions persist; without it they live in memory only. */
  file?: string;
  /** The owner's current password hash: sessions made under another one are dropped on load. */
  passwordHash?: string;
  now?: () => number;
}

interface SessionsFile {
  v: 1;
  password: string;
  /** sha256(id) → expiry (ms since the epoch) */
  sessions: Record<string, number>;
}

const hashId = (id: string) => createHash('sha256').update(id).digest('base64url');

export class OwnerSessions {
  private readonly sessions = new Map<string, number>();
  private readonly now: () => number;
  private readonly password: string;
  /** How many live sessions were read from the file at start (for the start-up log). */
  readonly restored: number = 0;

  constructor(private readonly ttlMs: number, private readonly opts: OwnerSessionsOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.password = createHash('sha256').update(`homeline-owner-sessions\0${opts.passwordHash ?? ''}`).digest('base64url').slice(0, 22);
    if (!opts.file) return;
    let saved: Partial<SessionsFile> | undefined;
    try {
      saved = JSON.parse(readFileSync(opts.file, 'utf8')) as Partial<SessionsFile>;
    } catch { /* first run, or unreadable: nobody is signed in */ }
    if (saved?.v === 1 && saved.password === this.password && saved.sessions) {
      const t = this.now();
      for (const [h, until] of Object.entries(saved.sessions)) if (typeof until === 'number' && until > t) this.sessions.set(h, until);
    }
    this.restored = this.sessions.size;
    // Rewrite at once: expired entries and sessions of an old password go now, not at the next login.
    if (saved) this.save();
  }

  create(): { id: string; expiresAt: number } {
    const id = randomBytes(32).toString('base64url');
    const expiresAt = this.now() + this.ttlMs;
    this.prune();
    this.sessions.set(hashId(id), expiresAt);
    this.save();
    return { id, expiresAt };
  }

  valid(id: string | undefined): boolean {
    if (!id) return false;
    const h = hashId(id);
    const until = this.sessions.get(h);
    if (until === undefined) return false;
    if (until < this.now()) {
      this.sessions.delete(h);
      this.save();
      return false;
    }
    return true;
  }

  revoke(id: string | undefined): void {
    if (id && this.sessions.delete(hashId(id))) this.save();
  }

  private prune(): void {
    const t = this.now();
    for (const [h, until] of this.sessions) if (until < t) this.sessions.delete(h);
  }

  private save(): void {
    const file = this.opts.file;
    if (!file) return;
    writePrivateJson(file, { v: 1, password: this.password, sessions: Object.fromEntries(this.sessions) } satisfies SessionsFile);
  }
}
