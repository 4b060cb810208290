// Connect tokens: EdDSA (Ed25519) JWTs signed by the edge. Verification pins the algorithm, so
// `alg: none` and HS256-with-the-public-key forgeries fail before any claim is read.
// Issuing signs with node:crypto's synchronous Ed25519 and a fixed, pre-encoded header: the same
// compact JWS jose's SignJWT makes, at less than half its CPU (WebCrypto's promise job was over a
// third of a token request). Verifying stays with jose.
import { createPrivateKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import { jwtVerify, importJWK, errors as joseErrors, type JWK, type CryptoKey } from 'jose';
import { isConnectClaims, type ConnectClaims, type Role } from './claims.ts';
import { ReplayGuard } from './replay.ts';

export type TokenFailure = 'missing' | 'malformed' | 'bad-signature' | 'expired' | 'wrong-issuer' | 'wrong-audience' | 'bad-claims' | 'replayed';

export class TokenError extends Error {
  constructor(readonly reason: TokenFailure, message: string) {
    super(message);
  }
}

export interface TokenIssuerOptions {
  issuer: string;
  audience: string;
  ttlSeconds: number;
  privateJwk: JWK;
  publicJwk: JWK;
  kid: string;
  now?: () => number;
}

export interface IssueInput {
  role: Role;
  sub: string;
  targets: string[];
  capSeconds: number;
}

export class TokenService {
  private readonly replay: ReplayGuard;
  private readonly now: () => number;
  /** base64url of the protected header, with the trailing dot: the same for every token. */
  private readonly headerPart: string;
  private constructor(
    private readonly opts: TokenIssuerOptions,
    private readonly privateKey: KeyObject,
    private readonly publicKey: CryptoKey,
  ) {
    this.now = opts.now ?? Date.now;
    this.replay = new ReplayGuard(this.now);
    this.headerPart = `${b64url(JSON.stringify({ alg: 'EdDSA', kid: opts.kid, typ: 'JWT' }))}.`;
  }

  static async create(opts: TokenIssuerOptions): Promise<TokenService> {
    if (opts.privateJwk.kty !== 'OKP' || opts.privateJwk.crv !== 'Ed25519') throw new TypeError('the signing key must be an Ed25519 JWK');
    const priv = createPrivateKey({ key: opts.privateJwk as import('node:crypto').JsonWebKey, format: 'jwk' });
    const pub = (await importJWK(opts.publicJwk, 'EdDSA')) as CryptoKey;
    return new TokenService(opts, priv, pub);
  }

  async issue(input: IssueInput): Promise<{ token: string; jti: string; expiresAt: number }> {
    const iat = Math.floor(this.now() / 1000);
    const exp = iat + this.opts.ttlSeconds;
    const jti = randomBytes(12).toString('base64url');
    const claims = {
      role: input.role, targets: input.targets, cap: input.capSeconds,
      iss: this.opts.issuer, aud: this.opts.audience, sub: input.sub, iat, exp, jti,
    };
    const signingInput = this.headerPart + b64url(JSON.stringify(claims));
    const token = `${signingInput}.${sign(null, Buffer.from(signingInput, 'ascii'), this.privateKey).toString('base64url')}`;
    return { token, jti, expiresAt: exp * 1000 };
  }

  /** Checks everything, then spends the jti: a token opens at most one connection. */
  async verifyAndSpend(token: string | undefined): Promise<ConnectClaims> {
    const claims = await this.verify(token);
    if (!this.replay.use(claims.jti, claims.exp)) throw new TokenError('replayed', 'token was already used');
    return claims;
  }

  async verify(token: string | undefined): Promise<ConnectClaims> {
    if (!token) throw new TokenError('missing', 'no token');
    if (token.length > 4096 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) {
      throw new TokenError('malformed', 'token is not a compact JWS');
    }
    try {
      const { payload } = await jwtVerify(token, this.publicKey, {
        algorithms: ['EdDSA'],
        issuer: this.opts.issuer,
        audience: this.opts.audience,
        requiredClaims: ['iat', 'exp', 'jti', 'sub'],
        currentDate: new Date(this.now()),
        clockTolerance: 2,
        // Also refuses an iat in the future: a token from a clock that jumped is not ours to trust.
        maxTokenAge: 60,
      });
      if (!isConnectClaims(payload)) throw new TokenError('bad-claims', 'token claims are not a homeline connect token');
      if (payload.exp - payload.iat > 60) throw new TokenError('bad-claims', 'connect token lifetime exceeds 60 s');
      return payload as ConnectClaims;
    } catch (err) {
      if (err instanceof TokenError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new TokenError('expired', 'token expired');
      if (err instanceof joseErrors.JWTClaimValidationFailed) {
        if (err.claim === 'iss') throw new TokenError('wrong-issuer', 'token issuer mismatch');
        if (err.claim === 'aud') throw new TokenError('wrong-audience', 'token audience mismatch');
        throw new TokenError('bad-claims', `token claim ${err.claim} invalid`);
      }
      if (err instanceof joseErrors.JWSSignatureVerificationFailed) throw new TokenError('bad-signature', 'token signature invalid');
      if (err instanceof joseErrors.JOSEAlgNotAllowed) throw new TokenError('bad-signature', 'token algorithm not allowed');
      throw new TokenError('malformed', `token unreadable: ${(err as Error).message}`);
    }
  }
}

function b64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
