// The message store's migration from the first schema (messages.source CHECK ('ivr','form'),
// no done marks, ids that SQLite may reuse) on a real SQLite file made by that schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { IvrStore } from '../../server/ivr/store.ts';
import { STORE_VERSION } from '../../server/ivr/store-schema.ts';

/** Version 1 of the tables, as server/ivr/store.ts created them before voice messages. */
const V1 = `
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

function oldDatabase() {
  const dir = mkdtempSync(join(tmpdir(), 'hl-store-v1-'));
  const file = join(dir, 'homeline.db');
  const db = new Database(file);
  db.exec(V1);
  db.prepare("INSERT INTO messages (id, created_at, source, kind, channel, caller, recording, audio_path, duration_seconds) VALUES (3, '2026-01-02T03:04:05.000Z', 'ivr', 'message', 'ch-1', '6001', 'rec-1', '/data/recordings/rec-1.wav', 4.5)").run();
  db.prepare("INSERT INTO messages (id, created_at, source, kind, name, number, text, caller) VALUES (7, '2026-01-03T00:00:00.000Z', 'form', 'message', 'Ann', '+44 1', 'Call me', '203.0.113.7')").run();
  db.prepare("INSERT INTO callbacks (id, created_at, channel, caller, number, source) VALUES (2, '2026-01-03T00:00:00.000Z', NULL, 'Ann', '+44 1', 'form')").run();
  db.close();
  return { dir, file, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('a database made by the first schema keeps every row and id, and takes voice messages', () => {
  const old = oldDatabase();
  const store = new IvrStore(old.file);
  assert.deepEqual(store.migrated, { from: 1, to: STORE_VERSION, messages: 2, callbacks: 1 });
  const [form, ivr] = store.listMessages();
  assert.deepEqual(ivr, {
    id: 3, createdAt: '2026-01-02T03:04:05.000Z', source: 'ivr', kind: 'message', channel: 'ch-1', caller: '6001', name: null, number: null,
    text: null, recording: 'rec-1', audioPath: '/data/recordings/rec-1.wav', durationSeconds: 4.5, doneAt: null,
  });
  assert.equal(form.id, 7);
  assert.equal(form.text, 'Call me');
  assert.deepEqual(store.listCallbacks(), [{ id: 2, createdAt: '2026-01-03T00:00:00.000Z', channel: null, caller: 'Ann', number: '+44 1', source: 'form', messageId: null, doneAt: null }]);

  const voice = store.addMessage({ source: 'voice', kind: 'message', name: 'Bo', audioPath: '/data/voice/v.webm' });
  assert.equal(voice, 8, 'after the highest id that was there');
  assert.throws(() => store.addMessage({ source: 'fax' as 'voice', kind: 'message' }), /CHECK constraint failed/, 'the CHECK still holds for what is not allowed');
  store.close();

  // Opened again: nothing to migrate, nothing lost.
  const again = new IvrStore(old.file);
  assert.equal(again.migrated, null);
  assert.deepEqual(again.listMessages().map((m) => m.id), [8, 7, 3]);
  again.close();
  old.done();
});

test('a deleted message\'s id is never given to the next one (AUTOINCREMENT after the rebuild)', () => {
  const old = oldDatabase();
  const store = new IvrStore(old.file);
  assert.equal(store.delete('messages', 7), null);
  assert.equal(store.addMessage({ source: 'form', kind: 'message', text: 'new' }), 8, 'not 7 again');
  store.close();
  old.done();
});

test('a migration that fails leaves the old tables as they were', () => {
  const old = oldDatabase();
  // Something in the way of the rebuild: the migration's CREATE TABLE fails half-way.
  const db = new Database(old.file);
  db.exec('CREATE TABLE callbacks_v2 (x)');
  db.close();
  assert.throws(() => new IvrStore(old.file), /callbacks_v2 already exists/);
  const after = new Database(old.file);
  const sql = (after.prepare("SELECT sql FROM sqlite_master WHERE name = 'messages'").get() as { sql: string }).sql;
  assert.match(sql, /CHECK \(source IN \('ivr','form'\)\)/, 'still the old table');
  assert.deepEqual(after.prepare('SELECT id FROM messages ORDER BY id').all(), [{ id: 3 }, { id: 7 }]);
  assert.equal(after.prepare("SELECT name FROM sqlite_master WHERE name IN ('messages_v2', 'store_versions')").all().length, 0, 'no half-made table or version row');
  after.exec('DROP TABLE callbacks_v2');
  after.close();
  const store = new IvrStore(old.file);
  assert.equal(store.migrated?.messages, 2, 'once the obstacle is gone the migration goes through');
  store.close();
  old.done();
});

test('done marks and deletes: a form message carries its callback request with it', () => {
  const store = new IvrStore(':memory:');
  const id = store.addMessage({ source: 'form', kind: 'message', name: 'Ann', number: '+1 555', text: 'hi' });
  const cb = store.addCallback({ channel: null, caller: 'Ann', number: '+1 555', source: 'form', messageId: id });
  const alone = store.addCallback({ channel: 'c', caller: '6001', number: '0123', source: 'caller' });
  const at = store.setDone('messages', id, true);
  assert.match(String(at), /^\d{4}-\d\d-\d\dT/);
  assert.equal(store.listCallbacks().find((c) => c.id === cb)!.doneAt, at, 'the request that came with it is done too');
  assert.equal(store.listCallbacks().find((c) => c.id === alone)!.doneAt, null);
  assert.equal(store.setDone('messages', id, false), null);
  assert.equal(store.getMessage(id)!.doneAt, null, 'undone');
  assert.equal(store.setDone('callbacks', 999, true), false, 'no such row');
  assert.equal(store.delete('messages', id), null);
  assert.deepEqual(store.listCallbacks().map((c) => c.id), [alone], 'its callback request went with it');
  assert.equal(store.delete('messages', id), false, 'already gone');
  store.close();
});
