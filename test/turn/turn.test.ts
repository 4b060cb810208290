// TURN credentials and coturn's configuration, checked against the real coturn: the edge's
// credentials are accepted only as minted and only until they expire, and the rendered
// configuration relays to public peers and the named home address but to no other private one.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeUdpPort } from '../helpers/udp-port.ts';
import { validateConfig } from '../../server/config/load.ts';
import { renderCoturnConfig } from '../../server/turn/coturn-config.ts';
import { turnCredential, turnIceServer } from '../../server/turn/credentials.ts';
import { TurnClient } from '../helpers/turn-client.ts';
import { startEdge, visitorToken } from '../helpers/edge.ts';

const TURNSERVER = '/usr/bin/turnserver';
const SECRET = 'test-turn-secret-0123456789abcdef';
const now = () => Date.now() / 1000;

test('the password is base64(HMAC-SHA1(secret, "<expiry>:<user>")), as openssl computes it', () => {
  const c = turnCredential(SECRET, 'v-AbCdEfGhIjKl', 1_900_000_000, 600);
  assert.equal(c.username, '1900000600:v-AbCdEfGhIjKl');
  assert.equal(c.expiresAt, 1_900_000_600);
  const openssl = execFileSync('openssl', ['dgst', '-sha1', '-hmac', SECRET, '-binary'], { input: c.username });
  assert.equal(c.credential, openssl.toString('base64'));
  assert.throws(() => turnCredential(SECRET, 'a:b', 0, 60), /":"/);
});

test('connect info: TURN credentials never outlive the session the token opens; none when TURN is off', () => {
  const config = validateConfig({ turn: { urls: ['turn:turn.example.org:3478'], ttlSeconds: 3600 }, tokens: { connectSeconds: 30 } });
  const secrets = { turnSecret: SECRET } as never;
  const t0 = 1_900_000_000_000;
  const short = turnIceServer(config, secrets, 'v-x', 120, t0)!;
  assert.deepEqual(short.urls, ['turn:turn.example.org:3478']);
  assert.equal(short.username, `${t0 / 1000 + 30 + 120}:v-x`);
  const long = turnIceServer(config, secrets, 'v-x', 12 * 3600, t0)!;
  assert.equal(long.username, `${t0 / 1000 + 3600}:v-x`);
  assert.equal(turnIceServer(validateConfig({}), secrets, 'v-x', 120, t0), undefined);
});

test('the visitor token answer carries its own TURN credential, named after the visitor', async () => {
  const edge = await startEdge({ turn: { urls: ['turn:127.0.0.1:3478?transport=udp'] } });
  try {
    const a = await visitorToken(edge, { target: 'owner' });
    const b = await visitorToken(edge, { target: 'owner' });
    assert.equal(a.status, 200);
    const visitorId = (uri: string) => /^sip:([^@]+)@/.exec(uri)![1];
    const turnOf = (body: { iceServers: Array<{ urls: string[]; username: string; credential: string }> }) =>
      body.iceServers.find((s) => s.urls.some((u) => u.startsWith('turn:')))!;
    const ta = turnOf(a.body), tb = turnOf(b.body);
    assert.equal(ta.username.split(':')[1], visitorId(a.body.sip.uri));
    assert.notEqual(ta.username, tb.username);
    assert.equal(ta.credential, turnCredential(edge.app.secrets.turnSecret!, ta.username.split(':')[1], Number(ta.username.split(':')[0]) - 1, 1).credential);
    // The secret itself never leaves the edge, not even in its log.
    assert.ok(!JSON.stringify(a.body).includes(edge.app.secrets.turnSecret!));
    assert.ok(!edge.logs.join('').includes(edge.app.secrets.turnSecret!));
  } finally {
    await edge.close();
  }
});

describe('the rendered coturn configuration', () => {
  const config = validateConfig({ turn: { urls: ['turn:turn.example.org:3478?transport=udp'], allowedPeers: ['192.168.1.20'], realm: 'call.example.org' } });
  const text = renderCoturnConfig(config, SECRET);
  const lines = text.split('\n');

  test('accepts only the edge\'s credentials, with the same secret and realm', () => {
    for (const l of ['use-auth-secret', `static-auth-secret=${SECRET}`, 'realm=call.example.org', 'fingerprint', 'no-cli']) assert.ok(lines.includes(l), l);
    assert.ok(!lines.some((l) => /^(lt-cred-mech|no-auth|user=)/.test(l)));
  });

  test('is no open relay: private, loopback, link-local and CGNAT peers refused, the home address allowed', () => {
    assert.ok(lines.includes('no-multicast-peers'));
    for (const range of ['10.0.0.0-10.255.255.255', '172.16.0.0-172.31.255.255', '192.168.0.0-192.168.255.255', '127.0.0.0-127.255.255.255', '169.254.0.0-169.254.255.255', '100.64.0.0-100.127.255.255', 'fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff']) {
      assert.ok(lines.includes(`denied-peer-ip=${range}`), range);
    }
    assert.deepEqual(lines.filter((l) => l.startsWith('allowed-peer-ip=')), ['allowed-peer-ip=192.168.1.20']);
    assert.ok(!lines.some((l) => l.startsWith('allow-loopback-peers')));
  });

  test('UDP relays only, TCP listener only when a URL asks for it, quotas set', () => {
    assert.ok(lines.includes('no-tcp-relay') && lines.includes('no-tcp'));
    const tcp = renderCoturnConfig(validateConfig({ turn: { urls: ['turn:t.example.org:3478?transport=tcp'] } }), SECRET).split('\n');
    assert.ok(tcp.includes('no-tcp-relay') && !tcp.includes('no-tcp'));
    assert.ok(lines.includes('user-quota=8') && lines.includes('total-quota=100'));
  });

  test('refuses what it cannot render safely', () => {
    assert.throws(() => renderCoturnConfig(validateConfig({}), SECRET), /turn.urls is empty/);
    assert.throws(() => renderCoturnConfig(validateConfig({ turn: { urls: ['turns:t.example.org:5349'] } }), SECRET), /TLS/);
    assert.throws(() => renderCoturnConfig(config, 'short'), /16\+ characters/);
    assert.throws(() => validateConfig({ turn: { urls: ['stun:x'] } }), /turn.urls/);
  });
});

