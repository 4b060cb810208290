// Retention: the pure plan (oldest first until under the cap), then the real thing on a real
// SQLite file and real audio files, and the edge doing it at start (with the stray-file sweep).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Writable } from 'node:stream';
import { IvrStore } from '../../server/ivr/store.ts';
import { overCap, pruneMessages } from '../../server/messages/retention.ts';
import { startEdge } from '../helpers/edge.ts';

function collectingLog() {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, new Writable({ write(c, _e, cb) { lines.push(JSON.parse(String(c))); cb(); } }));
  return { log, lines };
}

test('overCap: the oldest go first, just enough to fit; vanished files cost nothing', () => {
  const e = (id: number, bytes: number) => ({ id, bytes });
  assert.deepEqual(overCap([e(1, 40), e(2, 40), e(3, 40)], 120), []);
  assert.deepEqual(overCap([e(1, 40), e(2, 40), e(3, 40)], 100), [1]);
  assert.deepEqual(overCap([e(1, 0), e(2, 40), e(3, 40), e(4, 40)], 50), [2, 3], 'the vanished one is skipped, not counted');
  assert.deepEqual(overCap([e(1, 500)], 100), [1], 'even the only one, when it alone is too big');
});

test('pruneMessages: expired rows with their audio, then the oldest audio over the cap, logged', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-retention-'));
  const store = new IvrStore(join(dir, 'homeline.db'));
  const voice = join(dir, 'voice');
  mkdirSync(voice);
  const now = Date.parse('2026-06-01T00:00:00Z');
  const at = (daysAgo: number) => new Date(now - daysAgo * 86_400_000).toISOString();
  const db = (store as unknown as { db: import('better-sqlite3').Database }).db;
  const add = (daysAgo: number, bytes: number | null) => {
    const path = bytes === null ? null : join(voice, `v-${daysAgo}.webm`);
    if (path) writeFileSync(path, Buffer.alloc(bytes!));
    const id = store.addMessage({ source: path ? 'voice' : 'form', kind: 'message', name: `d${daysAgo}`, audioPath: path });
    db.prepare('UPDATE messages SET created_at = ? WHERE id = ?').run(at(daysAgo), id);
    return { id, path };
  };
  const old = add(40, 100);
  const oldText = add(35, null);
  const a = add(20, 300);
  const b = add(10, 300);
  const c = add(5, 300);
  const cb = store.addCallback({ channel: null, caller: 'x', number: '1', source: 'entered' });
  db.prepare('UPDATE callbacks SET created_at = ? WHERE id = ?').run(at(31), cb);

  const { log, lines } = collectingLog();
  const result = pruneMessages(store, { retentionDays: 30, maxAudioBytes: 700 }, log, now);
  assert.deepEqual(result, { expiredMessages: 2, expiredCallbacks: 1, overCap: 1, freedBytes: 400, audioBytes: 600 });
  assert.deepEqual(store.listMessages().map((m) => m.id), [c.id, b.id], 'the oldest of the rest went to fit the cap');
  assert.equal(store.listCallbacks().length, 0);
  for (const gone of [old, a]) assert.equal(existsSync(gone.path!), false, `${gone.path} removed with its row`);
  for (const kept of [b, c]) assert.ok(existsSync(kept.path!));
  assert.ok(oldText.id);
  const over = lines.find((l) => l.msg === 'message audio over messages.maxAudioMegabytes: oldest message deleted');
  assert.equal(over?.id, a.id);
  assert.ok(lines.some((l) => l.msg === 'message retention: old messages deleted' && l.expiredMessages === 2));

  // Nothing left to do: nothing deleted, nothing logged.
  const quiet = collectingLog();
  assert.equal(pruneMessages(store, { retentionDays: 30, maxAudioBytes: 700 }, quiet.log, now).overCap, 0);
  assert.equal(quiet.lines.length, 0);
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the edge prunes at start and removes audio files no message names, keeping the rest', async () => {
  // A first edge stores two voice messages and stops.
  const dataDir = mkdtempSync(join(tmpdir(), 'hl-retention-edge-'));
  const first = await startEdge({ dataDir });
  const store = first.app.ivr.store;
  const voice = join(dataDir, 'voice');
  mkdirSync(voice, { recursive: true });
  const mk = (name: string, bytes: number) => { const p = join(voice, name); writeFileSync(p, Buffer.alloc(bytes)); return p; };
  const older = store.addMessage({ source: 'voice', kind: 'message', name: 'older', audioPath: mk('voice-1-aaaaaaaaaaaa.webm', 700_000) });
  const newer = store.addMessage({ source: 'voice', kind: 'message', name: 'newer', audioPath: mk('voice-2-bbbbbbbbbbbb.webm', 700_000) });
  await first.app.close();
  // Left behind by a crash: an upload never renamed, a file whose row was deleted.
  mk('voice-3-cccccccccccc.tmp', 10);
  mk('voice-4-dddddddddddd.webm', 10);
  mk('notes.txt', 10);

  // The next start has a cap of 1 MB: the older message goes, row and file together.
  const second = await startEdge({ dataDir, messages: { maxAudioMegabytes: 1 } });
  try {
    assert.deepEqual(readdirSync(voice).sort(), ['notes.txt', 'voice-2-bbbbbbbbbbbb.webm'], 'strays and the pruned file are gone; a foreign file stays');
    assert.deepEqual(second.app.ivr.store.listMessages().map((m) => m.id), [newer]);
    assert.ok(older < newer);
    const logs = second.logs.map((l) => JSON.parse(l));
    assert.ok(logs.some((l) => l.msg === 'audio files no message names were removed' && l.files.length === 2));
    assert.ok(logs.some((l) => l.msg === 'message audio over messages.maxAudioMegabytes: oldest message deleted' && l.id === older));
  } finally {
    await second.close();
  }
});
