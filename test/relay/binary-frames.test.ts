// RFC 7118 §5: SIP over WebSocket may come in binary frames, but it is still UTF-8 text. A binary
// frame that is not valid UTF-8 closes the connection with 1007; a valid one is relayed as text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEdge, connectedVisitor, type TestEdge } from '../helpers/edge.ts';
import { serialize } from '../helpers/raw-ua.ts';

let edge: TestEdge;
before(async () => { edge = await startEdge(); });
after(async () => { await edge.close(); });

test('a binary frame carrying valid UTF-8 SIP is handled like a text frame', async () => {
  const v = await connectedVisitor(edge);
  v.ws.send(Buffer.from(serialize(v.newRequest('OPTIONS', 'sip:owner@home.arpa')), 'utf8'), { binary: true });
  await v.response(200, 'OPTIONS');
  await v.close();
});

test('a binary frame that is not UTF-8 closes the socket with 1007', async () => {
  const v = await connectedVisitor(edge);
  const sip = Buffer.from(serialize(v.newRequest('OPTIONS', 'sip:owner@home.arpa')), 'utf8');
  // A lone continuation byte in the middle of an otherwise good request.
  const bad = Buffer.concat([sip.subarray(0, 10), Buffer.from([0x80]), sip.subarray(10)]);
  v.ws.send(bad, { binary: true });
  assert.deepEqual(await v.waitClose(), { code: 1007, reason: 'frame is not UTF-8 SIP text' });
  assert.deepEqual(v.inbox, []);
});
