import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDb } from '../../server/store/db.ts';
import { CallLog } from '../../server/calls/log.ts';
import { Blocks, networkOf, canonicalAddress, BLOCKABLE_DAYS } from '../../server/owner/blocks.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-07-01T12:00:00Z');

function fresh() {
  const db = openDb(undefined, ':memory:');
  const log = new CallLog(db);
  return { db, log, blocks: new Blocks(db, 'edge secret for tests') };
}

test('networkOf: /24 for IPv4 (mapped IPv6 too), /64 for IPv6 in any spelling', () => {
  assert.equal(networkOf('203.0.113.9'), '203.0.113.0/24');
  assert.equal(networkOf('::ffff:203.0.113.9'), '203.0.113.0/24');
  assert.equal(networkOf('2001:db8:1:2:3:4:5:6'), '2001:0db8:0001:0002::/64');
  assert.equal(networkOf('2001:DB8:1:2::9'), '2001:0db8:0001:0002::/64');
  assert.equal(networkOf('2001:db8::1'), '2001:0db8:0000:0000::/64');
  assert.equal(networkOf('::1'), '0000:0000:0000:0000::/64');
  assert.equal(canonicalAddress('2001:db8::1.2.3.4')?.address, '2001:0db8:0000:0000:0000:0000:0102:0304');
  assert.equal(networkOf('not an address'), undefined);
});

test('an address block refuses that address only; a network block its whole /24 or /64', () => {
  const { log, blocks } = fresh();
  log.started({ id: 'c1', startedAt: T0, visitor: 'v-1', target: 'owner', name: 'Ann' });
  blocks.noteCall('c1', '203.0.113.9', T0);
  blocks.noteCall('c2', '2001:db8:1:2::9', T0);
  assert.ok(blocks.blockCall('c1', 'address', 7, T0));
  assert.equal(blocks.isBlocked('203.0.113.9', T0 + 1), true);
  assert.equal(blocks.isBlocked('::ffff:203.0.113.9', T0 + 1), true);
  assert.equal(blocks.isBlocked('203.0.113.10', T0 + 1), false);
  assert.ok(blocks.blockCall('c2', 'network', 7, T0));
  assert.equal(blocks.isBlocked('2001:db8:1:2:ffff::1', T0 + 1), true);
  assert.equal(blocks.isBlocked('2001:db8:1:3::9', T0 + 1), false);
  // Widening c1's block to its network: one block, now the /24.
  const id = blocks.blockCall('c1', 'network', 7, T0);
  assert.equal(blocks.isBlocked('203.0.113.200', T0 + 1), true);
  assert.equal(blocks.isBlocked('203.0.114.9', T0 + 1), false);
  const list = blocks.list(T0 + 1);
  assert.equal(list.length, 3, 'address and network keys are different blocks');
  const row = list.find((b) => b.id === id)!;
  assert.deepEqual([row.scope, row.family, row.callId, row.callName, row.callStartedAt], ['network', 4, 'c1', 'Ann', T0]);
  assert.ok(!JSON.stringify(list).includes('203.0.113'), 'no address in what the console gets');
});

test('blocks expire after their days; lifting one lets the caller through at once', () => {
  const { blocks } = fresh();
  blocks.noteCall('c1', '198.51.100.7', T0);
  const id = blocks.blockCall('c1', 'address', 2, T0)!;
  assert.equal(blocks.isBlocked('198.51.100.7', T0 + 2 * DAY - 1), true);
  assert.equal(blocks.isBlocked('198.51.100.7', T0 + 2 * DAY), false);
  assert.deepEqual(blocks.list(T0 + 2 * DAY), []);
  blocks.blockCall('c1', 'address', 2, T0);
  assert.equal(blocks.remove(id), true);
  assert.equal(blocks.isBlocked('198.51.100.7', T0 + 1), false);
  assert.equal(blocks.remove(id), false);
});

test('a call older than the blockable window, or unknown, cannot be blocked', () => {
  const { blocks } = fresh();
  blocks.noteCall('old', '198.51.100.7', T0);
  assert.equal(blocks.blockCall('old', 'address', 1, T0 + BLOCKABLE_DAYS * DAY), undefined);
  assert.equal(blocks.blockCall('nope', 'address', 1, T0), undefined);
  assert.ok(blocks.blockCall('old', 'address', 1, T0 + BLOCKABLE_DAYS * DAY - 1));
});
