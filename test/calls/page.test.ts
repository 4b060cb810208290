// The page a visitor called from: path only, capped, and only from an origin the edge allows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pagePath, PAGE_MAX } from '../../server/calls/page.ts';
import { refusalReason } from '../../server/calls/refusals.ts';

const allowed = (o: string) => o === 'https://www.example.org';

test('the explicit field: path kept, query and fragment dropped, capped; another origin or scheme is an error', () => {
  assert.deepEqual(pagePath('https://www.example.org/pricing?q=secret#x', undefined, allowed), { path: '/pricing' });
  assert.deepEqual(pagePath(`https://www.example.org/${'a'.repeat(500)}`, undefined, allowed), { path: `/${'a'.repeat(PAGE_MAX - 1)}` });
  for (const bad of ['https://evil.example/x', 'javascript:alert(1)', '/relative', 'not a url']) {
    assert.ok(pagePath(bad, undefined, allowed) && 'bad' in pagePath(bad, undefined, allowed)!, bad);
  }
});

test('the Referer: used without the field, ignored when foreign; the field wins', () => {
  assert.deepEqual(pagePath(undefined, 'https://www.example.org/about', allowed), { path: '/about' });
  assert.equal(pagePath(undefined, 'https://evil.example/about', allowed), undefined);
  assert.equal(pagePath(undefined, undefined, allowed), undefined);
  assert.deepEqual(pagePath('https://www.example.org/a', 'https://www.example.org/b', allowed), { path: '/a' });
});

test('refusals that become call rows: availability and busy lines, never protocol refusals', () => {
  assert.equal(refusalReason('HL_OWNER_DND'), 'dnd');
  assert.equal(refusalReason('HL_LINES_BUSY'), 'busy');
  assert.equal(refusalReason('HL_FROM_FORBIDDEN'), undefined);
  assert.equal(refusalReason('HL_TOO_MANY_ATTEMPTS'), undefined, 'the flood refusal never becomes rows');
  assert.equal(refusalReason('toString'), undefined);
});
