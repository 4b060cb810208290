// "Back at …" in the reader's own zone and locale (web/shared/back-at.ts), without a browser: the
// visitor's widget and the owner's hours panel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backAt } from '../../web/shared/back-at.ts';
import { strings } from '../../web/button/strings.ts';

const S = strings.backAt;
// Opens Monday 2026-07-06 09:00 in London (08:00 UTC).
const OPENS = '2026-07-06T08:00:00.000Z';

test('same day, tomorrow, a weekday: counted in the visitor\'s zone, time in their locale', () => {
  const mon7 = Date.parse('2026-07-06T06:00:00Z');
  assert.equal(backAt(S, OPENS, mon7, 'Europe/London', 'en-GB'), 'Back at 9:00.');
  assert.equal(backAt(S, OPENS, mon7, 'America/New_York', 'en-US'), 'Back at 4:00 AM.');
  // Sunday evening in London, already Monday in Tokyo: "tomorrow" for one, "today" for the other.
  const sunEvening = Date.parse('2026-07-05T18:00:00Z');
  assert.equal(backAt(S, OPENS, sunEvening, 'Europe/London', 'en-GB'), 'Back tomorrow at 9:00.');
  assert.equal(backAt(S, OPENS, sunEvening, 'Asia/Tokyo', 'en-GB'), 'Back at 17:00.');
  const fri = Date.parse('2026-07-03T17:30:00Z');
  assert.equal(backAt(S, OPENS, fri, 'Europe/London', 'en-GB'), 'Back Monday at 9:00.');
  assert.equal(backAt(S, OPENS, mon7 - 7 * 86_400_000, 'Europe/London', 'en-GB'), 'Back Monday at 9:00.', 'a week ahead: next Monday');
});


test('the edge\'s HL_OWNER_HOURS refusal reads as "closed", not as a plain 480 "unavailable"', async () => {
  const { endReason } = await import('../../web/softphone/end-reason.ts');
  assert.deepEqual(endReason({ statusCode: 480, warning: '399 homeline "HL_OWNER_HOURS: outside the owner\'s opening hours"' }), { kind: 'closed' });
  assert.deepEqual(endReason({ statusCode: 480 }), { kind: 'unavailable' });
});

test('German words with German time formatting', async () => {
  const { strings: de } = await import('../../web/button/strings.de.ts');
  const sunEvening = Date.parse('2026-07-05T18:00:00Z');
  assert.equal(backAt(de.backAt, OPENS, sunEvening, 'Europe/Berlin', 'de'), 'Wieder erreichbar morgen um 10:00 Uhr.');
  assert.equal(backAt(de.backAt, OPENS, Date.parse('2026-07-03T12:00:00Z'), 'Europe/Berlin', 'de'), 'Wieder erreichbar am Montag um 10:00 Uhr.');
});

test('the console\'s hours panel: "today at", "tomorrow at", a weekday, never a bare weekday for today', async () => {
  const { englishOwnerStrings: en } = await import('../../web/owner/strings.ts');
  const { ownerStrings: de } = await import('../../web/owner/strings.de.ts');
  // Tuesday 2026-07-07 02:00 in Berlin; the hours open again at 03:26 the same day.
  const tue2 = Date.parse('2026-07-07T00:00:00Z');
  const at = (iso: string, S = en.hours.closedUntil, locale = 'en-US') => backAt(S, iso, tue2, 'Europe/Berlin', locale);
  assert.equal(at('2026-07-07T01:26:00Z'), 'Closed now; visitors can call again today at 3:26 AM.');
  assert.equal(at('2026-07-08T07:00:00Z'), 'Closed now; visitors can call again tomorrow at 9:00 AM.');
  assert.equal(at('2026-07-13T07:00:00Z'), 'Closed now; visitors can call again Monday at 9:00 AM.');
  // Next Tuesday, a week on, is named; a time just before midnight Berlin is still today.
  assert.equal(at('2026-07-14T07:00:00Z'), 'Closed now; visitors can call again Tuesday at 9:00 AM.');
  assert.equal(at('2026-07-07T21:59:00Z'), 'Closed now; visitors can call again today at 11:59 PM.');
  assert.equal(at('2026-07-07T01:26:00Z', de.hours.closedUntil, 'de'), 'Jetzt geschlossen; Besuchende können heute ab 3:26 Uhr wieder anrufen.');
  assert.equal(at('2026-07-08T07:00:00Z', de.hours.closedUntil, 'de'), 'Jetzt geschlossen; Besuchende können morgen ab 9:00 Uhr wieder anrufen.');
  assert.equal(at('2026-07-13T07:00:00Z', de.hours.closedUntil, 'de'), 'Jetzt geschlossen; Besuchende können am Montag ab 9:00 Uhr wieder anrufen.');
});
