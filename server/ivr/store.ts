// What callers leave for the owner: "let the owner know I called" names, voicemail messages and the
// visitor form's messages (table `messages`), and callback requests (table `callbacks`).
// SQLite in <dataDir>/homeline.db so the owner console lists them after a restart. In the edge
// the store shares the edge's one connection (server/store/db.ts) and its owner closes it.
import { basename, dirname } from 'node:path';
import { openDb, type Db } from '../store/db.ts';

export interface StoredMessage {
  id: number;
  createdAt: string;
  /** `ivr` (recorded in a call) or `form` (typed on the embedded upstream's widget). */
  source: 'ivr' | 'form';
  kind: 'name' | 'message';
  channel: string | null;
  caller: string | null;
  name: string | null;
  number: string | null;
  text: string | null;
  recording: string | null;
  /** Local copy of the recording, when it could be fetched from Asterisk. */
  audioPath: string | null;
  durationSeconds: number | null;
}

export interface StoredCallback {
  id: number;
  createdAt: string;
  channel: string | null;
  caller: string | null;
  number: string;
  source: 'caller' | 'entered' | 'form';
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  source TEXT NOT NULL CHECK (source IN ('ivr','form')),
  kind TEXT NOT NULL CHECK (kind IN ('name','message')),
  channel TEXT, caller TEXT, name TEXT, number TEXT, text TEXT,
  recording TEXT, audio_path TEXT, duration_seconds REAL
);
CREATE TABLE IF NOT EXISTS callbacks (
  id INTEGER PRIMARY KEY,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  channel TEXT, caller TEXT,
  number TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('caller','entered','form'))
);`;

export class IvrStore {
  private readonly db: Db;
  /** Whether this store opened the connection itself (a file name was given) and so closes it. */
  private readonly owned: boolean;

  /** `db`: the edge's connection, shared; or a file (`:memory:` in tests) to open for this store alone. */
  constructor(db: Db | string) {
    this.owned = typeof db === 'string';
    this.db = typeof db !== 'string' ? db : db === ':memory:' ? openDb(undefined, db) : openDb(dirname(db), basename(db));
    this.db.exec(SCHEMA);
  }

  addMessage(m: Partial<Omit<StoredMessage, 'id' | 'createdAt'>> & Pick<StoredMessage, 'source' | 'kind'>): number {
    const r = this.db
      .prepare(
        `INSERT INTO messages (source, kind, channel, caller, name, number, text, recording, audio_path, duration_seconds)
         VALUES (@source, @kind, @channel, @caller, @name, @number, @text, @recording, @audioPath, @durationSeconds)`,
      )
      .run({ channel: null, caller: null, name: null, number: null, text: null, recording: null, audioPath: null, durationSeconds: null, ...m });
    return Number(r.lastInsertRowid);
  }

  setAudioPath(id: number, audioPath: string): void {
    this.db.prepare('UPDATE messages SET audio_path = ? WHERE id = ?').run(audioPath, id);
  }

  addCallback(c: Omit<StoredCallback, 'id' | 'createdAt'>): number {
    const r = this.db.prepare('INSERT INTO callbacks (channel, caller, number, source) VALUES (@channel, @caller, @number, @source)').run(c);
    return Number(r.lastInsertRowid);
  }

  listMessages(limit = 100): StoredMessage[] {
    return this.db
      .prepare(
        `SELECT id, created_at AS createdAt, source, kind, channel, caller, name, number, text, recording,
                audio_path AS audioPath, duration_seconds AS durationSeconds
         FROM messages ORDER BY id DESC LIMIT ?`,
      )
      .all(limit) as StoredMessage[];
  }

  listCallbacks(limit = 100): StoredCallback[] {
    return this.db.prepare('SELECT id, created_at AS createdAt, channel, caller, number, source FROM callbacks ORDER BY id DESC LIMIT ?').all(limit) as StoredCallback[];
  }

  close(): void {
    if (this.owned) this.db.close();
  }
}
