// The HTTP side of the edge through fastify.inject: what a call button and the owner console
// meet, including every refusal with its code.
import { test, before, after, mock } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import { startEdge, type TestEdge } from '../helpers/edge.ts';

let edge: TestEdge;
const SITE = 'https://www.example.org';
before(async () => { edge = await startEdge({ allowedOrigins: [SITE], limits: { tokenPerIpPerMinute: 100 } }); });
after(async () => { await edge.close(); });

const inject = (opts: InjectOptions) => edge.app.inject(opts);

test('visitor token: a short-lived single connection with everything the widget needs', async () => {
  const res = await inject({ method: 'POST', url: '/api/visitor/token', payload: { target: 'owner', name: 'Ada' }, headers: { origin: SITE } });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['access-control-allow-origin'], SITE);
  const body = res.json();
  assert.match(body.wsUrl, /^ws:\/\/.+\/sip\?token=eyJ/);
  assert.match(body.sip.uri, /^sip:v-[A-Za-z0-9_-]+@home\.arpa$/);
  assert.deepEqual(body.targets.map((t: { user: string }) => t.user), ['owner'], 'one target per token: the one asked for');
  const payload = JSON.parse(Buffer.from(body.token.split('.')[1], 'base64url').toString());
  assert.equal(payload.role, 'visitor');
  assert.ok(payload.exp - payload.iat <= 60);
  assert.ok(body.expiresAt > Date.now() && body.expiresAt <= Date.now() + 60_000);
  assert.equal(body.iceGatheringTimeoutMs, 2000);
});

test('visitor token: the page it was asked from is kept as a path for the call log; a page on another origin is 400 HL_BAD_PAGE', async () => {
  const res = await inject({ method: 'POST', url: '/api/visitor/token', payload: { target: 'owner', page: `${SITE}/pricing?coupon=x#top` }, headers: { origin: SITE } });
  assert.equal(res.statusCode, 200);
  const user = res.json().sip.uri.slice(4).split('@')[0];
  assert.equal(edge.app.visitors.get(user)?.page, '/pricing');
  const foreign = await inject({ method: 'POST', url: '/api/visitor/token', payload: { target: 'owner', page: 'https://evil.example/x' }, headers: { origin: SITE } });
  assert.equal(foreign.statusCode, 400);
  assert.equal(foreign.json().code, 'HL_BAD_PAGE');
  // Without the field the Referer does, when it is on an allowed origin.
  const ref = await inject({ method: 'POST', url: '/api/visitor/token', payload: { target: 'owner' }, headers: { origin: SITE, referer: `${SITE}/contact` } });
  assert.equal(edge.app.visitors.get(ref.json().sip.uri.slice(4).split('@')[0])?.page, '/contact');
});

test('unknown target 400, foreign origin 403 readable only as a refusal, bad body 400', async () => {
  const unknown = await inject({ method: 'POST', url: '/api/visitor/token', payload: { target: '6001' } });
  assert.equal(unknown.statusCode, 400);
  assert.equal(unknown.json().code, 'HL_UNKNOWN_TARGET');
  const foreign = await inject({ method: 'POST', url: '/api/visitor/token', payload: {}, headers: { origin: 'https://evil.example' } });
  assert.equal(foreign.statusCode, 403);
  assert.equal(foreign.json().code, 'HL_ORIGIN_FORBIDDEN');
  assert.equal(foreign.json().token, undefined);
  // The refused page may read the refusal (the widget names the fix), nothing else.
  assert.equal(foreign.headers['access-control-allow-origin'], 'https://evil.example');
  assert.ok(edge.logs.some((l) => /origin refused/.test(l) && l.includes('"origin":"https://evil.example"') && JSON.parse(l).level === 40), 'a warning, with the origin');
  const health = await inject({ method: 'GET', url: '/readyz', headers: { origin: 'https://evil.example' } });
  assert.equal(health.headers['access-control-allow-origin'], undefined);
  const long = await inject({ method: 'POST', url: '/api/visitor/token', payload: { target: 'owner', name: 'x'.repeat(61) } });
  assert.equal(long.statusCode, 400);
  assert.equal(long.json().code, 'HL_BAD_REQUEST');
  // Unknown fields are dropped (Fastify's removeAdditional), never trusted: no role escalation.
  const extra = await inject({ method: 'POST', url: '/api/visitor/token', payload: { target: 'owner', role: 'owner' } });
  assert.equal(JSON.parse(Buffer.from(extra.json().token.split('.')[1], 'base64url').toString()).role, 'visitor');
});

