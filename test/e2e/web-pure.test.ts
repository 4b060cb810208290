// The browser code's pure cores: end reasons, ICE early-send policy, reconnect schedule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { amendEndReason, endReason, type EndReason } from '../../web/softphone/end-reason.ts';
import { reasonText } from '../../web/softphone/softphone.ts';
import type { SoftphoneHost } from '../../web/softphone/host.ts';
import { homelineWarningCode } from '../../contract/codes.ts';
import { buildRefusal, buildResponse } from '../../server/sip/responses.ts';
import { header, type SipRequest, type SipResponse } from '../../server/sip/message.ts';
import type { SipRefusalCode } from '../../server/errors.ts';
import { isUsableCandidate } from '../../web/softphone/ice.ts';
import { strings } from '../../web/button/strings.ts';
import { backoffMs, refreshDelayMs } from '../../web/owner/backoff.ts';
import { nextPollDelay, POLL_MAX_MS, POLL_MIN_MS } from '../../web/button/status-poll.ts';
import { groupRepeats, type CallRecord } from '../../web/owner/calls-list.ts';

test('the edge Warning header names the HL code', () => {
  assert.equal(homelineWarningCode('399 homeline "HL_LINES_BUSY: all visitor lines are busy"'), 'HL_LINES_BUSY');
  assert.equal(homelineWarningCode('399 other "HL_X: y"'), undefined);
  assert.equal(homelineWarningCode(undefined), undefined);
});

test('owner decline (603) and owner busy (486) read as declined and busy', () => {
  assert.deepEqual(endReason({ statusCode: 603, cause: 'Rejected', originator: 'remote' }), { kind: 'declined' });
  assert.deepEqual(endReason({ statusCode: 486, cause: 'Busy', originator: 'remote' }), { kind: 'busy' });
});

test('the edge refusals are told apart by their HL code, not the status alone', () => {
  const w = (c: string) => `399 homeline "${c}: x"`;
  assert.deepEqual(endReason({ statusCode: 486, warning: w('HL_ONE_CALL') }), { kind: 'oneCall' });
  assert.deepEqual(endReason({ statusCode: 503, warning: w('HL_LINES_BUSY'), retryAfter: '60' }), { kind: 'linesBusy', retryAfterSeconds: 60 });
  assert.deepEqual(endReason({ statusCode: 480, warning: w('HL_OWNER_DND') }), { kind: 'unavailable' });
  assert.deepEqual(endReason({ statusCode: 408 }), { kind: 'noAnswer' });
});

test('every refusal the edge answers an INVITE with, built by the edge itself, reads as what it means', () => {
  const invite: SipRequest = {
    kind: 'request', method: 'INVITE', uri: 'sip:owner@home.arpa', body: '',
    headers: [
      { name: 'Via', value: 'SIP/2.0/WSS a.invalid;branch=z9hG4bK1' }, { name: 'From', value: '<sip:v-x@home.arpa>;tag=1' },
      { name: 'To', value: '<sip:owner@home.arpa>' }, { name: 'Call-ID', value: 'c' }, { name: 'CSeq', value: '1 INVITE' },
    ],
  };
  const read = (res: SipResponse) => endReason({ statusCode: res.status, warning: header(res, 'Warning'), retryAfter: header(res, 'Retry-After') });
  const expected: Array<[SipRefusalCode, EndReason]> = [
    ['HL_ONE_CALL', { kind: 'oneCall' }],
    ['HL_LINES_BUSY', { kind: 'linesBusy', retryAfterSeconds: 42 }],
    ['HL_OWNER_OFFLINE', { kind: 'unavailable' }],
    ['HL_OWNER_DND', { kind: 'unavailable' }],
    ['HL_OWNER_BUSY', { kind: 'busy' }],
    ['HL_NOT_FOUND', { kind: 'unavailable' }],
    ['HL_TARGET_FORBIDDEN', { kind: 'refused' }],
    ['HL_FROM_FORBIDDEN', { kind: 'refused' }],
    ['HL_ROUTE_FORBIDDEN', { kind: 'refused' }],
    ['HL_MALFORMED', { kind: 'failed' }],
  ];
  for (const [code, reason] of expected) {
    assert.deepEqual(read(buildRefusal(invite, code, code === 'HL_LINES_BUSY' ? { retryAfterSeconds: 42 } : {})), reason, code);
  }
  // The embedded router's ring timeout: 480 like an absent owner, but the caller hears "didn't answer".
  assert.deepEqual(read(buildRefusal(invite, 'HL_NO_ANSWER')), { kind: 'noAnswer' });
  assert.deepEqual(read(buildResponse(invite, 480, 'Temporarily Unavailable')), { kind: 'unavailable' }, 'a bare 480 is still "unavailable"');
});

