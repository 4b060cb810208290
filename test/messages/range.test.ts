// One byte range, as <audio> asks for it (server/messages/range.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byteRange } from '../../server/messages/range.ts';

test('byte ranges: open-ended, bounded, suffix, past the end, and what is answered whole', () => {
  assert.deepEqual(byteRange(undefined, 1000), { kind: 'whole' });
  assert.deepEqual(byteRange('bytes=0-', 1000), { kind: 'part', start: 0, end: 999 });
  assert.deepEqual(byteRange('bytes=100-199', 1000), { kind: 'part', start: 100, end: 199 });
  assert.deepEqual(byteRange('bytes=900-5000', 1000), { kind: 'part', start: 900, end: 999 }, 'an end past the file is the file\'s end');
  assert.deepEqual(byteRange('bytes=-300', 1000), { kind: 'part', start: 700, end: 999 });
  assert.deepEqual(byteRange('bytes=-5000', 1000), { kind: 'part', start: 0, end: 999 });
  assert.deepEqual(byteRange('bytes=1000-', 1000), { kind: 'unsatisfiable' });
  assert.deepEqual(byteRange('bytes=200-100', 1000), { kind: 'unsatisfiable' });
  assert.deepEqual(byteRange('bytes=-0', 1000), { kind: 'unsatisfiable' });
  // Several ranges, other units, nonsense: the whole file, which RFC 9110 allows.
  for (const h of ['bytes=0-1,5-9', 'items=0-1', 'bytes=abc', 'bytes=-']) assert.deepEqual(byteRange(h, 1000), { kind: 'whole' }, h);
});