/** Every route a visitor's page may post to, each with a body (or headers) it refuses. */
const VISITOR_WRITES = [
  { url: '/api/visitor/token', payload: { target: 'x'.repeat(40) } },
  { url: '/api/visitor/token', payload: '{"target":', headers: { 'content-type': 'application/json' } },
  { url: '/api/visitor/token', payload: 'x', headers: { 'content-type': 'text/plain' } },
  { url: '/api/ivr/message', payload: { name: 'Ann' } },
  { url: '/api/ivr/message', payload: '{not json', headers: { 'content-type': 'application/json' } },
  { url: '/api/voice-message', payload: 'x', headers: { 'content-type': 'audio/webm' } },
  { url: '/api/owner/token', payload: '{', headers: { 'content-type': 'application/json' } },
] as const;

test('visitor routes refuse a foreign page before they read its body: 403 whatever it sends, the schema told only to allowed sites', async () => {
  for (const r of VISITOR_WRITES) {
    const what = `${r.url} ${JSON.stringify(r.payload)}`;
    const send = (origin: string) => inject({ method: 'POST', url: r.url, payload: r.payload, headers: { ...('headers' in r ? r.headers : {}), origin } });
    for (const origin of ['https://evil.example', 'null']) {
      const foreign = await send(origin);
      assert.equal(foreign.statusCode, 403, `${what} from ${origin}: ${foreign.body}`);
      assert.deepEqual(foreign.json(), { statusCode: 403, code: 'HL_ORIGIN_FORBIDDEN', error: 'Forbidden', message: `Origin ${origin} is not allowed to use this edge` }, what);
      assert.equal(foreign.headers['access-control-allow-origin'], origin, 'the refusal stays readable to the refused page');
    }
    // The owner's token route wants the owner; the visitor routes tell an allowed site what is wrong.
    if (r.url === '/api/owner/token') continue;
    const site = await send(SITE);
    assert.ok([400, 415].includes(site.statusCode), `${what} from the site: ${site.statusCode} ${site.body}`);
    assert.equal(site.headers['access-control-allow-origin'], SITE);
  }
});

test("a body Fastify's parsers refuse gets the edge's codes, never a framework's internal name", async () => {
  // Each from its own address: the message form's budget is 3 per address.
  let n = 0;
  const post = (payload: string, type: string) => inject({ method: 'POST', url: '/api/ivr/message', payload, headers: { origin: SITE, 'content-type': type }, remoteAddress: `127.0.3.${++n}` });
  const cases: [string, string, number, string][] = [
    ['{"name": "Ada", ', 'application/json', 400, 'HL_BAD_REQUEST'],
    ['', 'application/json', 400, 'HL_BAD_REQUEST'],
    ['name=Ada', 'text/csv', 415, 'HL_BODY_TYPE'],
    [JSON.stringify({ name: 'Ada', text: 'x'.repeat(20 * 1024) }), 'application/json', 413, 'HL_BODY_TOO_LARGE'],
  ];
  for (const [payload, type, status, code] of cases) {
    const res = await post(payload, type);
    const what = `${type} ${payload.slice(0, 20)}…`;
    assert.equal(res.statusCode, status, `${what}: ${res.body.slice(0, 200)}`);
    assert.equal(res.json().code, code, what);
    assert.ok(res.json().message.length > 0, 'says what is wrong');
  }
});

