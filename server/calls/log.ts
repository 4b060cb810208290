// Recent calls for the owner console: who called, what they said they wanted, what happened.
import { createHmac } from 'node:crypto';
import type { Db } from '../store/db.ts';

/**
 * Who is calling, across connections: each call gets a fresh visitor id, so repeats from one
 * person are told apart by address. The owner console needs only "same caller", never the
 * address itself: a keyed hash, cut short.
 */
export function callerKey(address: string, secret: string): string {
  return createHmac('sha256', secret).update(address).digest('base64url').slice(0, 12);
}

export interface CallEntry {
  id: string;
  startedAt: number;
  visitor: string;
  /** callerKey() of the visitor's address: the console groups repeated attempts by it. */
  caller: string | null;
  name: string | null;
  message: string | null;
  target: string;
  answeredAt: number | null;
  endedAt: number | null;
  outcome: string | null;
}

export class CallLog {
  private readonly insert;
  private readonly answer;
  private readonly finish;
  private readonly recent;

  constructor(db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS calls (
      id TEXT PRIMARY KEY, started_at INTEGER NOT NULL, visitor TEXT NOT NULL, name TEXT, message TEXT,
      target TEXT NOT NULL, answered_at INTEGER, ended_at INTEGER, outcome TEXT)`);
    db.exec('CREATE INDEX IF NOT EXISTS calls_started ON calls(started_at DESC)');
    // Added with issue 10: a call log from before has no caller column.
    if (!(db.prepare('PRAGMA table_info(calls)').all() as { name: string }[]).some((c) => c.name === 'caller')) db.exec('ALTER TABLE calls ADD COLUMN caller TEXT');
    // Ids are made by the edge (server/relay/calls.ts), never by a client: a clash is a bug, not
    // something to ignore.
    this.insert = db.prepare('INSERT INTO calls (id, started_at, visitor, caller, name, message, target) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.answer = db.prepare('UPDATE calls SET answered_at = ? WHERE id = ? AND answered_at IS NULL');
    this.finish = db.prepare('UPDATE calls SET ended_at = ?, outcome = ? WHERE id = ? AND ended_at IS NULL');
    this.recent = db.prepare(`SELECT id, started_at AS startedAt, visitor, caller, name, message, target, answered_at AS answeredAt,
      ended_at AS endedAt, outcome FROM calls ORDER BY started_at DESC LIMIT ?`);
  }

  started(e: { id: string; startedAt: number; visitor: string; caller?: string; name?: string; message?: string; target: string }): void {
    this.insert.run(e.id, e.startedAt, e.visitor, e.caller ?? null, e.name ?? null, e.message ?? null, e.target);
  }

  answered(id: string, at: number): void {
    this.answer.run(at, id);
  }

  ended(id: string, at: number, outcome: string): void {
    this.finish.run(at, outcome, id);
  }

  list(limit = 50): CallEntry[] {
    return this.recent.all(limit) as CallEntry[];
  }
}