test('npm run turn:config writes the configuration with the data dir\'s secret, mode 0600, and prints no secret', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-turncfg-'));
  try {
    const out = join(dir, 'turnserver.conf');
    const env = { ...process.env, HOMELINE_DATA_DIR: join(dir, 'data'), HOMELINE__turn__urls: 'turn:turn.example.org:3478' };
    const printed = execFileSync(process.execPath, ['--import', 'tsx', 'server/cli/turn-config.ts', '--out', out], { env, encoding: 'utf8' });
    const secrets = JSON.parse(readFileSync(join(dir, 'data', 'secrets.json'), 'utf8'));
    assert.ok(secrets.turnSecret.length >= 32);
    assert.ok(readFileSync(out, 'utf8').split('\n').includes(`static-auth-secret=${secrets.turnSecret}`));
    assert.equal(statSync(out).mode & 0o777, 0o600);
    assert.ok(!printed.includes(secrets.turnSecret));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('the real coturn with the rendered configuration', { skip: existsSync(TURNSERVER) ? false : `${TURNSERVER} missing (apt-get install coturn)` }, () => {
  let dir: string;
  let port: number;
  let coturn: ChildProcess;
  let log = '';
  const HOME_MEDIA = '10.1.2.3';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hl-coturn-'));
    port = await freeUdpPort();
    const config = validateConfig({
      turn: {
        urls: [`turn:127.0.0.1:${port}?transport=udp`], allowedPeers: [HOME_MEDIA], listenIps: ['127.0.0.1'], relayIp: '127.0.0.1',
        port, minPort: 40000 + (port % 20000), maxPort: 40000 + (port % 20000) + 20, userQuota: 2,
      },
    });
    // Runtime paths only: where this instance keeps its pid, database and log.
    const runtime = [`pidfile=${join(dir, 'turn.pid')}`, `userdb=${join(dir, 'turndb')}`, 'log-file=stdout', 'simple-log'];
    writeFileSync(join(dir, 'turnserver.conf'), `${renderCoturnConfig(config, SECRET)}\n${runtime.join('\n')}\n`, { mode: 0o600 });
    coturn = spawn(TURNSERVER, ['-c', join(dir, 'turnserver.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    coturn.stdout!.on('data', (d) => { log += d; });
    coturn.stderr!.on('data', (d) => { log += d; });
  });

  after(async () => {
    if (coturn && coturn.exitCode === null) {
      const exited = new Promise((r) => coturn.once('exit', r));
      coturn.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
    // The secret never reaches coturn's log either.
    assert.ok(!log.includes(SECRET), 'coturn logged the secret');
  });

  const client = (username: string, password: string) => new TurnClient('127.0.0.1', port, username, password);

  test('a minted credential allocates a relay; the relay reaches public peers and the home media address only', async () => {
    const c = turnCredential(SECRET, 'v-visitor1', now(), 600);
    const t = client(c.username, c.credential);
    try {
      const alloc = await t.allocate();
      assert.equal(alloc.outcome, 'success', `allocate: ${alloc.reason} ${log}`);
      const pub = await t.createPermission('203.0.113.5');
      assert.equal(pub.outcome, 'success', `${pub.reason} ${log}`);
      assert.equal((await t.createPermission(HOME_MEDIA)).outcome, 'success');
      for (const peer of ['10.1.2.4', '192.168.1.1', '172.16.0.9', '127.0.0.1', '169.254.1.1', '100.64.0.1', '0.1.2.3']) {
        assert.equal((await t.createPermission(peer)).outcome, 403, peer);
      }
    } finally {
      t.close();
    }
  });

  test('a changed password, another secret\'s password and an expired username are refused (401)', async () => {
    const good = turnCredential(SECRET, 'v-visitor2', now(), 600);
    const expired = turnCredential(SECRET, 'v-visitor3', now() - 120, 60);
    const other = turnCredential('another-secret-0123456789abcdef', 'v-visitor4', now(), 600);
    const cases: Array<[string, string, string]> = [
      ['tampered password', good.username, good.credential.replace(/^./, (ch) => (ch === 'A' ? 'B' : 'A'))],
      ['longer validity claimed', good.username.replace(/^\d+/, (e) => String(Number(e) + 3600)), good.credential],
      ['expired', expired.username, expired.credential],
      ['another secret', other.username, other.credential],
    ];
    for (const [what, user, pass] of cases) {
      const t = client(user, pass);
      try {
        assert.equal((await t.allocate()).outcome, 401, what);
      } finally {
        t.close();
      }
    }
  });

  test('user-quota: one visitor\'s credential holds at most turn.userQuota relays', async () => {
    const c = turnCredential(SECRET, 'v-visitor5', now(), 600);
    const clients = [0, 1, 2].map(() => client(c.username, c.credential));
    try {
      assert.equal((await clients[0].allocate()).outcome, 'success');
      assert.equal((await clients[1].allocate()).outcome, 'success');
      assert.equal((await clients[2].allocate()).outcome, 486);
    } finally {
      for (const t of clients) t.close();
    }
  });
});


