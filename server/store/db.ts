// The edge's one SQLite file (<dataDir>/homeline.db): call log, IVR messages and callbacks.
// WAL so the owner console's reads never wait behind a write.
import Database from 'better-sqlite3';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { makePrivate, PRIVATE_DIR, PRIVATE_FILE } from './private-files.ts';

export type Db = Database.Database;

/** `dataDir` undefined with `file` `:memory:`: a private in-memory database (tests, benches). */
export function openDb(dataDir: string | undefined, file = 'homeline.db'): Db {
  if (dataDir !== undefined) {
    mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR });
    // Created 0600 before SQLite opens it: SQLite gives the -wal and -shm files the database's mode.
    closeSync(openSync(join(dataDir, file), 'a', PRIVATE_FILE));
    makePrivate(dataDir);
  }
  const db = new Database(dataDir === undefined ? file : join(dataDir, file));
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 2000');
  return db;
}
