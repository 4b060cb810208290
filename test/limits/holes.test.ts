// Issue 10, point 9: the smaller holes, each through the real edge. Every test here failed
// before its fix: pings outside the message budget, half-sent upgrades held for a minute, logins
// limited only per address, logout from any Origin, a framable console, an IVR form open to any
// Origin and any number of addresses, tokens carrying every target, a world-readable database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEdge, visitorToken, connectedVisitor, ownerLogin, registeredOwner } from '../helpers/edge.ts';
import { RawUa } from '../helpers/raw-ua.ts';
import { header } from '../../server/sip/message.ts';
import { homelineWarningCode } from '../../contract/codes.ts';
import { validateConfig } from '../../server/config/load.ts';
import { loadOrCreateSecrets } from '../../server/config/secrets.ts';
import { buildApp } from '../../server/app.ts';
import { LoginGuard, LoginBusy } from '../../server/owner/login-guard.ts';

test('ping frames spend the message budget: a ping flood closes the socket with 1008', async () => {
  const edge = await startEdge({ limits: { messagesPerSecond: 5, messageBurst: 10 } });
  try {
    const v = await connectedVisitor(edge);
    try {
      for (let i = 0; i < 200; i++) v.ws.ping();
      const closed = await v.waitClose(30_000);
      assert.equal(closed.code, 1008);
    } finally {
      v.ws.terminate();
    }
  } finally {
    await edge.close();
  }
});

test('a half-sent upgrade request is cut off after limits.headersTimeoutMs', async () => {
  const edge = await startEdge({ limits: { headersTimeoutMs: 500 } });
  const sock = connect(Number(new URL(edge.url).port), '127.0.0.1');
  try {
    let answer = '';
    sock.on('data', (d) => { answer += d.toString(); });
    await new Promise((r) => sock.once('connect', r));
    sock.write('GET /sip?token=x HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n');
    // Node's default (60 s, checked every 30 s) would outlast this wait; the edge's does not.
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('the edge still holds the half-sent request')), 20_000);
      sock.once('close', () => { clearTimeout(t); resolve(); });
    });
    assert.match(answer, /^HTTP\/1\.1 408/);
  } finally {
    sock.destroy();
    await edge.close();
  }
});

test('owner login has an edge-wide budget: many addresses together get 429', async () => {
  const edge = await startEdge({ limits: { loginPerIpPerMinute: 5, loginGlobalPerMinute: 6 } });
  try {
    const statuses: number[] = [];
    const codes: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (let a = 1; a <= 8; a++) {
        const res = await edge.app.inject({ method: 'POST', url: '/api/owner/login', remoteAddress: `127.0.0.${a}`, payload: { password: 'guess' } });
        statuses.push(res.statusCode);
        codes.push(res.json().code);
        if (res.statusCode === 429) assert.ok(Number(res.headers['retry-after']) >= 1);
      }
    }
    const tried = statuses.filter((s) => s === 401).length;
    assert.ok(tried <= 6, `${tried} passwords checked, budget 6`);
    assert.equal(statuses.filter((s) => s === 429).length, 24 - tried);
    assert.ok(codes.includes('HL_RATE_LIMITED'));
  } finally {
    await edge.close();
  }
});

test('the login guard: back-off after repeated failures, and at most N hashes at once with a short queue', async () => {
  let now = 1_000_000;
  const g = new LoginGuard({ perMinute: 100, concurrent: 1, queue: 1, now: () => now });
  for (let i = 0; i < 3; i++) { assert.equal(g.admit(), 0); g.failed(); }
  assert.equal(g.admit(), 0);
  g.failed();
  assert.ok(g.admit() > 0, 'the fourth failure in a row starts the back-off');
  now += 1000;
  assert.equal(g.admit(), 0);
  g.succeeded();
  const gates: Array<() => void> = [];
  const slow = () => g.hashing(() => new Promise<boolean>((r) => gates.push(() => r(true))));
  const first = slow();
  const second = slow();
  await assert.rejects(slow(), LoginBusy);
  assert.equal(gates.length, 1, 'one hash at a time');
  gates[0]();
  await first;
  await new Promise((r) => setImmediate(r));
  assert.equal(gates.length, 2, 'the queued login gets the slot');
  gates[1]();
  assert.equal(await second, true);
});

test('logout refuses a foreign Origin', async () => {
  const edge = await startEdge();
  try {
    const cookie = await ownerLogin(edge);
    const foreign = await fetch(`${edge.url}/api/owner/logout`, { method: 'POST', headers: { cookie, origin: 'https://evil.example' } });
    assert.equal(foreign.status, 403);
    assert.equal((await foreign.json()).code, 'HL_ORIGIN_FORBIDDEN');
    const still = await fetch(`${edge.url}/api/owner/session`, { headers: { cookie } });
    assert.equal((await still.json()).owner, true, 'the session survived the foreign logout');
  } finally {
    await edge.close();
  }
});

