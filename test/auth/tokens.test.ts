import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { generateKeyPair, exportJWK, SignJWT, importJWK, type JWK, type CryptoKey } from 'jose';
import { TokenService, TokenError, type TokenFailure, type TokenIssuerOptions } from '../../server/auth/tokens.ts';
import { ReplayGuard } from '../../server/auth/replay.ts';

let keys: { privateJwk: JWK; publicJwk: JWK };
let otherKeys: { privateJwk: JWK; publicJwk: JWK };
const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

async function keyPair() {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
  return { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
}

before(async () => {
  keys = await keyPair();
  otherKeys = await keyPair();
});

function options(over: Partial<TokenIssuerOptions> = {}): TokenIssuerOptions {
  return { issuer: 'homeline-edge', audience: 'homeline-sip', ttlSeconds: 30, kid: 'k1', ...keys, now: () => T0, ...over };
}
const VISITOR = { role: 'visitor' as const, sub: 'v-Ab3dE_fG9hIk', targets: ['owner', '100'], capSeconds: 1800 };

async function refusedWith(p: Promise<unknown>, reason: TokenFailure): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof TokenError, `expected TokenError, got ${err}`);
    assert.equal(err.reason, reason, `expected ${reason}, got ${err.reason}: ${err.message}`);
    return true;
  });
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const parts = (token: string) => token.split('.');
const payloadOf = (token: string) => JSON.parse(Buffer.from(parts(token)[1], 'base64url').toString());

/** Signs arbitrary claims with the edge's real private key, bypassing issue()'s discipline. */
async function signRaw(claims: Record<string, unknown>): Promise<string> {
  const key = (await importJWK(keys.privateJwk, 'EdDSA')) as CryptoKey;
  return new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' }).sign(key);
}
const iat = Math.floor(T0 / 1000);
const goodClaims = () => ({ iss: 'homeline-edge', aud: 'homeline-sip', iat, exp: iat + 30, jti: 'abcdefghijkl', sub: 'v-Ab3dE_fG9hIk', role: 'visitor', targets: ['owner'], cap: 1800 });

