// The owner's HTTP routes beyond login and tokens: the session probe the console starts with, the
// do-not-disturb switch (read, and kept across a restart), and Origin checks on login and status.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEdge, ownerLogin, type TestEdge } from '../helpers/edge.ts';

let edge: TestEdge;
const SITE = 'https://www.example.org';
before(async () => { edge = await startEdge({ allowedOrigins: [SITE] }); });
after(async () => { await edge.close(); });

test('/api/owner/session: 200 { owner: false } without a session (no 401 in the console on first load), who the owner is with one', async () => {
  const none = await edge.app.inject({ url: '/api/owner/session' });
  assert.equal(none.statusCode, 200);
  assert.deepEqual(none.json(), { owner: false });
  const forged = await edge.app.inject({ url: '/api/owner/session', headers: { cookie: 'hl_owner=not-a-session' } });
  assert.deepEqual(forged.json(), { owner: false });
  const cookie = await ownerLogin(edge);
  const res = await edge.app.inject({ url: '/api/owner/session', headers: { cookie } });
  assert.equal(res.statusCode, 200);
  // No owner.name in this edge's config: no name (the console does not show one).
  assert.deepEqual(res.json(), { owner: true, extension: edge.config.owner.extension });
  // Even an allowed embedding site cannot read it with the owner's cookie.
  const fromSite = await edge.app.inject({ url: '/api/owner/session', headers: { cookie, origin: SITE } });
  assert.equal(fromSite.statusCode, 403);
  assert.equal(fromSite.json().code, 'HL_ORIGIN_FORBIDDEN');
});

test('GET /api/owner/availability follows the switch with the reason visitors cannot call, and needs the session', async () => {
  const cookie = await ownerLogin(edge);
  assert.equal((await edge.app.inject({ url: '/api/owner/availability' })).statusCode, 401);
  const get = async () => (await edge.app.inject({ url: '/api/owner/availability', headers: { cookie } })).json();
  assert.deepEqual(await get(), { available: true, reason: null });
  await edge.app.inject({ method: 'PUT', url: '/api/owner/availability', payload: { available: false }, headers: { cookie } });
  assert.deepEqual(await get(), { available: false, reason: 'dnd' });
  await edge.app.inject({ method: 'PUT', url: '/api/owner/availability', payload: { available: true }, headers: { cookie } });
  assert.deepEqual(await get(), { available: true, reason: null });
});

test('login from a foreign Origin, even an allowed embedding site, is 403 before the password is checked', async () => {
  for (const origin of ['https://evil.example', SITE]) {
    const res = await edge.app.inject({ method: 'POST', url: '/api/owner/login', payload: { password: edge.ownerPassword }, headers: { origin } });
    assert.equal(res.statusCode, 403, origin);
    assert.equal(res.json().code, 'HL_ORIGIN_FORBIDDEN');
    assert.equal(res.headers['set-cookie'], undefined);
  }
  const own = await edge.app.inject({ method: 'POST', url: '/api/owner/login', payload: { password: edge.ownerPassword }, headers: { origin: edge.url } });
  assert.equal(own.statusCode, 204);
});

/** Every owner route that takes a body or an id, each with input its schema refuses. */
const OWNER_WRITES = [
  { method: 'PUT', url: '/api/owner/availability', payload: { available: 'yes' } },
  { method: 'PUT', url: '/api/owner/hours', payload: { hours: { x: 1 } } },
  { method: 'PUT', url: '/api/owner/phones', payload: {} },
  { method: 'POST', url: '/api/owner/blocks', payload: {} },
  { method: 'DELETE', url: '/api/owner/blocks/zzz' },
  { method: 'PUT', url: '/api/owner/messages/abc/done', payload: {} },
  { method: 'DELETE', url: '/api/owner/callbacks/abc' },
  { method: 'GET', url: '/api/owner/messages/abc/audio' },
  { method: 'PUT', url: '/api/owner/availability', payload: 'x', headers: { 'content-type': 'text/plain' } },
] as const;

