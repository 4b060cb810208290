// Ephemeral TURN credentials, the "TURN REST API" scheme coturn implements with `use-auth-secret`
// + `static-auth-secret` (draft-uberti-behave-turn-rest): the username is `<expiry-unix>:<user>`
// and the password is base64(HMAC-SHA1(secret, username)). coturn recomputes the password from
// the username and refuses a username whose expiry has passed, so the edge hands out one pair per
// visitor and keeps no state. The secret is coturn's too (npm run turn:config writes it there).
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from '../config/schema.ts';
import type { Secrets } from '../config/secrets.ts';

export interface TurnCredential {
  username: string;
  credential: string;
  /** Unix seconds after which coturn refuses the username. */
  expiresAt: number;
}

/** `user` must not contain ':' (coturn splits the username at the first one). */
export function turnCredential(secret: string, user: string, nowSeconds: number, validSeconds: number): TurnCredential {
  if (user.includes(':')) throw new Error('a TURN user id cannot contain ":"');
  const expiresAt = Math.floor(nowSeconds) + Math.max(1, Math.floor(validSeconds));
  const username = `${expiresAt}:${user}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64'), expiresAt };
}

const fileSecrets = new Map<string, string>();

/** The shared secret: `turn.secretFile` when set (read once), else the first-run secret. */
export function turnSecret(config: Config, secrets: Secrets): string {
  const file = config.turn.secretFile;
  if (!file) {
    if (!secrets.turnSecret) throw new Error('no TURN secret: the data dir\'s secrets.json lacks turnSecret');
    return secrets.turnSecret;
  }
  let secret = fileSecrets.get(file);
  if (secret === undefined) {
    try {
      secret = readFileSync(file, 'utf8').trim();
    } catch (e) {
      throw new Error(`turn.secretFile ${file}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    }
    if (secret.length < 16) throw new Error(`turn.secretFile ${file}: the secret must be at least 16 characters`);
    fileSecrets.set(file, secret);
  }
  return secret;
}

/**
 * The ICE server entry for one party, or none when TURN is off. Valid for `turn.ttlSeconds` but
 * never past the end of the session the token can open: at most `connectSeconds` to connect, then
 * the session's cap.
 */
export function turnIceServer(config: Config, secrets: Secrets, user: string, sessionSeconds: number, nowMs = Date.now()) {
  if (config.turn.urls.length === 0) return undefined;
  const valid = Math.min(config.turn.ttlSeconds, config.tokens.connectSeconds + sessionSeconds);
  const c = turnCredential(turnSecret(config, secrets), user, nowMs / 1000, valid);
  return { urls: [...config.turn.urls], username: c.username, credential: c.credential };
}
