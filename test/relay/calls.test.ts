// The call tracker on its own: the dialog state machine drawn in server/relay/calls.ts, with an
// injected clock and ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallTracker, LINGER_MS, TERMINATING_MS, TIMER_C_MS, type TrackedCall } from '../../server/relay/calls.ts';
import { parseSip, type SipRequest, type SipResponse } from '../../server/sip/message.ts';
import { ConfigSchema } from '../../server/config/schema.ts';

interface ReqOpts { to?: string; cseq?: string; callId?: string; fromTag?: string; branch?: string }
const req = (method: string, o: ReqOpts = {}) => parseSip([
  `${method} sip:owner@home.arpa SIP/2.0`, `Via: SIP/2.0/WSS a.invalid;branch=${o.branch ?? 'z9hG4bK1'}`, 'Max-Forwards: 70',
  `To: ${o.to ?? '<sip:owner@home.arpa>'}`, `From: <sip:v-1@home.arpa>;tag=${o.fromTag ?? 'ft'}`, `Call-ID: ${o.callId ?? 'c1'}`,
  `CSeq: ${o.cseq ?? `1 ${method}`}`, 'Contact: <sip:v@a.invalid;transport=ws>', '', '',
].join('\r\n')) as SipRequest;
const res = (status: number, method = 'INVITE', o: { toTag?: string; extra?: string[]; cseq?: number; callId?: string; fromTag?: string; branch?: string } = {}) => parseSip([
  `SIP/2.0 ${status} X`, `Via: SIP/2.0/WSS a.invalid;branch=${o.branch ?? 'z9hG4bK1'}`, `To: <sip:owner@home.arpa>${o.toTag === '' ? '' : `;tag=${o.toTag ?? 'tt'}`}`,
  `From: <sip:v-1@home.arpa>;tag=${o.fromTag ?? 'ft'}`, `Call-ID: ${o.callId ?? 'c1'}`, `CSeq: ${o.cseq ?? 1} ${method}`, 'Contact: <sip:o@b.invalid;transport=ws>', ...(o.extra ?? []), '', '',
].join('\r\n')) as SipResponse;
const inDialog = (method: string, toTag = 'tt', seq = 2) => req(method, { to: `<sip:owner@home.arpa>;tag=${toTag}`, cseq: `${seq} ${method}` });

function tracker() {
  const events: string[] = [];
  let now = 1000;
  let n = 0;
  const t = new CallTracker({
    started: (c: TrackedCall) => events.push(`started ${c.target}`),
    answered: () => events.push('answered'),
    terminating: () => events.push('terminating'),
    ended: (c: TrackedCall) => events.push(`ended ${c.outcome}`),
  }, { now: () => now, newId: () => `id${++n}` });
  return { t, events, advance: (ms: number) => { now += ms; } };
}

/** An answered outgoing call c1 (tags ft / tt). */
function answered() {
  const x = tracker();
  x.t.fromClient(req('INVITE'));
  x.t.toClient(res(180));
  x.t.toClient(res(200, 'INVITE', { extra: ['Record-Route: <sip:p1;lr>', 'Record-Route: <sip:p2;lr>'] }));
  return x;
}

test('pending → early (1xx with a tag) → confirmed (2xx, dialog learnt)', () => {
  const { t, events } = tracker();
  t.fromClient(req('INVITE'));
  assert.equal(t.get('c1')!.state, 'pending');
  assert.equal(t.get('c1')!.id, 'id1');
  t.toClient(res(100, 'INVITE', { toTag: '' }));
  assert.equal(t.get('c1')!.state, 'pending');
  t.toClient(res(180));
  assert.equal(t.get('c1')!.state, 'early');
  t.toClient(res(200, 'INVITE', { extra: ['Record-Route: <sip:p1;lr>', 'Record-Route: <sip:p2;lr>'] }));
  const call = t.get('c1')!;
  assert.equal(call.state, 'confirmed');
  assert.equal(call.remoteTag, 'tt');
  assert.equal(call.remoteTarget, 'sip:o@b.invalid;transport=ws');
  assert.deepEqual(call.routeSet, ['<sip:p2;lr>', '<sip:p1;lr>']);
  assert.deepEqual(events, ['started owner', 'answered']);
});

test('a BYE from the client only starts terminating; the 2xx to it ends the call', () => {
  const { t, events } = answered();
  t.fromClient(inDialog('BYE'));
  assert.equal(t.get('c1')!.state, 'terminating');
  assert.equal(t.active, 1, 'a terminating call still counts against the caps');
  t.toClient(res(481, 'BYE', { cseq: 2 }));
  assert.equal(t.get('c1')!.state, 'terminating', 'a 481 to the BYE does not end it');
  t.toClient(res(200, 'BYE', { cseq: 2 }));
  assert.equal(t.get('c1')!.state, 'ended');
  assert.deepEqual(events, ['started owner', 'answered', 'terminating', 'ended answered']);
  assert.equal(t.active, 0);
});

