// The owner console's pure parts: the one status line, where a call row stands and how the
// caller is named, the unseen count, and the coalescing that keeps live updates to one fetch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusLine } from '../../web/owner/status-line.ts';
import { callState, callerLabel, stateWords, type CallRecord } from '../../web/owner/calls-list.ts';
import { unseenCount } from '../../web/owner/attention.ts';
import type { MessageRecord } from '../../web/owner/messages-list.ts';
import { coalesce } from '../../web/owner/live.ts';
import { ownerStrings as S } from '../../web/owner/strings.ts';

const at = (h: number) => h;

test('status line: registered and reachable is "Ready"; DND or hours say so instead of claiming visitors can call', () => {
  assert.equal(statusLine({ state: 'registered' }, { available: true, reason: null }), S.ready);
  const dnd = statusLine({ state: 'registered' }, { available: false, reason: 'dnd' });
  assert.match(dnd, /Do not disturb/);
  assert.doesNotMatch(dnd, /can call you/);
  assert.equal(statusLine({ state: 'registered' }, { available: true, reason: 'hours', until: 1 }, () => '09:00'), S.unavailable.hours('09:00'));
  assert.equal(statusLine({ state: 'registered' }, { available: true, reason: 'something-new' }), S.unavailable.other());
});

test('status line: outside hours names the day the owner opens again when it is not today', () => {
  const tomorrowNoon = new Date();
  tomorrowNoon.setDate(tomorrowNoon.getDate() + 1);
  tomorrowNoon.setHours(12, 0, 0, 0);
  const line = statusLine({ state: 'registered' }, { available: false, reason: 'hours', until: tomorrowNoon.getTime() });
  assert.match(line, /^Outside your hours until tomorrow at 12:00\sPM:/);
  const inAnHour = Date.now() + 3_600_000;
  const later = statusLine({ state: 'registered' }, { available: false, reason: 'hours', until: inAnHour });
  // Later today, or just after midnight tomorrow: a bare time only when it is today.
  if (new Date(inAnHour).getDate() === new Date().getDate()) assert.match(later, /^Outside your hours until \d{1,2}:\d{2}\s[AP]M:/);
  else assert.match(later, /until tomorrow at/);
});

test('status line: a connection problem comes first, with the reason added; signed out says only that', () => {
  assert.equal(statusLine({ state: 'reconnecting', retryMs: 2000, why: 'edge' }, { available: false, reason: 'dnd' }),
    `${S.status.waiting.edge(2)} ${S.alsoUnavailable.dnd}`);
  assert.equal(statusLine({ state: 'offline' }, undefined), S.status.offline);
  assert.equal(statusLine({ state: 'logged-out' }, { available: false, reason: 'dnd' }), S.status['logged-out']);
});

const call = (c: Partial<CallRecord>): CallRecord => ({ id: 'c', startedAt: at(1), ...c });

test('call rows move ringing → in call → answered, or end declined / missed / refused with the reason', () => {
  assert.equal(callState(call({})), 'ringing');
  assert.equal(callState(call({ answeredAt: 2 })), 'in-call');
  assert.equal(callState(call({ answeredAt: 2, endedAt: 5, outcome: 'answered' })), 'answered');
  assert.equal(callState(call({ endedAt: 5, outcome: 'declined' })), 'declined');
  assert.equal(callState(call({ endedAt: 5, outcome: 'no-answer' })), 'missed');
  assert.equal(callState(call({ endedAt: 5, outcome: 'cancelled' })), 'missed');
  assert.equal(stateWords(call({ endedAt: 1, outcome: 'refused', reason: 'dnd' })), S.refused.dnd);
  assert.equal(stateWords(call({ endedAt: 1, outcome: 'refused', reason: 'hours' })), S.refused.hours);
  assert.equal(stateWords(call({ endedAt: 1, outcome: 'refused', reason: 'new-reason' })), S.refused.other);
});

test('a caller is the name they typed, else "Website visitor", with the page they called from; never the visitor id', () => {
  assert.deepEqual(callerLabel({ name: 'Ada', page: '/pricing' }), { who: 'Ada', from: S.fromPage('/pricing') });
  assert.deepEqual(callerLabel({ name: null, page: null }), { who: S.visitor, from: undefined });
  assert.deepEqual(callerLabel({ name: '  ', page: undefined }), { who: S.visitor, from: undefined });
});

test('unseen: unanswered calls and messages after the last look; answered calls, older ones and messages marked done do not count', () => {
  const calls = [call({ endedAt: 50, outcome: 'no-answer' }), call({ endedAt: 60, outcome: 'refused' }), call({ answeredAt: 55, endedAt: 70 }), call({ endedAt: 5, outcome: 'no-answer' }), call({})];
  const at = (ms: number) => new Date(ms).toISOString();
  assert.equal(unseenCount(calls, [{ id: 1, createdAt: at(80) }, { id: 2, createdAt: at(1) }, { id: 3, createdAt: at(90), doneAt: at(95) }] as MessageRecord[], 10), 3);
  assert.equal(unseenCount(calls, [], 100), 0);
  assert.equal(S.titleWithCount(3), '(3) homeline — owner console');
  assert.equal(S.titleWithCount(0), S.title);
});

test('coalesce: a burst of asks while a fetch runs costs one more fetch, not one each', async () => {
  let runs = 0;
  let release!: () => void;
  const fetchOnce = coalesce(() => { runs++; return new Promise<void>((r) => { release = r; }); });
  const first = fetchOnce();
  const burst = [fetchOnce(), fetchOnce(), fetchOnce()];
  assert.equal(runs, 1);
  release();
  await new Promise((r) => setImmediate(r));
  assert.equal(runs, 2, 'one more run for the whole burst');
  release();
  await Promise.all([first, ...burst]);
  assert.equal(runs, 2);
  void fetchOnce();
  assert.equal(runs, 3, 'idle again: the next ask runs at once');
  release();
});