test('security headers: the console cannot be framed; the demo page only by the listed sites; the loader stays importable', async () => {
  const web = mkdtempSync(join(tmpdir(), 'hl-web-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'homeline-test-'));
  for (const d of ['owner', 'demo']) mkdirSync(join(web, d));
  writeFileSync(join(web, 'homeline-call.js'), 'export {};');
  writeFileSync(join(web, 'owner/index.html'), '<h1>owner</h1>');
  writeFileSync(join(web, 'demo/index.html'), '<h1>demo</h1>');
  const config = validateConfig({ port: 0, logLevel: 'silent', dataDir, allowedOrigins: ['https://www.example.org'] });
  const { secrets } = await loadOrCreateSecrets(dataDir);
  const app = await buildApp(config, secrets, { webRoot: web });
  try {
    const owner = await app.inject('/owner/');
    assert.equal(owner.statusCode, 200);
    assert.match(String(owner.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.equal(owner.headers['x-frame-options'], 'DENY');
    assert.equal(owner.headers['x-content-type-options'], 'nosniff');
    assert.equal(owner.headers['referrer-policy'], 'no-referrer');
    const demo = await app.inject('/demo/');
    assert.match(String(demo.headers['content-security-policy']), /frame-ancestors 'self' https:\/\/www\.example\.org;/);
    assert.equal(demo.headers['x-frame-options'], undefined);
    const loader = await app.inject('/homeline-call.js');
    assert.equal(loader.headers['access-control-allow-origin'], '*');
    assert.match(String(loader.headers['content-type']), /javascript/);
    assert.equal(loader.headers['x-content-type-options'], 'nosniff');
  } finally {
    await app.close();
    rmSync(web, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('the IVR message form: Origin allow-list and an edge-wide budget over all addresses', async () => {
  const edge = await startEdge({ allowedOrigins: ['https://www.example.org'], limits: { messageFormGlobalPer10Minutes: 2 } });
  try {
    const post = (ip: string, origin?: string) => edge.app.inject({
      method: 'POST', url: '/api/ivr/message', remoteAddress: ip,
      headers: origin ? { origin } : {}, payload: { name: 'Ada', message: 'call me back' },
    });
    const foreign = await post('127.0.0.9', 'https://evil.example');
    assert.equal(foreign.statusCode, 403);
    assert.equal(foreign.json().code, 'HL_ORIGIN_FORBIDDEN');
    assert.equal((await post('127.0.0.1', 'https://www.example.org')).statusCode, 201);
    assert.equal((await post('127.0.0.2')).statusCode, 201);
    const third = await post('127.0.0.3');
    assert.equal(third.statusCode, 429);
    assert.equal(third.json().code, 'HL_RATE_LIMITED');
  } finally {
    await edge.close();
  }
});

test('one target per token: the connection may INVITE only the target it asked for', async () => {
  const edge = await startEdge({ limits: { tokenPerIpPerMinute: 100 } });
  try {
    const owner = await registeredOwner(edge);
    for (const [asked, other] of [['owner', '100'], ['100', 'owner']]) {
      const tok = await visitorToken(edge, { target: asked });
      assert.deepEqual(tok.body.targets.map((t: { user: string }) => t.user), [asked]);
      const v = await RawUa.connect(tok.body.wsUrl, tok.body.sip.uri.slice(4).split('@')[0]);
      v.invite(other);
      const refused = await v.response(403, 'INVITE', 10_000);
      assert.equal(homelineWarningCode(header(refused.msg, 'Warning')), 'HL_TARGET_FORBIDDEN');
      await v.close();
    }
    const plain = await visitorToken(edge);
    assert.deepEqual(plain.body.targets.map((t: { user: string }) => t.user), ['owner'], 'no target asked: the first one');
    await owner.close();
  } finally {
    await edge.close();
  }
});

test('every file in the data dir is 0600 (database, its WAL and SHM, presence, secrets)', async () => {
  const edge = await startEdge();
  try {
    const cookie = await ownerLogin(edge);
    const put = await fetch(`${edge.url}/api/owner/availability`, { method: 'PUT', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ available: false }) });
    assert.equal(put.status, 200);
    const post = await fetch(`${edge.url}/api/ivr/message`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ada', message: 'hello' }) });
    assert.equal(post.status, 201, 'a write, so the WAL exists');
    const dir = edge.config.dataDir;
    const files: string[] = [];
    const walk = (d: string) => { for (const n of readdirSync(d)) { const p = join(d, n); if (statSync(p).isDirectory()) { assert.equal(statSync(p).mode & 0o777, 0o700, p); walk(p); } else files.push(p); } };
    walk(dir);
    for (const name of ['homeline.db', 'homeline.db-wal', 'homeline.db-shm', 'presence.json', 'secrets.json']) {
      assert.ok(files.includes(join(dir, name)), `${name} exists`);
    }
    for (const f of files) assert.equal(statSync(f).mode & 0o777, 0o600, `${f} is ${(statSync(f).mode & 0o777).toString(8)}`);
  } finally {
    await edge.close();
  }
});