test('owner routes refuse who is asking before they look at what is asked: 401 without the session, 403 from another Origin with it, never a 400 that describes the API', async () => {
  const cookie = await ownerLogin(edge);
  for (const r of OWNER_WRITES) {
    const what = `${r.method} ${r.url}`;
    const anon = await edge.app.inject({ ...r, headers: { ...('headers' in r ? r.headers : {}) } });
    assert.equal(anon.statusCode, 401, what);
    assert.equal(anon.json().code, 'HL_NOT_OWNER', what);
    // CSRF: a page elsewhere, the owner's cookie riding along.
    for (const origin of ['https://evil.example', SITE, 'null']) {
      const csrf = await edge.app.inject({ ...r, headers: { ...('headers' in r ? r.headers : {}), cookie, origin } });
      assert.equal(csrf.statusCode, 403, `${what} from ${origin}`);
      assert.equal(csrf.json().code, 'HL_ORIGIN_FORBIDDEN', `${what} from ${origin}`);
    }
    // The owner's own page still gets the specific 400.
    const own = await edge.app.inject({ ...r, headers: { ...('headers' in r ? r.headers : {}), cookie, origin: edge.url } });
    assert.equal(own.statusCode, 400, `${what} from the console`);
  }
  const login = await edge.app.inject({ method: 'POST', url: '/api/owner/login', payload: { password: '' }, headers: { origin: 'https://evil.example' } });
  assert.equal(login.statusCode, 403, 'login from another Origin, whatever the body');
  assert.equal(login.json().code, 'HL_ORIGIN_FORBIDDEN');
});

test('/api/status: 403 HL_ORIGIN_FORBIDDEN to a foreign Origin (readable by it, nothing else), CORS-allowed to an embedding site', async () => {
  const foreign = await edge.app.inject({ url: '/api/status', headers: { origin: 'https://evil.example' } });
  assert.equal(foreign.statusCode, 403);
  assert.equal(foreign.json().code, 'HL_ORIGIN_FORBIDDEN');
  assert.equal(foreign.json().owner, undefined, 'no status in the refusal');
  // The button on the refused site reads the code and tells its owner what to fix.
  assert.equal(foreign.headers['access-control-allow-origin'], 'https://evil.example');
  const site = await edge.app.inject({ url: '/api/status', headers: { origin: SITE } });
  assert.equal(site.statusCode, 200);
  assert.equal(site.headers['access-control-allow-origin'], SITE);
  assert.equal(site.json().owner.reason, 'offline');
  // Cheap to re-ask: a browser may keep the answer a few seconds, never a shared cache, per Origin.
  assert.equal(site.headers['cache-control'], 'private, max-age=5');
  assert.match(String(site.headers.vary), /\bOrigin\b/i);
});

test('/api/status names the owner only when owner.name is set: the widget words an unnamed owner in the page\'s language', async () => {
  const unnamed = (await edge.app.inject({ url: '/api/status' })).json().owner;
  assert.equal('name' in unnamed, false, JSON.stringify(unnamed));
  const named = await startEdge({ owner: { name: 'ada Lovelace' } });
  try {
    assert.equal((await named.app.inject({ url: '/api/status' })).json().owner.name, 'ada Lovelace', 'as configured');
  } finally {
    await named.close();
  }
});

test('do-not-disturb survives a restart of the edge on the same data dir', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'homeline-dnd-'));
  try {
    const first = await startEdge({ dataDir });
    const cookie = await ownerLogin(first);
    await first.app.inject({ method: 'PUT', url: '/api/owner/availability', payload: { available: false }, headers: { cookie } });
    await first.close();
    const second = await startEdge({ dataDir });
    try {
      assert.equal((await second.app.inject({ url: '/api/status' })).json().owner.reason, 'dnd');
      assert.equal(second.app.presence.isAvailable(), false);
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
