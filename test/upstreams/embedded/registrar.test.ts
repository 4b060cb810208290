// The embedded registrar on its own: bindings per connection, expiry, wildcard removal, 423.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registrar } from '../../../server/upstreams/embedded/registrar.ts';
import type { SipRequest } from '../../../server/sip/message.ts';

function register(contact: string, expires?: string): SipRequest {
  const headers = [
    { name: 'Via', value: 'SIP/2.0/WSS a.invalid;branch=z9hG4bK1' },
    { name: 'From', value: '<sip:6000@home.arpa>;tag=1' },
    { name: 'To', value: '<sip:6000@home.arpa>' },
    { name: 'Call-ID', value: 'r1' },
    { name: 'CSeq', value: '1 REGISTER' },
    { name: 'Contact', value: contact },
  ];
  if (expires !== undefined) headers.push({ name: 'Expires', value: expires });
  return { kind: 'request', method: 'REGISTER', uri: 'sip:home.arpa', headers, body: '' };
}

test('a binding lives until its expiry, per connection', () => {
  let now = 0;
  const r = new Registrar(() => now);
  const res = r.register('6000', 'c1', register('<sip:x@a.invalid;transport=ws>;expires=600'));
  assert.ok('bindings' in res);
  assert.equal(res.bindings[0].expires, 600);
  r.register('6000', 'c2', register('<sip:y@b.invalid;transport=ws>', '300'));
  assert.equal(r.count('6000'), 2);
  now = 301_000;
  assert.deepEqual(r.bindings('6000').map((b) => b.connId), ['c1']);
  now = 601_000;
  assert.equal(r.count('6000'), 0);
});

test('expires is capped at an hour, too brief is 423, 0 removes, * with Expires 0 removes all of the connection', () => {
  const r = new Registrar(() => 0);
  const capped = r.register('6000', 'c1', register('<sip:x@a.invalid>', '86400'));
  assert.ok('bindings' in capped && capped.bindings[0].expires === 3600);
  const brief = r.register('6000', 'c1', register('<sip:z@a.invalid>', '10'));
  assert.deepEqual(brief, { status: 423, error: 'Interval Too Brief' });
  r.register('6000', 'c2', register('<sip:y@b.invalid>', '600'));
  r.register('6000', 'c1', register('<sip:x@a.invalid>', '0'));
  assert.deepEqual(r.bindings('6000').map((b) => b.connId), ['c2']);
  assert.deepEqual(r.register('6000', 'c2', register('*', '600')), { status: 400, error: 'Invalid Request' });
  r.register('6000', 'c2', register('*', '0'));
  assert.equal(r.count('6000'), 0);
});

test('a dropped connection loses its bindings at once; a bad Contact is refused', () => {
  const r = new Registrar(() => 0);
  r.register('6000', 'c1', register('<sip:x@a.invalid>', '600'));
  r.removeConnection('c1');
  assert.equal(r.count('6000'), 0);
  assert.deepEqual(r.register('6000', 'c1', register('<mailto:x@y>', '600')), { status: 400, error: 'Bad Contact' });
});
