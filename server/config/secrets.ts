// First-run secrets: the token signing key pair, the edge↔Asterisk shared secret, the ARI
// password, the TURN shared secret and the owner's password hash. Kept in <dataDir>/secrets.json (mode 0600, git-ignored),
// never logged. The owner's generated password is shown once on the terminal and never stored.
import { mkdirSync, readFileSync, writeFileSync, existsSync, renameSync, chmodSync, chownSync, linkSync, unlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { generateKeyPair, exportJWK, type JWK } from 'jose';
import { generatePassword, hashPassword } from '../auth/password.ts';

export interface Secrets {
  version: 1;
  signingKey: { alg: 'EdDSA'; kid: string; privateJwk: JWK; publicJwk: JWK };
  edgeSecret: string;
  ariPassword: string;
  ownerPasswordHash: string;
  /** coturn's static-auth-secret (server/turn/): added to older files on their next load. */
  turnSecret?: string;
}

export interface LoadedSecrets {
  secrets: Secrets;
  /** Set only when this run created the owner password: show it once, then forget it. */
  firstRunOwnerPassword?: string;
}

export function secretsPath(dataDir: string): string {
  return join(dataDir, 'secrets.json');
}

export function writeSecrets(dataDir: string, secrets: Secrets): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = secretsPath(dataDir);
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  renameSync(tmp, path);
  chmodSync(path, 0o600);
  // root editing a service's data dir (`sudo npm run owner:password` on systemd's StateDirectory):
  // the file stays the service's, or the edge could no longer read its own secrets.
  if (process.getuid?.() === 0) {
    const dir = statSync(dataDir);
    if (dir.uid !== 0) chownSync(path, dir.uid, dir.gid);
  }
}

function readSecrets(path: string): Secrets {
  // Owner-only, even if someone copied the file around with a looser mode.
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  let secrets: Secrets;
  try {
    secrets = JSON.parse(readFileSync(path, 'utf8')) as Secrets;
  } catch {
    // JSON.parse's message quotes the text around the error: that text is a secret.
    throw new Error(`${path} is not valid JSON; move it away to generate fresh secrets`);
  }
  if (secrets?.version !== 1 || !secrets.signingKey?.privateJwk || !secrets.signingKey?.publicJwk || !secrets.edgeSecret || !secrets.ariPassword || !secrets.ownerPasswordHash) {
    throw new Error(`${path} is incomplete; move it away to generate fresh secrets`);
  }
  return secrets;
}

const newTurnSecret = () => randomBytes(32).toString('base64url');

export async function loadOrCreateSecrets(dataDir: string): Promise<LoadedSecrets> {
  const path = secretsPath(dataDir);
  if (existsSync(path)) {
    const secrets = readSecrets(path);
    // A data dir from before TURN: give it a secret once, kept from then on.
    if (!secrets.turnSecret) {
      secrets.turnSecret = newTurnSecret();
      writeSecrets(dataDir, secrets);
    }
    return { secrets };
  }
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
  const ownerPassword = generatePassword();
  const secrets: Secrets = {
    version: 1,
    signingKey: {
      alg: 'EdDSA',
      kid: randomBytes(6).toString('base64url'),
      privateJwk: await exportJWK(privateKey),
      publicJwk: await exportJWK(publicKey),
    },
    edgeSecret: randomBytes(24).toString('base64url'),
    ariPassword: randomBytes(18).toString('base64url'),
    ownerPasswordHash: await hashPassword(ownerPassword),
    turnSecret: newTurnSecret(),
  };
  // Created with link(), which fails if the file appeared meanwhile: two first runs at once must
  // not each print a password while only the last one written works.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  try {
    linkSync(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { secrets: readSecrets(path) };
  } finally {
    unlinkSync(tmp);
  }
  return { secrets, firstRunOwnerPassword: ownerPassword };
}
