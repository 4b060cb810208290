import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOpen, nextOpening, nextClosing, hoursProblem, type Hours } from '../../server/owner/hours.ts';

const weekdays: Hours = { timeZone: 'Europe/London', weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00' }] };
const iso = (d: Date | null) => d?.toISOString() ?? null;

test('weekdays 9–18 in London: open inside, closed before, after and at the weekend', () => {
  // 2026-07-01 is a Wednesday; London is on BST (UTC+1).
  assert.equal(isOpen(weekdays, new Date('2026-07-01T08:00:00Z')), true); // 09:00 BST
  assert.equal(isOpen(weekdays, new Date('2026-07-01T07:59:00Z')), false); // 08:59 BST
  assert.equal(isOpen(weekdays, new Date('2026-07-01T16:59:00Z')), true);
  assert.equal(isOpen(weekdays, new Date('2026-07-01T17:00:00Z')), false); // 18:00 BST: closed
  assert.equal(isOpen(weekdays, new Date('2026-07-04T12:00:00Z')), false); // Saturday
});

test('nextOpening: later today, tomorrow, after the weekend; `at` itself when open', () => {
  assert.equal(iso(nextOpening(weekdays, new Date('2026-07-01T05:00:00Z'))), '2026-07-01T08:00:00.000Z');
  assert.equal(iso(nextOpening(weekdays, new Date('2026-07-01T20:00:00Z'))), '2026-07-02T08:00:00.000Z');
  assert.equal(iso(nextOpening(weekdays, new Date('2026-07-03T17:30:00Z'))), '2026-07-06T08:00:00.000Z'); // Fri evening → Mon
  assert.equal(iso(nextOpening(weekdays, new Date('2026-07-01T10:00:00Z'))), '2026-07-01T10:00:00.000Z');
  assert.equal(iso(nextClosing(weekdays, new Date('2026-07-01T10:00:00Z'))), '2026-07-01T17:00:00.000Z');
});

test('DST in Europe/London: 9:00 stays 9:00 on the wall across the spring and autumn changes', () => {
  // Clocks go forward on Sunday 2026-03-29 at 01:00 UTC; Friday 27th opens at 09:00 GMT, Monday 30th at 09:00 BST.
  assert.equal(iso(nextOpening(weekdays, new Date('2026-03-27T20:00:00Z'))), '2026-03-30T08:00:00.000Z');
  assert.equal(isOpen(weekdays, new Date('2026-03-27T08:30:00Z')), false); // 08:30 GMT
  assert.equal(isOpen(weekdays, new Date('2026-03-30T08:30:00Z')), true); // 09:30 BST
  // Back on Sunday 2026-10-25 at 01:00 UTC: Monday opens at 09:00 GMT.
  assert.equal(iso(nextOpening(weekdays, new Date('2026-10-23T20:00:00Z'))), '2026-10-26T09:00:00.000Z');
});

test('DST gap: an interval starting at a time the clock skips opens at the jump; a fold opens twice', () => {
  const night: Hours = { timeZone: 'Europe/London', weekly: [{ days: ['sun'], from: '01:30', to: '03:00' }] };
  // 2026-03-29: 01:00 GMT → 02:00 BST at 01:00 UTC; 01:30 never shows, so it opens at the jump.
  assert.equal(iso(nextOpening(night, new Date('2026-03-29T00:00:00Z'))), '2026-03-29T01:00:00.000Z');
  assert.equal(isOpen(night, new Date('2026-03-29T00:59:00Z')), false);
  assert.equal(isOpen(night, new Date('2026-03-29T01:00:00Z')), true);
  assert.equal(iso(nextClosing(night, new Date('2026-03-29T01:00:00Z'))), '2026-03-29T02:00:00.000Z'); // 03:00 BST
  const fold: Hours = { timeZone: 'Europe/London', weekly: [{ days: ['sun'], from: '01:00', to: '01:30' }] };
  // 2026-10-25: the clock shows 01:00–01:59 twice (BST from 00:00 UTC, GMT from 01:00 UTC).
  assert.equal(iso(nextOpening(fold, new Date('2026-10-24T23:00:00Z'))), '2026-10-25T00:00:00.000Z');
  assert.equal(iso(nextClosing(fold, new Date('2026-10-25T00:00:00Z'))), '2026-10-25T00:30:00.000Z');
  assert.equal(iso(nextOpening(fold, new Date('2026-10-25T00:30:00Z'))), '2026-10-25T01:00:00.000Z');
});

test('overnight and midnight: 22:00–02:00 spans the date change; 24:00 ends the day', () => {
  const late: Hours = { timeZone: 'UTC', weekly: [{ days: ['fri'], from: '22:00', to: '02:00' }] };
  assert.equal(isOpen(late, new Date('2026-07-03T23:59:00Z')), true); // Friday night
  assert.equal(isOpen(late, new Date('2026-07-04T01:59:00Z')), true); // Saturday small hours
  assert.equal(isOpen(late, new Date('2026-07-04T02:00:00Z')), false);
  assert.equal(isOpen(late, new Date('2026-07-02T01:00:00Z')), false); // Thursday small hours: Wednesday had none
  assert.equal(iso(nextClosing(late, new Date('2026-07-03T23:00:00Z'))), '2026-07-04T02:00:00.000Z');
  const evening: Hours = { timeZone: 'UTC', weekly: [{ days: ['mon'], from: '20:00', to: '24:00' }, { days: ['tue'], from: '00:00', to: '01:00' }] };
  assert.equal(isOpen(evening, new Date('2026-07-06T23:59:00Z')), true);
  assert.equal(isOpen(evening, new Date('2026-07-07T00:30:00Z')), true);
  // Midnight joins the two intervals: the first closing is Tuesday 01:00.
  assert.equal(iso(nextClosing(evening, new Date('2026-07-06T21:00:00Z'))), '2026-07-07T01:00:00.000Z');
});

test('a schedule with no openings never opens; no schedule is always open', () => {
  const never: Hours = { timeZone: 'Europe/London', weekly: [] };
  assert.equal(isOpen(never, Date.now()), false);
  assert.equal(nextOpening(never, Date.now()), null);
  assert.equal(isOpen(undefined, Date.now()), true);
  assert.equal(nextClosing(null, Date.now()), null);
});

test('hoursProblem names a bad time zone and an empty interval in one line', () => {
  assert.match(hoursProblem({ timeZone: 'Europe/Londn', weekly: [] })!, /^timeZone: "Europe\/Londn" is not an IANA time zone/);
  assert.match(hoursProblem({ timeZone: 'UTC', weekly: [{ days: ['mon'], from: '09:00', to: '09:00' }] })!, /^weekly\.0: from and to are both 09:00/);
  assert.equal(hoursProblem(weekdays), undefined);
});
