// The edge behind a real Caddy, configured with the Caddyfile from docs/deploy-https.md: HTTPS
// with a certificate this test makes, /sip upgraded through it, and per-address limits keyed on
// the address Caddy saw, whatever X-Forwarded-For a client wrote. Clients leave from distinct
// loopback addresses (127.0.0.2, .3), so Caddy and the edge see them as different machines.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { startEdge, type TestEdge } from '../helpers/edge.ts';
import { makeTestCa, type TestCa } from '../helpers/certs.ts';
import { httpsRequest } from '../helpers/https-client.ts';
import { guideCaddyfile, renderGuideCaddyfile, startCaddy, validateCaddyfile, type RunningCaddy } from '../helpers/caddy.ts';
import { freePort } from '../e2e/support/edge.ts';

const A = '127.0.0.2';
const B = '127.0.0.3';

let ca: TestCa;
let edge: TestEdge;
let caddy: RunningCaddy;
let pub: string;
const sockets: WebSocket[] = [];

before(async () => {
  ca = makeTestCa();
  const cert = ca.issue('caddy');
  const httpsPort = await freePort();
  pub = `https://127.0.0.1:${httpsPort}`;
  edge = await startEdge({ publicUrl: pub, trustProxy: ['127.0.0.1'], limits: { tokenPerIpPerMinute: 2, wsPerIp: 1 } });
  caddy = await startCaddy(renderGuideCaddyfile({ httpsPort, edgePort: Number(new URL(edge.url).port), certFile: cert.certFile, keyFile: cert.keyFile }), httpsPort);
});

after(async () => {
  for (const ws of sockets) ws.terminate();
  await caddy?.stop();
  await edge?.close();
  ca?.remove();
});

const viaCaddy = (from: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) =>
  httpsRequest(`${pub}${path}`, { ca: ca.ca, localAddress: from, ...opts });

function openWs(url: string, from: string): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'sip', { ca: ca.ca, localAddress: from });
    ws.once('open', () => { sockets.push(ws); resolve({ ws }); });
    ws.once('unexpected-response', (_req, res) => { res.resume(); resolve({ status: res.statusCode }); });
    ws.once('error', reject);
  });
}

test('the guide\'s Caddyfile, exactly as written, is valid to the real Caddy', () => {
  assert.match(validateCaddyfile(guideCaddyfile()), /Valid configuration/);
});

test('through Caddy: HTTPS, HSTS from the edge, a wss:// token on the public URL', async () => {
  const res = await viaCaddy(A, '/healthz');
  assert.equal(res.status, 200);
  assert.equal(res.headers['strict-transport-security'], 'max-age=31536000', 'Caddy said X-Forwarded-Proto: https and the edge believed it');
  const t = await viaCaddy(A, '/api/visitor/token', { body: {} });
  assert.equal(t.status, 200);
  assert.ok(t.body.wsUrl.startsWith(`wss://127.0.0.1:${new URL(pub).port}/sip?token=`), t.body.wsUrl);
});

test('per-address limits key on the client Caddy saw; a forged X-Forwarded-For through Caddy changes nothing', async () => {
  // A used one token above; one more, then refused, whatever address it claims.
  const second = await viaCaddy(A, '/api/visitor/token', { body: {}, headers: { 'x-forwarded-for': '10.9.9.1' } });
  assert.equal(second.status, 200);
  const third = await viaCaddy(A, '/api/visitor/token', { body: {}, headers: { 'x-forwarded-for': '10.9.9.2' } });
  assert.equal(third.status, 429, 'Caddy replaced the forged header with A\'s address');
  const tokenB = await viaCaddy(B, '/api/visitor/token', { body: {} });
  assert.equal(tokenB.status, 200, 'B behind the same Caddy has its own budget');

  // /sip upgraded through Caddy, one socket per address.
  const a = await openWs(second.body.wsUrl, A);
  assert.ok(a.ws, 'WebSocket upgraded through Caddy');
  const pong = new Promise((resolve) => a.ws!.once('pong', resolve));
  a.ws!.ping();
  await pong;
  assert.ok((await openWs(tokenB.body.wsUrl, B)).ws, 'B is not held to A\'s socket');
  const opened = edge.logs.filter((l) => l.includes('"connection opened"')).map((l) => JSON.parse(l).ip as string);
  assert.deepEqual(opened.sort(), [A, B], 'the edge logs each visitor\'s own address, not Caddy\'s');
});