describe('TokenService', () => {
  test('round trip: the claims come back as issued', async () => {
    const svc = await TokenService.create(options());
    const { token, jti, expiresAt } = await svc.issue(VISITOR);
    const claims = await svc.verifyAndSpend(token);
    assert.equal(claims.iss, 'homeline-edge');
    assert.equal(claims.aud, 'homeline-sip');
    assert.equal(claims.sub, 'v-Ab3dE_fG9hIk');
    assert.equal(claims.role, 'visitor');
    assert.deepEqual(claims.targets, ['owner', '100']);
    assert.equal(claims.cap, 1800);
    assert.equal(claims.jti, jti);
    assert.equal(claims.iat, iat);
    assert.equal(claims.exp, iat + 30);
    assert.equal(expiresAt, (iat + 30) * 1000);
    const header = JSON.parse(Buffer.from(parts(token)[0], 'base64url').toString());
    assert.deepEqual(header, { alg: 'EdDSA', kid: 'k1', typ: 'JWT' });
  });

  test('every token gets its own jti', async () => {
    const svc = await TokenService.create(options());
    const jtis = new Set(await Promise.all(Array.from({ length: 20 }, async () => (await svc.issue(VISITOR)).jti)));
    assert.equal(jtis.size, 20);
  });

  test('replay: the second verifyAndSpend of a token is refused', async () => {
    const svc = await TokenService.create(options());
    const { token } = await svc.issue(VISITOR);
    await svc.verifyAndSpend(token);
    await refusedWith(svc.verifyAndSpend(token), 'replayed');
  });

  test('replay: two concurrent uses, exactly one wins', async () => {
    const svc = await TokenService.create(options());
    const { token } = await svc.issue(VISITOR);
    const results = await Promise.allSettled([svc.verifyAndSpend(token), svc.verifyAndSpend(token)]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
  });

  test('a refused token is not spent by the refusal (verify alone never spends)', async () => {
    // The edge's clock is 10 s behind the issuer's: the token is refused as issued in the future.
    let now = T0 - 10_000;
    const svc = await TokenService.create(options({ now: () => now }));
    const token = await signRaw(goodClaims());
    await refusedWith(svc.verifyAndSpend(token), 'bad-claims');
    await refusedWith(svc.verifyAndSpend(token), 'bad-claims');
    // Once the clock catches up the same token is good: the refusals did not spend its jti,
    // and neither does verify alone.
    now = T0;
    await svc.verify(token);
    await svc.verify(token);
    assert.equal((await svc.verifyAndSpend(token)).jti, goodClaims().jti);
    // Spending is real: the next use is a replay.
    await refusedWith(svc.verifyAndSpend(token), 'replayed');
  });

  test('alg: none', async () => {
    const svc = await TokenService.create(options());
    const { token } = await svc.issue(VISITOR);
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${parts(token)[1]}.`;
    await refusedWith(svc.verifyAndSpend(none), 'bad-signature');
    const noneWithSig = `${b64({ alg: 'none', typ: 'JWT' })}.${parts(token)[1]}.${parts(token)[2]}`;
    await refusedWith(svc.verifyAndSpend(noneWithSig), 'bad-signature');
  });

  test('HS256 signed with the public key bytes (algorithm confusion)', async () => {
    const svc = await TokenService.create(options());
    const payload = b64({ ...goodClaims(), role: 'owner', sub: '6000' });
    const head = b64({ alg: 'HS256', typ: 'JWT' });
    for (const secret of [Buffer.from(keys.publicJwk.x!, 'base64url'), Buffer.from(JSON.stringify(keys.publicJwk)), Buffer.from(keys.publicJwk.x!)]) {
      const sig = createHmac('sha256', secret).update(`${head}.${payload}`).digest('base64url');
      await refusedWith(svc.verifyAndSpend(`${head}.${payload}.${sig}`), 'bad-signature');
    }
  });

  test('tampered payload: a visitor promoting itself to owner', async () => {
    const svc = await TokenService.create(options());
    const { token } = await svc.issue(VISITOR);
    const forged = { ...payloadOf(token), role: 'owner', sub: '6000' };
    await refusedWith(svc.verifyAndSpend(`${parts(token)[0]}.${b64(forged)}.${parts(token)[2]}`), 'bad-signature');
  });

  test('tampered payload: extra target', async () => {
    const svc = await TokenService.create(options());
    const { token } = await svc.issue(VISITOR);
    const forged = { ...payloadOf(token), targets: ['owner', '100', '6001'] };
    await refusedWith(svc.verifyAndSpend(`${parts(token)[0]}.${b64(forged)}.${parts(token)[2]}`), 'bad-signature');
  });

  test('tampered signature', async () => {
    const svc = await TokenService.create(options());
    const { token } = await svc.issue(VISITOR);
    const sig = Buffer.from(parts(token)[2], 'base64url');
    sig[0] ^= 1;
    await refusedWith(svc.verifyAndSpend(`${parts(token)[0]}.${parts(token)[1]}.${sig.toString('base64url')}`), 'bad-signature');
  });

  test('signed by another key', async () => {
    const svc = await TokenService.create(options());
    const stranger = await TokenService.create(options(otherKeys));
    const { token } = await stranger.issue(VISITOR);
    await refusedWith(svc.verifyAndSpend(token), 'bad-signature');
  });

  test('expired, using the now option (clock tolerance is 2 s)', async () => {
    let now = T0;
    const svc = await TokenService.create(options({ now: () => now }));
    const { token } = await svc.issue(VISITOR);
    now = T0 + 31_000;
    await svc.verify(token); // inside the tolerance
    now = T0 + 33_000;
    await refusedWith(svc.verifyAndSpend(token), 'expired');
  });

  test('issued in the future (a clock that jumped) is refused', async () => {
    const svc = await TokenService.create(options());
    const early = await signRaw({ ...goodClaims(), iat: iat + 30, exp: iat + 60 });
    await refusedWith(svc.verify(early), 'bad-claims');
  });

  test('wrong audience', async () => {
    const svc = await TokenService.create(options());
    const other = await TokenService.create(options({ audience: 'someone-else' }));
    await refusedWith(svc.verifyAndSpend((await other.issue(VISITOR)).token), 'wrong-audience');
    await refusedWith(svc.verify(await signRaw({ ...goodClaims(), aud: undefined })), 'wrong-audience');
  });

  test('wrong issuer', async () => {
    const svc = await TokenService.create(options());
    const other = await TokenService.create(options({ issuer: 'evil' }));
    await refusedWith(svc.verifyAndSpend((await other.issue(VISITOR)).token), 'wrong-issuer');
  });

  test('missing jti, exp, iat or sub', async () => {
    const svc = await TokenService.create(options());
    for (const claim of ['jti', 'exp', 'iat', 'sub']) {
      const claims: Record<string, unknown> = goodClaims();
      delete claims[claim];
      await refusedWith(svc.verify(await signRaw(claims)), 'bad-claims');
    }
  });

  test('lifetime over 60 s', async () => {
    const svc = await TokenService.create(options());
    await refusedWith(svc.verify(await signRaw({ ...goodClaims(), exp: iat + 61 })), 'bad-claims');
    await svc.verify(await signRaw({ ...goodClaims(), exp: iat + 60 }));
  });

  test('claims that are not a homeline connect token', async () => {
    const svc = await TokenService.create(options());
    for (const bad of [{ role: 'admin' }, { role: undefined }, { targets: 'owner' }, { targets: [1] }, { cap: 0 }, { cap: '1800' }, { jti: 'short' }, { sub: '' }, { sub: 'x'.repeat(65) }]) {
      await refusedWith(svc.verify(await signRaw({ ...goodClaims(), ...bad })), 'bad-claims');
    }
  });

  test('missing and malformed strings', async () => {
    const svc = await TokenService.create(options());
    await refusedWith(svc.verifyAndSpend(undefined), 'missing');
    await refusedWith(svc.verifyAndSpend(''), 'missing');
    for (const bad of ['abc', 'a.b', 'a.b.c.d', 'a b.c.d', 'ey$.ey.sig', `${'a'.repeat(4000)}.${'b'.repeat(100)}.c`, '..', 'Zm9v.YmFy.YmF6']) {
      await refusedWith(svc.verifyAndSpend(bad), 'malformed');
    }
    // A well-formed EdDSA header over a payload that is not JSON: the signature is checked
    // before the payload is ever read.
    await refusedWith(svc.verifyAndSpend('eyJhbGciOiJFZERTQSJ9.bm90IGpzb24.c2ln'), 'bad-signature');
  });
});

describe('ReplayGuard', () => {
  test('forgets a jti only after its token expired', () => {
    let now = T0;
    const guard = new ReplayGuard(() => now);
    assert.equal(guard.use('a', T0 / 1000 + 30), true);
    assert.equal(guard.use('a', T0 / 1000 + 30), false);
    now = T0 + 30_000;
    assert.equal(guard.use('b', T0 / 1000 + 60), true);
    assert.equal(guard.size, 2);
    now = T0 + 36_000;
    assert.equal(guard.use('c', T0 / 1000 + 66), true);
    assert.equal(guard.size, 2, 'a was swept after exp + 5 s');
  });
});