test('token route over its per-address limit: 429 with Retry-After and retryAfterSeconds', async () => {
  const fresh = await startEdge({ limits: { tokenPerIpPerMinute: 2 } });
  // The clock stands still, so the whole 60 s window is still to wait when the limit is hit.
  mock.timers.enable({ apis: ['Date'], now: Date.now() });
  try {
    for (let i = 0; i < 2; i++) assert.equal((await fresh.app.inject({ method: 'POST', url: '/api/visitor/token', payload: {} })).statusCode, 200);
    const limited = await fresh.app.inject({ method: 'POST', url: '/api/visitor/token', payload: {} });
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().code, 'HL_RATE_LIMITED');
    assert.equal(limited.headers['retry-after'], '60');
    assert.equal(limited.json().retryAfterSeconds, 60);
  } finally {
    mock.timers.reset();
    await fresh.close();
  }
});

test('the edge-wide token budget answers 429 too, whoever asks', async () => {
  const fresh = await startEdge({ limits: { tokenGlobalPerMinute: 1, tokenPerIpPerMinute: 100 } });
  mock.timers.enable({ apis: ['Date'], now: Date.now() });
  try {
    assert.equal((await fresh.app.inject({ method: 'POST', url: '/api/visitor/token', payload: {}, remoteAddress: '127.0.0.2' })).statusCode, 200);
    const second = await fresh.app.inject({ method: 'POST', url: '/api/visitor/token', payload: {}, remoteAddress: '127.0.0.3' });
    assert.equal(second.statusCode, 429);
    assert.equal(second.json().code, 'HL_RATE_LIMITED');
    assert.equal(second.headers['retry-after'], '60');
    assert.equal(second.json().retryAfterSeconds, 60);
  } finally {
    mock.timers.reset();
    await fresh.close();
  }
});

test('owner: wrong password 401, right one an HttpOnly SameSite=Strict session; owner routes need it', async () => {
  assert.equal((await inject({ method: 'POST', url: '/api/owner/token' })).json().code, 'HL_NOT_OWNER');
  const wrong = await inject({ method: 'POST', url: '/api/owner/login', payload: { password: 'nope' } });
  assert.equal(wrong.statusCode, 401);
  assert.equal(wrong.json().code, 'HL_BAD_PASSWORD');
  const ok = await inject({ method: 'POST', url: '/api/owner/login', payload: { password: edge.ownerPassword } });
  assert.equal(ok.statusCode, 204);
  const setCookie = String(ok.headers['set-cookie']);
  assert.match(setCookie, /hl_owner=[^;]+; .*HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);
  const cookie = setCookie.split(';')[0];
  const token = await inject({ method: 'POST', url: '/api/owner/token', headers: { cookie } });
  assert.equal(token.statusCode, 200);
  assert.equal(token.json().sip.uri, 'sip:6000@home.arpa');
  // An allowed third-party site may embed the button, but never act as the owner.
  const fromSite = await inject({ method: 'POST', url: '/api/owner/token', headers: { cookie, origin: SITE } });
  assert.equal(fromSite.statusCode, 403);

  assert.deepEqual((await inject({ method: 'PUT', url: '/api/owner/availability', payload: { available: false }, headers: { cookie } })).json(), { available: false, reason: 'dnd' });
  assert.equal((await inject({ url: '/api/status' })).json().owner.reason, 'dnd');
  await inject({ method: 'PUT', url: '/api/owner/availability', payload: { available: true }, headers: { cookie } });
  assert.equal((await inject({ url: '/api/status' })).json().owner.reason, 'offline', 'no owner tab is registered');
  // The call log, newest first, every column as stored.
  edge.app.callLog.started({ id: 'c-old', startedAt: 1_000, visitor: 'v-a', name: 'Ada', message: 'hi', target: 'owner' });
  edge.app.callLog.answered('c-old', 2_000);
  edge.app.callLog.ended('c-old', 5_000, 'answered');
  edge.app.callLog.started({ id: 'c-new', startedAt: 9_000, visitor: 'v-b', target: 'owner', page: '/pricing' });
  edge.app.callLog.ended('c-new', 9_500, 'declined');
  assert.deepEqual((await inject({ url: '/api/owner/calls', headers: { cookie } })).json().calls, [
    { id: 'c-new', startedAt: 9_000, visitor: 'v-b', caller: null, name: null, message: null, target: 'owner', answeredAt: null, endedAt: 9_500, outcome: 'declined', page: '/pricing', reason: null },
    { id: 'c-old', startedAt: 1_000, visitor: 'v-a', caller: null, name: 'Ada', message: 'hi', target: 'owner', answeredAt: 2_000, endedAt: 5_000, outcome: 'answered', page: null, reason: null },
  ]);
  assert.equal((await inject({ url: '/api/owner/calls' })).statusCode, 401);

  await inject({ method: 'POST', url: '/api/owner/logout', headers: { cookie } });
  assert.equal((await inject({ method: 'POST', url: '/api/owner/token', headers: { cookie } })).statusCode, 401);
});

