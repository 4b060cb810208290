// The edge's caps and Asterisk's http.conf sessionlimit must agree: visitor channels plus the
// owner's reserve fit in the limit, or enough visitors lock the owner out. Each case breaks the
// agreement one way and must be caught.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, violations, mutate, codes } from './helpers.ts';

const replace = (from: string | RegExp, to: string) => (t: string) => t.replace(from, to);

test('the generated http.conf writes the configured sessionlimit and passes', () => {
  const f = fixture({ upstream: { asteriskSessionLimit: 400 }, limits: { visitorUpstreamChannels: 300, ownerReserveChannels: 50 } });
  assert.match(f.texts['http.conf'], /^sessionlimit=400$/m);
  assert.deepEqual(violations(f), []);
});

test('caught: http.conf sessionlimit lowered below visitor channels + owner reserve', () => {
  const f = mutate(fixture(), 'http.conf', replace('sessionlimit=200', 'sessionlimit=160'));
  const vs = violations(f).filter((v) => v.code === 'HL_SESSION_BUDGET');
  assert.equal(vs.length, 1, JSON.stringify(violations(f)));
  assert.equal(vs[0].file, 'http.conf');
  assert.match(vs[0].message, /150 visitor channels \+ 20 reserved/);
});

test('caught: http.conf without sessionlimit (Asterisk then takes 100)', () => {
  const f = mutate(fixture(), 'http.conf', replace(/^sessionlimit=200\n/m, ''));
  assert.ok(codes(violations(f)).includes('HL_SESSION_BUDGET'));
});

test('caught: the edge lets visitors take more channels than Asterisk has beside the reserve', () => {
  const f = fixture({ limits: { visitorUpstreamChannels: 190 } });
  const vs = violations(f).filter((v) => v.code === 'HL_SESSION_BUDGET');
  assert.ok(vs.some((v) => v.file === 'homeline.config.json' && /exceeds upstream.asteriskSessionLimit \(200\)/.test(v.message)), JSON.stringify(vs));
});

test('caught: a reserve that leaves visitors no room is still checked against the limit', () => {
  const f = fixture({ limits: { ownerReserveChannels: 60 } });
  assert.ok(codes(violations(f)).includes('HL_SESSION_BUDGET'));
});

test('caught: sessionlimit raised by hand but the edge configured for another limit', () => {
  const f = mutate(fixture(), 'http.conf', replace('sessionlimit=200', 'sessionlimit=500'));
  assert.deepEqual(codes(violations(f)), ['HL_EDGE_MISMATCH']);
});
