// The edge's one SQLite file (<dataDir>/homeline.db): call log, IVR messages and callbacks.
// WAL so the owner console's reads never wait behind a write.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type Db = Database.Database;

/** `dataDir` undefined with `file` `:memory:`: a private in-memory database (tests, benches). */
export function openDb(dataDir: string | undefined, file = 'homeline.db'): Db {
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(dataDir === undefined ? file : join(dataDir, file));
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 2000');
  return db;
}