test('the owner not answering and the owner being away are told to the caller in different words', () => {
  const host = { strings, calleeName: 'Sam' } as SoftphoneHost;
  const w = (c: string) => `399 homeline "${c}: x"`;
  assert.equal(reasonText(host, endReason({ statusCode: 480, warning: w('HL_NO_ANSWER') })), "Sam didn't answer.");
  assert.equal(reasonText(host, endReason({ statusCode: 480, warning: w('HL_OWNER_OFFLINE') })), "Sam can't take calls right now.");
});

test('503 with Retry-After but no Warning still reads as lines busy; without, service down', () => {
  assert.deepEqual(endReason({ statusCode: 503, retryAfter: '30' }), { kind: 'linesBusy', retryAfterSeconds: 30 });
  assert.deepEqual(endReason({ statusCode: 503 }), { kind: 'serviceDown' });
});

test('socket close codes: 4000 session cap, 1006 network lost, 1001 service down, 1011 home phone system lost', () => {
  assert.deepEqual(endReason({ wsCloseCode: 4000 }), { kind: 'sessionCap' });
  assert.deepEqual(endReason({ wsCloseCode: 4002 }), { kind: 'blocked' }, 'the owner blocked this caller mid-connection');
  assert.deepEqual(endReason({ wsCloseCode: 1006 }), { kind: 'networkLost' });
  assert.deepEqual(endReason({ wsCloseCode: 1001 }), { kind: 'serviceDown' });
  assert.deepEqual(endReason({ wsCloseCode: 1011 }), { kind: 'homeLost' });
});

test('a BYE followed by the edge losing Asterisk reads as the phone system going, not a hang-up', () => {
  const bye = endReason({ cause: 'Terminated', originator: 'remote' });
  assert.deepEqual(amendEndReason(bye, 1011), { kind: 'homeLost' });
  assert.equal(amendEndReason(bye, 1000), undefined, 'an ordinary close after a hang-up changes nothing');
  assert.equal(amendEndReason({ kind: 'hungUpByYou' }, 1011), undefined, 'our own hang-up stays ours');
  assert.deepEqual(amendEndReason(bye, 4002), { kind: 'blocked' }, 'the BYE came first, the block explains it');
  assert.deepEqual(amendEndReason({ kind: 'networkLost' }, 4002), { kind: 'blocked' });
});

test('a failed media path reads as a network failure, not as "You hung up"', () => {
  // JsSIP hangs up itself on iceConnectionState 'failed': after the answer as BYE with cause
  // 'RTP Timeout', before it as CANCEL ('Canceled'), originator local either way.
  assert.deepEqual(endReason({ cause: 'RTP Timeout', originator: 'local' }), { kind: 'iceFailed' });
  assert.deepEqual(endReason({ cause: 'Canceled', originator: 'local', iceFailed: true }), { kind: 'iceFailed' });
  assert.deepEqual(endReason({ cause: 'Terminated', originator: 'local', iceFailed: true }), { kind: 'iceFailed' });
  // Without the ICE fact the same JsSIP ends keep their meaning.
  assert.deepEqual(endReason({ cause: 'Canceled', originator: 'local' }), { kind: 'hungUpByYou' });
  assert.deepEqual(endReason({ cause: 'Connection Error' }), { kind: 'networkLost' });
  // The edge's own refusal still wins: it says more than a failed ICE check after it.
  assert.deepEqual(endReason({ statusCode: 486, warning: '399 homeline "HL_ONE_CALL: x"', iceFailed: true }), { kind: 'oneCall' });
  // The words say it was the network and what to try.
  assert.match(strings.reasons.iceFailed, /network/);
  assert.match(strings.reasons.iceFailed, /another network|mobile data/);
  assert.notEqual(strings.reasons.iceFailed, strings.reasons.hungUpByYou);
});

