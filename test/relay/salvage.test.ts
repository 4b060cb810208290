// salvageRequest: from a request that failed strict parsing, keep just enough to answer it with a
// 400 the client can match (RFC 3261 §8.2.2), or give up when that is not clear.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { salvageRequest } from '../../server/relay/salvage.ts';

const GOOD_HEAD = [
  'Via: SIP/2.0/WSS a.invalid;branch=z9hG4bK1',
  'Max-Forwards: 70',
  'From: <sip:v-x@home.arpa>;tag=f1',
  'To: <sip:owner@home.arpa>',
  'Call-ID: c1',
  'CSeq: 7 OPTIONS',
];
const request = (start: string, headers: string[], body = '') => `${[start, ...headers].join('\r\n')}\r\n\r\n${body}`;

test('keeps the start line and only Via, From, To, Call-ID and CSeq, with every Via in order', () => {
  const text = request('OPTIONS sip:owner@home.arpa SIP/2.0', [...GOOD_HEAD, 'Via: SIP/2.0/WSS b.invalid;branch=z9hG4bK2', 'Content-Length: 99', 'X-Junk: \u0001'], 'body');
  assert.deepEqual(salvageRequest(text), {
    kind: 'request', method: 'OPTIONS', uri: 'sip:owner@home.arpa', body: '',
    headers: [
      { name: 'Via', value: 'SIP/2.0/WSS a.invalid;branch=z9hG4bK1' },
      { name: 'From', value: '<sip:v-x@home.arpa>;tag=f1' },
      { name: 'To', value: '<sip:owner@home.arpa>' },
      { name: 'Call-ID', value: 'c1' },
      { name: 'CSeq', value: '7 OPTIONS' },
      { name: 'Via', value: 'SIP/2.0/WSS b.invalid;branch=z9hG4bK2' },
    ],
  });
});

test('compact and lower-case header names are recognised', () => {
  const text = request('INVITE sip:owner@home.arpa SIP/2.0', ['v: SIP/2.0/WSS a.invalid;branch=z9hG4bK1', 'f: <sip:v-x@home.arpa>;tag=f1', 't: <sip:owner@home.arpa>', 'i: c1', 'cseq: 1 INVITE']);
  const req = salvageRequest(text)!;
  assert.deepEqual(req.headers.map((h) => h.name), ['Via', 'From', 'To', 'Call-ID', 'CSeq']);
  assert.equal(req.method, 'INVITE');
});

test('gives up without a request line', () => {
  assert.equal(salvageRequest(request('SIP/2.0 200 OK', GOOD_HEAD)), undefined);
  assert.equal(salvageRequest(request('HELLO THERE', GOOD_HEAD)), undefined);
  assert.equal(salvageRequest(request('options sip:owner@home.arpa SIP/2.0', GOOD_HEAD)), undefined);
});

for (const name of ['Via', 'From', 'To', 'Call-ID', 'CSeq']) {
  test(`gives up when ${name} is missing`, () => {
    assert.equal(salvageRequest(request('OPTIONS sip:owner@home.arpa SIP/2.0', GOOD_HEAD.filter((h) => !h.startsWith(`${name}:`)))), undefined);
  });
}

test('gives up on a second From, To, Call-ID or CSeq rather than pick one', () => {
  for (const extra of ['From: <sip:owner@home.arpa>;tag=x', 'To: <sip:6001@home.arpa>', 'Call-ID: c2', 'CSeq: 8 OPTIONS']) {
    assert.equal(salvageRequest(request('OPTIONS sip:owner@home.arpa SIP/2.0', [...GOOD_HEAD, extra])), undefined, extra);
  }
});

test('gives up on an unreadable CSeq, and skips a needed header whose value has control characters', () => {
  assert.equal(salvageRequest(request('OPTIONS sip:owner@home.arpa SIP/2.0', [...GOOD_HEAD.slice(0, 5), 'CSeq: seven OPTIONS'])), undefined);
  assert.equal(salvageRequest(request('OPTIONS sip:owner@home.arpa SIP/2.0', [...GOOD_HEAD.slice(0, 4), 'Call-ID: c\u00071', 'CSeq: 7 OPTIONS'])), undefined);
});
