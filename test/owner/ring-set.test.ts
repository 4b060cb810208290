// The ring-set decision (pure) and its allow-list: which of the owner's endpoints ring at a given
// instant, when that next changes, and what the edge may hand Asterisk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOpen, nextChange, nextOpening, type WeeklySchedule } from '../../server/owner/phone-hours.ts';
import { RING_NOBODY, RingRuleError, completeRules, nextBoundary, ringValue, ringingNow, validateRules, type RingRule } from '../../server/owner/ring-set.ts';

const OWNED = ['6000', '6001', '6010'];
const WEEKDAYS_9_18: WeeklySchedule = { timeZone: 'Europe/London', windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00' }] };
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

test('a window over midnight rings from its start to its end the next morning', () => {
  const nights: WeeklySchedule = { timeZone: 'UTC', windows: [{ days: ['fri'], from: '22:00', to: '02:00' }] };
  assert.equal(isOpen(nights, new Date('2026-07-17T23:00:00Z')), true); // Friday 23:00
  assert.equal(isOpen(nights, new Date('2026-07-18T01:59:00Z')), true); // Saturday 01:59
  assert.equal(isOpen(nights, new Date('2026-07-18T02:00:00Z')), false);
  assert.equal(isOpen(nights, new Date('2026-07-17T01:00:00Z')), false); // Friday 01:00 belongs to Thursday's night
  assert.equal(nextOpening(nights, new Date('2026-07-18T03:00:00Z'))?.toISOString(), '2026-07-24T22:00:00.000Z');
});

test('DST: a window at 01:30 on the night the clocks go forward opens at the first minute that exists', () => {
  // 2026-03-29 in London: 01:00 GMT becomes 02:00 BST, so 01:00–02:00 local never happens.
  const s: WeeklySchedule = { timeZone: 'Europe/London', windows: [{ days: ['sun'], from: '01:30', to: '03:00' }] };
  assert.equal(nextChange(s, new Date('2026-03-29T00:50:00Z'))?.toISOString(), '2026-03-29T01:00:00.000Z'); // 02:00 BST
});

test('validation: only the owner\'s own endpoints, once each, hours present and in a real zone', () => {
  assert.doesNotThrow(() => validateRules(MOBILE_OFFICE_HOURS, OWNED));
  const refused = (rules: RingRule[], pattern: RegExp) => assert.throws(() => validateRules(rules, OWNED), (e: Error) => e instanceof RingRuleError && pattern.test(e.message));
  refused([{ extension: '6005', mode: 'always' }], /6005 is not one of the owner's phones/);
  refused([{ extension: '0900123', mode: 'always' }], /0900123 is not one/);
  refused([{ extension: '6001', mode: 'always' }, { extension: '6001', mode: 'never' }], /listed twice/);
  refused([{ extension: '6001', mode: 'hours' }], /has none/);
  refused([{ extension: '6001', mode: 'hours', hours: { timeZone: 'Mars/Olympus', windows: [] } }], /not a time zone/);
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
