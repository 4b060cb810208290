// The edge's own TLS (config.tls), run as `npm start` runs it (server/main.ts in a child process,
// so SIGHUP is a real signal): HTTPS and WSS with a certificate this test makes, HSTS, wss://
// in tokens, and a certificate swapped on SIGHUP while a WebSocket stays open through it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { makeTestCa, type TestCa } from './helpers/certs.ts';
import { httpsRequest } from './helpers/https-client.ts';
import { freePort, repo } from './e2e/support/edge.ts';

let ca: TestCa;
let dataDir: string;
const OWNER_PASSWORD = 'tls test owner password';
let edge: ChildProcess;
let out = '';
let base: string;
let certFile: string;
let keyFile: string;
let firstFingerprint: string;

/** Resolves when the edge's output has `text` `count` times; fails if the edge exits first. */
function outputHas(text: string, count = 1): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (out.split(text).length - 1 >= count) { edge.stdout!.off('data', check); edge.off('exit', exited); resolve(); }
    };
    const exited = () => reject(new Error(`edge exited ${edge.exitCode} before printing ${text}:\n${out}`));
    edge.stdout!.on('data', check);
    edge.once('exit', exited);
    check();
  });
}

before(async () => {
  ca = makeTestCa();
  const first = ca.issue('first');
  firstFingerprint = first.fingerprint256;
  // The edge reads these two paths; the test overwrites them to "renew" the certificate.
  certFile = join(ca.dir, 'live.pem');
  keyFile = join(ca.dir, 'live.key');
  copyFileSync(first.certFile, certFile);
  copyFileSync(first.keyFile, keyFile);
  dataDir = mkdtempSync(join(tmpdir(), 'hl-tls-'));
  // The first-run password is shown only on a terminal: set one, as an owner under systemd would.
  const pw = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/owner-password.ts', '--password', OWNER_PASSWORD], { cwd: repo, env: { ...process.env, HOMELINE_DATA_DIR: dataDir }, encoding: 'utf8' });
  assert.equal(pw.status, 0, pw.stderr);
  const port = await freePort();
  base = `https://127.0.0.1:${port}`;
  // Node itself, not the tsx wrapper, which would die of the SIGHUP instead of passing it on.
  edge = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: repo,
    env: { ...process.env, HOMELINE_DATA_DIR: dataDir, HOMELINE_LOG_LEVEL: 'info', PORT: String(port), HOST: '127.0.0.1', HOMELINE_TLS_CERT: certFile, HOMELINE_TLS_KEY: keyFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  edge.stdout!.on('data', (d) => { out += d; });
  edge.stderr!.on('data', (d) => { out += d; });
  await outputHas('homeline edge ready');
});

after(async () => {
  if (edge && edge.exitCode === null) {
    const exited = new Promise((r) => edge.once('exit', r));
    edge.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
  ca.remove();
});

test('HTTPS with the configured certificate, HSTS on every answer, wss:// in the token', async () => {
  const ready = await httpsRequest(`${base}/readyz`, { ca: ca.ca });
  assert.equal(ready.status, 200);
  assert.equal(ready.fingerprint256, firstFingerprint);
  assert.equal(ready.headers['strict-transport-security'], 'max-age=31536000');
  const tok = await httpsRequest(`${base}/api/visitor/token`, { ca: ca.ca, body: {} });
  assert.equal(tok.status, 200);
  assert.ok(tok.body.wsUrl.startsWith(`wss://127.0.0.1:${new URL(base).port}/sip?token=`), tok.body.wsUrl);
  // The owner console on the edge's own https:// origin may log in; the cookie is Secure.
  const password = OWNER_PASSWORD;
  const login = await httpsRequest(`${base}/api/owner/login`, { ca: ca.ca, body: { password }, headers: { origin: base } });
  assert.equal(login.status, 204);
  assert.match(String(login.headers['set-cookie']), /hl_owner=.*; Secure/);
  const plainOrigin = await httpsRequest(`${base}/api/owner/login`, { ca: ca.ca, body: { password }, headers: { origin: base.replace('https:', 'http:') } });
  assert.equal(plainOrigin.status, 403);
  // A refusal is an HTTPS answer too, and carries the header as well.
  const refused = await httpsRequest(`${base}/api/owner/calls`, { ca: ca.ca });
  assert.equal(refused.status, 401);
  assert.equal(refused.headers['strict-transport-security'], 'max-age=31536000');
});

test('SIGHUP loads the renewed certificate; an open WebSocket stays open; a bad file keeps the old one', async () => {
  const served = (await httpsRequest(`${base}/readyz`, { ca: ca.ca })).fingerprint256;
  const tok = await httpsRequest(`${base}/api/visitor/token`, { ca: ca.ca, body: {} });
  const ws = new WebSocket(tok.body.wsUrl, 'sip', { ca: ca.ca });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  let closed = false;
  ws.once('close', () => { closed = true; });

  const renewed = ca.issue('renewed');
  assert.notEqual(renewed.fingerprint256, served);
  copyFileSync(renewed.certFile, certFile);
  copyFileSync(renewed.keyFile, keyFile);
  edge.kill('SIGHUP');
  await outputHas('TLS certificate reloaded');
  const after = await httpsRequest(`${base}/readyz`, { ca: ca.ca });
  assert.equal(after.status, 200);
  assert.equal(after.fingerprint256, renewed.fingerprint256);

  // The connection made with the old certificate still carries frames both ways.
  assert.equal(ws.readyState, WebSocket.OPEN);
  const pong = new Promise((resolve) => ws.once('pong', resolve));
  ws.ping();
  await pong;
  assert.equal(closed, false);

  // A half-written renewal: the edge says so and keeps serving the certificate it has.
  writeFileSync(certFile, 'not a certificate');
  edge.kill('SIGHUP');
  await outputHas('TLS certificate not reloaded');
  assert.equal((await httpsRequest(`${base}/readyz`, { ca: ca.ca })).fingerprint256, renewed.fingerprint256);
  assert.equal(edge.exitCode, null);
  assert.equal(ws.readyState, WebSocket.OPEN);
  ws.close();
});

test('unreadable or mismatched TLS files stop start-up with one line naming the key', async () => {
  const other = ca.issue('other');
  const run = (cert: string, key: string) => new Promise<{ code: number | null; err: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: repo,
      env: { ...process.env, HOMELINE_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', HOMELINE_TLS_CERT: cert, HOMELINE_TLS_KEY: key },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d) => { err += d; });
    child.once('exit', (code) => resolve({ code, err }));
  });
  const [missing, mismatched] = await Promise.all([
    run(join(ca.dir, 'absent.pem'), keyFile),
    run(other.certFile, ca.issue('stranger').keyFile),
  ]);
  assert.equal(missing.code, 78);
  assert.match(missing.err, /^homeline: tls\.certFile: cannot read .*absent\.pem \(ENOENT\); point it at a readable PEM file \(fix it in homeline\.config\.json or the environment\)\n$/);
  assert.equal(mismatched.code, 78);
  assert.match(mismatched.err, /^homeline: tls\.certFile\/tls\.keyFile: not a usable PEM certificate and matching key \(.+\); check both files \(fix it in homeline\.config\.json or the environment\)\n$/);
  assert.doesNotMatch(mismatched.err, /PRIVATE KEY/);
});
