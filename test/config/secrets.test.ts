import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, readFileSync, writeFileSync, chmodSync, chownSync, readdirSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadOrCreateSecrets, secretsPath, writeSecrets, type LoadedSecrets } from '../../server/config/secrets.ts';
import { verifyPassword } from '../../server/auth/password.ts';
import { TokenService } from '../../server/auth/tokens.ts';

let root: string;
before(() => { root = mkdtempSync(join(tmpdir(), 'hl-secrets-')); });
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `data${n++}`, 'nested');

/** First and second start in a child process: returns what it wrote to stdout/stderr and its result. */
function firstRunInChild(dir: string): Promise<{ output: string; first: LoadedSecrets; second: LoadedSecrets }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./helpers/first-run.ts', import.meta.url)), dir], {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let result = '';
    child.stdout!.on('data', (d) => { output += d; });
    child.stderr!.on('data', (d) => { output += d; });
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d) => { result += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`first-run child exited ${code}: ${output}`));
      resolve({ output, ...JSON.parse(result) });
    });
  });
}

describe('first-run secrets', () => {
  let dir: string;
  let first: LoadedSecrets;
  let second: LoadedSecrets;
  let output: string;
  before(async () => {
    dir = freshDir();
    ({ output, first, second } = await firstRunInChild(dir));
  });

  test('created 0600 in a 0700 directory', () => {
    assert.equal(statSync(secretsPath(dir)).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.deepEqual(readdirSync(dir), ['secrets.json'], 'no temporary file left behind');
  });

  test('complete: key pair, edge secret, ARI password, owner password hash', () => {
    const s = first.secrets;
    assert.equal(s.version, 1);
    assert.equal(s.signingKey.alg, 'EdDSA');
    assert.equal(s.signingKey.privateJwk.crv, 'Ed25519');
    assert.ok(s.signingKey.privateJwk.d);
    assert.equal(s.signingKey.publicJwk.d, undefined);
    // 24 and 18 random bytes: 32 and 24 base64url characters, no padding.
    assert.match(s.edgeSecret, /^[A-Za-z0-9_-]{32}$/);
    assert.match(s.ariPassword, /^[A-Za-z0-9_-]{24}$/);
    assert.equal(Buffer.from(s.edgeSecret, 'base64url').length, 24);
    assert.equal(Buffer.from(s.ariPassword, 'base64url').length, 18);
    assert.match(s.ownerPasswordHash, /^scrypt\$/);
  });

  test('the first-run owner password is returned once, verifies, and is not stored', async () => {
    const pw = first.firstRunOwnerPassword!;
    assert.ok(pw);
    assert.equal(await verifyPassword(pw, first.secrets.ownerPasswordHash), true);
    assert.doesNotMatch(readFileSync(secretsPath(dir), 'utf8'), new RegExp(pw));
  });

  test('nothing is printed or logged while creating or loading (stdout and stderr of a real process)', () => {
    assert.equal(output, '');
  });

  test('the second run reuses the same secrets and has no password to show', async () => {
    assert.deepEqual(second.secrets, first.secrets);
    assert.deepEqual((await loadOrCreateSecrets(dir)).secrets, first.secrets);
    assert.equal(second.firstRunOwnerPassword, undefined);
  });

  test('the generated key pair signs and verifies connect tokens', async () => {
    const { privateJwk, publicJwk, kid } = first.secrets.signingKey;
    const svc = await TokenService.create({ issuer: 'i', audience: 'a', ttlSeconds: 30, privateJwk, publicJwk, kid });
    const { token } = await svc.issue({ role: 'owner', sub: '6000', targets: [], capSeconds: 60 });
    assert.equal((await svc.verifyAndSpend(token)).sub, '6000');
  });

  test('different data dirs get different secrets', async () => {
    const other = await loadOrCreateSecrets(freshDir());
    assert.notEqual(other.secrets.edgeSecret, first.secrets.edgeSecret);
    assert.notDeepEqual(other.secrets.signingKey.privateJwk, first.secrets.signingKey.privateJwk);
  });
});

describe('existing secrets file', () => {
  test('a loosened mode is tightened back to 0600 on load', async () => {
    const dir = freshDir();
    await loadOrCreateSecrets(dir);
    chmodSync(secretsPath(dir), 0o644);
    await loadOrCreateSecrets(dir);
    assert.equal(statSync(secretsPath(dir)).mode & 0o777, 0o600);
  });

  test('writeSecrets (a new owner password) replaces the file atomically, still 0600', async () => {
    const dir = freshDir();
    const { secrets } = await loadOrCreateSecrets(dir);
    chmodSync(secretsPath(dir), 0o644);
    writeSecrets(dir, { ...secrets, ownerPasswordHash: 'scrypt$changed' });
    assert.equal(statSync(secretsPath(dir)).mode & 0o777, 0o600);
    assert.equal((await loadOrCreateSecrets(dir)).secrets.ownerPasswordHash, 'scrypt$changed');
    assert.deepEqual(readdirSync(dir), ['secrets.json']);
  });

  test('a corrupt file stops start-up without quoting its content', async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(secretsPath(dir), '{"edgeSecret": "TOPSECRETVALUE", oops', { mode: 0o600 });
    await assert.rejects(loadOrCreateSecrets(dir), (err: Error) => {
      assert.match(err.message, /not valid JSON/);
      assert.doesNotMatch(err.message, /TOPSECRET/);
      return true;
    });
  });

  test('an incomplete file stops start-up and is not overwritten', async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(secretsPath(dir), JSON.stringify({ version: 1, edgeSecret: 'x' }), { mode: 0o600 });
    await assert.rejects(loadOrCreateSecrets(dir), /incomplete/);
    assert.match(readFileSync(secretsPath(dir), 'utf8'), /"edgeSecret":"x"/);
  });

  test('two first runs at once agree on one set of secrets; only one shows a password', async () => {
    const dir = freshDir();
    const runs = await Promise.all([loadOrCreateSecrets(dir), loadOrCreateSecrets(dir)]);
    assert.deepEqual(runs[0].secrets, runs[1].secrets);
    assert.equal(runs.filter((r) => r.firstRunOwnerPassword).length, 1);
    const pw = runs.find((r) => r.firstRunOwnerPassword)!.firstRunOwnerPassword!;
    const onDisk = JSON.parse(readFileSync(secretsPath(dir), 'utf8'));
    assert.equal(await verifyPassword(pw, onDisk.ownerPasswordHash), true);
  });
});

test('root rewriting a service\'s data dir (sudo npm run owner:password) leaves secrets.json the service user\'s', { skip: process.getuid?.() !== 0 ? 'needs root' : false }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-secrets-owner-'));
  try {
    const data = join(dir, 'homeline');
    const { secrets } = await loadOrCreateSecrets(data);
    // What systemd's StateDirectory with DynamicUser leaves: the dir and its files the service's.
    for (const p of [data, secretsPath(data)]) chownSync(p, 65534, 65534);
    writeSecrets(data, { ...secrets, ownerPasswordHash: secrets.ownerPasswordHash });
    const st = statSync(secretsPath(data));
    assert.deepEqual([st.uid, st.gid, st.mode & 0o777], [65534, 65534, 0o600]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