test('terminating ends by the timer when the BYE is never answered', () => {
  const { t, events, advance } = answered();
  t.fromClient(inDialog('BYE'));
  advance(TERMINATING_MS - 1);
  t.tick();
  assert.equal(t.get('c1')!.state, 'terminating');
  advance(1);
  t.tick();
  assert.equal(events.at(-1), 'ended answered');
});

test('a BYE from upstream ends the call at once', () => {
  const { t, events } = answered();
  t.toClient(parseSip([
    'BYE sip:v@a.invalid;transport=ws SIP/2.0', 'Via: SIP/2.0/WSS up.invalid;branch=z9hG4bKup', 'Max-Forwards: 70',
    'To: <sip:v-1@home.arpa>;tag=ft', 'From: <sip:owner@home.arpa>;tag=tt', 'Call-ID: c1', 'CSeq: 1 BYE', '', '',
  ].join('\r\n')));
  assert.equal(t.get('c1')!.state, 'ended');
  assert.equal(events.at(-1), 'ended answered');
});

test('a BYE from upstream with someone else\'s tags changes nothing', () => {
  const { t } = answered();
  t.toClient(parseSip([
    'BYE sip:v@a.invalid;transport=ws SIP/2.0', 'Via: SIP/2.0/WSS up.invalid;branch=z9hG4bKup', 'Max-Forwards: 70',
    'To: <sip:v-1@home.arpa>;tag=ft', 'From: <sip:owner@home.arpa>;tag=other', 'Call-ID: c1', 'CSeq: 1 BYE', '', '',
  ].join('\r\n')));
  assert.equal(t.get('c1')!.state, 'confirmed');
});

test('final responses map to outcomes: 486 busy, 603 declined, 487 after CANCEL cancelled, 480 no answer', () => {
  for (const [status, cancel, outcome] of [[486, false, 'busy'], [603, false, 'declined'], [487, true, 'cancelled'], [487, false, 'no-answer'], [480, false, 'no-answer']] as const) {
    const { t, events } = tracker();
    t.fromClient(req('INVITE'));
    if (cancel) {
      assert.equal(t.match(req('CANCEL')).kind, 'dialog');
      t.fromClient(req('CANCEL'));
    }
    t.toClient(res(status));
    assert.equal(events.at(-1), `ended ${outcome}`);
  }
});

test('Timer C gives up an INVITE that never gets a final answer', () => {
  const { t, events, advance } = tracker();
  t.fromClient(req('INVITE'));
  t.toClient(res(180));
  advance(TIMER_C_MS);
  t.tick();
  assert.equal(events.at(-1), 'ended no-answer');
});

test('Timer C outlasts the longest ring the configuration allows', () => {
  const maxRing = (ConfigSchema.properties.owner.properties.ringSeconds as { maximum: number }).maximum;
  assert.ok(TIMER_C_MS > maxRing * 1000 + 10_000, `Timer C ${TIMER_C_MS} ms vs ringSeconds ≤ ${maxRing}`);
});

test('match: in-dialog requests need the Call-ID and both tags of a live dialog', () => {
  const { t } = answered();
  assert.equal(t.match(inDialog('BYE')).kind, 'dialog');
  assert.equal(t.match(inDialog('INFO')).kind, 'dialog');
  assert.equal(t.match(inDialog('BYE', 'made-up')).kind, 'none', 'a made-up To tag');
  assert.equal(t.match(req('BYE', { to: '<sip:owner@home.arpa>;tag=tt', fromTag: 'other', cseq: '2 BYE' })).kind, 'none', 'another From tag');
  assert.equal(t.match(req('BYE', { to: '<sip:owner@home.arpa>;tag=tt', callId: 'c2', cseq: '2 BYE' })).kind, 'none', 'another Call-ID');
  assert.equal(t.match(req('BYE', { cseq: '2 BYE' })).kind, 'none', 'no To tag at all');
  assert.equal(t.match(req('CANCEL')).kind, 'none', 'CANCEL after the answer');
  assert.equal(t.match(inDialog('ACK', 'tt', 1)).kind, 'dialog', 'the 2xx ACK');
});

