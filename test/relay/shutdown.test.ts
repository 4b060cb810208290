// Graceful shutdown: every client hears 1001 "going away" and its upstream channel is closed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEdge, registeredOwner, connectedVisitor } from '../helpers/edge.ts';

test('closing the edge closes each client with 1001 and unregisters the owner tab', async () => {
  const edge = await startEdge();
  const owner = await registeredOwner(edge);
  const visitor = await connectedVisitor(edge);
  assert.equal(edge.app.upstream.ownerOnline(), true);
  const closing = edge.close();
  const [o, v] = await Promise.all([owner.waitClose(), visitor.waitClose()]);
  await closing;
  assert.equal(o.code, 1001);
  assert.equal(v.code, 1001);
  assert.match(v.reason, /shutting down/);
  assert.equal(edge.app.relaySessions.size, 0);
  assert.equal(edge.app.upstream.ownerOnline(), false, 'the binding went with its connection');
});
