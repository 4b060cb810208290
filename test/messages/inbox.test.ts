// The console's one list of messages and callback requests (web/owner/inbox.ts), without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inbox, telHref, type CallbackRecord, type MessageRecord } from '../../web/owner/inbox.ts';

const msg = (id: number, createdAt: string, more: Partial<MessageRecord> = {}): MessageRecord =>
  ({ id, createdAt, source: 'form', kind: 'message', ...more });
const cb = (id: number, createdAt: string, more: Partial<CallbackRecord> = {}): CallbackRecord =>
  ({ id, createdAt, number: '0123 456', source: 'entered', ...more });

test('messages and callback requests in one list, newest first; a form message and its callback request are one entry', () => {
  const entries = inbox(
    [
      msg(4, '2026-05-02T10:00:00Z', { source: 'voice', name: 'Zoë', number: '+49 30 1', audio: 'ok', durationSeconds: 12.4, caller: '203.0.113.9' }),
      msg(3, '2026-05-01T09:00:00Z', { name: 'Ann', number: '+44 20', text: 'Call me', doneAt: '2026-05-01T10:00:00Z', caller: '198.51.100.1' }),
      msg(2, '2026-04-30T08:00:00Z', { source: 'ivr', kind: 'message', caller: '6001', audio: 'missing' }),
      msg(1, '2026-04-29T08:00:00Z', { source: 'ivr', kind: 'name', caller: 'Grace' }),
    ],
    [
      cb(9, '2026-05-01T09:00:00Z', { source: 'form', caller: 'Ann', number: '+44 20', messageId: 3 }),
      cb(8, '2026-05-01T12:00:00Z', { source: 'caller', caller: '6002', number: '6002' }),
      cb(7, '2026-04-01T00:00:00Z', { source: 'form', caller: 'Old', messageId: 99, number: '555' }),
    ],
  );
  assert.deepEqual(entries.map((e) => e.key), ['m4', 'c8', 'm3', 'm2', 'm1', 'c7']);
  const [voice, callback, form, voicemail, name, orphan] = entries;
  assert.deepEqual(
    { kind: voice.kind, who: voice.who, number: voice.number, audio: voice.audio, seconds: voice.seconds, done: voice.done },
    { kind: 'voice', who: 'Zoë', number: '+49 30 1', audio: 'ok', seconds: 12.4, done: false });
  assert.equal(callback.kind, 'callback');
  assert.equal(callback.table, 'callbacks');
  assert.equal(form.wantsCallback, true, 'the form\'s callback request folded into its message');
  assert.equal(form.done, true);
  assert.equal(form.who, 'Ann', 'the name, never the visitor\'s address');
  assert.deepEqual([voicemail.kind, voicemail.who, voicemail.number, voicemail.audio], ['voicemail', '6001', '6001', 'missing']);
  assert.deepEqual([name.kind, name.who, name.number], ['name', 'Grace', null]);
  assert.equal(orphan.kind, 'callback', 'a callback request whose message is gone stays in the list');
});

test('tel: links only for phone numbers, digits and a leading +', () => {
  assert.equal(telHref('+44 (20) 7946-0000'), 'tel:+442079460000');
  assert.equal(telHref('6001'), 'tel:6001');
  assert.equal(telHref('javascript:alert(1)'), null);
  assert.equal(telHref('Grace'), null);
  assert.equal(telHref('+'), null);
  assert.equal(telHref(null), null);
});