test('BYE: who hung up', () => {
  assert.deepEqual(endReason({ cause: 'Terminated', originator: 'local' }), { kind: 'hungUpByYou' });
  assert.deepEqual(endReason({ cause: 'Terminated', originator: 'remote' }), { kind: 'hungUpByOther' });
  assert.deepEqual(endReason({ cause: 'something new' }), { kind: 'failed' });
});

test('ICE: without servers a UDP host candidate is enough; with servers wait for srflx/relay', () => {
  assert.equal(isUsableCandidate({ type: 'host', protocol: 'udp', address: '127.0.0.1' }, false), true);
  assert.equal(isUsableCandidate({ type: 'host', protocol: 'tcp', address: '127.0.0.1' }, false), false);
  assert.equal(isUsableCandidate({ type: 'host', protocol: 'udp', address: 'abc.local' }, false), false);
  assert.equal(isUsableCandidate({ type: 'host', protocol: 'udp', address: '10.0.0.2' }, true), false);
  assert.equal(isUsableCandidate({ type: 'srflx', protocol: 'udp', address: '203.0.113.9' }, true), true);
  assert.equal(isUsableCandidate({ type: 'relay', protocol: 'udp', address: '203.0.113.9' }, true), true);
});

test('reconnect backoff doubles to a 5 s ceiling (back within seconds of a restart), with bounded jitter', () => {
  assert.equal(backoffMs(0, 0.5), 1000);
  assert.equal(backoffMs(1, 0.5), 2000);
  assert.equal(backoffMs(2, 0.5), 4000);
  assert.equal(backoffMs(3, 0.5), 5000);
  assert.equal(backoffMs(10, 1), 6000);
  assert.equal(backoffMs(0, 0), 800);
  assert.equal(backoffMs(0, 1), 1200);
});

test('registration refresh comes before the session cap', () => {
  assert.equal(refreshDelayMs(12 * 3600), 12 * 3600 * 1000 - 60_000);
  assert.equal(refreshDelayMs(100), 90_000);
  assert.ok(refreshDelayMs(30) < 30_000);
});

test('too many call attempts (HL_TOO_MANY_ATTEMPTS) reads as its own reason, with the wait in words', () => {
  const w = '399 homeline "HL_TOO_MANY_ATTEMPTS: too many call attempts; try again later"';
  assert.deepEqual(endReason({ statusCode: 503, warning: w, retryAfter: '42' }), { kind: 'tooManyAttempts', retryAfterSeconds: 42 });
  assert.match(strings.reasons.tooManyAttempts(42), /42 seconds/);
});

test('the owner console groups repeated unanswered attempts from one caller into one row', () => {
  const call = (id: string, min: number, extra: Partial<CallRecord> = {}): CallRecord => ({
    id, startedAt: min * 60_000, endedAt: min * 60_000 + 5000, visitor: `v-${id}`, caller: 'k1', outcome: 'cancelled', ...extra,
  });
  // Newest first, as GET /api/owner/calls lists them.
  const rows = groupRepeats([
    call('f', 40, { caller: 'k2' }),
    call('e', 30), call('d', 22), call('c', 21), call('b', 20, { answeredAt: 20 * 60_000 + 1000, outcome: 'answered' }), call('a', 19),
  ]);
  assert.deepEqual(rows.map((r) => [r.id, r.attempts]), [['f', 1], ['e', 3], ['b', 1], ['a', 1]]);
  // Every call is still a row of its own when nothing repeats.
  assert.deepEqual(groupRepeats([call('x', 1, { caller: 'k3' }), call('y', 0)]).map((r) => r.attempts), [1, 1]);
});

test('status re-check while the page is open: 5 s after a change, half again longer while nothing changes, at most a minute', () => {
  const seen: number[] = [];
  let d: number | undefined;
  for (let i = 0; i < 10; i++) seen.push((d = nextPollDelay(d, false)));
  assert.deepEqual(seen.slice(0, 4), [POLL_MIN_MS, 7500, 11250, 16875]);
  assert.equal(seen.at(-1), POLL_MAX_MS);
  assert.ok(seen.every((x, i) => i === 0 || x >= seen[i - 1]));
  assert.equal(nextPollDelay(POLL_MAX_MS, true), POLL_MIN_MS, 'a change: look again soon');
});