test('match: early dialogs take the tags of the provisional responses; CANCEL repeats the INVITE CSeq', () => {
  const { t } = tracker();
  t.fromClient(req('INVITE'));
  t.toClient(res(183, 'INVITE', { toTag: 'e1' }));
  assert.equal(t.match(inDialog('PRACK', 'e1')).kind, 'dialog');
  assert.equal(t.match(inDialog('PRACK', 'e2')).kind, 'none');
  assert.equal(t.match(req('CANCEL')).kind, 'dialog');
  assert.equal(t.match(req('CANCEL', { cseq: '7 CANCEL' })).kind, 'none');
});

test('match: an INVITE under a used Call-ID is a re-use, even after the old call ended', () => {
  const { t, advance } = answered();
  t.fromClient(inDialog('BYE'));
  t.toClient(res(200, 'BYE', { cseq: 2 }));
  assert.deepEqual(t.match(req('INVITE', { fromTag: 'new' })), { kind: 'reused', callId: 'c1' });
  advance(LINGER_MS * 10);
  assert.deepEqual(t.match(req('INVITE', { fromTag: 'new' })), { kind: 'reused', callId: 'c1' }, 'forgotten calls are still used Call-IDs');
  assert.equal(t.match(req('INVITE', { callId: 'c2' })).kind, 'initial');
  // A re-INVITE inside the dialog is not an initial INVITE.
  assert.equal(t.match(inDialog('INVITE')).kind, 'none', 'the dialog is over');
});

test('match: the same INVITE again after a 407 or 422 (same From tag, higher CSeq) is allowed', () => {
  const { t, events } = tracker();
  t.fromClient(req('INVITE'));
  t.toClient(res(422));
  assert.equal(t.match(req('INVITE', { cseq: '1 INVITE' })).kind, 'reused');
  assert.equal(t.match(req('INVITE', { cseq: '2 INVITE', fromTag: 'other' })).kind, 'reused');
  assert.equal(t.match(req('INVITE', { cseq: '2 INVITE' })).kind, 'initial');
  t.fromClient(req('INVITE', { cseq: '2 INVITE' }));
  assert.equal(t.active, 1);
  assert.equal(t.get('c1')!.id, 'id2', 'a new attempt with its own id');
  assert.deepEqual(events, ['started owner', 'ended failed', 'started owner']);
});

test('viewFor gives the policy only the dialog the request names', () => {
  const { t } = answered();
  const good = t.viewFor(inDialog('BYE'));
  assert.ok(good.knownCallIds.has('c1'));
  assert.equal(good.dialogs.get('c1')!.remoteTarget, 'sip:o@b.invalid;transport=ws');
  const bad = t.viewFor(inDialog('BYE', 'made-up'));
  assert.ok(!bad.knownCallIds.has('c1'));
  assert.equal(bad.dialogs.get('c1'), undefined);
});

test('responses from the client must answer a request relayed to it', () => {
  const { t, advance } = tracker();
  const invite = parseSip([
    'INVITE sip:6000@a.invalid;transport=ws SIP/2.0', 'Via: SIP/2.0/WSS up.invalid;branch=z9hG4bKin', 'Max-Forwards: 69',
    'To: <sip:owner@home.arpa>', 'From: <sip:v-x@home.arpa>;tag=far', 'Call-ID: in1', 'CSeq: 1 INVITE', 'Contact: <sip:x@c.invalid>', '', '',
  ].join('\r\n'));
  assert.equal(t.expectsResponse(res(200, 'INVITE', { callId: 'in1', branch: 'z9hG4bKin', fromTag: 'far' })), false, 'nothing relayed yet');
  t.toClient(invite);
  const ok = res(200, 'INVITE', { callId: 'in1', branch: 'z9hG4bKin', fromTag: 'far', toTag: 'mine' });
  assert.ok(t.expectsResponse(ok));
  assert.equal(t.expectsResponse(res(200, 'BYE', { callId: 'in1', branch: 'z9hG4bKin' })), false, 'another method');
  assert.equal(t.expectsResponse(res(200, 'INVITE', { callId: 'in1', branch: 'z9hG4bKother' })), false, 'another branch');
  t.fromClient(ok);
  assert.equal(t.get('in1')!.state, 'confirmed');
  assert.equal(t.get('in1')!.localTag, 'mine');
  advance(10_000);
  assert.ok(t.expectsResponse(ok), 'a retransmitted 2xx still passes');
  advance(40_000);
  assert.equal(t.expectsResponse(ok), false, 'the finished transaction is forgotten');
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

test('ended calls stay known for late ACKs, then are forgotten', () => {
  const { t, advance } = tracker();
  t.fromClient(req('INVITE'));
  t.toClient(res(486, 'INVITE', { toTag: 'busy' }));
  assert.equal(t.match(inDialog('ACK', 'busy', 1)).kind, 'dialog');
  advance(LINGER_MS + 1);
  assert.equal(t.match(inDialog('ACK', 'busy', 1)).kind, 'none');
});
