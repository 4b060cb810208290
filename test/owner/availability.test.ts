import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ownerAvailability, pauseCode } from '../../server/owner/availability.ts';
import type { Hours } from '../../server/owner/hours.ts';

const weekdays: Hours = { timeZone: 'Europe/London', weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00' }] };
const saturday = Date.parse('2026-07-04T12:00:00Z');
const wednesday = Date.parse('2026-07-01T12:00:00Z');

test('the switch and the hours combine into one answer; the switch wins', () => {
  assert.deepEqual(ownerAvailability({ switchedOn: true, hours: weekdays, at: wednesday }), { available: true, reason: 'available' });
  assert.deepEqual(ownerAvailability({ switchedOn: true, hours: weekdays, at: saturday }), { available: false, reason: 'hours', opensAt: '2026-07-06T08:00:00.000Z' });
  assert.deepEqual(ownerAvailability({ switchedOn: false, hours: weekdays, at: saturday }), { available: false, reason: 'dnd' });
  assert.deepEqual(ownerAvailability({ switchedOn: true, hours: { timeZone: 'UTC', weekly: [] }, at: saturday }), { available: false, reason: 'hours', opensAt: null });
  assert.deepEqual(ownerAvailability({ switchedOn: true, hours: null, at: saturday }), { available: true, reason: 'available' });
});

test('pauseCode: the refusal in the same order, asking the hours only when the switch is on', () => {
  let asked = 0;
  const closed = () => { asked++; return false; };
  assert.equal(pauseCode(false, closed), 'HL_OWNER_DND');
  assert.equal(asked, 0);
  assert.equal(pauseCode(true, closed), 'HL_OWNER_HOURS');
  assert.equal(pauseCode(true, () => true), undefined);
});
