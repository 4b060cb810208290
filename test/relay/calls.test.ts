// The call tracker on its own: the state machine drawn in server/relay/calls.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallTracker, type TrackedCall } from '../../server/relay/calls.ts';
import { parseSip } from '../../server/sip/message.ts';

const req = (method: string, extra = '', to = '<sip:owner@home.arpa>', cseq = `1 ${method}`) => parseSip([
  `${method} sip:owner@home.arpa SIP/2.0`, 'Via: SIP/2.0/WSS a.invalid;branch=z9hG4bK1', 'Max-Forwards: 70',
  `To: ${to}`, 'From: <sip:v-1@home.arpa>;tag=ft', 'Call-ID: c1', `CSeq: ${cseq}`, 'Contact: <sip:v@a.invalid;transport=ws>', ...(extra ? [extra] : []), '', '',
].join('\r\n'));
const res = (status: number, method = 'INVITE', extra: string[] = []) => parseSip([
  `SIP/2.0 ${status} X`, 'Via: SIP/2.0/WSS a.invalid;branch=z9hG4bK1', 'To: <sip:owner@home.arpa>;tag=tt',
  'From: <sip:v-1@home.arpa>;tag=ft', 'Call-ID: c1', `CSeq: 1 ${method}`, 'Contact: <sip:o@b.invalid;transport=ws>', ...extra, '', '',
].join('\r\n'));

function tracker() {
  const events: string[] = [];
  let now = 1000;
  const t = new CallTracker({
    started: (c: TrackedCall) => events.push(`started ${c.target}`),
    answered: () => events.push('answered'),
    ended: (c: TrackedCall) => events.push(`ended ${c.outcome}`),
  }, () => now);
  return { t, events, advance: (ms: number) => { now += ms; } };
}

test('INVITE → 2xx → BYE: started, answered (dialog learnt), ended answered', () => {
  const { t, events } = tracker();
  t.fromClient(req('INVITE'));
  assert.equal(t.active, 1);
  t.toClient(res(200, 'INVITE', ['Record-Route: <sip:p1;lr>', 'Record-Route: <sip:p2;lr>']));
  const call = t.get('c1')!;
  assert.equal(call.state, 'confirmed');
  assert.equal(call.remoteTag, 'tt');
  assert.equal(call.remoteTarget, 'sip:o@b.invalid;transport=ws');
  assert.deepEqual(call.routeSet, ['<sip:p2;lr>', '<sip:p1;lr>']);
  t.fromClient(req('BYE', '', '<sip:owner@home.arpa>;tag=tt', '2 BYE'));
  assert.deepEqual(events, ['started owner', 'answered', 'ended answered']);
  assert.equal(t.active, 0);
});

test('final responses map to outcomes: 486 busy, 603 declined, 487 after CANCEL cancelled, 480 no answer', () => {
  for (const [status, cancel, outcome] of [[486, false, 'busy'], [603, false, 'declined'], [487, true, 'cancelled'], [480, false, 'no-answer']] as const) {
    const { t, events } = tracker();
    t.fromClient(req('INVITE'));
    if (cancel) t.fromClient(req('CANCEL', '', '<sip:owner@home.arpa>', '1 CANCEL'));
    t.toClient(res(status));
    assert.equal(events.at(-1), `ended ${outcome}`);
  }
});

test('ended calls stay known for late ACKs and BYE responses, then are forgotten', () => {
  const { t, advance } = tracker();
  t.fromClient(req('INVITE'));
  t.toClient(res(486));
  assert.ok(t.knows('c1'));
  advance(33_000);
  assert.ok(!t.knows('c1'));
});

test('an incoming call (owner side) is answered by the client\'s own 2xx', () => {
  const { t, events } = tracker();
  t.toClient(req('INVITE'));
  assert.equal(t.get('c1')!.direction, 'in');
  t.fromClient(res(200));
  assert.equal(t.get('c1')!.localTag, 'tt');
  t.endAll('dropped');
  assert.deepEqual(events, ['started owner', 'answered', 'ended dropped']);
});
