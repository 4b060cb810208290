// The ring-set decision (pure) and its allow-list: which of the owner's endpoints ring at a given
// instant, when that next changes, and what the edge may hand Asterisk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Hours } from '../../server/owner/hours.ts';
import { RING_NOBODY, RingRuleError, completeRules, nextBoundary, ringValue, ringingNow, validateRules, type RingRule } from '../../server/owner/ring-set.ts';

const OWNED = ['6000', '6001', '6010'];
const WEEKDAYS_9_18: Hours = { timeZone: 'Europe/London', weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00' }] };
const MOBILE_OFFICE_HOURS: RingRule[] = [
  { extension: '6000', mode: 'always' },
  { extension: '6001', mode: 'hours', hours: WEEKDAYS_9_18 },
  { extension: '6010', mode: 'never' },
];

test('the mobile rings 9–18 on weekdays in its own time zone; the tab always; the SIP-SIM never', () => {
  // Wednesday 2026-07-15: London is on BST (UTC+1).
  assert.deepEqual(ringingNow(MOBILE_OFFICE_HOURS, new Date('2026-07-15T08:30:00Z')), ['6000', '6001']); // 09:30 BST
  assert.deepEqual(ringingNow(MOBILE_OFFICE_HOURS, new Date('2026-07-15T07:59:00Z')), ['6000']); // 08:59 BST
  assert.deepEqual(ringingNow(MOBILE_OFFICE_HOURS, new Date('2026-07-15T17:00:00Z')), ['6000']); // 18:00 BST: closed
  // Saturday at noon: closed all day.
  assert.deepEqual(ringingNow(MOBILE_OFFICE_HOURS, new Date('2026-07-18T11:00:00Z')), ['6000']);
  // In winter London is UTC: 09:30 UTC is 09:30 local.
  assert.deepEqual(ringingNow(MOBILE_OFFICE_HOURS, new Date('2026-01-14T09:30:00Z')), ['6000', '6001']);
});

test('the next boundary is the next opening or closing of anybody\'s hours', () => {
  assert.equal(nextBoundary(MOBILE_OFFICE_HOURS, new Date('2026-07-15T07:10:30Z'))?.toISOString(), '2026-07-15T08:00:00.000Z');
  assert.equal(nextBoundary(MOBILE_OFFICE_HOURS, new Date('2026-07-15T12:00:00Z'))?.toISOString(), '2026-07-15T17:00:00.000Z');
  // Friday evening: the next change is Monday 09:00 BST.
  assert.equal(nextBoundary(MOBILE_OFFICE_HOURS, new Date('2026-07-17T18:00:00Z'))?.toISOString(), '2026-07-20T08:00:00.000Z');
  assert.equal(nextBoundary([{ extension: '6000', mode: 'always' }], new Date()), null);
});

test('a phone\'s hours over midnight: the boundary is its closing the next morning', () => {
  const nights: Hours = { timeZone: 'UTC', weekly: [{ days: ['fri'], from: '22:00', to: '02:00' }] };
  const rules: RingRule[] = [{ extension: '6001', mode: 'hours', hours: nights }];
  assert.deepEqual(ringingNow(rules, new Date('2026-07-18T01:59:00Z')), ['6001']); // Saturday 01:59
  assert.equal(nextBoundary(rules, new Date('2026-07-17T23:00:00Z'))?.toISOString(), '2026-07-18T02:00:00.000Z');
});

test('validation: only the owner\'s own endpoints, once each, hours present and in a real zone', () => {
  assert.doesNotThrow(() => validateRules(MOBILE_OFFICE_HOURS, OWNED));
  const refused = (rules: RingRule[], pattern: RegExp) => assert.throws(() => validateRules(rules, OWNED), (e: Error) => e instanceof RingRuleError && pattern.test(e.message));
  refused([{ extension: '6005', mode: 'always' }], /6005 is not one of the owner's phones/);
  refused([{ extension: '0900123', mode: 'always' }], /0900123 is not one/);
  refused([{ extension: '6001', mode: 'always' }, { extension: '6001', mode: 'never' }], /listed twice/);
  refused([{ extension: '6001', mode: 'hours' }], /has none/);
  refused([{ extension: '6001', mode: 'hours', hours: { timeZone: 'Mars/Olympus', weekly: [] } }], /6001's hours: timeZone: "Mars\/Olympus" is not an IANA time zone/);
  refused([{ extension: '6001', mode: 'hours', hours: { timeZone: 'UTC', weekly: [{ days: ['mon'], from: '09:00', to: '09:00' }] } }], /both 09:00/);
});

test('completeRules: every owned endpoint once, in the owner\'s order, unset ones ring always', () => {
  assert.deepEqual(completeRules([{ extension: '6010', mode: 'never' }], OWNED), [
    { extension: '6000', mode: 'always' }, { extension: '6001', mode: 'always' }, { extension: '6010', mode: 'never' },
  ]);
});

test('the value for Asterisk is built only from the allow-list; nobody ringing is "none"', () => {
  assert.equal(ringValue(['6000', '6001'], OWNED), 'PJSIP/6000&PJSIP/6001');
  assert.equal(ringValue([], OWNED), RING_NOBODY);
  assert.throws(() => ringValue(['6000', '6999'], OWNED), RingRuleError);
  assert.throws(() => ringValue(['6000&PJSIP/0900@provider'], [...OWNED, '6000&PJSIP/0900@provider']), RingRuleError);
});
