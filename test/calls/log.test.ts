// The call log: keyed by the edge's own ids, one row per attempt, and a log file from before
// issue 10 (no caller column) still opens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDb } from '../../server/store/db.ts';
import { CallLog, callerKey } from '../../server/calls/log.ts';

test('a call log from before gains the caller column and keeps its rows', () => {
  const db = openDb(undefined, ':memory:');
  db.exec(`CREATE TABLE calls (id TEXT PRIMARY KEY, started_at INTEGER NOT NULL, visitor TEXT NOT NULL, name TEXT, message TEXT,
    target TEXT NOT NULL, answered_at INTEGER, ended_at INTEGER, outcome TEXT)`);
  db.prepare("INSERT INTO calls (id, started_at, visitor, target) VALUES ('old-call-id', 1, 'v-old', 'owner')").run();
  const log = new CallLog(db);
  log.started({ id: 'c-1', startedAt: 2, visitor: 'v-new', caller: callerKey('192.0.2.7', 'secret'), target: 'owner' });
  assert.deepEqual(log.list().map((c) => [c.id, c.caller]), [['c-1', callerKey('192.0.2.7', 'secret')], ['old-call-id', null]]);
  assert.throws(() => log.started({ id: 'c-1', startedAt: 3, visitor: 'v-other', target: 'owner' }), /UNIQUE/, 'an id clash is a bug, never silently ignored');
  db.close();
});

test('callerKey: the same address gives the same short key, another address or secret another', () => {
  const k = callerKey('192.0.2.7', 's1');
  assert.match(k, /^[A-Za-z0-9_-]{12}$/);
  assert.equal(callerKey('192.0.2.7', 's1'), k);
  assert.notEqual(callerKey('192.0.2.8', 's1'), k);
  assert.notEqual(callerKey('192.0.2.7', 's2'), k);
  assert.ok(!k.includes('192'));
});
