// What callers leave for the owner: "let the owner know I called" names, voicemail messages, the visitor
// form's messages and the widget's voice messages (table `messages`; audio files beside the
// database, named by the edge), and callback requests (table `callbacks`). The schema and its
// migration are in store-schema.ts.
// SQLite in <dataDir>/homeline.db so the owner console lists them after a restart. In the edge
// the store shares the edge's one connection (server/store/db.ts) and its owner closes it.
import { basename, dirname } from 'node:path';
import { openDb, type Db } from '../store/db.ts';
import { migrateStore, type Migrated } from './store-schema.ts';

export interface StoredMessage {
  id: number;
  createdAt: string;
  /** `ivr` (recorded in a call), `form` (typed in the widget) or `voice` (recorded in the widget). */
  source: 'ivr' | 'form' | 'voice';
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
  /** When the owner marked it done; null while it is still to do. */
  doneAt: string | null;
}

export interface StoredCallback {
  id: number;
  createdAt: string;
  channel: string | null;
  caller: string | null;
  number: string;
  source: 'caller' | 'entered' | 'form';
  /** The form's message this request came with (the console shows them as one). */
  messageId: number | null;
  doneAt: string | null;
}

export type InboxTable = 'messages' | 'callbacks';

const MESSAGE_COLUMNS = `id, created_at AS createdAt, source, kind, channel, caller, name, number, text, recording,
  audio_path AS audioPath, duration_seconds AS durationSeconds, done_at AS doneAt`;
const CALLBACK_COLUMNS = 'id, created_at AS createdAt, channel, caller, number, source, message_id AS messageId, done_at AS doneAt';

export class IvrStore {
  private readonly db: Db;
  /** Whether this store opened the connection itself (a file name was given) and so closes it. */
  private readonly owned: boolean;
  /** What opening did to an older database (logged by the plugin), null when it was current. */
  readonly migrated: Migrated | null;

  /** `db`: the edge's connection, shared; or a file (`:memory:` in tests) to open for this store alone. */
  constructor(db: Db | string) {
    this.owned = typeof db === 'string';
    this.db = typeof db !== 'string' ? db : db === ':memory:' ? openDb(undefined, db) : openDb(dirname(db), basename(db));
    this.migrated = migrateStore(this.db);
  }

  addMessage(m: Partial<Omit<StoredMessage, 'id' | 'createdAt' | 'doneAt'>> & Pick<StoredMessage, 'source' | 'kind'>): number {
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

  addCallback(c: Omit<StoredCallback, 'id' | 'createdAt' | 'messageId' | 'doneAt'> & { messageId?: number | null }): number {
    const r = this.db
      .prepare('INSERT INTO callbacks (channel, caller, number, source, message_id) VALUES (@channel, @caller, @number, @source, @messageId)')
      .run({ messageId: null, ...c });
    return Number(r.lastInsertRowid);
  }

  /**
   * A message whose audio file is already in place under its final name, in one transaction with
   * `place` (which moves the file there): if the insert fails the file is not moved, if the move
   * fails the row is not kept. Either both exist after a restart or neither does.
   */
  addMessageWithAudio(m: Parameters<IvrStore['addMessage']>[0] & { audioPath: string }, place: () => void): number {
    return this.db.transaction(() => {
      const id = this.addMessage(m);
      place();
      return id;
    }).immediate();
  }

  listMessages(limit = 100): StoredMessage[] {
    return this.db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages ORDER BY id DESC LIMIT ?`).all(limit) as StoredMessage[];
  }

  listCallbacks(limit = 100): StoredCallback[] {
    return this.db.prepare(`SELECT ${CALLBACK_COLUMNS} FROM callbacks ORDER BY id DESC LIMIT ?`).all(limit) as StoredCallback[];
  }

  getMessage(id: number): StoredMessage | undefined {
    return this.db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ?`).get(id) as StoredMessage | undefined;
  }

  /** Marks a message (with the callback request that came with it) or a callback done, or not. False: no such row. */
  setDone(table: InboxTable, id: number, done: boolean): string | null | false {
    const at = done ? new Date().toISOString() : null;
    return this.db.transaction(() => {
      if (this.db.prepare(`UPDATE ${table} SET done_at = ? WHERE id = ?`).run(at, id).changes === 0) return false;
      if (table === 'messages') this.db.prepare('UPDATE callbacks SET done_at = ? WHERE message_id = ?').run(at, id);
      return at;
    })();
  }

  /**
   * Deletes a message (and the callback request that came with it) or a callback. Returns the
   * deleted message's audio file for the caller to remove, null if it had none, false if no row.
   */
  delete(table: InboxTable, id: number): string | null | false {
    return this.db.transaction(() => {
      const audio = table === 'messages' ? (this.db.prepare('SELECT audio_path AS p FROM messages WHERE id = ?').get(id) as { p: string | null } | undefined) : undefined;
      if (this.db.prepare(`DELETE FROM ${table} WHERE id = ?`).run(id).changes === 0) return false;
      if (table === 'messages') this.db.prepare('DELETE FROM callbacks WHERE message_id = ?').run(id);
      return audio?.p ?? null;
    })();
  }

  /** Every message that has an audio file, oldest first (retention works through them in order). */
  audioMessages(): { id: number; createdAt: string; audioPath: string }[] {
    return this.db.prepare('SELECT id, created_at AS createdAt, audio_path AS audioPath FROM messages WHERE audio_path IS NOT NULL ORDER BY id').all() as { id: number; createdAt: string; audioPath: string }[];
  }

  /**
   * Every message and callback request created before `cutoff` (ISO time), in one transaction.
   * Returns how many went and the deleted messages' audio files, for the caller to remove.
   */
  deleteOlderThan(cutoff: string): { messages: number; callbacks: number; audioPaths: string[] } {
    return this.db.transaction(() => {
      const audioPaths = (this.db.prepare('SELECT audio_path AS p FROM messages WHERE created_at < ? AND audio_path IS NOT NULL').all(cutoff) as { p: string }[]).map((r) => r.p);
      return {
        messages: this.db.prepare('DELETE FROM messages WHERE created_at < ?').run(cutoff).changes,
        callbacks: this.db.prepare('DELETE FROM callbacks WHERE created_at < ?').run(cutoff).changes,
        audioPaths,
      };
    })();
  }

  /** Every audio file a row names (the sweep at start removes files no row names). */
  audioPaths(): Set<string> {
    return new Set((this.db.prepare('SELECT audio_path AS p FROM messages WHERE audio_path IS NOT NULL').all() as { p: string }[]).map((r) => r.p));
  }

  close(): void {
    if (this.owned) this.db.close();
  }
}
