// Blocking a caller over HTTP: owner-only, by call id; the blocked address (or network) gets
// 403 HL_BLOCKED for a token and for the message form; lifting the block lets it through. The
// edge sits behind a proxy here, so the address is the X-Forwarded-For one trustProxy believes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEdge, ownerLogin, visitorToken, connectedVisitor, type TestEdge } from '../helpers/edge.ts';
import { RawUa } from '../helpers/raw-ua.ts';

let edge: TestEdge;
let cookie: string;
before(async () => {
  edge = await startEdge({ trustProxy: ['127.0.0.1'], limits: { tokenPerIpPerMinute: 1000 } });
  cookie = await ownerLogin(edge);
});
after(async () => { await edge.close(); });

const token = (ip: string) => edge.app.inject({ method: 'POST', url: '/api/visitor/token', payload: {}, headers: { 'x-forwarded-for': ip } });
const message = (ip: string) => edge.app.inject({ method: 'POST', url: '/api/ivr/message', payload: { name: 'Ann', message: 'hello' }, headers: { 'x-forwarded-for': ip } });
const owner = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, withCookie = true) =>
  edge.app.inject({ method, url, ...(payload ? { payload } : {}), headers: withCookie ? { cookie } : {} });

test('owner-only, with a schema: 401 without the session, 400 on a bad scope or days, 404 for an unknown call', async () => {
  assert.equal((await owner('GET', '/api/owner/blocks', undefined, false)).statusCode, 401);
  assert.equal((await owner('POST', '/api/owner/blocks', { callId: 'x', scope: 'address', days: 1 }, false)).statusCode, 401);
  assert.equal((await owner('DELETE', '/api/owner/blocks/1', undefined, false)).statusCode, 401);
  for (const bad of [{ callId: 'x', scope: 'planet', days: 1 }, { callId: 'x', scope: 'address', days: 0 }, { callId: 'x', scope: 'address', days: 400 }, { scope: 'address', days: 1 }]) {
    const res = await owner('POST', '/api/owner/blocks', bad);
    assert.deepEqual([res.statusCode, res.json().code], [400, 'HL_BAD_REQUEST'], JSON.stringify(bad));
  }
  const unknown = await owner('POST', '/api/owner/blocks', { callId: 'no-such-call', scope: 'address', days: 1 });
  assert.deepEqual([unknown.statusCode, unknown.json().code], [404, 'HL_NOT_FOUND']);
  const gone = await owner('DELETE', '/api/owner/blocks/999');
  assert.deepEqual([gone.statusCode, gone.json().code], [404, 'HL_NOT_FOUND']);
});

test('a blocked address gets 403 HL_BLOCKED for a token and the message form; its neighbours do not; unblocking lets it call', async () => {
  // A call from 198.51.100.23 (behind the proxy), as sip-ws.ts notes it when the call starts.
  edge.app.blocks.noteCall('call-1', '198.51.100.23', Date.now());
  const events: unknown[] = [];
  const off = edge.app.ownerEvents.subscribe((e) => events.push(e));
  const made = await owner('POST', '/api/owner/blocks', { callId: 'call-1', scope: 'address', days: 3 });
  assert.equal(made.statusCode, 201);
  assert.deepEqual(events, [{ type: 'blocks' }]);
  const refused = await token('198.51.100.23');
  assert.deepEqual([refused.statusCode, refused.json().code], [403, 'HL_BLOCKED']);
  assert.equal(refused.json().message, 'Calls from this network are not accepted');
  assert.deepEqual([(await message('198.51.100.23')).statusCode, (await message('198.51.100.23')).json().code], [403, 'HL_BLOCKED']);
  const voice = await edge.app.inject({ method: 'POST', url: '/api/voice-message', payload: Buffer.from('not even audio'), headers: { 'x-forwarded-for': '198.51.100.23', 'content-type': 'audio/webm', 'x-homeline-name': 'Ann' } });
  assert.deepEqual([voice.statusCode, voice.json().code], [403, 'HL_BLOCKED'], 'nor a voice message');
  assert.equal((await token('198.51.100.24')).statusCode, 200, 'another address in the same /24');
  assert.equal((await token('203.0.113.5')).statusCode, 200, 'anyone else');

  const list = (await owner('GET', '/api/owner/blocks')).json().blocks;
  assert.equal(list.length, 1);
  assert.deepEqual([list[0].scope, list[0].callId, list[0].family], ['address', 'call-1', 4]);
  assert.ok(list[0].expiresAt - list[0].createdAt === 3 * 86_400_000);
  assert.ok(!JSON.stringify(list).includes('198.51.100'), 'the console never gets the address');

  assert.equal((await owner('DELETE', `/api/owner/blocks/${list[0].id}`)).statusCode, 204);
  assert.equal((await token('198.51.100.23')).statusCode, 200);
  assert.deepEqual((await owner('GET', '/api/owner/blocks')).json().blocks, []);
  off();
});

