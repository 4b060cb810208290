import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, verifyPassword, generatePassword } from '../../server/auth/password.ts';

describe('password hashing', async () => {
  const stored = await hashPassword('correct horse battery staple');
  const [kind, n, r, p, salt, hash] = stored.split('$');

  test('shape: scrypt, parameters, salt and key', () => {
    assert.equal(kind, 'scrypt');
    assert.equal(Number(n), 32768);
    assert.equal(Number(r), 8);
    assert.equal(Number(p), 1);
    assert.equal(Buffer.from(salt, 'base64url').length, 16);
    assert.equal(Buffer.from(hash, 'base64url').length, 32);
    assert.doesNotMatch(stored, /correct/);
  });

  test('the right password verifies, a wrong one does not', async () => {
    assert.equal(await verifyPassword('correct horse battery staple', stored), true);
    assert.equal(await verifyPassword('correct horse battery stapl', stored), false);
    assert.equal(await verifyPassword('', stored), false);
    assert.equal(await verifyPassword('Correct horse battery staple', stored), false);
  });

  test('the same password hashes differently each time (salted)', async () => {
    assert.notEqual(await hashPassword('correct horse battery staple'), stored);
  });

  test('tampered hashes never verify, never throw', async () => {
    const flip = (b64: string) => { const b = Buffer.from(b64, 'base64url'); b[0] ^= 1; return b.toString('base64url'); };
    const tampered = [
      [kind, n, r, p, salt, flip(hash)],
      [kind, n, r, p, flip(salt), hash],
      [kind, String(Number(n) / 2), r, p, salt, hash],
      [kind, n, '9', p, salt, hash],
      ['bcrypt', n, r, p, salt, hash],
      [kind, n, r, p, salt, '!!!'], // decodes to zero bytes: a zero-length key would match anything
      [kind, n, r, p, salt, ''],
      [kind, n, r, p, salt, hash.slice(0, 8)],
      [kind, n, r, p, '', hash],
      [kind, String(2 ** 24), r, p, salt, hash], // would take gigabytes
      [kind, '30000', r, p, salt, hash], // not a power of two: scrypt throws
      [kind, 'x', r, p, salt, hash],
      [kind, n, r, p, salt, hash, 'extra'],
      [kind, n, r, p, salt],
    ].map((f) => f.join('$'));
    const cases = [...tampered, '', 'scrypt', stored.toUpperCase()];
    const results = await Promise.all(cases.map((bad) => verifyPassword('correct horse battery staple', bad)));
    results.forEach((ok, i) => assert.equal(ok, false, cases[i]));
    assert.equal(await verifyPassword('', [kind, n, r, p, salt, '!!!'].join('$')), false);
  });
});

test('generated passwords: 4 groups of 5 unambiguous characters, all different', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const pw = generatePassword();
    assert.match(pw, /^[a-hjkmnp-z2-9]{5}(-[a-hjkmnp-z2-9]{5}){3}$/);
    seen.add(pw);
  }
  assert.equal(seen.size, 200);
});
