// Word reaching the phones: who is texted for a new message, and what a phone's screen gets.
// The sender is the ARI boundary (proven against the real Asterisk and baresip in
// test/e2e/phones-ring.spec.ts); here, the decision around it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PhoneNotifier, phoneText } from '../../server/owner/phone-notify.ts';

function notifier(ringing: string[], offline: string[] = [], failing: string[] = []) {
  const sent: [string, string][] = [];
  const lines: string[] = [];
  const n = new PhoneNotifier({
    ringing: () => ringing,
    tabExtension: '6000',
    send: async (ext, text) => {
      if (failing.includes(ext)) throw Object.assign(new Error('ARI POST 500'), { code: 'HL_ARI_REQUEST' });
      if (offline.includes(ext)) return 'offline';
      sent.push([ext, text]);
      return 'sent';
    },
    log: { info: (_o, m) => lines.push(`info ${m}`), warn: (_o, m) => lines.push(`warn ${m}`) },
  });
  return { n, sent, lines };
}

test('a new message goes to the phones ringing now, never to the tab', async () => {
  const { n, sent } = notifier(['6000', '6001', '6010']);
  await n.handle({ type: 'message', id: 7, summary: 'Ada wrote: call me' });
  assert.deepEqual(sent, [['6001', 'homeline: Ada wrote: call me'], ['6010', 'homeline: Ada wrote: call me']]);
});

test('nobody ringing now: nothing sent, and the log says the message waits in the console', async () => {
  const { n, sent, lines } = notifier(['6000']);
  await n.handle({ type: 'message', id: 8, summary: 'Ada wrote: call me' });
  assert.deepEqual(sent, []);
  assert.match(lines.join('\n'), /no phone rings now/);
});

test('other events and messages without a summary are not texted', async () => {
  const { n, sent } = notifier(['6001']);
  await n.handle({ type: 'call', id: 'c1' });
  await n.handle({ type: 'message', id: 9 });
  await n.handle({ type: 'message', id: 9, summary: '   ' });
  assert.deepEqual(sent, []);
});

test('an unregistered phone is an info line; a failing one a warning; the others still get it', async () => {
  const { n, sent, lines } = notifier(['6001', '6002', '6003'], ['6002'], ['6003']);
  await n.handle({ type: 'message', id: 10, summary: 'x' });
  assert.deepEqual(sent.map(([e]) => e), ['6001']);
  assert.ok(lines.includes('info new message not sent to a phone that is not registered'));
  assert.ok(lines.some((l) => l.startsWith('warn could not send the new message to a phone')));
});

test('phoneText: one line, control characters gone, capped at 300 characters', () => {
  assert.equal(phoneText('Ada\r\nwrote:\t"hi"\u0007\u2028there'), 'Ada wrote: "hi" there');
  const long = phoneText('x'.repeat(1000));
  assert.equal(long.length, 300);
  assert.ok(long.endsWith('…'));
});
