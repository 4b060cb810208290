// Recent calls for the owner console: who called, what they said they wanted, what happened.
// Every row change is published on the owner event bus ({ type: 'call', id }) so the console's
// live channel (GET /api/owner/events) can tell the owner's tab to fetch the list again.
//
//   started ──answered──▶ in call ──ended──▶ answered (with a duration)
//      └──────────ended (declined / busy / no-answer / cancelled / failed…)──▶ not answered
//   refused: an INVITE the edge turned away before anything rang (do-not-disturb, hours, busy
//   lines) is a row of its own, ended the moment it began, with the refusal's reason.
import { createHmac } from 'node:crypto';
import type { Db } from '../store/db.ts';
import type { OwnerEvents } from '../owner/events.ts';

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
  /** The path of the page the visitor called from (server/calls/page.ts), if known. */
  page: string | null;
  /** Why the edge refused the call (outcome 'refused'): 'dnd', 'hours', 'busy'… */
  reason: string | null;
}

export interface CallStart {
  id: string;
  startedAt: number;
  visitor: string;
  caller?: string;
  name?: string;
  message?: string;
  target: string;
  page?: string;
}

export class CallLog {
  private readonly insert;
  private readonly insertRefused;
  private readonly answer;
  private readonly finish;
  private readonly recent;

  constructor(db: Db, private readonly events?: Pick<OwnerEvents, 'publish'>) {
    db.exec(`CREATE TABLE IF NOT EXISTS calls (
      id TEXT PRIMARY KEY, started_at INTEGER NOT NULL, visitor TEXT NOT NULL, name TEXT, message TEXT,
      target TEXT NOT NULL, answered_at INTEGER, ended_at INTEGER, outcome TEXT)`);
    db.exec('CREATE INDEX IF NOT EXISTS calls_started ON calls(started_at DESC)');
    // Columns added later (caller: issue 10; page and reason: issue 12): a call log from before
    // gains them and keeps its rows.
    const have = new Set((db.prepare('PRAGMA table_info(calls)').all() as { name: string }[]).map((c) => c.name));
    for (const col of ['caller', 'page', 'reason']) if (!have.has(col)) db.exec(`ALTER TABLE calls ADD COLUMN ${col} TEXT`);
    // Ids are made by the edge (server/relay/calls.ts), never by a client: a clash is a bug, not
    // something to ignore.
    this.insert = db.prepare('INSERT INTO calls (id, started_at, visitor, caller, name, message, target, page) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.insertRefused = db.prepare(`INSERT INTO calls (id, started_at, visitor, caller, name, message, target, page, ended_at, outcome, reason)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'refused', ?)`);
    this.answer = db.prepare('UPDATE calls SET answered_at = ? WHERE id = ? AND answered_at IS NULL');
    this.finish = db.prepare('UPDATE calls SET ended_at = ?, outcome = ? WHERE id = ? AND ended_at IS NULL');
    this.recent = db.prepare(`SELECT id, started_at AS startedAt, visitor, caller, name, message, target, answered_at AS answeredAt,
      ended_at AS endedAt, outcome, page, reason FROM calls ORDER BY started_at DESC LIMIT ?`);
  }

  started(e: CallStart): void {
    this.insert.run(e.id, e.startedAt, e.visitor, e.caller ?? null, e.name ?? null, e.message ?? null, e.target, e.page ?? null);
    this.changed(e.id);
  }

  answered(id: string, at: number): void {
    if (this.answer.run(at, id).changes) this.changed(id);
  }

  ended(id: string, at: number, outcome: string): void {
    if (this.finish.run(at, outcome, id).changes) this.changed(id);
  }

  /** An INVITE refused before it rang: one finished row, so the owner sees who was turned away. */
  refused(e: CallStart & { reason: string }): void {
    this.insertRefused.run(e.id, e.startedAt, e.visitor, e.caller ?? null, e.name ?? null, e.message ?? null, e.target, e.page ?? null, e.startedAt, e.reason);
    this.changed(e.id);
  }

  list(limit = 50): CallEntry[] {
    return this.recent.all(limit) as CallEntry[];
  }

  private changed(id: string): void {
    this.events?.publish({ type: 'call', id });
  }
}
