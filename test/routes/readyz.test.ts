// /readyz answers anyone whether the edge is ready, but tells only the owner why (issue 10 (8)):
// the upstream's error text and the live counters stay on the machine or behind the owner's
// sign-in. And it costs Asterisk one probe per interval, not one WebSocket per request.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEdge, ownerLogin, type TestEdge } from '../helpers/edge.ts';
import { startFarEnd } from '../helpers/far-end.ts';

const edges: TestEdge[] = [];
after(async () => { for (const e of edges) await e.close(); });

test('a stranger learns only ready or not; loopback and the signed-in owner get the details', async () => {
  const edge = await startEdge();
  edges.push(edge);
  const stranger = await edge.app.inject({ url: '/readyz', remoteAddress: '203.0.113.7' });
  assert.equal(stranger.statusCode, 200);
  assert.deepEqual(stranger.json(), { ready: true });
  const local = await edge.app.inject({ url: '/readyz', remoteAddress: '127.0.0.1' });
  assert.equal(local.json().upstream, 'embedded');
  assert.equal(typeof local.json().connections, 'number');
  const cookie = await ownerLogin(edge);
  const owner = await edge.app.inject({ url: '/readyz', remoteAddress: '203.0.113.7', headers: { cookie } });
  assert.equal(owner.json().upstream, 'embedded');
  assert.ok('checks' in owner.json());
});

test('a stranger asking while the phone system is down gets 503 and no error text', async () => {
  const fe = await startFarEnd({ httpStatus: 500 });
  const edge = await startEdge({ upstream: { kind: 'asterisk', asteriskWsUrl: fe.url } });
  edges.push(edge);
  const stranger = await edge.app.inject({ url: '/readyz', remoteAddress: '203.0.113.7' });
  assert.equal(stranger.statusCode, 503);
  assert.deepEqual(stranger.json(), { ready: false });
  const local = await edge.app.inject({ url: '/readyz', remoteAddress: '127.0.0.1' });
  assert.match(local.json().detail, /Asterisk answered HTTP 500/);
  await fe.close();
});

test('sixty /readyz in a burst open one upstream probe, not sixty', async () => {
  const fe = await startFarEnd('sip');
  const edge = await startEdge({ upstream: { kind: 'asterisk', asteriskWsUrl: fe.url } });
  edges.push(edge);
  const answers = await Promise.all(Array.from({ length: 60 }, () => edge.app.inject({ url: '/readyz', remoteAddress: '127.0.0.1' })));
  assert.ok(answers.every((a) => a.statusCode === 200));
  assert.equal(fe.upgrades(), 1);
  await fe.close();
});
