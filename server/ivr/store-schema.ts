// The message store's tables and their one migration. Version 1 is the first schema (messages
// from the IVR and the form, callbacks); version 2 adds voice messages from the widget (a new
// `source`, which the old CHECK refuses, so the table is rebuilt), "done" marks, the link from a
// form's callback request to its message, and AUTOINCREMENT: a deleted message's id is never
// given to the next one, so a console showing an old list cannot act on the wrong row.
import type { Db } from '../store/db.ts';

export const STORE_VERSION = 2;

const MESSAGES = (table: string) => `
CREATE TABLE ${table} (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  source TEXT NOT NULL CHECK (source IN ('ivr','form','voice')),
  kind TEXT NOT NULL CHECK (kind IN ('name','message')),
  channel TEXT, caller TEXT, name TEXT, number TEXT, text TEXT,
  recording TEXT, audio_path TEXT, duration_seconds REAL,
  done_at TEXT
)`;

const CALLBACKS = (table: string) => `
CREATE TABLE ${table} (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  channel TEXT, caller TEXT,
  number TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('caller','entered','form')),
  message_id INTEGER,
  done_at TEXT
)`;

const OLD_MESSAGE_COLUMNS = 'id, created_at, source, kind, channel, caller, name, number, text, recording, audio_path, duration_seconds';
const OLD_CALLBACK_COLUMNS = 'id, created_at, channel, caller, number, source';

/** Which schema version each store's tables are at (the call log may add its own row). */
const VERSIONS = 'CREATE TABLE IF NOT EXISTS store_versions (store TEXT PRIMARY KEY, version INTEGER NOT NULL)';

export interface Migrated {
  from: number;
  to: number;
  messages: number;
  callbacks: number;
}

/**
 * Brings the tables to STORE_VERSION inside one IMMEDIATE transaction (two edges starting on the
 * same file migrate once; a failure leaves the old tables exactly as they were). Returns what
 * was done, or null when there was nothing to do.
 */
export function migrateStore(db: Db): Migrated | null {
  return db.transaction((): Migrated | null => {
    db.exec(VERSIONS);
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
    const row = db.prepare("SELECT version FROM store_versions WHERE store = 'messages'").get() as { version: number } | undefined;
    // Tables without a version row were made by version 1, which kept none.
    const from = row?.version ?? (tables.has('messages') ? 1 : 0);
    if (from >= STORE_VERSION) return null;
    let messages = 0, callbacks = 0;
    if (from === 0) {
      db.exec(`${MESSAGES('messages')}; ${CALLBACKS('callbacks')};`);
    } else {
      // SQLite cannot change a CHECK in place: new table, copy every row with its id, swap.
      db.exec(MESSAGES('messages_v2'));
      messages = db.prepare(`INSERT INTO messages_v2 (${OLD_MESSAGE_COLUMNS}) SELECT ${OLD_MESSAGE_COLUMNS} FROM messages`).run().changes;
      db.exec('DROP TABLE messages; ALTER TABLE messages_v2 RENAME TO messages;');
      if (tables.has('callbacks')) {
        db.exec(CALLBACKS('callbacks_v2'));
        callbacks = db.prepare(`INSERT INTO callbacks_v2 (${OLD_CALLBACK_COLUMNS}) SELECT ${OLD_CALLBACK_COLUMNS} FROM callbacks`).run().changes;
        db.exec('DROP TABLE callbacks; ALTER TABLE callbacks_v2 RENAME TO callbacks;');
      } else {
        db.exec(CALLBACKS('callbacks'));
      }
    }
    db.prepare("INSERT INTO store_versions (store, version) VALUES ('messages', ?) ON CONFLICT(store) DO UPDATE SET version = excluded.version").run(STORE_VERSION);
    return { from, to: STORE_VERSION, messages, callbacks };
  }).immediate();
}
