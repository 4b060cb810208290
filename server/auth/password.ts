// Owner password hashing with scrypt (memory-hard, in Node's crypto: no native add-on needed).
import { randomBytes, randomInt, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (pw: string, salt: Buffer, len: number, opts: ScryptOptions) =>
  new Promise<Buffer>((res, rej) => scryptCb(pw, salt, len, opts, (e, k) => (e ? rej(e) : res(k))));

const PARAMS = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, 32, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * False for a wrong password and for any stored value that is not a hash we would have made:
 * an empty or short key would make every password match, and a huge N would let whoever can
 * edit the secrets file stall the login route.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash, ...rest] = stored.split('$');
  if (kind !== 'scrypt' || rest.length || !/^[0-9]{1,7}$/.test(n ?? '') || !/^[0-9]{1,2}$/.test(r ?? '') || !/^[0-9]$/.test(p ?? '')) return false;
  const N = Number(n);
  if (N < 1 << 14 || N > 1 << 16 || (N & (N - 1)) !== 0 || Number(r) < 1 || Number(r) > 16 || Number(p) < 1) return false;
  const saltBytes = Buffer.from(salt ?? '', 'base64url');
  const expected = Buffer.from(hash ?? '', 'base64url');
  if (saltBytes.length < 16 || expected.length !== 32) return false;
  try {
    const key = await scrypt(password, saltBytes, expected.length, { N, r: Number(r), p: Number(p), maxmem: 256 * 1024 * 1024 });
    return timingSafeEqual(key, expected);
  } catch {
    return false;
  }
}

/** A password a person can type from a terminal: 4 groups of 5 from an unambiguous alphabet. */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  // randomInt, not byte % 31: a byte modulo 31 favours the first 8 letters.
  const chars = Array.from({ length: 20 }, () => alphabet[randomInt(alphabet.length)]);
  return [0, 5, 10, 15].map((i) => chars.slice(i, i + 5).join('')).join('-');
}
