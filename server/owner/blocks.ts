// Callers the owner has blocked, by address or by network (/24 IPv4, /64 IPv6), for some days.
//
// Why keyed hashes: the owner blocks from a call row, and the console must never see (or be able
// to leak) a caller's address. So no raw address is stored anywhere: each visitor call notes two
// keyed hashes (HMAC with the edge secret) of its caller, one of the address and one of its
// network prefix, under the call's id, kept BLOCKABLE_DAYS. Blocking a row copies one of them
// into `blocks`; a token request is refused when the hash of its own address or network is
// there. Only /24 and /64 are ever blocked, so "in this network" is "same prefix hash": no
// CIDR arithmetic over stored addresses is needed. Without the edge secret the hashes name
// nobody; with it, anyone could already read addresses off the edge's sockets.
import { createHmac } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { Db } from '../store/db.ts';

export type BlockScope = 'address' | 'network';

/** How long a call can still be blocked from its row. */
export const BLOCKABLE_DAYS = 30;
const DAY = 86_400_000;

export interface Block {
  id: number;
  scope: BlockScope;
  /** 4 or 6: says which prefix length "network" meant. */
  family: 4 | 6;
  callId: string | null;
  /** What the console showed for that call (the name the visitor typed, when), if still logged. */
  callName: string | null;
  callStartedAt: number | null;
  createdAt: number;
  expiresAt: number;
}

/** An address as one spelling: IPv4-mapped IPv6 (`::ffff:203.0.113.9`) is the IPv4 address. */
export function canonicalAddress(ip: string): { address: string; family: 4 | 6 } | undefined {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1] ?? ip;
  if (isIPv4(v4)) return { address: v4, family: 4 };
  if (!isIPv6(ip)) return undefined;
  return { address: expandV6(ip).join(':'), family: 6 };
}

/** The caller's network: `203.0.113.0/24` or `2001:db8:1:2::/64`. */
export function networkOf(ip: string): string | undefined {
  const c = canonicalAddress(ip);
  if (!c) return undefined;
  if (c.family === 4) return `${c.address.split('.').slice(0, 3).join('.')}.0/24`;
  return `${c.address.split(':').slice(0, 4).join(':')}::/64`;
}

/** Eight 4-digit groups, zone id dropped: one spelling per IPv6 address. */
function expandV6(ip: string): string[] {
  const bare = ip.split('%')[0].toLowerCase();
  let text = bare;
  const v4tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(bare)?.[1];
  if (v4tail) {
    const [a, b, c, d] = v4tail.split('.').map(Number);
    text = bare.slice(0, -v4tail.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.map((g) => g.padStart(4, '0'));
}

export class Blocks {
  private readonly noteStmt;
  private readonly callStmt;
  private readonly upsertStmt;
  private readonly matchStmt;
  private readonly listStmt;
  private readonly removeStmt;
  private readonly pruneStmts;

  constructor(db: Db, private readonly secret: string) {
    db.exec(`CREATE TABLE IF NOT EXISTS call_callers (call_id TEXT PRIMARY KEY, address_key TEXT NOT NULL,
      network_key TEXT NOT NULL, family INTEGER NOT NULL, at INTEGER NOT NULL)`);
    db.exec('CREATE INDEX IF NOT EXISTS call_callers_at ON call_callers(at)');
    db.exec(`CREATE TABLE IF NOT EXISTS blocks (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, scope TEXT NOT NULL,
      family INTEGER NOT NULL, call_id TEXT, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)`);
    this.noteStmt = db.prepare('INSERT OR IGNORE INTO call_callers (call_id, address_key, network_key, family, at) VALUES (?, ?, ?, ?, ?)');
    this.callStmt = db.prepare('SELECT address_key AS addressKey, network_key AS networkKey, family FROM call_callers WHERE call_id = ? AND at > ?');
    // Blocking an already blocked caller again sets the new length and scope.
    this.upsertStmt = db.prepare(`INSERT INTO blocks (key, scope, family, call_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT(key) DO UPDATE SET scope = excluded.scope, call_id = excluded.call_id, created_at = excluded.created_at, expires_at = excluded.expires_at
      RETURNING id`);
    this.matchStmt = db.prepare('SELECT id FROM blocks WHERE key IN (?, ?) AND expires_at > ? LIMIT 1');
    // calls is the call log's table (server/calls/log.ts), in the same database.
    this.listStmt = db.prepare(`SELECT b.id, b.scope, b.family, b.call_id AS callId, c.name AS callName, c.started_at AS callStartedAt,
      b.created_at AS createdAt, b.expires_at AS expiresAt FROM blocks b LEFT JOIN calls c ON c.id = b.call_id
      WHERE b.expires_at > ? ORDER BY b.created_at DESC`);
    this.removeStmt = db.prepare('DELETE FROM blocks WHERE id = ?');
    this.pruneStmts = [db.prepare('DELETE FROM blocks WHERE expires_at <= ?'), db.prepare('DELETE FROM call_callers WHERE at <= ?')];
  }

  private keys(ip: string): { address: string; network: string; family: 4 | 6 } | undefined {
    const c = canonicalAddress(ip);
    if (!c) return undefined;
    const hash = (text: string) => createHmac('sha256', this.secret).update(text).digest('base64url').slice(0, 22);
    return { address: hash(`address ${c.address}`), network: hash(`network ${networkOf(ip)}`), family: c.family };
  }

  /** A visitor call started from `ip`: remember its hashes so the owner can block it from the row. */
  noteCall(callId: string, ip: string, at: number): void {
    const k = this.keys(ip);
    if (!k) return;
    this.noteStmt.run(callId, k.address, k.network, k.family, at);
    this.pruneStmts[0].run(at);
    this.pruneStmts[1].run(at - BLOCKABLE_DAYS * DAY);
  }

  /** undefined: the call is unknown, or too old to block from. */
  blockCall(callId: string, scope: BlockScope, days: number, now: number): number | undefined {
    const c = this.callStmt.get(callId, now - BLOCKABLE_DAYS * DAY) as { addressKey: string; networkKey: string; family: 4 | 6 } | undefined;
    if (!c) return undefined;
    const key = scope === 'address' ? c.addressKey : c.networkKey;
    return (this.upsertStmt.get(key, scope, c.family, callId, now, now + days * DAY) as { id: number }).id;
  }

  isBlocked(ip: string, now: number): boolean {
    const k = this.keys(ip);
    return k !== undefined && this.matchStmt.get(k.address, k.network, now) !== undefined;
  }

  list(now: number): Block[] {
    return this.listStmt.all(now) as Block[];
  }

  remove(id: number): boolean {
    return this.removeStmt.run(id).changes > 0;
  }
}
