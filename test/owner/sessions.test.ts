// Owner sessions survive an edge restart (a new OwnerSessions on the same file), stay revocable,
// expire, end with a new password, and never write a usable id to disk.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { OwnerSessions } from '../../server/owner/sessions.ts';

const dir = mkdtempSync(join(tmpdir(), 'hl-sessions-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const HOUR = 3600_000;

test('a session made before a restart is valid after it; logout and expiry are remembered too', () => {
  const file = join(dir, 'a.json');
  let now = 1_000_000;
  const clock = () => now;
  const before = new OwnerSessions(HOUR, { file, passwordHash: 'h1', now: clock });
  const kept = before.create();
  const loggedOut = before.create();
  before.revoke(loggedOut.id);

  const after = new OwnerSessions(HOUR, { file, passwordHash: 'h1', now: clock });
  assert.equal(after.restored, 1);
  assert.equal(after.valid(kept.id), true);
  assert.equal(after.valid(loggedOut.id), false);
  assert.equal(after.valid('made-up'), false);

  now += HOUR + 1;
  const later = new OwnerSessions(HOUR, { file, passwordHash: 'h1', now: clock });
  assert.equal(later.restored, 0);
  assert.equal(later.valid(kept.id), false);
});

test('the file holds hashes only, readable by the edge user alone', () => {
  const file = join(dir, 'b.json');
  const s = new OwnerSessions(HOUR, { file, passwordHash: 'h1' });
  const { id } = s.create();
  const text = readFileSync(file, 'utf8');
  assert.ok(!text.includes(id), 'the raw session id is not on disk');
  assert.ok(!text.includes('h1'), 'nor the password hash');
  assert.equal(statSync(file).mode & 0o777, 0o600);
});

test('a new owner password signs every earlier session out', () => {
  const file = join(dir, 'c.json');
  const { id } = new OwnerSessions(HOUR, { file, passwordHash: 'old' }).create();
  const same = new OwnerSessions(HOUR, { file, passwordHash: 'old' });
  assert.equal(same.valid(id), true);
  const changed = new OwnerSessions(HOUR, { file, passwordHash: 'new' });
  assert.equal(changed.valid(id), false);
  // …and for good: going back to reading the file with the old hash finds nothing either.
  assert.equal(new OwnerSessions(HOUR, { file, passwordHash: 'old' }).valid(id), false);
});

test('without a file sessions live in memory only (and a garbled file signs nobody in)', () => {
  const mem = new OwnerSessions(HOUR);
  assert.equal(mem.valid(mem.create().id), true);
  const file = join(dir, 'garbled.json');
  writeFileSync(file, '{not json');
  assert.equal(new OwnerSessions(HOUR, { file }).restored, 0);
});