test('a network block covers the caller\'s /64 (IPv6) and nothing beyond it', async () => {
  edge.app.blocks.noteCall('call-6', '2001:db8:aa:bb::17', Date.now());
  assert.equal((await owner('POST', '/api/owner/blocks', { callId: 'call-6', scope: 'network', days: 1 })).statusCode, 201);
  assert.equal((await token('2001:db8:aa:bb:1234::1')).json().code, 'HL_BLOCKED');
  assert.equal((await token('2001:db8:aa:bc::17')).statusCode, 200);
});

test('a token fetched before the block does not open a WebSocket after it (403)', async () => {
  const direct = await startEdge();
  try {
    const t = await visitorToken(direct);
    assert.equal(t.status, 200);
    direct.app.blocks.noteCall('call-l', '127.0.0.1', Date.now());
    assert.ok(direct.app.blocks.blockCall('call-l', 'address', 1, Date.now()));
    let status = 101;
    try {
      await (await RawUa.connect(t.body.wsUrl, 'x')).close();
    } catch (err) {
      status = (err as { statusCode?: number }).statusCode ?? -1;
    }
    assert.equal(status, 403);
    assert.match(direct.logs.join(''), /websocket refused: the caller is blocked/);
  } finally {
    await direct.close();
  }
});

test('blocking a caller who is connected right now closes their socket with 4002 HL_BLOCKED; other visitors stay', async () => {
  const direct = await startEdge();
  try {
    const blocked = await connectedVisitor(direct);
    const other = await connectedVisitor(direct);
    // Both come from 127.0.0.1: a block of another address leaves them be, a block of theirs cuts both.
    direct.app.blocks.noteCall('call-elsewhere', '203.0.113.77', Date.now());
    const c = await ownerLogin(direct);
    const elsewhere = await direct.app.inject({ method: 'POST', url: '/api/owner/blocks', payload: { callId: 'call-elsewhere', scope: 'address', days: 1 }, headers: { cookie: c } });
    assert.equal(elsewhere.statusCode, 201);
    assert.equal(blocked.closed, undefined, 'a block of someone else leaves this visitor connected');
    assert.equal(other.closed, undefined);

    direct.app.blocks.noteCall('call-here', '127.0.0.1', Date.now());
    const here = await direct.app.inject({ method: 'POST', url: '/api/owner/blocks', payload: { callId: 'call-here', scope: 'address', days: 1 }, headers: { cookie: c } });
    assert.equal(here.statusCode, 201);
    for (const ua of [blocked, other]) {
      const closed = await ua.waitClose();
      assert.equal(closed.code, 4002);
      assert.match(closed.reason, /^HL_BLOCKED/);
    }
    assert.match(direct.logs.join(''), /"connectionsClosed":2[^0-9].*owner blocked a caller/);
  } finally {
    await direct.close();
  }
});