test('health and readiness', async () => {
  assert.deepEqual((await inject({ url: '/healthz' })).json(), { ok: true });
  const ready = await inject({ url: '/readyz' });
  assert.equal(ready.statusCode, 200);
  assert.equal(ready.json().upstream, 'embedded');
  // No Asterisk, no ARI: nothing to self-check, only the upstream is listed.
  assert.deepEqual(Object.keys(ready.json().checks), ['upstream']);
  assert.equal(ready.json().checks.upstream.ok, true);
});

test('CORS preflight for the token route: refused with the code off the list, full headers on it', async () => {
  const pre = (origin: string) => inject({
    method: 'OPTIONS', url: '/api/visitor/token',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
  const foreign = await pre('https://evil.example');
  assert.equal(foreign.statusCode, 403);
  assert.equal(foreign.json().code, 'HL_ORIGIN_FORBIDDEN');
  assert.equal(foreign.headers['access-control-allow-origin'], undefined);
  assert.ok(edge.logs.some((l) => /origin refused/.test(l) && l.includes('https://evil.example')));
  const site = await pre(SITE);
  assert.equal(site.statusCode, 204);
  assert.equal(site.headers['access-control-allow-origin'], SITE);
  assert.match(String(site.headers['access-control-allow-methods']), /POST/);
  assert.match(String(site.headers['access-control-allow-headers']), /content-type/i);
  assert.equal(site.headers['access-control-max-age'], '600');
});

test('a path the edge does not serve is 404 HL_NOT_FOUND like every other refusal, naming the path without its query', async () => {
  for (const url of ['/nope', '/api/owner/nope', '/..%2fpackage.json', '/api/..%2f..%2fsecrets.json', '/sip/x?token=eyJsecret']) {
    const res = await inject({ url });
    assert.equal(res.statusCode, 404, url);
    assert.equal(res.json().code, 'HL_NOT_FOUND', url);
    assert.doesNotMatch(res.body, /eyJsecret/);
  }
  const post = await inject({ method: 'POST', url: '/api/nope', payload: {} });
  assert.deepEqual(post.json(), { statusCode: 404, code: 'HL_NOT_FOUND', error: 'Not Found', message: 'No such route: POST /api/nope' });
});

test('a typed message is logged when stored (its id, whether a callback is wanted), without what the visitor wrote', async () => {
  const res = await inject({ method: 'POST', url: '/api/ivr/message', headers: { origin: SITE }, payload: { name: 'Grace Private', number: '+44 20 7946 0001', message: 'secret-ish words' } });
  assert.equal(res.statusCode, 201);
  const line = edge.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'visitor message stored' && l.id === res.json().id);
  assert.ok(line, 'logged with the id the visitor got');
  assert.equal(line.callback, true);
  assert.equal(line.level, 30);
  assert.doesNotMatch(JSON.stringify(line), /Grace Private|7946|secret-ish/);
});

test('a first start says it created the message store; "upgraded" is kept for a data dir that had an older one', () => {
  const lines = edge.logs.map((l) => JSON.parse(l)).filter((l) => /^message store /.test(l.msg));
  assert.deepEqual(lines.map((l) => [l.msg, l.from, l.to]), [['message store created', 0, 2]]);
});
