// The edge behind a real nginx, configured with the site from docs/deploy-https.md: HTTPS with a
// certificate this test makes, /sip upgraded through it, and every per-address limit keyed on
// the address nginx saw. Clients leave from distinct loopback addresses (127.0.0.2, .3, .4), so
// nginx and the edge see them as different machines.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { WebSocket } from 'ws';
import { startEdge, type TestEdge } from '../helpers/edge.ts';
import { makeTestCa, type TestCa } from '../helpers/certs.ts';
import { httpsRequest } from '../helpers/https-client.ts';
import { renderGuideSite, startNginx, type RunningNginx } from '../helpers/nginx.ts';
import { freePort } from '../e2e/support/edge.ts';

const A = '127.0.0.2';
const B = '127.0.0.3';
const DIRECT = '127.0.0.4';

let ca: TestCa;
let edge: TestEdge;
let nginx: RunningNginx;
let pub: string;
let httpPort: number;
const sockets: WebSocket[] = [];

before(async () => {
  ca = makeTestCa();
  const cert = ca.issue('nginx');
  const [httpsPort, plainPort] = [await freePort(), await freePort()];
  httpPort = plainPort;
  pub = `https://127.0.0.1:${httpsPort}`;
  edge = await startEdge({
    publicUrl: pub,
    trustProxy: ['127.0.0.1'],
    limits: { tokenPerIpPerMinute: 3, wsPerIp: 2, loginPerIpPerMinute: 2 },
  });
  const site = renderGuideSite({ httpsPort, httpPort, edgePort: Number(new URL(edge.url).port), certFile: cert.certFile, keyFile: cert.keyFile });
  nginx = await startNginx(site, [httpsPort, httpPort]);
});

after(async () => {
  for (const ws of sockets) ws.terminate();
  await nginx?.stop();
  await edge?.close();
  ca?.remove();
});

const viaNginx = (from: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) =>
  httpsRequest(`${pub}${path}`, { ca: ca.ca, localAddress: from, ...opts });

/** The edge directly (plain HTTP, no proxy), from `from`, with whatever headers the client likes. */
function direct(from: string, path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${edge.url}${path}`);
    const req = request(url, { method: 'POST', localAddress: from, agent: false, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
    });
    req.on('error', reject);
    req.end('{}');
  });
}

function openWs(url: string, from: string): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'sip', { ca: ca.ca, localAddress: from });
    ws.once('open', () => { sockets.push(ws); resolve({ ws }); });
    ws.once('unexpected-response', (_req, res) => { res.resume(); resolve({ status: res.statusCode }); });
    ws.once('error', reject);
  });
}

const openedFrom = () => edge.logs.filter((l) => l.includes('"connection opened"')).map((l) => JSON.parse(l).ip as string);

test('through nginx: HTTPS, HSTS, a wss:// token on the public URL, and HTTP redirected to HTTPS', async () => {
  const res = await viaNginx(A, '/healthz');
  assert.equal(res.status, 200);
  assert.equal(res.headers['strict-transport-security'], 'max-age=31536000');
  const redirect = await new Promise<{ status: number; location?: string }>((resolve, reject) => {
    request(`http://127.0.0.1:${httpPort}/owner/`, { agent: false }, (r) => { r.resume(); resolve({ status: r.statusCode!, location: r.headers.location }); })
      .on('error', reject).end();
  });
  assert.equal(redirect.status, 301);
  assert.equal(redirect.location, 'https://127.0.0.1/owner/');
});

test('per-address limits key on the client nginx saw; a forged X-Forwarded-For through nginx changes nothing', async () => {
  // Token route: 3 per minute per address. A uses its three; the fourth is refused even when A
  // claims another address, because nginx replaces the header with the address it saw.
  const tokensA: string[] = [];
  for (let i = 0; i < 3; i++) {
    const t = await viaNginx(A, '/api/visitor/token', { body: {}, headers: { 'x-forwarded-for': `10.9.9.${i}` } });
    assert.equal(t.status, 200);
    assert.ok(t.body.wsUrl.startsWith(`wss://127.0.0.1:${new URL(pub).port}/sip?token=`), t.body.wsUrl);
    tokensA.push(t.body.wsUrl);
  }
  const fourth = await viaNginx(A, '/api/visitor/token', { body: {}, headers: { 'x-forwarded-for': '10.9.9.99' } });
  assert.equal(fourth.status, 429);
  assert.equal(fourth.body.code, 'HL_RATE_LIMITED');
  // B, another machine behind the same nginx, has its own budget.
  const tokenB = await viaNginx(B, '/api/visitor/token', { body: {} });
  assert.equal(tokenB.status, 200);

  // WebSocket /sip upgraded through nginx; 2 open per address.
  assert.ok((await openWs(tokensA[0], A)).ws);
  assert.ok((await openWs(tokensA[1], A)).ws);
  assert.equal((await openWs(tokensA[2], A)).status, 429);
  const b = await openWs(tokenB.body.wsUrl, B);
  assert.ok(b.ws, 'B is not held to A\'s connections');
  // The frames really cross nginx both ways.
  const pong = new Promise((resolve) => b.ws!.once('pong', resolve));
  b.ws!.ping();
  await pong;
  assert.deepEqual(openedFrom().sort(), [A, A, B]);

  // Owner login: 2 tries per minute per address.
  for (let i = 0; i < 2; i++) assert.equal((await viaNginx(A, '/api/owner/login', { body: { password: 'wrong' } })).status, 401);
  assert.equal((await viaNginx(A, '/api/owner/login', { body: { password: 'wrong' } })).status, 429);
  assert.equal((await viaNginx(B, '/api/owner/login', { body: { password: 'wrong' } })).status, 401);
});

test('X-Forwarded-For from anyone but the proxy is ignored: a direct client is counted as itself', async () => {
  // Each request claims a different address; were the header believed, none would hit the limit.
  for (let i = 0; i < 3; i++) assert.equal((await direct(DIRECT, '/api/visitor/token', { 'x-forwarded-for': `10.8.8.${i}` })).status, 200);
  assert.equal((await direct(DIRECT, '/api/visitor/token', { 'x-forwarded-for': '10.8.8.200' })).status, 429);
  // …nor to claim it came over HTTPS: no HSTS on a plain-HTTP answer.
  const plain = await direct('127.0.0.5', '/api/visitor/token', { 'x-forwarded-proto': 'https', 'x-forwarded-for': '10.8.8.201' });
  assert.equal(plain.status, 200);
  assert.equal(plain.headers['strict-transport-security'], undefined);
});
