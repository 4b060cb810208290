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

test('row moves: ringing → answered → ended, each change published once as { type: call, id }; a repeat changes nothing and says nothing', () => {
  const db = openDb(undefined, ':memory:');
  const events: unknown[] = [];
  const log = new CallLog(db, { publish: (e) => events.push(e) });
  const row = () => log.list()[0];
  log.started({ id: 'c-1', startedAt: 1_000, visitor: 'v-a', name: 'Ada', target: 'owner', page: '/pricing' });
  assert.deepEqual([row().answeredAt, row().endedAt, row().outcome, row().page], [null, null, null, '/pricing']);
  log.answered('c-1', 2_000);
  log.answered('c-1', 2_500);
  assert.equal(row().answeredAt, 2_000);
  log.ended('c-1', 5_000, 'answered');
  log.ended('c-1', 6_000, 'dropped');
  assert.deepEqual([row().endedAt, row().outcome], [5_000, 'answered']);
  assert.deepEqual(events, [{ type: 'call', id: 'c-1' }, { type: 'call', id: 'c-1' }, { type: 'call', id: 'c-1' }]);
  db.close();
});

test('a refused attempt is one finished row with its reason, published; unanswered calls keep the tracker\'s outcome', () => {
  const db = openDb(undefined, ':memory:');
  const events: { id: string }[] = [];
  const log = new CallLog(db, { publish: (e) => events.push(e as { id: string }) });
  log.refused({ id: 'c-r', startedAt: 7_000, visitor: 'v-b', target: 'owner', reason: 'dnd' });
  log.started({ id: 'c-m', startedAt: 8_000, visitor: 'v-c', target: 'owner' });
  log.ended('c-m', 9_000, 'no-answer');
  const [missed, refused] = log.list();
  assert.deepEqual([refused.outcome, refused.reason, refused.endedAt, refused.answeredAt], ['refused', 'dnd', 7_000, null]);
  assert.deepEqual([missed.outcome, missed.reason], ['no-answer', null]);
  assert.deepEqual(events.map((e) => e.id), ['c-r', 'c-m', 'c-m']);
  db.close();
});
